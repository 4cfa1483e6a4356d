package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// testArticleDiscussions: an article without settings reads as the zero
// value; saving replaces them; each save bumps the article's cache tag
// (other nodes drop its page); a missing article is ENOTFOUND and stores
// nothing; deleting the article takes its settings along.
func testArticleDiscussions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	id := f.article.ID
	tag := "article:" + strconv.FormatInt(id, 10)
	got, err := db.FindArticleDiscussion(ctx, id)
	if err != nil || *got != (communique.ArticleDiscussion{ArticleID: id}) {
		t.Fatalf("unset: %+v, %v", got, err)
	}
	version := func() int64 {
		tags, err := db.CacheTagsSince(ctx, time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return tags[tag]
	}
	saves := []communique.ArticleDiscussion{
		{ArticleID: id, Premoderate: true, Message: "We are moderating this thread closely.", QA: true},
		{ArticleID: id, Hidden: true, Message: "Closed on legal advice — ünïcode kept."},
		{ArticleID: id},
	}
	for i, want := range saves {
		before := version()
		if err := db.SaveArticleDiscussion(ctx, &want); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		if got, err := db.FindArticleDiscussion(ctx, id); err != nil || *got != want {
			t.Errorf("save %d read back %+v, %v; want %+v", i, got, err, want)
		}
		if after := version(); after <= before {
			t.Errorf("save %d: cache tag %s stayed at %d", i, tag, after)
		}
	}
	if other, _ := db.FindArticleDiscussion(ctx, f.other.ID); *other != (communique.ArticleDiscussion{ArticleID: f.other.ID}) {
		t.Errorf("another article changed: %+v", other)
	}
	err = db.SaveArticleDiscussion(ctx, &communique.ArticleDiscussion{ArticleID: 987654, QA: true})
	if communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("missing article: %v, want ENOTFOUND", err)
	}
	if err := db.SaveArticleDiscussion(ctx, &communique.ArticleDiscussion{ArticleID: f.other.ID, QA: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteArticle(ctx, f.other.ID); err != nil {
		t.Fatalf("delete article: %v", err)
	}
	var n int
	if err := db.ReadPool().QueryRowContext(ctx, `SELECT COUNT(*) FROM article_discussions WHERE article_id = `+strconv.FormatInt(f.other.ID, 10)).Scan(&n); err != nil || n != 0 {
		t.Errorf("settings of a deleted article: %d rows, %v", n, err)
	}
}
