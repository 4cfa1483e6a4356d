package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// testAppPasswords covers application passwords: made, listed newest
// first, used, revoked one by one (only by their owner), capped per user,
// and gone with their user.
func testAppPasswords(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	ada := MustCreateUser(t, db, "ada", communique.RoleEditor)
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)

	phone := &communique.AppPassword{UserID: ada.ID, Name: "  Phone app ", Hash: "$argon2id$phone"}
	if err := db.CreateAppPassword(ctx, phone); err != nil {
		t.Fatal(err)
	}
	if phone.ID == 0 || phone.Name != "Phone app" || !phone.CreatedAt.Equal(now) {
		t.Fatalf("created = %+v", phone)
	}
	set(now.Add(time.Minute))
	script := &communique.AppPassword{UserID: ada.ID, Name: "Backup script", Hash: "$argon2id$script"}
	if err := db.CreateAppPassword(ctx, script); err != nil {
		t.Fatal(err)
	}
	bobs := &communique.AppPassword{UserID: bob.ID, Name: "Phone app", Hash: "$argon2id$bob"}
	if err := db.CreateAppPassword(ctx, bobs); err != nil {
		t.Fatal(err)
	}

	list, err := db.FindAppPasswords(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != script.ID || list[1].ID != phone.ID {
		t.Fatalf("ada's passwords = %+v, want the script's then the phone's", list)
	}
	if got := list[1]; got.Hash != "$argon2id$phone" || got.UserID != ada.ID || !got.LastUsedAt.IsZero() || got.LastIP != "" {
		t.Fatalf("unused password = %+v", got)
	}

	t.Run("Touch", func(t *testing.T) {
		set(now.Add(time.Hour))
		if err := db.TouchAppPassword(ctx, phone.ID, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		list, _ := db.FindAppPasswords(ctx, ada.ID)
		if got := list[1]; !got.LastUsedAt.Equal(now.Add(time.Hour)) || got.LastIP != "192.0.2.7" {
			t.Fatalf("after use = %+v", got)
		}
		wantCode(t, db.TouchAppPassword(ctx, 999999, "192.0.2.7"), communique.ENOTFOUND)
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for _, p := range []*communique.AppPassword{
			{UserID: ada.ID, Name: "   ", Hash: "h"},
			{UserID: ada.ID, Name: "two\nlines", Hash: "h"},
			{UserID: ada.ID, Name: strings.Repeat("x", communique.MaxAppPasswordName+1), Hash: "h"},
			{UserID: ada.ID, Name: "no hash"},
		} {
			wantCode(t, db.CreateAppPassword(ctx, p), communique.EINVALID)
		}
		wantCode(t, db.CreateAppPassword(ctx, &communique.AppPassword{UserID: 999999, Name: "ghost", Hash: "h"}), communique.ENOTFOUND)
	})

	t.Run("RevokeOnlyOwn", func(t *testing.T) {
		// Bob cannot revoke Ada's password by guessing its number.
		wantCode(t, db.DeleteAppPassword(ctx, bob.ID, phone.ID), communique.ENOTFOUND)
		if err := db.DeleteAppPassword(ctx, ada.ID, phone.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.DeleteAppPassword(ctx, ada.ID, phone.ID), communique.ENOTFOUND)
		list, _ := db.FindAppPasswords(ctx, ada.ID)
		if len(list) != 1 || list[0].ID != script.ID {
			t.Fatalf("after revoking the phone's: %+v", list)
		}
		if list, _ := db.FindAppPasswords(ctx, bob.ID); len(list) != 1 {
			t.Fatalf("bob's passwords = %d, want 1", len(list))
		}
	})

	t.Run("ErrTooMany", func(t *testing.T) {
		cy := MustCreateUser(t, db, "cy", communique.RoleSubscriber)
		for i := 0; i < communique.MaxAppPasswords; i++ {
			if err := db.CreateAppPassword(ctx, &communique.AppPassword{UserID: cy.ID, Name: "p", Hash: "h"}); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, db.CreateAppPassword(ctx, &communique.AppPassword{UserID: cy.ID, Name: "one more", Hash: "h"}), communique.EINVALID)
	})

	t.Run("GoneWithUser", func(t *testing.T) {
		if err := db.DeleteUser(ctx, bob.ID, ada.ID); err != nil {
			t.Fatal(err)
		}
		if list, err := db.FindAppPasswords(ctx, bob.ID); err != nil || len(list) != 0 {
			t.Fatalf("deleted user's passwords = %v, %v", list, err)
		}
	})
}
