package storetest

import (
	"context"
	"testing"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testLanguages: the site's language under both its names, a newsroom
// member's own language and an article's, each kept and refused when it
// is no BCP 47 tag.
func testLanguages(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	if err := db.SetSetting(ctx, "site_language", "fr-CA"); err != nil {
		t.Fatal(err)
	}
	values, _ := db.Settings(ctx)
	if got := communique.ParseSettings(values).Language; got != "fr-CA" {
		t.Fatalf("site_language wrote %q", got)
	}
	// The alias writes "language" (and search follows it); it is never a
	// key of its own.
	for key := range values {
		if key == "site_language" {
			t.Fatalf("the alias is stored beside the setting it names: %v", values)
		}
	}
	if err := db.SetSetting(ctx, "site_language", "not a tag!"); communique.ErrorCode(err) != communique.EINVALID {
		t.Fatalf("a bad site_language: %v", err)
	}

	u := MustCreateUser(t, db, "polyglot", communique.RoleEditor)
	ar := "ar"
	if _, err := db.UpdateUser(ctx, u.ID, communique.UserUpdate{Language: &ar}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindUserByID(ctx, u.ID); got.Language != "ar" {
		t.Fatalf("user language %q", got.Language)
	}
	bad := "x y"
	if _, err := db.UpdateUser(ctx, u.ID, communique.UserUpdate{Language: &bad}); communique.ErrorCode(err) != communique.EINVALID {
		t.Fatalf("a bad user language: %v", err)
	}

	a := &communique.Article{Title: "Bonjour", Source: "Texte.", AuthorID: u.ID, Status: communique.StatusDraft, Lang: "fr"}
	svc := newsroom.New(db)
	if err := svc.Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindArticleByID(ctx, a.ID); got.Lang != "fr" {
		t.Fatalf("article lang %q", got.Lang)
	}
	de := "de-AT"
	if _, err := svc.Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Lang: &de}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindArticleByID(ctx, a.ID); got.Lang != "de-AT" {
		t.Fatalf("article lang after update %q", got.Lang)
	}
	worse := "<script>"
	if _, err := svc.Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Lang: &worse}); communique.ErrorCode(err) != communique.EINVALID {
		t.Fatalf("a bad article lang: %v", err)
	}
}
