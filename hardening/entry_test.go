package hardening_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wordpress"
)

// stored is what the corpus left in the store, for the browser to render.
type stored struct {
	public []string // public pages showing stored cases
	admin  []string // newsroom pages showing them
}

// TestCorpus pushes every case through every entry point on both stores.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the corpus runs hundreds of requests; skipped with -short")
	}
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		var pages stored
		t.Run("CommentForm", func(t *testing.T) { commentForm(t, s, &pages) })
		t.Run("AdminComments", func(t *testing.T) { adminComments(t, s, &pages) })
		t.Run("Editor", func(t *testing.T) { editor(t, s, &pages) })
		t.Run("Settings", func(t *testing.T) { settings(t, s, &pages) })
		t.Run("Importer", func(t *testing.T) { importer(t, s, &pages) })
		t.Run("RESTAPI", func(t *testing.T) { restAPI(t, s, &pages) })
		t.Run("XMLBombs", func(t *testing.T) { xmlBombs(t, s) })
		t.Run("URLs", func(t *testing.T) { urls(t, s) })
		t.Run("Overview", func(t *testing.T) {
			// Pages that gather many cases at once.
			for _, p := range []string{"/", "/feed/", "/comments/feed/", "/search/?s=XSS"} {
				res := s.Admin.get(t, p)
				if strings.HasSuffix(p, "feed/") {
					continue // XML, checked for well-formedness by the feed tests
				}
				for _, problem := range inertProblems(res.Body) {
					t.Errorf("GET %s: %s", p, problem)
				}
			}
			for _, p := range []string{"/admin/", "/admin/posts", "/admin/posts?status=draft", "/admin/users"} {
				s.Admin.checkPage(t, p, "overview")
			}
			pages.public = append(pages.public, "/")
			pages.admin = append(pages.admin, "/admin/posts")
		})
		if db.Dialect() == "sqlite" {
			t.Run("Browser", func(t *testing.T) { renderInBrowser(t, s, pages) })
		}
	}, storetest.Parallel())
}

