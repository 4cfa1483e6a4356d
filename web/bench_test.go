package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
	"communique/web"
)

// BenchmarkArticlePage renders an article with 50 comments on a site of
// 2,000 articles, with the page cache off and on, in process.
func BenchmarkArticlePage(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	author := storetest.MustCreateUser(b, db, "bench", communique.RoleAuthor)
	var hot *communique.Article
	for i := 0; i < 2000; i++ {
		a := &communique.Article{Title: fmt.Sprint("Story ", i), Source: "Some *text* for the story.", AuthorID: author.ID,
			Status: communique.StatusPublished, CommentsOpen: true, PublishedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}
		if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
			b.Fatal(err)
		}
		hot = a
	}
	for i := 0; i < 50; i++ {
		c := &communique.Comment{ArticleID: hot.ID, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			Text: "A thought", HTML: "<p>A thought</p>", Status: communique.CommentApproved}
		if err := db.CreateComment(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	path := communique.ArticlePath(hot, communique.ParseSettings(nil), nil)
	for _, cache := range []int{0, 8 << 20} {
		b.Run(fmt.Sprintf("cache=%v", cache > 0), func(b *testing.B) {
			srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: cache})
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			before := db.QueryCount()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
			b.ReportMetric(float64(db.QueryCount()-before)/float64(b.N), "queries/op")
		})
	}
}

// BenchmarkCommentPost posts comments through the handler, the whole
// path: form decoding, every discussion rule, the write and the redirect.
func BenchmarkCommentPost(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_previously_approved": "false"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			b.Fatal(err)
		}
	}
	author := storetest.MustCreateUser(b, db, "bench", communique.RoleAuthor)
	a := storetest.MustCreateArticle(b, db, author, "Hot story", "Body.")
	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest(http.MethodGet, communique.ArticlePath(a, communique.ParseSettings(nil), nil), nil))
	m := regexp.MustCompile(`name="comment_token" value="([^"]+)"`).FindStringSubmatch(page.Body.String())
	if m == nil {
		b.Fatal("no form token")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		form := url.Values{"comment_post_ID": {strconv.FormatInt(a.ID, 10)}, "comment_token": {m[1]}, "author": {"Reader"},
			"email": {fmt.Sprintf("r%d@example.org", i)}, "comment": {fmt.Sprintf("Comment number %d on the story.", i)}}
		req := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkFrontPage renders the front page of a site of 2,000 articles,
// with the page cache off and on, in process: the latest news, and (where
// the store keeps them) the edited front page of five zones.
func BenchmarkFrontPage(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	author := storetest.MustCreateUser(b, db, "bench", communique.RoleAuthor)
	var ids []int64
	for i := 0; i < 2000; i++ {
		a := &communique.Article{Title: fmt.Sprint("Story ", i), Source: "Some *text* for the story.", AuthorID: author.ID,
			Status: communique.StatusPublished, CommentsOpen: true, PublishedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}
		if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	run := func(b *testing.B) {
		for _, cache := range []int{0, 8 << 20} {
			b.Run(fmt.Sprintf("cache=%v", cache > 0), func(b *testing.B) {
				srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: cache})
				if err != nil {
					b.Fatal(err)
				}
				h := srv.Handler()
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				before := db.QueryCount()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
				b.ReportMetric(float64(db.QueryCount()-before)/float64(b.N), "queries/op")
			})
		}
	}
	b.Run("latest", run)
	if !arrangeFront(ctx, b, db, ids) {
		return
	}
	b.Run("zones", run)
}
