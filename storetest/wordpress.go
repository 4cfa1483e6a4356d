package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/wordpress"
)

// The stores implement what importing and exporting WordPress sites need.
var (
	_ wordpress.Store       = (*sqlstore.DB)(nil)
	_ wordpress.ExportStore = (*sqlstore.DB)(nil)
)

// WXRSample returns the path of the WordPress theme unit test export:
// the file named by COMMUNIQUE_WXR_SAMPLE, else
// ../shared/data/wordpress/themeunittestdata.wordpress.xml beside the
// repository. A missing file skips the test, or fails it under
// COMMUNIQUE_TEST_STRICT=1 (CI copies shared/ beside the clone).
func WXRSample(tb testing.TB) string {
	tb.Helper()
	p := os.Getenv("COMMUNIQUE_WXR_SAMPLE")
	if p == "" {
		root, err := repoRoot()
		if err != nil {
			tb.Fatal(err)
		}
		p = filepath.Join(root, "..", "shared", "data", "wordpress", "themeunittestdata.wordpress.xml")
	}
	if _, err := os.Stat(p); err != nil {
		if Strict() {
			tb.Fatalf("WordPress sample export missing at %s but COMMUNIQUE_TEST_STRICT=1: %v", p, err)
		}
		tb.Skipf("WordPress sample export not found at %s: set COMMUNIQUE_WXR_SAMPLE to the theme unit test export to run this test", p)
	}
	return p
}

// repoRoot is the folder of go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

// NewImporter returns an importer into db with small batches, so tests
// cross batch boundaries. It keeps the site's settings (time zone,
// permalinks, title), which the tests of other things set themselves;
// tests of the site's identity clear KeepSettings.
func NewImporter(db *sqlstore.DB, batch int) *wordpress.Importer {
	avatars := avatar.New([]byte("test avatar key"))
	return &wordpress.Importer{Store: db, Articles: newsroom.New(db), Comments: discussion.New(db, avatars, nil), Avatar: avatars.Hash,
		BatchSize: batch, Now: db.Now, KeepSettings: true}
}

// MustImportFile imports a WXR file into db.
func MustImportFile(tb testing.TB, db *sqlstore.DB, path string) *wordpress.Summary {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sum, err := NewImporter(db, 50).Import(context.Background(), f)
	if err != nil {
		tb.Fatalf("import %s: %v\n%s", path, err, sum)
	}
	return sum
}

