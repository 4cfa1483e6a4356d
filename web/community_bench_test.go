package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
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
	serve := func(b *testing.B, community bool, cache int) http.Handler {
		talk := discussion.New(db, avatar.New([]byte("bench")), formtoken.NewSigner([]byte("bench")))
		if !community {
			talk.Reports, talk.Community, talk.Features, talk.Reactions, talk.Discussions = nil, nil, nil, nil, nil
		}
		srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: cache, Discussion: talk})
		if err != nil {
			b.Fatal(err)
		}
		return srv.Handler()
	}
	// views returns the wall time and the process's CPU time per page.
	views := func(b *testing.B, h http.Handler, n int) (wall, cpu time.Duration) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		start, cpu0 := time.Now(), processCPU()
		for range n {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
		n = max(n, 1)
		return time.Since(start) / time.Duration(n), (processCPU() - cpu0) / time.Duration(n)
	}
	// Reference and community desk in interleaved rounds of b.N pages
	// each, so that whatever else the machine does falls on both alike;
	// the medians of the rounds' wall time per page are compared, and of
	// the CPU time, which the machine's other work sways less.
	for _, cache := range []int{0, 16 << 20} {
		name := "uncached"
		if cache > 0 {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			ref, desk := serve(b, false, cache), serve(b, true, cache)
			views(b, ref, 3)
			views(b, desk, 3)
			var refs, desks, refCPU, deskCPU []float64
			b.ResetTimer()
			for range 5 {
				w, c := views(b, ref, b.N)
				refs, refCPU = append(refs, float64(w)), append(refCPU, float64(c))
				w, c = views(b, desk, b.N)
				desks, deskCPU = append(desks, float64(w)), append(deskCPU, float64(c))
			}
			r, d := medianOf(refs), medianOf(desks)
			rc, dc := medianOf(refCPU), medianOf(deskCPU)
			b.ReportMetric(r, "ref-ns/page")
			b.ReportMetric(d, "desk-ns/page")
			b.ReportMetric(d/r, "ratio")
			b.ReportMetric(dc/rc, "cpu-ratio")
			b.Logf("%s: reference %v/page (CPU %v), community desk %v/page (CPU %v): wall ratio %.3f, CPU ratio %.3f (target at most 1.10; medians of 5 interleaved rounds)",
				name, time.Duration(r), time.Duration(rc), time.Duration(d), time.Duration(dc), d/r, dc/rc)
		})
	}
}

func medianOf(v []float64) float64 {
	v = append([]float64(nil), v...)
	sort.Float64s(v)
	return v[len(v)/2]
}
