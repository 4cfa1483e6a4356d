package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	articles "communique/newsroom"
	"communique/storetest"
	"communique/web"
)

// BenchmarkCommunityArticlePage renders an article with 500 comments, a
// fifth of them replies, reactions on most, staff replies with badges and
// three featured comments, uncached and cached, beside the reference: the
// same page from a discussion service with the community desk switched
// off (no picks, badges, counts or per-article settings: the code path
// before it). It reports
// each variant's time per page and the ratios, measured in this run:
//
//	go test ./web -run '^$' -bench CommunityArticlePage
func BenchmarkCommunityArticlePage(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	if err := db.SetSetting(ctx, "comments_per_page", "500"); err != nil {
		b.Fatal(err)
	}
	editor := storetest.MustCreateUser(b, db, "edna", communique.RoleEditor)
	reporter := storetest.MustCreateUser(b, db, "rita", communique.RoleAuthor)
	a := &communique.Article{Title: "Hot story", Source: "Some *text* for the story.", AuthorID: reporter.ID,
		Status: communique.StatusPublished, CommentsOpen: true, PublishedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
		b.Fatal(err)
	}
	var roots []int64
	for i := range 500 {
		c := &communique.Comment{ArticleID: a.ID, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			Text: "A thought", HTML: "<p>A thought about the story, of a usual length for a comment.</p>", Status: communique.CommentApproved}
		if i%5 == 4 {
			c.ParentID = roots[len(roots)-1]
			if i%10 == 9 { // staff answers, with badges
				c.UserID, c.AuthorName = []int64{editor.ID, reporter.ID}[i%20/10], "Newsroom"
			}
		}
		if err := db.CreateComment(ctx, c); err != nil {
			b.Fatal(err)
		}
		if c.ParentID == 0 {
			roots = append(roots, c.ID)
		}
		for r := range i % 7 {
			if _, err := db.CreateCommentReaction(ctx, c.ID, fmt.Sprintf("reader-%d", r), "192.0.2.1"); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, id := range roots[:3] {
		if err := db.SetCommentFeatured(ctx, id, true, editor.ID); err != nil {
			b.Fatal(err)
		}
	}
	path := communique.ArticlePath(a, communique.ParseSettings(nil), nil)
	page := func(community bool, cache int) func(*testing.B) {
		return func(b *testing.B) {
			talk := discussion.New(db, avatar.New([]byte("bench")), formtoken.NewSigner([]byte("bench")))
			if !community {
				talk.Reports, talk.Community, talk.Features, talk.Reactions, talk.Discussions = nil, nil, nil, nil, nil
			}
			srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: cache, Discussion: talk})
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			b.ResetTimer()
			for range b.N {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		}
	}
	// Reference and community desk side by side in this run; the parent
	// reports the ratios of the time per page each sub-benchmark measured.
	for _, cache := range []int{0, 16 << 20} {
		name := "uncached"
		if cache > 0 {
			name = "cached"
		}
		var ref, desk time.Duration
		b.Run(name+"/reference", measure(page(false, cache), &ref))
		b.Run(name+"/desk", measure(page(true, cache), &desk))
		if ref > 0 {
			ratio := float64(desk) / float64(ref)
			b.Logf("%s: reference %v/page, community desk %v/page, ratio %.3f (target at most 1.10)", name, ref, desk, ratio)
			b.ReportMetric(ratio, name+"-ratio")
		}
	}
}

// measure runs fn and keeps the time per operation of its last run.
func measure(fn func(*testing.B), per *time.Duration) func(*testing.B) {
	return func(b *testing.B) {
		fn(b)
		if b.N > 0 {
			*per = b.Elapsed() / time.Duration(b.N) // the timed loop only
		}
	}
}