// wxrFixture is a small export with every case the importer must get
// right: children before parents (categories, pages, comments, menu
// items), an attachment before its post, every status, a hostile login,
// comments on things that are not imported.
const wxrFixture = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Old News</title>
	<link>https://old.example.com</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://old.example.com</wp:base_site_url>
	<wp:base_blog_url>https://old.example.com</wp:base_blog_url>
	<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_email>ann@example.com</wp:author_email><wp:author_display_name><![CDATA[Ann Editor]]></wp:author_display_name></wp:author>
	<wp:author><wp:author_id>8</wp:author_id><wp:author_login><![CDATA[bob smith]]></wp:author_login><wp:author_email></wp:author_email><wp:author_display_name><![CDATA[Bob]]></wp:author_display_name></wp:author>
	<wp:category><wp:term_id>21</wp:term_id><wp:category_nicename>local</wp:category_nicename><wp:category_parent>news</wp:category_parent><wp:cat_name><![CDATA[Local]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>20</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News &amp; Views]]></wp:cat_name><wp:category_description>All the news</wp:category_description></wp:category>
	<wp:tag><wp:term_id>30</wp:term_id><wp:tag_slug>harbour</wp:tag_slug><wp:tag_name><![CDATA[Harbour]]></wp:tag_name></wp:tag>
	<wp:term><wp:term_id>40</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>main</wp:term_slug><wp:term_name><![CDATA[Main menu]]></wp:term_name></wp:term>
	<wp:term><wp:term_id>50</wp:term_id><wp:term_taxonomy>post_format</wp:term_taxonomy><wp:term_slug>post-format-aside</wp:term_slug><wp:term_name>Aside</wp:term_name></wp:term>
	<item><title>Team</title><link>https://old.example.com/about/team/</link><dc:creator>ann</dc:creator><guid isPermaLink="false">https://old.example.com/?page_id=102</guid>
		<content:encoded><![CDATA[Who we are.]]></content:encoded><wp:post_id>102</wp:post_id><wp:post_date>2019-05-01 10:00:00</wp:post_date><wp:post_date_gmt>2019-05-01 08:00:00</wp:post_date_gmt>
		<wp:comment_status>closed</wp:comment_status><wp:post_name>team</wp:post_name><wp:status>publish</wp:status><wp:post_parent>101</wp:post_parent><wp:menu_order>2</wp:menu_order><wp:post_type>page</wp:post_type></item>
	<item><title>About</title><link>https://old.example.com/about/</link><dc:creator>ann</dc:creator><guid isPermaLink="false">https://old.example.com/?page_id=101</guid>
		<content:encoded><![CDATA[About us.]]></content:encoded><wp:post_id>101</wp:post_id><wp:post_date_gmt>2019-05-01 08:00:00</wp:post_date_gmt>
		<wp:post_name>about</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>page</wp:post_type></item>
	<item><title>The bridge</title><link>https://old.example.com/2020/01/02/bridge-reopens/the-bridge/</link><guid isPermaLink="false">https://old.example.com/wp-content/uploads/2020/01/bridge.jpg</guid>
		<excerpt:encoded><![CDATA[At dawn]]></excerpt:encoded><wp:post_id>201</wp:post_id><wp:post_date_gmt>2020-01-02 07:00:00</wp:post_date_gmt><wp:status>inherit</wp:status><wp:post_parent>100</wp:post_parent>
		<wp:post_type>attachment</wp:post_type><wp:attachment_url>https://old.example.com/wp-content/uploads/2020/01/bridge.jpg</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[The bridge at dawn]]></wp:meta_value></wp:postmeta></item>
	<item><title><![CDATA[Bridge <em>reopens</em>]]></title><link>https://old.example.com/2020/01/02/bridge-reopens/</link><dc:creator>&gt;bob smith</dc:creator><guid isPermaLink="false">https://old.example.com/?p=100</guid>
		<content:encoded><![CDATA[The bridge is open.
Traffic flows again.

[caption id="attachment_201" align="alignright" width="300"]<img src="https://old.example.com/wp-content/uploads/2020/01/bridge.jpg" alt="Bridge" /> The bridge at dawn[/caption]

[gallery]

[[gallery]] is how you write a gallery.]]></content:encoded>
		<excerpt:encoded><![CDATA[The <b>bridge</b> is open.]]></excerpt:encoded>
		<wp:post_id>100</wp:post_id><wp:post_date>2020-01-02 09:00:00</wp:post_date><wp:post_date_gmt>2020-01-02 08:00:00</wp:post_date_gmt>
		<wp:post_modified_gmt>2020-01-03 08:00:00</wp:post_modified_gmt><wp:comment_status>open</wp:comment_status><wp:post_name>bridge-reopens</wp:post_name>
		<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type><wp:is_sticky>1</wp:is_sticky>
		<category domain="category" nicename="local"><![CDATA[Local]]></category>
		<category domain="post_tag" nicename="harbour"><![CDATA[Harbour]]></category>
		<category domain="post_format" nicename="post-format-aside"><![CDATA[Aside]]></category>
		<wp:comment><wp:comment_id>501</wp:comment_id><wp:comment_author>Dan</wp:comment_author><wp:comment_author_email>dan@example.com</wp:comment_author_email><wp:comment_date_gmt>2020-01-02 11:00:00</wp:comment_date_gmt>
			<wp:comment_content>I agree.</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>500</wp:comment_parent></wp:comment>
		<wp:comment><wp:comment_id>500</wp:comment_id><wp:comment_author>Carol</wp:comment_author><wp:comment_author_email>carol@example.com</wp:comment_author_email><wp:comment_author_url>carol.example.com</wp:comment_author_url>
			<wp:comment_author_IP>192.0.2.5</wp:comment_author_IP><wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Finally! <b>Great</b> news.]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
		<wp:comment><wp:comment_id>502</wp:comment_id><wp:comment_author>Other blog</wp:comment_author><wp:comment_author_url>https://blog.example.org/post</wp:comment_author_url><wp:comment_date_gmt>2020-01-03 10:00:00</wp:comment_date_gmt>
			<wp:comment_content>[…] the bridge […]</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type></wp:comment>
		<wp:comment><wp:comment_id>503</wp:comment_id><wp:comment_author>Tracker</wp:comment_author><wp:comment_date_gmt>2020-01-03 11:00:00</wp:comment_date_gmt>
			<wp:comment_content>Trackback</wp:comment_content><wp:comment_approved>0</wp:comment_approved><wp:comment_type>trackback</wp:comment_type></wp:comment>
		<wp:comment><wp:comment_id>504</wp:comment_id><wp:comment_author>Spammer</wp:comment_author><wp:comment_date_gmt>2020-01-03 12:00:00</wp:comment_date_gmt>
			<wp:comment_content>Buy now</wp:comment_content><wp:comment_approved>spam</wp:comment_approved></wp:comment>
		<wp:comment><wp:comment_id>505</wp:comment_id><wp:comment_author>Rude</wp:comment_author><wp:comment_date_gmt>2020-01-03 13:00:00</wp:comment_date_gmt>
			<wp:comment_content>Rude words</wp:comment_content><wp:comment_approved>trash</wp:comment_approved></wp:comment>
		<wp:comment><wp:comment_id>506</wp:comment_id><wp:comment_author>Eve</wp:comment_author><wp:comment_date_gmt>2020-01-03 14:00:00</wp:comment_date_gmt>
			<wp:comment_content>Replying to a deleted comment</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>999</wp:comment_parent></wp:comment>
	</item>
	<item><title>Plans</title><link>https://old.example.com/2030/01/01/plans/</link><dc:creator>ann</dc:creator><guid>https://old.example.com/?p=103</guid>
		<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>Block body.</p>