// commentForm posts every case in every field of the reply form. Fields
// left alone hold valid values, so a refusal is the case's doing.
func commentForm(t *testing.T, s *site, pages *stored) {
	ctx := context.Background()
	reader := s.agent(t)
	fields := []string{"author", "email", "url", "comment", "comment_parent", "comment_post_ID"}
	tokenPattern := regexp.MustCompile(`name="comment_token" value="([^"]+)"`)
	for _, field := range fields {
		a := s.article(t, "Comments through "+field)
		path := s.path(t, a)
		page := reader.get(t, path)
		m := tokenPattern.FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("no comment token on %s", path)
		}
		token := html.UnescapeString(m[1])
		parent := &communique.Comment{ArticleID: a.ID, AuthorName: "First", AuthorEmail: "first@mail.example", Text: "First.",
			HTML: "<p>First.</p>", Status: communique.CommentApproved}
		if err := s.DB.CreateComment(ctx, parent); err != nil {
			t.Fatal(err)
		}
		storedHere := 0
		for i, p := range corpus {
			form := url.Values{
				"author": {fmt.Sprintf("Reader %d", i)}, "email": {fmt.Sprintf("reader%d@mail.example", i)}, "url": {""},
				"comment": {fmt.Sprintf("Comment %d through %s.", i, field)}, "comment_parent": {strconv.FormatInt(parent.ID, 10)},
				"comment_post_ID": {strconv.FormatInt(a.ID, 10)}, "comment_token": {token}, "wp-comment-cookies-consent": {"yes"},
			}
			form.Set(field, p.Text)
			res := reader.post(t, "/comments", form)
			if loc := res.Header.Get("Location"); res.Status == http.StatusSeeOther && strings.Contains(loc, "comment_refused=") {
				// Refused, and sent to the page that shows the refusal.
				res = reader.get(t, loc)
			}
			switch {
			case res.Status == http.StatusSeeOther:
				storedHere++
			case res.Status >= 400 && res.Status < 500:
				// Refused: the page says why and keeps nothing unsafe.
				for _, problem := range inertProblems(res.Body) {
					t.Errorf("%s: the refusal page: %s", caseName(field, i, p), problem)
				}
			default:
				t.Errorf("%s: status %d, want 303 or 4xx", caseName(field, i, p), res.Status)
			}
		}
		t.Logf("%s: %d of %d cases stored", field, storedHere, len(corpus))
		pages.public = append(pages.public, path)
	}
	// Held or spam cases are shown too: approve everything.
	all, _, err := s.DB.FindComments(ctx, communique.CommentFilter{Limit: 10000,
		Status: []communique.CommentStatus{communique.CommentPending, communique.CommentSpam, communique.CommentTrash}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if err := s.DB.SetCommentStatus(ctx, c.ID, communique.CommentApproved); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range pages.public {
		s.Admin.checkPage(t, p, "comment form")
	}
	// The moderation list, every page of it, and every comment's edit page.
	list, total, err := s.DB.FindComments(ctx, communique.CommentFilter{Limit: 10000, Status: []communique.CommentStatus{communique.CommentApproved}})
	if err != nil {
		t.Fatal(err)
	}
	for page := 1; page <= (total+49)/50; page++ {
		p := fmt.Sprintf("/admin/comments?status=approved&page=%d", page)
		s.Admin.checkPage(t, p, "comment form")
		pages.admin = append(pages.admin, p)
	}
	for _, c := range list {
		s.Admin.checkPage(t, fmt.Sprintf("/admin/comments/%d/edit", c.ID), fmt.Sprintf("comment %d", c.ID))
	}
}

// adminComments edits one comment with every case (its history then shows
// them all) and replies with every case.
func adminComments(t *testing.T, s *site, pages *stored) {
	ctx := context.Background()
	a := s.article(t, "Comments edited in the newsroom")
	c := &communique.Comment{ArticleID: a.ID, AuthorName: "Edited", AuthorEmail: "edited@mail.example", Text: "Before.",
		HTML: "<p>Before.</p>", Status: communique.CommentApproved}
	if err := s.DB.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	edit := fmt.Sprintf("/admin/comments/%d/edit", c.ID)
	for i, p := range corpus {
		if res := s.Admin.post(t, edit, url.Values{"comment": {p.Text}}); res.Status != http.StatusSeeOther && res.Status/100 != 4 {
			t.Errorf("%s: status %d", caseName("edit", i, p), res.Status)
		}
		if res := s.Admin.post(t, fmt.Sprintf("/admin/comments/%d/reply", c.ID), url.Values{"comment": {p.Text + fmt.Sprintf(" (reply %d)", i)}}); res.Status != http.StatusSeeOther && res.Status/100 != 4 {
			t.Errorf("%s: status %d", caseName("reply", i, p), res.Status)
		}
	}
	s.Admin.checkPage(t, edit, "comment edits")
	s.Admin.checkPage(t, s.path(t, a), "comment edits and replies")
	pages.public = append(pages.public, s.path(t, a))
	pages.admin = append(pages.admin, edit)
}

var editPath = regexp.MustCompile(`^/admin/posts/(\d+)/edit`)

// editor writes articles with every case: once in the title, slug,
// excerpt, tags and new categories, and once as the body in each format.
func editor(t *testing.T, s *site, pages *stored) {
	ctx := context.Background()
	var ids []int64
	fieldsCase := map[int64]bool{} // articles whose title, slug, excerpt and terms hold the case
	save := func(what string, form url.Values) {
		form.Set("status", "published")
		res := s.Admin.post(t, "/admin/posts/new", form)
		switch {
		case res.Status == http.StatusSeeOther:
			m := editPath.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Errorf("%s: saved, but went to %q", what, res.Header.Get("Location"))
				return
			}
			id, _ := strconv.ParseInt(m[1], 10, 64)
			ids = append(ids, id)
			fieldsCase[id] = form.Get("slug") != ""
		case res.Status/100 == 4:
			for _, problem := range inertProblems(res.Body) {
				t.Errorf("%s: the refusal page: %s", what, problem)
			}
		default:
			t.Errorf("%s: status %d", what, res.Status)
		}
	}
	for i, p := range corpus {
		save(caseName("editor fields", i, p), url.Values{"title": {p.Text}, "slug": {p.Text}, "excerpt": {p.Text}, "tags": {p.Text},
			"new_categories": {p.Text}, "body": {fmt.Sprintf("Body of case %d.", i)}, "format": {"markdown"}})
		for _, format := range []string{"markdown", "html"} {
			save(caseName("editor body "+format, i, p), url.Values{"title": {fmt.Sprintf("Case %d as %s", i, format)},
				"body": {p.Text}, "format": {format}})
		}
	}
	t.Logf("%d articles saved from %d attempts", len(ids), 3*len(corpus))
	seenBody := map[string]bool{}
	for _, id := range ids {
		a, err := s.DB.FindArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("article %d (%.60q)", id, a.Title)
		edit := fmt.Sprintf("/admin/posts/%d/edit", id)
		s.Admin.checkPage(t, edit, what)
		public := s.path(t, a)
		s.Admin.checkPage(t, public, what)
		if fieldsCase[id] || !seenBody[a.HTML] {
			// Many cases are cleaned to the same body; one page of each
			// is enough for the browser.
			seenBody[a.HTML] = true
			pages.public = append(pages.public, public)
		}
		if fieldsCase[id] {
			// A body shows in the editor only inside its textarea, which
			// the parser has checked; the browser renders the editors
			// that show a case in inputs and lists.
			pages.admin = append(pages.admin, edit)
		}
	}
	// Tags and categories made from cases have archives.
	terms, err := s.DB.FindTerms(ctx, communique.TermFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range terms {
		if term.Count == 0 {
			continue
		}
		p := "/tag/" + url.PathEscape(term.Slug) + "/"
		if term.Taxonomy == communique.TaxonomyCategory {
			p = "/category/" + url.PathEscape(term.Slug) + "/"
		}
		res := s.Admin.get(t, p)
		for _, problem := range inertProblems(res.Body) {
			t.Errorf("term %q: GET %s: %s", term.Name, p, problem)
		}
	}
}

// settings puts every case in the site's title and tagline, which every
// page shows.
func settings(t *testing.T, s *site, pages *stored) {
	ctx := context.Background()
	stored, err := s.DB.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := communique.ParseSettings(stored)
	form := func(key, value string) url.Values {
		f := url.Values{}
		for _, def := range communique.SettingDefs {
			v := def.Text(st)
			if def.Key == key {
				v = value
			}
			if def.Kind == communique.SettingBool {
				if v == "true" {
					f.Set(def.Key, "true")
				}
				continue
			}
			f.Set(def.Key, v)
		}
		return f
	}
	for _, key := range []string{"title", "tagline"} {
		for i, p := range corpus {
			res := s.Admin.post(t, "/admin/settings", form(key, p.Text))
			if res.Status == http.StatusSeeOther {
				s.Admin.checkPage(t, "/", caseName(key, i, p))
				s.Admin.checkPage(t, "/admin/", caseName(key, i, p))
			} else if res.Status/100 != 4 {
				t.Errorf("%s: status %d", caseName(key, i, p), res.Status)
			}
		}
	}
	// The last case stays for the browser; the next tests need a plain title.
	if res := s.Admin.post(t, "/admin/settings", form("title", `<img src=x onerror=alert('XSS-title')>`)); res.Status != http.StatusSeeOther {
		t.Errorf("restore the title: %d", res.Status)
	}
}

// wxrEscape writes text for an XML element or attribute.
func wxrEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wxrFor is a WordPress export with the case in every field a reader sees:
// author, category and tag names, title, slug, content (as WordPress
// writes it, in CDATA), excerpt, and a comment's name, email, website and
// text.
func wxrFor(i int, text string) string {
	e := wxrEscape(text)
	cdata := "<![CDATA[" + strings.ReplaceAll(text, "]]>", "]]]]><![CDATA[>") + "]]>"
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Imported %[1]d</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_id>%[4]d</wp:author_id><wp:author_login>importer%[1]d</wp:author_login><wp:author_email>importer%[1]d@old.example</wp:author_email>
 <wp:author_display_name>%[3]s</wp:author_display_name></wp:author>
<wp:category><wp:term_id>%[4]d</wp:term_id><wp:category_nicename>cat-%[1]d</wp:category_nicename><wp:cat_name>%[2]s</wp:cat_name></wp:category>
<wp:tag><wp:term_id>%[5]d</wp:term_id><wp:tag_slug>%[2]s</wp:tag_slug><wp:tag_name>%[2]s</wp:tag_name></wp:tag>
<item>
 <title>%[2]s</title><link>https://old.example/?p=%[4]d</link><dc:creator>importer%[1]d</dc:creator>
 <guid isPermaLink="false">https://old.example/?p=%[4]d</guid>
 <content:encoded>%[3]s</content:encoded><excerpt:encoded>%[2]s</excerpt:encoded>
 <wp:post_id>%[4]d</wp:post_id><wp:post_date>2025-01-02 10:00:00</wp:post_date><wp:post_date_gmt>2025-01-02 10:00:00</wp:post_date_gmt>
 <wp:comment_status>open</wp:comment_status><wp:post_name>%[2]s</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
 <category domain="category" nicename="cat-%[1]d">%[2]s</category><category domain="post_tag" nicename="%[2]s">%[2]s</category>
 <wp:comment><wp:comment_id>%[4]d</wp:comment_id><wp:comment_author>%[3]s</wp:comment_author><wp:comment_author_email>%[2]s</wp:comment_author_email>
  <wp:comment_author_url>%[2]s</wp:comment_author_url><wp:comment_author_IP>%[2]s</wp:comment_author_IP>
  <wp:comment_date_gmt>2025-01-03 10:00:00</wp:comment_date_gmt><wp:comment_content>%[3]s</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
  <wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>
</channel>
</rss>`, i, e, cdata, 100000+i, 200000+i)
}

// importer imports a WordPress export built around each case.
func importer(t *testing.T, s *site, pages *stored) {
	ctx := context.Background()
	key, err := s.DB.Secret(ctx, "avatar", func() string { return "k" })
	if err != nil {
		t.Fatal(err)
	}
	avatars := avatar.New([]byte(key))
	im := &wordpress.Importer{Store: s.DB, Articles: newsroom.New(s.DB), Comments: discussion.New(s.DB, avatars, nil), Avatar: avatars.Hash}
	before := map[int64]bool{}
	list := func() []*communique.Article {
		all, _, err := s.DB.FindArticles(ctx, communique.ArticleFilter{Limit: 10000,
			Status: []communique.Status{communique.StatusPublished, communique.StatusDraft, communique.StatusPending, communique.StatusScheduled}})
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
	for _, a := range list() {
		before[a.ID] = true
	}
	imported := 0
	for i, p := range corpus {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if _, err := im.Import(ctx, strings.NewReader(wxrFor(i, p.Text))); err != nil {
			t.Logf("%s: refused: %.300v", caseName("import", i, p), err)
		} else {
			imported++
		}
		cancel()
	}
	t.Logf("%d of %d exports imported", imported, len(corpus))
	seen := map[string]bool{} // imports cleaned to the same article render once
	for _, a := range list() {
		if before[a.ID] {
			continue
		}
		what := fmt.Sprintf("imported article %d (%.60q)", a.ID, a.Title)
		public := s.path(t, a)
		edit := fmt.Sprintf("/admin/posts/%d/edit", a.ID)
		s.Admin.checkPage(t, public, what)
		// The editor shows what the newsroom's own fields showed; the
		// parser checks it, the browser renders the public page.
		s.Admin.checkPage(t, edit, what)
		if key := a.Title + "\x00" + a.Excerpt + "\x00" + a.HTML; !seen[key] {
			seen[key] = true
			pages.public = append(pages.public, public)
		}
		users, _ := s.DB.FindUsers(ctx, communique.UserFilter{ID: &a.AuthorID})
		for _, u := range users {
			res := s.Admin.get(t, "/author/"+url.PathEscape(u.Slug)+"/")
			for _, problem := range inertProblems(res.Body) {
				t.Errorf("%s: author page: %s", what, problem)
			}
		}
	}
	s.Admin.checkPage(t, "/admin/comments?status=approved", "imported comments")
}

// xmlBombs: the importer reads no outside file, expands no entity into
// gigabytes and gives up on absurd nesting, each in moments.
func xmlBombs(t *testing.T, s *site) {
	ctx := context.Background()
	im := &wordpress.Importer{Store: s.DB, Articles: newsroom.New(s.DB), Comments: discussion.New(s.DB, avatar.New([]byte("k")), nil), Avatar: func(string) string { return "" }}
	item := func(content string) string {
		return `<item><title>Bomb</title><wp:post_id>999999</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>` +
			`<wp:post_name>bomb</wp:post_name><content:encoded>` + content + `</content:encoded></item>`
	}
	head := `<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><wp:wxr_version>1.2</wp:wxr_version>`
	laughs := `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
		`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>` + head + item("&lol9;") + `</channel></rss>`
	for _, tc := range []struct{ name, doc string }{
		{"XXE", `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + head + item("&xxe;") + `</channel></rss>`},
		{"XXEParameter", `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>` + head + item("x") + `</channel></rss>`},
		{"BillionLaughs", laughs},
		{"DeepNesting", head + strings.Repeat("<x>", 200000) + strings.Repeat("</x>", 200000) + `</channel></rss>`},
		{"DeepItem", head + `<item>` + strings.Repeat("<p>", 100000) + `</item></channel></rss>`},
		{"Truncated", head + `<item><title>Cut`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			start := time.Now()
			_, err := im.Import(ctx, strings.NewReader(tc.doc))
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			t.Logf("import: %v", err)
			all, _, ferr := s.DB.FindArticles(ctx, communique.ArticleFilter{Limit: 10000,
				Status: []communique.Status{communique.StatusPublished, communique.StatusDraft}})
			if ferr != nil {
				t.Fatal(ferr)
			}
			for _, a := range all {
				if strings.Contains(a.Source, "root:") || strings.Contains(a.HTML, "root:") || strings.Count(a.Source, "lol") > 1000 {
					t.Errorf("article %d holds what the bomb expanded to (%d bytes)", a.ID, len(a.Source))
				}
			}
		})
	}
}

// urls puts every case in the query strings and path segments readers
// can type: search, WordPress's ?p= links, archives, page numbers.
func urls(t *testing.T, s *site) {
	reader := s.agent(t)
	for i, p := range corpus {
		q := url.QueryEscape(p.Text)
		seg := url.PathEscape(p.Text)
		for _, path := range []string{
			"/search/?s=" + q, "/?s=" + q, "/?p=" + q, "/?page_id=" + q, "/?cat=" + q, "/?replytocom=" + q,
			"/tag/" + seg + "/", "/category/" + seg + "/", "/author/" + seg + "/", "/page/" + seg + "/",
			"/2026/" + seg + "/", "/media/" + seg, "/avatar/" + seg + ".svg", "/admin/posts?page=" + q + "&s=" + q,
			"/admin/comments?status=" + q + "&page=" + q, "/admin/posts/" + seg + "/edit", "/admin/login?next=" + q,
		} {
			a := reader
			if strings.HasPrefix(path, "/admin/") && !strings.HasPrefix(path, "/admin/login") {
				a = s.Admin
			}
			res := a.get(t, path)
			if res.Status >= 500 {
				t.Errorf("%s: GET %s = %d", caseName("URL", i, p), path, res.Status)
			}
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				for _, problem := range inertProblems(res.Body) {
					t.Errorf("%s: GET %s: %s", caseName("URL", i, p), path, problem)
				}
			}
		}
	}
}

// restAPI creates posts and comments with every case through the REST
// API at /wp-json/wp/v2, signed in with the newsroom's cookie and nonce
// as the newsroom's scripts are, and anonymously for comments.
func restAPI(t *testing.T, s *site, pages *stored) {
	ctx := context.Background()
	res := s.Admin.get(t, "/wp-json/communique/v1/rest-nonce")
	var n struct{ Nonce string }
	if err := json.Unmarshal([]byte(res.Body), &n); err != nil || n.Nonce == "" {
		t.Fatalf("no REST nonce for the newsroom session (%d): %v", res.Status, err)
	}
	send := func(a *agent, method, path string, body any, nonce string) (response, map[string]any) {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{"Content-Type": {"application/json"}}
		if nonce != "" {
			h.Set("X-WP-Nonce", nonce)
		}
		res := a.do(t, method, path, strings.NewReader(string(b)), h)
		if ct := res.Header.Get("Content-Type"); res.Status != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		var out map[string]any
		json.Unmarshal([]byte(res.Body), &out)
		return res, out
	}
	a := s.article(t, "Comments through the API")
	reader := s.agent(t)
	var created []int64
	for i, p := range corpus {
		for _, body := range []map[string]any{
			{"title": p.Text, "slug": p.Text, "excerpt": p.Text, "content": fmt.Sprintf("Case %d.", i), "status": "publish"},
			{"title": fmt.Sprintf("API case %d", i), "content": p.Text, "status": "publish"},
		} {
			res, out := send(s.Admin, "POST", "/wp-json/wp/v2/posts", body, n.Nonce)
			switch {
			case res.Status == http.StatusCreated:
				if id, ok := out["id"].(float64); ok {
					created = append(created, int64(id))
				}
			case res.Status/100 != 4:
				t.Errorf("%s: POST posts = %d", caseName("API", i, p), res.Status)
			}
		}
		for _, field := range []string{"author_name", "author_email", "author_url", "content", "parent", "post"} {
			body := map[string]any{"post": a.ID, "author_name": fmt.Sprintf("API reader %d", i), "author_email": fmt.Sprintf("api%d@mail.example", i),
				"content": fmt.Sprintf("API comment %d through %s.", i, field)}
			body[field] = p.Text
			if res, _ := send(reader, "POST", "/wp-json/wp/v2/comments", body, ""); res.Status != http.StatusCreated && res.Status/100 != 4 {
				t.Errorf("%s: POST comments with %s = %d", caseName("API", i, p), field, res.Status)
			}
		}
		q := url.QueryEscape(p.Text)
		for _, path := range []string{"/wp-json/wp/v2/posts/" + url.PathEscape(p.Text), "/wp-json/wp/v2/posts?page=" + q + "&per_page=" + q + "&search=" + q,
			"/wp-json/wp/v2/comments?post=" + q + "&parent=" + q, "/wp-json/wp/v2/users/" + url.PathEscape(p.Text), "/wp-json/wp/v2/search?search=" + q} {
			reader.get(t, path)
		}
		// The case as the whole body of a request.
		reader.do(t, "POST", "/wp-json/wp/v2/comments", strings.NewReader(p.Text), http.Header{"Content-Type": {"application/json"}})
	}
	t.Logf("%d posts created through the API", len(created))
	for _, id := range created {
		art, err := s.DB.FindArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("API article %d (%.60q)", id, art.Title)
		public := s.path(t, art)
		s.Admin.checkPage(t, public, what)
		s.Admin.checkPage(t, fmt.Sprintf("/admin/posts/%d/edit", id), what)
		// Articles from the API go through the editor's pipeline, whose
		// pages the browser renders; the parser checks these.
	}
	all, _, err := s.DB.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID, Limit: 10000,
		Status: []communique.CommentStatus{communique.CommentPending, communique.CommentSpam}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		s.DB.SetCommentStatus(ctx, c.ID, communique.CommentApproved)
	}
	s.Admin.checkPage(t, s.path(t, a), "API comments")
	pages.public = append(pages.public, s.path(t, a))
}
