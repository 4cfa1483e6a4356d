package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// fuzzSite is a public site on a small real store, served in process:
// an article with a category, a tag and a comment, a page, an author.
type fuzzSite struct {
	db      *sqlstore.DB
	handler http.Handler
	logs    *logBuffer
	article *communique.Article
	path    string
	token   string
}

func newFuzzSite(tb testing.TB) *fuzzSite {
	tb.Helper()
	db := storetest.SQLite.Fresh(tb, atFixedNow).Open(tb)
	ada := storetest.MustCreateUser(tb, db, "ada", communique.RoleAuthor)
	news := MustCreateTerm(tb, db, communique.TaxonomyCategory, "News", nil)
	ferry := MustCreateTerm(tb, db, communique.TaxonomyTag, "Ferry", nil)
	a := MustCreate(tb, db, &communique.Article{Title: "Harbour bridge reopens", Source: "The bridge is *open*.", AuthorID: ada.ID,
		Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-time.Hour), CommentsOpen: true}, []*communique.Term{news}, []*communique.Term{ferry})
	MustCreate(tb, db, &communique.Article{Type: communique.TypePage, Title: "About", Source: "About us.", AuthorID: ada.ID,
		Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-time.Hour)}, nil, nil)
	if err := db.CreateComment(context.Background(), &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "r@mail.example",
		Text: "First.", HTML: "<p>First.</p>", Status: communique.CommentApproved}); err != nil {
		tb.Fatal(err)
	}
	MustSet(tb, db, "comment_min_seconds", "0")
	MustSet(tb, db, "comment_flood_seconds", "0")
	logs := &logBuffer{}
	srv, err := web.NewServer(context.Background(), web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	s := &fuzzSite{db: db, handler: srv.Handler(), logs: logs, article: a}
	values, err := db.Settings(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	s.path = communique.ArticlePath(a, communique.ParseSettings(values), nil)
	res := s.serve(httptest.NewRequest(http.MethodGet, s.path, nil))
	m := regexp.MustCompile(`name="comment_token" value="([^"]+)"`).FindStringSubmatch(res.Body.String())
	if m == nil {
		tb.Fatalf("no comment token on %s (%d)", s.path, res.Code)
	}
	s.token = html.UnescapeString(m[1])
	return s
}

func (s *fuzzSite) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, r)
	return w
}

// check fails on what no answer may be: a server error (a panic becomes
// one), an error in the log, a redirect off the site.
func (s *fuzzSite) check(t *testing.T, what string, res *httptest.ResponseRecorder) {
	t.Helper()
	if res.Code >= 500 {
		t.Fatalf("%s = %d\n%s", what, res.Code, s.logs.String())
	}
	if logs := s.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Fatalf("%s logged an error:\n%s", what, logs)
	}
	if loc := res.Header().Get("Location"); loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\")) {
		t.Fatalf("%s redirects off the site to %q", what, loc)
	}
}

