package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"communique"
	"communique/sqlstore"
)

// testUniqueEmail: one email address is one account, whatever its case,
// on creation, on change and under concurrent creation (the unique index
// on LOWER(email) settles a race the check cannot).
func testUniqueEmail(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	ada := MustCreateUser(t, db, "ada", communique.RoleAdministrator)
	t.Run("ErrCreateTaken", func(t *testing.T) {
		err := db.CreateUser(ctx, &communique.User{Login: "eve", Email: "ADA@Example.COM", Role: communique.RoleAuthor})
		wantCode(t, err, communique.ECONFLICT)
		if !strings.Contains(communique.ErrorMessage(err), "email") {
			t.Errorf("message %q does not name the email address", communique.ErrorMessage(err))
		}
		if n, _ := db.CountUsers(ctx, ""); n != 1 {
			t.Errorf("%d users, want 1", n)
		}
	})
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)
	t.Run("ErrChangeTaken", func(t *testing.T) {
		taken := " Ada@example.com "
		_, err := db.UpdateUser(ctx, bob.ID, communique.UserUpdate{Email: &taken})
		wantCode(t, err, communique.ECONFLICT)
		if got, _ := db.FindUserByID(ctx, bob.ID); got.Email != "bob@example.com" {
			t.Errorf("bob's email is now %q", got.Email)
		}
	})
	t.Run("OwnAddressInAnotherCase", func(t *testing.T) {
		upper := "ADA@EXAMPLE.COM"
		if _, err := db.UpdateUser(ctx, ada.ID, communique.UserUpdate{Email: &upper}); err != nil {
			t.Fatal(err)
		}
		lower := "ada@example.com"
		found, err := db.FindUsers(ctx, communique.UserFilter{Email: &lower})
		if err != nil || len(found) != 1 || found[0].ID != ada.ID {
			t.Errorf("by email: %v, %v", found, err)
		}
	})
	t.Run("Import", func(t *testing.T) {
		// An export whose author has an address another account has here:
		// the author is imported with a placeholder, the account keeps it.
		doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example.com</wp:base_site_url>
<wp:author><wp:author_id>7</wp:author_id><wp:author_login>ann</wp:author_login><wp:author_email>Ada@Example.com</wp:author_email></wp:author>
</channel></rss>`
		sum := importFixture(t, db, doc)
		login := "ann"
		ann, err := db.FindUsers(ctx, communique.UserFilter{Login: &login})
		if err != nil || len(ann) != 1 || ann[0].Email != "ann@imported.invalid" {
			t.Fatalf("imported ann = %v, %v\n%s", ann, err, sum)
		}
		if got, _ := db.FindUserByID(ctx, ada.ID); !strings.EqualFold(got.Email, "ada@example.com") {
			t.Errorf("ada's address is now %q", got.Email)
		}
	})
	t.Run("ConcurrentCreation", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				email := "Shared@Example.com"
				if i%2 == 1 {
					email = strings.ToLower(email)
				}
				errs[i] = db.CreateUser(ctx, &communique.User{Login: fmt.Sprintf("racer%d", i), Email: email, Role: communique.RoleAuthor})
			}()
		}
		wg.Wait()
		created := 0
		for _, err := range errs {
			switch communique.ErrorCode(err) {
			case "":
				created++
			case communique.ECONFLICT:
			default:
				t.Errorf("creation: %v", err)
			}
		}
		shared := "shared@example.com"
		found, _ := db.FindUsers(ctx, communique.UserFilter{Email: &shared})
		if created != 1 || len(found) != 1 {
			t.Errorf("%d created, %d found with the address; want one", created, len(found))
		}
	})
}
