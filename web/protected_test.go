package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"

	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// fakeSessions signs in whoever's login is the session cookie's value.
type fakeSessions map[string]*communique.User

func (f fakeSessions) SessionUser(r *http.Request) (*communique.User, string, bool) {
	c, err := r.Cookie("communique_session")
	if err != nil || f[c.Value] == nil {
		return nil, "", false
	}
	return f[c.Value], "sess-" + c.Value, true
}

// protectedSite serves db with the page cache on, the fixed clock and
// sessions for the given users (by login).
func protectedSite(t *testing.T, db *sqlstore.DB, users ...*communique.User) *site {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	sessions := fakeSessions{}
	for _, u := range users {
		sessions[u.Login] = u
	}
	srv.Sessions = sessions
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 10 * time.Second
	return &site{URL: ts.URL, Server: ts, Client: client}
}

func cookieHeader(v string) http.Header { return http.Header{"Cookie": {v}} }

func postPass(t *testing.T, s *site, id int64, password string, header http.Header) response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range header {
		h[k] = v
	}
	form := url.Values{"post_id": {itoa(id)}, "post_password": {password}}
	return s.Do(t, http.MethodPost, "/postpass", strings.NewReader(form.Encode()), h)
}

// TestProtectedArticle: a password-protected article shows its title and
// the form, on its page and nowhere its body or comments, until the right
// password sets the cookie; the shared cache keeps only the locked page
// (GET, HEAD and conditional requests), and the reader with the cookie
// never gets it. On both stores.
func TestProtectedArticle(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return fixedNow }
		ed := storetest.MustCreateUser(t, db, "eddie", communique.RoleEditor)
		a := &communique.Article{Title: "Budget leak", Source: "The SECRETBODY figures.", Excerpt: "SECRETEXCERPT", AuthorID: ed.ID,
			Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-time.Hour), CommentsOpen: true, Password: "open sesame"}
		if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
		c := &communique.Comment{ArticleID: a.ID, AuthorName: "Ann", AuthorEmail: "ann@example.com", Text: "SECRETCOMMENT",
			HTML: "<p>SECRETCOMMENT</p>", Status: communique.CommentApproved, CreatedAt: fixedNow.Add(-time.Minute)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		s := protectedSite(t, db)
		path := "/" + fixedNow.Format("2006/01/02") + "/budget-leak/"
		secrets := []string{"SECRETBODY", "SECRETEXCERPT", "SECRETCOMMENT", "open sesame"}
		locked := func(what string, res response) {
			t.Helper()
			for _, sec := range secrets {
				if strings.Contains(res.Body, sec) {
					t.Errorf("%s shows %q:\n%s", what, sec, excerptAround(res.Body, sec))
				}
			}
		}

		first := s.Get(t, path)
		if first.Status != 200 || !strings.Contains(first.Body, "Protected: Budget leak") || !strings.Contains(first.Body, `action="/postpass"`) ||
			!strings.Contains(first.Body, `name="post_password"`) || first.Header.Get("X-Cache") != "MISS" {
			t.Fatalf("locked page: %d X-Cache=%q\n%s", first.Status, first.Header.Get("X-Cache"), excerpt(first.Body))
		}
		locked("the locked page", first)
		if again := s.Get(t, path); again.Header.Get("X-Cache") != "HIT" || again.Body != first.Body {
			t.Errorf("second view X-Cache=%q", again.Header.Get("X-Cache"))
		}
		etag := first.Header.Get("ETag")
		head := s.Do(t, http.MethodHead, path, nil, nil)
		if head.Status != 200 || head.Header.Get("ETag") != etag || head.Body != "" {
			t.Errorf("HEAD = %d ETag %q, want %q", head.Status, head.Header.Get("ETag"), etag)
		}
		if res := s.Do(t, http.MethodGet, path, nil, http.Header{"If-None-Match": {etag}}); res.Status != http.StatusNotModified {
			t.Errorf("conditional GET = %d, want 304", res.Status)
		}
		if res := s.Get(t, path+"comment-page-2/"); res.Status != 404 {
			t.Errorf("comment page 2 = %d", res.Status)
		}

		// From another site: refused. A wrong password: the form again.
		if res := postPass(t, s, a.ID, "open sesame", http.Header{"Sec-Fetch-Site": {"cross-site"}}); res.Status != 403 || res.Header.Get("Set-Cookie") != "" {
			t.Errorf("cross-site post = %d, cookie %q", res.Status, res.Header.Get("Set-Cookie"))
		}
		wrong := postPass(t, s, a.ID, "open", nil)
		if wrong.Status != 403 || wrong.Header.Get("Set-Cookie") != "" || !strings.Contains(wrong.Body, "That password is not right") {
			t.Errorf("wrong password = %d, cookie %q\n%s", wrong.Status, wrong.Header.Get("Set-Cookie"), excerpt(wrong.Body))
		}
		locked("the wrong password's answer", wrong)
		if res := postPass(t, s, 999999, "x", nil); res.Status != 404 {
			t.Errorf("unknown article = %d", res.Status)
		}

		right := postPass(t, s, a.ID, "open sesame", http.Header{"Sec-Fetch-Site": {"same-origin"}})
		cookies := (&http.Response{Header: right.Header}).Cookies()
		if right.Status != http.StatusSeeOther || right.Header.Get("Location") != path || len(cookies) != 1 {
			t.Fatalf("right password = %d Location %q cookies %v", right.Status, right.Header.Get("Location"), cookies)
		}
		ck := cookies[0]
		if ck.Name != "communique_postpass" || ck.Path != path || !ck.HttpOnly || strings.Contains(ck.Value, "sesame") || ck.MaxAge <= 0 {
			t.Errorf("cookie = %+v", ck)
		}
		withCookie := cookieHeader(ck.Name + "=" + ck.Value)
		open := s.Do(t, http.MethodGet, path, nil, withCookie)
		if open.Status != 200 || !strings.Contains(open.Body, "SECRETBODY") || !strings.Contains(open.Body, "SECRETCOMMENT") ||
			strings.Contains(open.Body, `action="/postpass"`) || open.Header.Get("X-Cache") != "" || !strings.Contains(open.Header.Get("Cache-Control"), "private") {
			t.Fatalf("unlocked page: %d X-Cache=%q Cache-Control=%q\n%s", open.Status, open.Header.Get("X-Cache"), open.Header.Get("Cache-Control"), excerpt(open.Body))
		}
		if strings.Contains(open.Body, "open sesame") {
			t.Error("the unlocked page shows the password")
		}
		// The locked page's ETag does not answer 304 to the reader with
		// the cookie; HEAD with it has the unlocked page's headers.
		if res := s.Do(t, http.MethodGet, path, nil, http.Header{"Cookie": withCookie["Cookie"], "If-None-Match": {etag}}); res.Status != 200 || !strings.Contains(res.Body, "SECRETBODY") {
			t.Errorf("conditional GET with the cookie = %d", res.Status)
		}
		if res := s.Do(t, http.MethodHead, path, nil, withCookie); res.Status != 200 || res.Header.Get("ETag") != open.Header.Get("ETag") || res.Header.Get("X-Cache") != "" {
			t.Errorf("HEAD with the cookie = %d ETag %q X-Cache %q", res.Status, res.Header.Get("ETag"), res.Header.Get("X-Cache"))
		}
		// The shared cache still holds the locked page only.
		after := s.Get(t, path)
		if after.Header.Get("X-Cache") != "HIT" || after.Body != first.Body {
			t.Errorf("after the unlocked view, readers get X-Cache=%q", after.Header.Get("X-Cache"))
		}
		locked("the cached page after an unlocked view", after)
		// A forged cookie unlocks nothing.
		if res := s.Do(t, http.MethodGet, path, nil, cookieHeader("communique_postpass=forged")); strings.Contains(res.Body, "SECRETBODY") {
			t.Error("a forged cookie unlocks the article")
		}

		// Every other surface: the title, WordPress's sentence, nothing else.
		for _, p := range []string{"/", "/feed/", "/feed/atom/", path + "feed/", "/comments/feed/", "/search?s=SECRETBODY", "/sitemap-posts-1.xml", "/2026/"} {
			res := s.Get(t, p)
			if res.Status >= 500 {
				t.Errorf("%s = %d", p, res.Status)
			}
			locked(p, res)
		}
		feedBody := s.Get(t, "/feed/").Body
		if !strings.Contains(feedBody, "Protected: Budget leak") || !strings.Contains(feedBody, "There is no excerpt because this is a protected post.") {
			t.Errorf("feed:\n%s", excerpt(feedBody))
		}
		if res := s.Get(t, "/sitemap-posts-1.xml"); strings.Contains(res.Body, "budget-leak") {
			t.Error("the sitemap lists the protected article")
		}

		// A comment before the password is refused.
		form := url.Values{"comment_post_ID": {itoa(a.ID)}, "comment": {"Let me in"}, "author": {"Bob"}, "email": {"bob@example.com"}}
		res := s.Do(t, http.MethodPost, "/wp-comments-post.php", strings.NewReader(form.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if res.Status != 403 {
			t.Errorf("comment on the locked article = %d, want 403", res.Status)
		}

		// A new password locks the reader out again.
		pw := "another"
		if _, err := articles.New(db).Update(ctx, articles.System, a.ID, communique.ArticleUpdate{Password: &pw}); err != nil {
			t.Fatal(err)
		}
		if res := s.Do(t, http.MethodGet, path, nil, withCookie); strings.Contains(res.Body, "SECRETBODY") {
			t.Error("the old password's cookie still unlocks the article")
		}
	})
}