<!-- /wp:paragraph -->

<!-- wp:latest-posts {"postsToShow":3} /-->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc"} -->
<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=abc
</div></figure>
<!-- /wp:embed -->]]></content:encoded>
		<wp:post_id>103</wp:post_id><wp:post_date_gmt>2030-01-01 08:00:00</wp:post_date_gmt><wp:post_name>plans</wp:post_name><wp:status>future</wp:status><wp:post_type>post</wp:post_type></item>
	<item><title>Draft</title><dc:creator>ann</dc:creator><content:encoded>Not yet.</content:encoded><wp:post_id>104</wp:post_id><wp:post_date>2021-01-01 10:00:00</wp:post_date>
		<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:post_name></wp:post_name><wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>
	<item><title>Private</title><dc:creator>ann</dc:creator><wp:post_id>105</wp:post_id><wp:post_date_gmt>2021-01-02 10:00:00</wp:post_date_gmt><wp:status>private</wp:status><wp:post_type>post</wp:post_type></item>
	<item><title>Binned</title><dc:creator>ann</dc:creator><wp:post_id>106</wp:post_id><wp:post_date_gmt>2021-01-03 10:00:00</wp:post_date_gmt><wp:status>trash</wp:status><wp:post_type>post</wp:post_type></item>
	<item><title>Secret</title><dc:creator>ann</dc:creator><wp:post_id>107</wp:post_id><wp:post_date_gmt>2021-01-04 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_password>enter</wp:post_password><wp:post_type>post</wp:post_type></item>
	<item><title>Auto</title><dc:creator>ann</dc:creator><wp:post_id>108</wp:post_id><wp:status>auto-draft</wp:status><wp:post_type>post</wp:post_type></item>
	<item><title>Reusable block</title><dc:creator>ann</dc:creator><wp:post_id>109</wp:post_id><wp:status>publish</wp:status><wp:post_type>wp_block</wp:post_type>
		<wp:comment><wp:comment_id>600</wp:comment_id><wp:comment_content>x</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment></item>
	<item><title>Home</title><wp:post_id>301</wp:post_id><wp:status>publish</wp:status><wp:menu_order>1</wp:menu_order><wp:post_type>nav_menu_item</wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main menu]]></category>
		<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>custom</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_url</wp:meta_key><wp:meta_value>https://old.example.com/</wp:meta_value></wp:postmeta></item>
	<item><title></title><wp:post_id>303</wp:post_id><wp:status>publish</wp:status><wp:menu_order>3</wp:menu_order><wp:post_type>nav_menu_item</wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main menu]]></category>
		<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>post_type</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_object</wp:meta_key><wp:meta_value>page</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key><wp:meta_value>102</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_menu_item_parent</wp:meta_key><wp:meta_value>302</wp:meta_value></wp:postmeta></item>
	<item><title>About us</title><wp:post_id>302</wp:post_id><wp:status>publish</wp:status><wp:menu_order>2</wp:menu_order><wp:post_type>nav_menu_item</wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main menu]]></category>
		<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>post_type</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key><wp:meta_value>101</wp:meta_value></wp:postmeta></item>
	<item><title></title><wp:post_id>304</wp:post_id><wp:status>publish</wp:status><wp:menu_order>4</wp:menu_order><wp:post_type>nav_menu_item</wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main menu]]></category>
		<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>taxonomy</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_object</wp:meta_key><wp:meta_value>category</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key><wp:meta_value>20</wp:meta_value></wp:postmeta></item>
	<item><title>Gone</title><wp:post_id>305</wp:post_id><wp:status>publish</wp:status><wp:menu_order>5</wp:menu_order><wp:post_type>nav_menu_item</wp:post_type>
		<category domain="nav_menu" nicename="main"><![CDATA[Main menu]]></category>
		<wp:postmeta><wp:meta_key>_menu_item_type</wp:meta_key><wp:meta_value>post_type</wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key><wp:meta_value>999</wp:meta_value></wp:postmeta></item>