// FuzzPermalinkRouter sends GET requests for any path and query to the
// public site: every answer is a page, a redirect or a 4xx, never a 500.
func FuzzPermalinkRouter(f *testing.F) {
	for _, seed := range []string{
		"/", "/2026/06/01/harbour-bridge-reopens/", "/2026/06/01/harbour-bridge-reopens/comment-page-2/",
		"/2026/06/01/harbour-bridge-reopens/comment-page-99999999999999999999/", "/category/news/", "/category/news/page/2/",
		"/tag/ferry/", "/author/ada/", "/author/nobody/", "/2026/", "/2026/06/", "/2026/13/", "/2026/06/41/", "/99999999999/",
		"/page/0/", "/page/1/", "/page/-1/", "/page/9223372036854775808/", "/about/", "/about/page/2/", "/feed/", "/comments/feed/",
		"/category/news/feed/", "/sitemap.xml", "/sitemap-posts-1.xml", "/sitemap-posts-99999999999999999999.xml", "/robots.txt",
		"/search/", "/media/../../etc/passwd", "/media/abc/99999999999999999999", "/avatar/zz.svg", "/static/../../go.mod",
		"/%2e%2e/%2e%2e/etc/passwd", "/a//b/", "/\xff\xfe/", "/\x00/", "/" + strings.Repeat("a/", 300), "/wp-admin/", "/index.php",
	} {
		f.Add(seed, "")
	}
	f.Add("/", "p=1")
	f.Add("/", "p=9223372036854775808")
	f.Add("/", "s=<script>alert(1)</script>")
	f.Add("/", "cat=-1&page_id=0&attachment_id=x")
	f.Add("/2026/06/01/harbour-bridge-reopens/", "replytocom=99999999999999999999")
	f.Add("/search/", "s=ferry&paged=99999999")
	s := newFuzzSite(f)
	f.Fuzz(func(t *testing.T, path, query string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery = path, "", query
		r.RequestURI = r.URL.RequestURI()
		s.check(t, "GET "+strconv.Quote(path)+" ?"+strconv.Quote(query), s.serve(r))
	})
}

// FuzzCommentForm posts any body with any content type to the comment
// form: never a 500, and a comment is stored only when the post says it
// was (303 to the comment) and only when it is valid; a refusal (303 to
// the kept form, or a 4xx) stores none.
func FuzzCommentForm(f *testing.F) {
	s := newFuzzSite(f)
	id := strconv.FormatInt(s.article.ID, 10)
	form := "comment_post_ID=" + id + "&comment_parent=0&author=Rosa&email=rosa%40mail.example&url=&comment=Hello+there&comment_token=" + s.token
	const urlencoded = "application/x-www-form-urlencoded"
	f.Add([]byte(form), urlencoded)
	f.Add([]byte(form+"&comment_parent=99999999999999999999"), urlencoded)
	f.Add([]byte(strings.Replace(form, "comment_post_ID="+id, "comment_post_ID=-1", 1)), urlencoded)
	f.Add([]byte(strings.Replace(form, "Rosa", "%0d%0aSet-Cookie:+x=1", 1)), urlencoded)
	f.Add([]byte(strings.Replace(form, "Hello+there", "%3Cscript%3Ealert(1)%3C/script%3E", 1)), urlencoded)
	f.Add([]byte(form+"&comment=%ff%fe"), urlencoded)
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"comment_post_ID\"\r\n\r\n"+id+"\r\n--x--\r\n"), "multipart/form-data; boundary=x")
	f.Add([]byte(`{"comment_post_ID":1}`), "application/json")
	f.Add([]byte("%%%;;;&&&==="), urlencoded)
	f.Add([]byte(""), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		ctx := context.Background()
		before, err := s.db.CountComments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodPost, "/comments", io.NopCloser(bytes.NewReader(body)))
		r.Header.Set("Content-Type", contentType)
		res := s.serve(r)
		s.check(t, "POST /comments "+strconv.Quote(string(body)), res)
		after, err := s.db.CountComments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total := func(m map[communique.CommentStatus]int) (n int) {
			for _, v := range m {
				n += v
			}
			return n
		}
		refused := strings.Contains(res.Header().Get("Location"), "comment_refused=")
		switch {
		case res.Code == http.StatusSeeOther && !refused:
			if total(after) != total(before)+1 {
				t.Fatalf("303 but %d comments were added", total(after)-total(before))
			}
			list, _, err := s.db.FindComments(ctx, communique.CommentFilter{Private: true, Newest: true, Limit: 1,
				Status: []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash}})
			if err != nil || len(list) != 1 {
				t.Fatalf("newest comment: %v", err)
			}
			if errs := list[0].Validate(true); len(errs) > 0 {
				t.Fatalf("an invalid comment was stored: %v (%+v)", errs, list[0])
			}
		case total(after) != total(before):
			t.Fatalf("status %d, yet %d comments were added", res.Code, total(after)-total(before))
		}
	})
}