// TestPrivateArticle: a private article is there only for staff who may
// read it (editors, its author), titled "Private: …", never cached; for
// readers and other authors it is on no page, list, feed, search or
// sitemap. On both stores.
func TestPrivateArticle(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return fixedNow }
		ed := storetest.MustCreateUser(t, db, "eddie", communique.RoleEditor)
		ann := storetest.MustCreateUser(t, db, "ann", communique.RoleAuthor)
		otto := storetest.MustCreateUser(t, db, "otto", communique.RoleAuthor)
		sub := storetest.MustCreateUser(t, db, "sue", communique.RoleSubscriber)
		a := &communique.Article{Title: "Board minutes", Source: "PRIVATEBODY", AuthorID: ann.ID, Status: communique.StatusPrivate,
			PublishedAt: fixedNow.Add(-time.Hour)}
		if err := articles.New(db).Create(ctx, articles.As(ann), a, nil, nil); err != nil {
			t.Fatal(err)
		}
		page := &communique.Article{Type: communique.TypePage, Title: "Staff handbook", Source: "HANDBOOKBODY", AuthorID: ed.ID, Status: communique.StatusPrivate}
		if err := articles.New(db).Create(ctx, articles.As(ed), page, nil, nil); err != nil {
			t.Fatal(err)
		}
		storetest.MustCreateArticle(t, db, ed, "Public story", "Everyone reads this.")
		s := protectedSite(t, db, ed, ann, otto, sub)
		path := "/" + fixedNow.Format("2006/01/02") + "/board-minutes/"

		for _, who := range []string{"", "otto", "sue", "nobody"} {
			var h http.Header
			if who != "" {
				h = cookieHeader("communique_session=" + who)
			}
			for _, p := range []string{path, "/staff-handbook/"} {
				if res := s.Do(t, http.MethodGet, p, nil, h); res.Status != 404 || strings.Contains(res.Body, "PRIVATEBODY") || strings.Contains(res.Body, "HANDBOOKBODY") {
					t.Errorf("%s as %q = %d", p, who, res.Status)
				}
			}
		}
		for _, who := range []string{"ann", "eddie"} {
			res := s.Do(t, http.MethodGet, path, nil, cookieHeader("communique_session="+who))
			if res.Status != 200 || !strings.Contains(res.Body, "Private: Board minutes") || !strings.Contains(res.Body, "PRIVATEBODY") ||
				res.Header.Get("X-Cache") != "" || !strings.Contains(res.Header.Get("Cache-Control"), "private") || !strings.Contains(res.Body, "noindex") {
				t.Errorf("%s as %s = %d X-Cache=%q Cache-Control=%q\n%s", path, who, res.Status, res.Header.Get("X-Cache"), res.Header.Get("Cache-Control"), excerpt(res.Body))
			}
		}
		if res := s.Do(t, http.MethodGet, "/staff-handbook/", nil, cookieHeader("communique_session=eddie")); res.Status != 200 || !strings.Contains(res.Body, "HANDBOOKBODY") {
			t.Errorf("the private page for its editor = %d", res.Status)
		}
		// After staff views, the shared cache never answers with them.
		if res := s.Get(t, path); res.Status != 404 {
			t.Errorf("after staff views, readers get %d", res.Status)
		}
		for _, p := range []string{"/", "/feed/", "/comments/feed/", "/search?s=PRIVATEBODY", "/sitemap-posts-1.xml", "/sitemap-pages.xml", "/2026/", "/author/ann/", path + "feed/"} {
			res := s.Get(t, p)
			if res.Status >= 500 || strings.Contains(res.Body, "Board minutes") || strings.Contains(res.Body, "PRIVATEBODY") || strings.Contains(res.Body, "Staff handbook") {
				t.Errorf("%s = %d shows the private article", p, res.Status)
			}
		}
		if res := s.Get(t, "/"); !strings.Contains(res.Body, "Public story") {
			t.Error("the front page lost the public story")
		}
	})
}