</channel>
</rss>`

const fixtureSource = "https://old.example.com"

func importFixture(t *testing.T, db *sqlstore.DB, doc string) *wordpress.Summary {
	t.Helper()
	sum, err := NewImporter(db, 3).Import(context.Background(), strings.NewReader(doc))
	if err != nil {
		t.Fatalf("import: %v\n%s", err, sum)
	}
	return sum
}

func mustImported(t *testing.T, db *sqlstore.DB, kind string, wpID int64) int64 {
	t.Helper()
	id, err := db.FindImportedID(context.Background(), fixtureSource, kind, wpID)
	if err != nil {
		t.Fatalf("%s %d: %v", kind, wpID, err)
	}
	return id
}

// importedSite is a store after importing wxrFixture, which the steps
// of testWordPressImport check one aspect at a time.
type importedSite struct {
	db      *sqlstore.DB
	sum     *wordpress.Summary
	post    *communique.Article // WordPress post 100, with the comments
	created map[string]int      // what the import created, by kind
}

func testWordPressImport(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	fixedClock(db, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	sum := importFixture(t, db, wxrFixture)
	want := map[string]int{"authors": 2, "categories": 2, "tags": 1, "posts": 6, "pages": 2, "attachments": 1, "menus": 1, "menu items": 4, "comments": 7}
	for k, n := range want {
		if c := sum.Counts[k]; c.Created != n || c.Updated != 0 {
			t.Errorf("%s = %+v, want %d created\n%s", k, c, n, sum)
		}
	}
	for _, reason := range []string{"posts that are WordPress auto-drafts (never saved)", `items of post type "wp_block" (not supported)`,
		`comments on items of post type "wp_block" (not supported)`, "menu items pointing at something not imported",
		`terms of taxonomy "post_format" (not supported)`} {
		if sum.Skipped[reason] != 1 {
			t.Errorf("skipped %q = %d, want 1\n%s", reason, sum.Skipped[reason], sum)
		}
	}

	w := &importedSite{db: db, sum: sum, created: want}
	t.Run("Users", func(t *testing.T) { testWordPressImportUsers(t, w) })
	t.Run("Categories", func(t *testing.T) { testWordPressImportCategories(t, w) })
	post, err := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 100))
	if err != nil {
		t.Fatal(err)
	}
	w.post = post
	t.Run("Post", func(t *testing.T) { testWordPressImportPost(t, w) })
	t.Run("Statuses", func(t *testing.T) { testWordPressImportStatuses(t, w) })
	t.Run("Comments", func(t *testing.T) { testWordPressImportComments(t, w) })
	t.Run("PagesAndAttachments", func(t *testing.T) { testWordPressImportPagesAndAttachments(t, w) })
	t.Run("Redirects", func(t *testing.T) { testWordPressImportRedirects(t, w) })
	t.Run("Menu", func(t *testing.T) { testWordPressImportMenu(t, w) })
	t.Run("ReimportUpdates", func(t *testing.T) { testWordPressImportReimportUpdates(t, w) })
}

func testWordPressImportUsers(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	bob := "bob-smith"
	users, err := db.FindUsers(ctx, communique.UserFilter{Login: &bob})
	if err != nil || len(users) != 1 {
		t.Fatalf("bob = %v, %v", users, err)
	}
	if u := users[0]; u.Email != "bob-smith@imported.invalid" || u.PasswordHash != "" || u.DisplayName != "Bob" || u.Role != communique.RoleAuthor {
		t.Errorf("bob = %+v", u)
	}
}

func testWordPressImportCategories(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	news, err := db.FindTerms(ctx, communique.TermFilter{ID: ptr(mustImported(t, db, communique.KindTerm, 20))})
	if err != nil || len(news) != 1 || news[0].Name != "News & Views" || news[0].Description != "All the news" {
		t.Fatalf("news = %v, %v", news, err)
	}
	local, _ := db.FindTerms(ctx, communique.TermFilter{ID: ptr(mustImported(t, db, communique.KindTerm, 21))})
	if len(local) != 1 || local[0].ParentID != news[0].ID {
		t.Fatalf("local = %+v, want parent %d", local, news[0].ID)
	}
}

func testWordPressImportPost(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	post := w.post
	if post.Title != "Bridge reopens" || post.Slug != "bridge-reopens" || post.Status != communique.StatusPublished || !post.Sticky ||
		!post.CommentsOpen || post.Excerpt != "The bridge is open." || post.Author.Login != "bob-smith" ||
		!post.PublishedAt.Equal(time.Date(2020, 1, 2, 8, 0, 0, 0, time.UTC)) || !post.ModifiedAt.Equal(time.Date(2020, 1, 3, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("post = %+v", post)
	}
	if len(post.Categories) != 1 || post.Categories[0].Slug != "local" || len(post.Tags) != 1 || post.Tags[0].Slug != "harbour" {
		t.Errorf("terms = %v %v", post.Categories, post.Tags)
	}
	for _, want := range []string{"<p>The bridge is open.<br", "Traffic flows again.</p>", "<figure", "<figcaption", "The bridge at dawn</figcaption>",
		`<img src="https://old.example.com/wp-content/uploads/2020/01/bridge.jpg" alt="The bridge at dawn"`, "[gallery] is how you write"} {
		if !strings.Contains(post.HTML, want) {
			t.Errorf("body lacks %q:\n%s", want, post.HTML)
		}
	}
	if post.CommentCount != 4 {
		t.Errorf("comment count = %d, want 4 approved", post.CommentCount)
	}
	guids, err := db.ArticleGUIDs(ctx, []int64{post.ID})
	if err != nil || guids[post.ID] != "https://old.example.com/?p=100" {
		t.Errorf("guid = %q, %v", guids[post.ID], err)
	}
}

func testWordPressImportStatuses(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	for wpID, want := range map[int64]communique.Status{103: communique.StatusScheduled, 104: communique.StatusDraft,
		105: communique.StatusPrivate, 106: communique.StatusTrash, 107: communique.StatusPublished} {
		a, err := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, wpID))
		if err != nil || a.Status != want {
			t.Errorf("post %d: %v, %v; want %s", wpID, a, err, want)
		}
	}
	// WordPress's private posts stay private, with their date; post
	// passwords come as given, and the report says so.
	private, err := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 105))
	if err != nil || !private.PublishedAt.Equal(time.Date(2021, 1, 2, 10, 0, 0, 0, time.UTC)) || private.Password != "" {
		t.Errorf("private post = %+v, %v", private, err)
	}
	secret, err := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 107))
	if err != nil || secret.Password != "enter" || !secret.Protected() {
		t.Errorf("protected post = %+v, %v; want password %q", secret, err, "enter")
	}
	for _, note := range []string{"posts that were private imported as drafts",
		"posts protected by a password imported as drafts (Communiqué has no post passwords)"} {
		if w.sum.Notes[note] != 0 {
			t.Errorf("note %q = %d, want none: nothing changed\n%s", note, w.sum.Notes[note], w.sum)
		}
	}
	draft, _ := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 104))
	if draft == nil || !draft.PublishedAt.IsZero() || draft.Slug != "draft" {
		t.Errorf("draft = %+v", draft)
	}
	plans, _ := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 103))
	if plans == nil || strings.Contains(plans.HTML, "wp:") || !strings.Contains(plans.HTML, "<p>Block body.</p>") ||
		!strings.Contains(plans.HTML, `<a href="https://www.youtube.com/watch?v=abc"`) || strings.Contains(plans.HTML, "<br") {
		t.Errorf("block body = %q", plans.HTML)
	}
}

func testWordPressImportComments(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	sum := w.sum
	post := w.post
	list, _, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &post.ID, Private: true})
	if err != nil || len(list) != 7 {
		t.Fatalf("comments = %d, %v", len(list), err)
	}
	by := map[string]*communique.Comment{}
	for _, c := range list {
		by[c.AuthorName] = c
		if c.AvatarHash == "" {
			t.Errorf("comment by %s has no avatar", c.AuthorName)
		}
	}
	carol, dan := by["Carol"], by["Dan"]
	if carol.Status != communique.CommentApproved || carol.AuthorEmail != "carol@example.com" || carol.AuthorIP != "192.0.2.5" ||
		carol.AuthorURL != "http://carol.example.com" || !strings.Contains(carol.HTML, "<b>Great</b>") || carol.ParentID != 0 || carol.ThreadID != carol.ID ||
		!carol.CreatedAt.Equal(time.Date(2020, 1, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("carol = %+v", carol)
	}
	if dan.ParentID != carol.ID || dan.ThreadID != carol.ID {
		t.Errorf("reply before its parent in the file: parent %d thread %d, want %d", dan.ParentID, dan.ThreadID, carol.ID)
	}
	checks := map[string][2]string{
		"Other blog": {"approved", "pingback"}, "Tracker": {"pending", "trackback"}, "Spammer": {"spam", "comment"},
		"Rude": {"trash", "comment"}, "Eve": {"approved", "comment"},
	}
	for name, want := range checks {
		if c := by[name]; c == nil || string(c.Status) != want[0] || c.Type != want[1] {
			t.Errorf("%s = %+v, want %v", name, c, want)
		}
	}
	if by["Eve"].ParentID != 0 || sum.Notes["replies to a comment missing from the export imported as top-level comments"] != 1 {
		t.Errorf("orphan reply: parent %d, notes %v", by["Eve"].ParentID, sum.Notes)
	}
}

func testWordPressImportPagesAndAttachments(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	post := w.post
	team, _ := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 102))
	about := mustImported(t, db, communique.KindArticle, 101)
	if team == nil || team.ParentID != about || team.Type != communique.TypePage || team.MenuOrder != 2 {
		t.Errorf("team = %+v, want parent %d", team, about)
	}
	at, err := db.FindAttachmentByID(ctx, mustImported(t, db, communique.KindAttachment, 201))
	if err != nil || at.ArticleID != post.ID || at.MIMEType != "image/jpeg" || at.AltText != "The bridge at dawn" || at.Caption != "At dawn" || at.SourceID != 201 {
		t.Errorf("attachment = %+v, %v", at, err)
	}
}

func testWordPressImportRedirects(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	post := w.post
	for path, want := range map[string][2]any{
		"/2020/01/02/bridge-reopens/":            {communique.KindArticle, post.ID},
		"/about/team/":                           {communique.KindArticle, mustImported(t, db, communique.KindArticle, 102)},
		"/2020/01/02/bridge-reopens/the-bridge/": {communique.KindAttachment, mustImported(t, db, communique.KindAttachment, 201)},
		"/category/news/local/":                  {communique.KindTerm, mustImported(t, db, communique.KindTerm, 21)},
		"/tag/harbour/":                          {communique.KindTerm, mustImported(t, db, communique.KindTerm, 30)},
		"/author/ann/":                           {communique.KindUser, mustImported(t, db, communique.KindUser, 7)},
		"/author/bob-smith/":                     {communique.KindUser, mustImported(t, db, communique.KindUser, 8)},
	} {
		r, err := db.FindRedirect(ctx, path)
		if err != nil || r.Kind != want[0] || r.TargetID != want[1] {
			t.Errorf("redirect %s = %+v, %v; want %v", path, r, err, want)
		}
	}
	_, err := db.FindRedirect(ctx, "/nothing/")
	wantCode(t, err, communique.ENOTFOUND)
	if id, err := db.FindImportedID(ctx, "", communique.KindArticle, 100); err != nil || id != post.ID {
		t.Errorf("any-source lookup = %d, %v", id, err)
	}
}

func testWordPressImportMenu(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	menus, err := db.FindMenus(ctx)
	if err != nil || len(menus) != 1 {
		t.Fatalf("menus = %v, %v", menus, err)
	}
	m := menus[0]
	var got []string
	for _, it := range m.Items {
		parent := ""
		for _, p := range m.Items {
			if p.ID == it.ParentID {
				parent = p.Label + " > "
			}
		}
		got = append(got, parent+it.Label+" ("+it.ObjectType+")")
	}
	want := []string{"Home (custom)", "About us (article)", "About us > Team (article)", "News & Views (term)"}
	if m.Slug != "main" || m.Name != "Main menu" || strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("menu %s %q: %v, want %v", m.Slug, m.Name, got, want)
	}
}

func testWordPressImportReimportUpdates(t *testing.T, w *importedSite) {
	ctx := context.Background()
	db := w.db
	post := w.post
	before := countRows(t, db)
	changed := strings.Replace(wxrFixture, "<title>Plans</title>", "<title>New plans</title>", 1)
	sum := importFixture(t, db, changed)
	for k, n := range w.created {
		if c := sum.Counts[k]; c.Created != 0 || c.Updated != n {
			t.Errorf("re-import %s = %+v, want %d updated", k, c, n)
		}
	}
	if after := countRows(t, db); after != before {
		t.Errorf("rows after re-import = %s, before %s", after, before)
	}
	plans, _ := db.FindArticleByID(ctx, mustImported(t, db, communique.KindArticle, 103))
	if plans == nil || plans.Title != "New plans" {
		t.Errorf("re-import did not update the title: %+v", plans)
	}
	list, _, _ := db.FindComments(ctx, communique.CommentFilter{ArticleID: &post.ID})
	for _, c := range list {
		if c.AuthorName == "Dan" && c.ParentID == 0 {
			t.Error("re-import lost a reply's parent")
		}
	}
}

func ptr[T any](v T) *T { return &v }

// countRows counts the rows an import touches, as a string to compare.
func countRows(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	ctx := context.Background()
	var parts []string
	all, _, err := db.FindArticles(ctx, communique.ArticleFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	parts = append(parts, fmt.Sprintf("articles=%d", len(all)))
	comments, _, _ := db.FindComments(ctx, communique.CommentFilter{Limit: 10000})
	terms, _ := db.FindTerms(ctx, communique.TermFilter{})
	users, _ := db.FindUsers(ctx, communique.UserFilter{})
	atts, _ := db.FindAttachments(ctx, 0, 0, 1000)
	menus, _ := db.FindMenus(ctx)
	items := 0
	for _, m := range menus {
		items += len(m.Items)
	}
	parts = append(parts, fmt.Sprintf("comments=%d terms=%d users=%d attachments=%d menus=%d items=%d",
		len(comments), len(terms), len(users), len(atts), len(menus), items))
	return strings.Join(parts, " ")
}

// testWordPressSample imports the theme unit test export, checks every
// count, imports it again (nothing duplicated), exports it and imports
// the export into an empty store: both stores must hold the same site.
func testWordPressSample(t *testing.T, db *sqlstore.DB, open Opener) {
	sample := WXRSample(t)
	ctx := context.Background()
	fixedClock(db, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	sum := MustImportFile(t, db, sample)
	want := map[string]int{"posts": 58, "pages": 21, "attachments": 37, "menus": 6, "menu items": 70,
		"categories": 68, "tags": 110, "authors": 2, "comments": 33}
	for k, n := range want {
		if c := sum.Counts[k]; c.Created != n || c.Updated != 0 {
			t.Errorf("%s = %+v, want %d\n%s", k, c, n, sum)
		}
	}
	if len(sum.Skipped) > 0 {
		t.Errorf("skipped: %v", sum.Skipped)
	}
	all, _, err := db.FindArticles(ctx, communique.ArticleFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// "Template: Password Protected (the password is "enter")" stays
	// published behind its password, not a draft.
	protected := 0
	for _, a := range all {
		if a.Slug == "template-password-protected" && a.Status == communique.StatusPublished && a.Password == "enter" {
			protected++
		}
	}
	if protected != 1 {
		t.Errorf("the sample's password-protected post was not imported with its password")
	}
	for _, a := range all {
		for _, bad := range []string{"<!-- wp:", "[caption", "[gallery ", "[gallery]", "[audio"} {
			if strings.Contains(a.Source, bad) || strings.Contains(a.HTML, bad) {
				t.Errorf("%s still holds %q", a.Slug, bad)
			}
		}
	}
	before := countRows(t, db)
	again := MustImportFile(t, db, sample)
	for k, n := range want {
		if c := again.Counts[k]; c.Updated != n || c.Created != 0 {
			t.Errorf("re-import %s = %+v, want %d updated", k, c, n)
		}
	}
	if after := countRows(t, db); after != before {
		t.Errorf("rows after re-import = %s, before %s", after, before)
	}

	var export bytes.Buffer
	esum, err := (&wordpress.Exporter{Store: db, SiteURL: "https://news.example.com", BatchSize: 7}).Export(ctx, &export)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range want {
		if k == "tags" {
			n += 4 // used by posts without being in the sample's list
		}
		if esum[k] != n {
			t.Errorf("exported %s = %d, want %d", k, esum[k], n)
		}
	}
	first := bytes.Clone(export.Bytes())
	b := open(t)
	fixedClock(b, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	bsum, err := NewImporter(b, 50).Import(ctx, &export)
	if err != nil {
		t.Fatalf("import of the export: %v\n%s", err, bsum)
	}
	if len(bsum.Skipped) > 0 || len(bsum.Notes) > 0 {
		t.Errorf("the export did not import cleanly:\n%s", bsum)
	}
	fa, fb := fingerprint(t, db), fingerprint(t, b)
	for _, kind := range []string{"post", "page", "term", "comment", "attachment", "menu"} {
		if fa.sum(kind) != fb.sum(kind) {
			t.Errorf("round trip changed the %ss:\n%s", kind, diffLines(fa[kind], fb[kind]))
		}
		if len(fa[kind]) == 0 {
			t.Errorf("no %s to compare", kind)
		}
	}

	// The round trip: the new site's export equals the old one's, item
	// for item (authors, terms, posts, pages, attachments, menu items
	// with their nesting, comments with their threads).
	var second bytes.Buffer
	if _, err := (&wordpress.Exporter{Store: b, SiteURL: "https://news.example.com", BatchSize: 7}).Export(ctx, &second); err != nil {
		t.Fatal(err)
	}
	la, lb := exportLines(t, first), exportLines(t, second.Bytes())
	for _, kind := range []string{"author", "term", "item", "comment"} {
		if strings.Join(la[kind], "\n") != strings.Join(lb[kind], "\n") {
			t.Errorf("export, import, export changed the %ss:\n%s", kind, diffLines(la[kind], lb[kind]))
		}
		if len(la[kind]) == 0 {
			t.Errorf("no %s in the export to compare", kind)
		}
	}
	t.Logf("round trip: %d authors, %d terms, %d items, %d comments compared",
		len(la["author"]), len(la["term"]), len(la["item"]), len(la["comment"]))
}

// siteFingerprint is a store's content as sorted lines per kind, free of
// local ids and of the white space HTML does not care about.
type siteFingerprint map[string][]string

func (f siteFingerprint) sum(kind string) string {
	h := sha256.New()
	for _, l := range f[kind] {
		h.Write([]byte(l + "\n"))
	}
	return fmt.Sprintf("%d lines, sha256 %x", len(f[kind]), h.Sum(nil))
}

func fingerprint(t *testing.T, db *sqlstore.DB) siteFingerprint {
	t.Helper()
	ctx := context.Background()
	f := siteFingerprint{}
	slugs := map[int64]string{}
	var articles []*communique.Article
	for after := int64(0); ; {
		list, _, err := db.ExportArticles(ctx, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		after = list[len(list)-1].ID
		for _, a := range list {
			slugs[a.ID] = a.Slug
			articles = append(articles, a)
		}
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, a := range articles {
		var terms []string
		for _, t := range append(append([]*communique.Term{}, a.Categories...), a.Tags...) {
			terms = append(terms, t.Taxonomy+":"+t.Slug)
		}
		sort.Strings(terms)
		f[a.Type] = append(f[a.Type], strings.Join([]string{a.Title, a.Slug, string(a.Status), a.Author.Login, slugs[a.ParentID],
			fmt.Sprint(a.Sticky, a.CommentsOpen, a.MenuOrder), a.PublishedAt.UTC().Format(time.RFC3339), a.Excerpt,
			strings.Join(terms, ","), norm(a.HTML)}, " | "))
		comments, err := db.ExportComments(ctx, a.ID, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		texts := map[int64]string{}
		for _, c := range comments {
			texts[c.ID] = c.AuthorName + ": " + c.Text
		}
		for _, c := range comments {
			f["comment"] = append(f["comment"], strings.Join([]string{a.Slug, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP,
				string(c.Status), c.Type, c.CreatedAt.UTC().Format(time.RFC3339), c.Text, norm(c.HTML), "reply to " + texts[c.ParentID]}, " | "))
		}
	}
	terms, err := db.ExportTerms(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	termSlugs := map[int64]string{}
	for _, t := range terms {
		termSlugs[t.ID] = t.Slug
	}
	for _, t := range terms {
		f["term"] = append(f["term"], strings.Join([]string{t.Taxonomy, t.Name, t.Slug, termSlugs[t.ParentID], t.Description}, " | "))
	}
	atts, err := db.FindAttachments(ctx, 0, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range atts {
		f["attachment"] = append(f["attachment"], strings.Join([]string{at.Title, at.URL, at.MIMEType, at.AltText, at.Caption, slugs[at.ArticleID]}, " | "))
	}
	menus, err := db.FindMenus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range menus {
		labels := map[int64]string{}
		for _, it := range m.Items {
			labels[it.ID] = it.Label
		}
		for _, it := range m.Items {
			target := it.URL
			switch it.ObjectType {
			case "article":
				target = "article " + slugs[it.ObjectID]
			case "term":
				target = "term " + termSlugs[it.ObjectID]
			}
			f["menu"] = append(f["menu"], strings.Join([]string{m.Name, m.Slug, fmt.Sprint(it.Position), labels[it.ParentID], it.Label, target}, " | "))
		}
	}
	for _, lines := range f {
		sort.Strings(lines)
	}
	return f
}

// diffLines shows the lines only one side has.
func diffLines(a, b []string) string {
	in := func(list []string) map[string]int {
		m := map[string]int{}
		for _, l := range list {
			m[l]++
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range a {
		if mb[l] == 0 {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if ma[l] == 0 {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… and %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}
