package storetest

import (
	"context"
	"fmt"
	"testing"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testBylines: an article credits several people in order, users and a
// guest without a login; each finds it among their articles; the guest
// is made once and found by slug; an unknown user is refused.
func testBylines(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	owner := MustCreateUser(t, db, "owner", communique.RoleEditor)
	ann := MustCreateUser(t, db, "ann", communique.RoleAuthor)
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)
	svc := newsroom.New(db)
	a := &communique.Article{Title: "Joint work", Source: "Text.", AuthorID: owner.ID, Status: communique.StatusPublished,
		Bylines: []communique.Byline{{UserID: bob.ID}, {Name: "Jo Freelance"}, {UserID: ann.ID}, {UserID: bob.ID}}}
	if err := svc.Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	solo := MustCreateArticle(t, db, owner, "Owner alone", "Text.")
	got, err := db.FindArticleByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(bylineNames(got)); s != "[Bob/bob Jo Freelance/jo-freelance Ann/ann]" {
		t.Fatalf("bylines = %s, want Bob, Jo Freelance, Ann in order, each once", s)
	}
	guest, err := db.FindGuestAuthorBySlug(ctx, "jo-freelance")
	if err != nil || guest.Name != "Jo Freelance" || got.Bylines[1].GuestID != guest.ID {
		t.Fatalf("guest = %+v, %v", guest, err)
	}
	credited := func(f communique.ArticleFilter) string {
		t.Helper()
		list, total, err := db.FindArticles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, x := range list {
			titles = append(titles, x.Title)
		}
		return fmt.Sprint(total, titles)
	}
	for _, tc := range []struct {
		name string
		f    communique.ArticleFilter
		want string
	}{
		{"CoAuthor", communique.ArticleFilter{BylineUserID: &bob.ID}, "1 [Joint work]"},
		{"OwnerNotCredited", communique.ArticleFilter{BylineUserID: &owner.ID}, "1 [Owner alone]"},
		{"Guest", communique.ArticleFilter{BylineGuestID: &guest.ID}, "1 [Joint work]"},
	} {
		if got := credited(tc.f); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}

	// A second article credits the same guest by name: no second guest.
	b := &communique.Article{Title: "Guest again", Source: "Text.", AuthorID: owner.ID, Status: communique.StatusPublished,
		Bylines: []communique.Byline{{Name: "  Jo Freelance "}}}
	if err := svc.Create(ctx, newsroom.System, b, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := credited(communique.ArticleFilter{BylineGuestID: &guest.ID}); got != "2 [Guest again Joint work]" {
		t.Errorf("the guest's articles: %s", got)
	}

	// Clearing the bylines credits the author alone; an unknown user is
	// refused and changes nothing.
	none := []communique.Byline{}
	if _, err := svc.Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Bylines: &none}); err != nil {
		t.Fatal(err)
	}
	if got := credited(communique.ArticleFilter{BylineUserID: &owner.ID}); got != "2 [Owner alone Joint work]" && got != "2 [Joint work Owner alone]" {
		t.Errorf("after clearing, the owner's articles: %s", got)
	}
	bad := []communique.Byline{{UserID: ann.ID}, {UserID: 987654}}
	_, err = svc.Update(ctx, newsroom.System, solo.ID, communique.ArticleUpdate{Bylines: &bad})
	wantCode(t, err, communique.EINVALID)
	if got, _ := db.FindArticleByID(ctx, solo.ID); len(got.Bylines) != 0 {
		t.Errorf("a refused save stored bylines: %v", bylineNames(got))
	}
}

func bylineNames(a *communique.Article) []string {
	var out []string
	for _, b := range a.Bylines {
		out = append(out, b.Name+"/"+b.Slug)
	}
	return out
}
