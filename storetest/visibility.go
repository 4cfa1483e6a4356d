package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testPrivateAndProtected checks private and password-protected articles
// (issue 22, item 7) through the article service on the store: who may
// make them, what is stored, and which public lists leave them out.
func testPrivateAndProtected(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	fixedClock(db, now)
	svc := newsroom.New(db)
	editor := MustCreateUser(t, db, "pat", communique.RoleEditor)
	author := MustCreateUser(t, db, "ann", communique.RoleAuthor)
	other := MustCreateUser(t, db, "otto", communique.RoleAuthor)
	contrib := MustCreateUser(t, db, "cora", communique.RoleContributor)

	// A contributor may not make an article private (publish_posts).
	draft := &communique.Article{Title: "Cora's", Source: "x", AuthorID: contrib.ID}
	if err := svc.Create(ctx, newsroom.As(contrib), draft, nil, nil); err != nil {
		t.Fatal(err)
	}
	private := communique.StatusPrivate
	_, err := svc.Update(ctx, newsroom.As(contrib), draft.ID, communique.ArticleUpdate{Status: &private})
	wantCode(t, err, communique.EFORBIDDEN)

	// An author may; private has a date and never a password.
	secret := "hunter2"
	priv := &communique.Article{Title: "Board minutes", Source: "The board met about tidewater.", AuthorID: author.ID,
		Status: communique.StatusPrivate, Password: "dropped"}
	if err := svc.Create(ctx, newsroom.As(author), priv, nil, nil); err != nil {
		t.Fatal(err)
	}
	if priv.Status != communique.StatusPrivate || !priv.PublishedAt.Equal(now) || priv.Password != "" || priv.IsPublic(now) {
		t.Fatalf("private = %+v", priv)
	}
	for _, c := range []struct {
		u    *communique.User
		want bool
	}{{editor, true}, {author, true}, {other, false}, {contrib, false}, {nil, false}} {
		if got := communique.Can(c.u, communique.ActionReadPrivate, priv); got != c.want {
			t.Errorf("%v may read private = %v, want %v", c.u, got, c.want)
		}
	}
	// Contributors may not edit a private article, as a published one.
	if communique.Can(contrib, communique.ActionEditArticle, &communique.Article{AuthorID: contrib.ID, Status: communique.StatusPrivate}) {
		t.Error("a contributor may edit their private article")
	}

	prot := &communique.Article{Title: "Protected tidewater", Source: "The tidewater plan, for subscribers.", AuthorID: editor.ID,
		Status: communique.StatusPublished, Password: secret}
	if err := svc.Create(ctx, newsroom.As(editor), prot, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindArticleByID(ctx, prot.ID)
	if err != nil || got.Password != secret || !got.Protected() || !got.IsPublic(now) || !got.Unlocks(secret) || got.Unlocks("hunter") || got.Unlocks("") {
		t.Fatalf("protected = %+v, %v", got, err)
	}
	open := MustCreateArticle(t, db, editor, "Open tidewater", "The tidewater plan for all.")

	// Readers' lists keep to published articles: private is not one.
	list, _, err := db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{communique.StatusPublished}, Limit: 10})
	if err != nil || len(list) != 2 {
		t.Fatalf("published = %v, %v; want the protected and the open one", articleTitles(list), err)
	}
	// An author sees their own private work in the newsroom, not others'.
	f := communique.ArticleFilter{Limit: 10}
	f.VisibleTo(other)
	list, _, _ = db.FindArticles(ctx, f)
	if strings.Contains(articleTitles(list), "Board minutes") {
		t.Errorf("another author sees %v", articleTitles(list))
	}
	f = communique.ArticleFilter{Limit: 10}
	f.VisibleTo(author)
	if list, _, _ = db.FindArticles(ctx, f); !strings.Contains(articleTitles(list), "Board minutes") {
		t.Errorf("the author sees %v", articleTitles(list))
	}
	// The private list orders by date like the published one.
	list, _, err = db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{communique.StatusPrivate}, Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != priv.ID {
		t.Errorf("private list = %v, %v", articleTitles(list), err)
	}

	// A reader's search by words leaves protected articles out.
	list, _, err = db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{communique.StatusPublished}, Search: "tidewater", WithoutPassword: true, Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != open.ID {
		t.Errorf("search without password = %v, %v", articleTitles(list), err)
	}

	// Search and sitemaps: neither private nor protected.
	hits, _, err := db.SearchArticles(ctx, communique.SearchFilter{Query: "tidewater", Limit: 10})
	if err != nil || len(hits) != 1 || hits[0].Article.ID != open.ID {
		var ids []int64
		for _, h := range hits {
			ids = append(ids, h.Article.ID)
		}
		t.Errorf("search = %v, %v; want only %d", ids, err, open.ID)
	}
	refs, err := db.FindArticleRefs(ctx, communique.ArticleRefFilter{Type: communique.TypePost})
	if err != nil || len(refs) != 1 || refs[0].ID != open.ID {
		t.Errorf("sitemap refs = %v, %v", refs, err)
	}
	chunks, err := db.ArticleRefChunks(ctx, communique.TypePost, 100)
	if err != nil || len(chunks) != 1 || chunks[0].Count != 1 {
		t.Errorf("sitemap chunks = %+v, %v", chunks, err)
	}

	// Comments under a protected article are in no list for readers.
	for _, on := range []*communique.Article{prot, open} {
		c := &communique.Comment{ArticleID: on.ID, AuthorName: "Ann", Text: "Hm", HTML: "<p>Hm</p>", Status: communique.CommentApproved, CreatedAt: now}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	comments, _, err := db.FindComments(ctx, communique.CommentFilter{PublishedOnly: true, Limit: 10})
	if err != nil || len(comments) != 1 || comments[0].ArticleID != open.ID {
		t.Errorf("readers' comments = %d, %v; want the open article's only", len(comments), err)
	}

	// The password changes and goes through the service; too long is refused.
	empty := ""
	if after, err := svc.Update(ctx, newsroom.As(editor), prot.ID, communique.ArticleUpdate{Password: &empty}); err != nil || after.Protected() {
		t.Fatalf("remove password = %+v, %v", after, err)
	}
	long := strings.Repeat("p", communique.MaxPasswordLength+1)
	_, err = svc.Update(ctx, newsroom.As(editor), prot.ID, communique.ArticleUpdate{Password: &long})
	wantCode(t, err, communique.EINVALID)
	// Making a protected article private drops its password.
	if _, err := svc.Update(ctx, newsroom.As(editor), prot.ID, communique.ArticleUpdate{Password: &secret}); err != nil {
		t.Fatal(err)
	}
	if after, err := svc.Update(ctx, newsroom.As(editor), prot.ID, communique.ArticleUpdate{Status: &private}); err != nil || after.Password != "" || after.Status != private {
		t.Fatalf("protected made private = %+v, %v", after, err)
	}
}

func articleTitles(list []*communique.Article) string {
	var out []string
	for _, a := range list {
		out = append(out, a.Title)
	}
	return strings.Join(out, ", ")
}
