package wxr_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"communique/wxr"
)

// samplePath returns the WordPress theme unit test export: the file named
// by COMMUNIQUE_WXR_SAMPLE, else ../shared/data/wordpress/… beside the
// repository. A missing file skips the test, or fails it under
// COMMUNIQUE_TEST_STRICT=1.
func samplePath(tb testing.TB) string {
	tb.Helper()
	p := os.Getenv("COMMUNIQUE_WXR_SAMPLE")
	if p == "" {
		dir, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				tb.Fatal("no go.mod above the test's folder")
			}
			dir = parent
		}
		p = filepath.Join(dir, "..", "shared", "data", "wordpress", "themeunittestdata.wordpress.xml")
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("COMMUNIQUE_TEST_STRICT") == "1" {
			tb.Fatalf("WordPress sample export missing at %s but COMMUNIQUE_TEST_STRICT=1: %v", p, err)
		}
		tb.Skipf("WordPress sample export not found at %s: set COMMUNIQUE_WXR_SAMPLE to the theme unit test export to run this test", p)
	}
	return p
}

// readAll reads every record of a document.
func readAll(t testing.TB, r io.Reader) ([]any, error) {
	t.Helper()
	rd := wxr.NewReader(r)
	var recs []any
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, nil
		} else if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

func TestReadSample(t *testing.T) {
	f, err := os.Open(samplePath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := readAll(t, f)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var lastItem *wxr.Item
	for _, rec := range recs {
		switch v := rec.(type) {
		case *wxr.Channel:
			counts["channel"]++
			if v.WXRVersion != "1.2" || v.BaseBlogURL != "https://wpthemetestdata.wordpress.com" {
				t.Errorf("channel = %+v", v)
			}
		case *wxr.Author:
			counts["author"]++
		case *wxr.Term:
			counts["term:"+v.Taxonomy]++
		case *wxr.Item:
			counts["item:"+v.Type]++
			lastItem = v
		case *wxr.Comment:
			counts["comment"]++
			if lastItem == nil || v.PostID != lastItem.ID {
				t.Errorf("comment %d of post %d follows item %v", v.ID, v.PostID, lastItem)
			}
		}
	}
	want := map[string]int{
		"channel": 1, "author": 2, "term:category": 69, "term:post_tag": 110, "term:nav_menu": 6,
		"item:post": 58, "item:page": 21, "item:attachment": 37, "item:nav_menu_item": 70, "comment": 33,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v\nwant     %v", counts, want)
	}
}

func TestReadFields(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel>
	<title>Site &amp; Co</title>
	<wp:wxr_version>1.1</wp:wxr_version>
	<wp:base_blog_url>http://old.example.com</wp:base_blog_url>
	<wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_email>ann@example.com</wp:author_email></wp:author>
	<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>child</wp:category_nicename><wp:category_parent>top</wp:category_parent><wp:cat_name><![CDATA[Child]]></wp:cat_name></wp:category>
	<item>
		<title>Hello&nbsp;world</title>
		<link>http://old.example.com/2009/01/02/hello/</link>
		<dc:creator>ann</dc:creator>
		<guid isPermaLink="false">http://old.example.com/?p=5</guid>
		<content:encoded><![CDATA[<p>Body ]]]]><![CDATA[> here</p>]]></content:encoded>
		<excerpt:encoded>Short</excerpt:encoded>
		<wp:post_id>5</wp:post_id>
		<wp:post_date>2009-01-02 03:04:05</wp:post_date>
		<wp:status>publish</wp:status>
		<wp:post_type>post</wp:post_type>
		<wp:is_sticky>1</wp:is_sticky>
		<category domain="category" nicename="child"><![CDATA[Child]]></category>
		<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>v</wp:meta_value></wp:postmeta>
		<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author>Bob</wp:comment_author><wp:comment_content>Hi</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
		<wp:comment><wp:comment_id>10</wp:comment_id><wp:comment_parent>9</wp:comment_parent><wp:comment_type>pingback</wp:comment_type></wp:comment>
	</item>
</channel>
</rss>`
	recs, err := readAll(t, strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 {
		t.Fatalf("got %d records: %#v", len(recs), recs)
	}
	if ch := recs[0].(*wxr.Channel); ch.Title != "Site & Co" || ch.WXRVersion != "1.1" {
		t.Errorf("channel = %+v", ch)
	}
	if a := recs[1].(*wxr.Author); *a != (wxr.Author{ID: 3, Login: "ann", Email: "ann@example.com"}) {
		t.Errorf("author = %+v", a)
	}
	if tm := recs[2].(*wxr.Term); tm.ID != 7 || tm.Taxonomy != "category" || tm.Slug != "child" || tm.Parent != "top" || tm.Name != "Child" {
		t.Errorf("term = %+v", tm)
	}
	it := recs[3].(*wxr.Item)
	if it.Title != "Hello\u00a0world" || it.Content != "<p>Body ]]> here</p>" || it.ID != 5 || !it.Sticky || it.GUIDIsPermaLink ||
		it.Creator != "ann" || it.Excerpt != "Short" || len(it.Terms) != 1 || it.Terms[0].Nicename != "child" || it.MetaValue("k") != "v" {
		t.Errorf("item = %+v", it)
	}
	if c := recs[4].(*wxr.Comment); c.ID != 9 || c.PostID != 5 || c.Author != "Bob" || c.Approved != "1" {
		t.Errorf("comment = %+v", c)
	}
	if c := recs[5].(*wxr.Comment); c.ID != 10 || c.Parent != 9 || c.Type != "pingback" {
		t.Errorf("reply = %+v", c)
	}
}

// TestBadInput feeds hostile and broken files: each must give a clear
// error, never a panic and never a hang.
func TestBadInput(t *testing.T) {
	head := `<?xml version="1.0"?>` + "\n"
	rss := `<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>`
	tests := []struct {
		name string
		doc  string
		want error
		msg  string
	}{
		{"ErrXXE", head + `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + rss + `<item><title>&xxe;</title></item></channel></rss>`, wxr.ErrDTD, "external-entity"},
		{"ErrBillionLaughs", head + `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` + rss + `<item><title>&lol3;</title></item></channel></rss>`, wxr.ErrDTD, "entity-expansion"},
		{"ErrEntityWithoutDTD", head + rss + `<item><title>&xxe;</title></item></channel></rss>`, wxr.ErrNotWXR, "entity"},
		{"ErrDeepNesting", head + rss + `<item><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">` + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + `</content:encoded></item></channel></rss>`, wxr.ErrTooDeep, "nested too deeply"},
		{"ErrTruncated", head + rss + `<item><title>Cut`, wxr.ErrTruncated, "truncated"},
		{"ErrTruncatedBetweenItems", head + rss + `<item><title>One</title></item>`, wxr.ErrTruncated, "truncated"},
		{"ErrNotXML", "%PDF-1.4 this is not XML at all", wxr.ErrNotWXR, "not a WordPress export"},
		{"ErrEmpty", "", wxr.ErrNotWXR, "empty"},
		{"ErrHTML", head + `<html><body>hello</body></html>`, wxr.ErrNotWXR, "<html>"},
		{"ErrPlainRSS", head + `<rss><channel><title>A feed</title><item><title>x</title></item></channel></rss>`, wxr.ErrNotWXR, "wxr_version"},
		{"ErrVersion", head + `<rss xmlns:wp="http://wordpress.org/export/2.0/"><channel><wp:wxr_version>2.0</wp:wxr_version><item/></channel></rss>`, wxr.ErrVersion, "2.0"},
		{"ErrMismatchedTags", head + rss + `<item><title>x</wrong></item></channel></rss>`, wxr.ErrNotWXR, "syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, strings.NewReader(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *wxr.Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "wxr: ") {
				t.Fatalf("err = %q, want a *wxr.Error mentioning %q", err, tt.msg)
			}
		})
	}
}

func TestRecordTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MiB")
	}
	doc := io.MultiReader(
		strings.NewReader(`<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version><item><title>`),
		io.LimitReader(repeatReader('x'), wxr.MaxRecordBytes+10),
		strings.NewReader(`</title></item></channel></rss>`))
	_, err := readAll(t, doc)
	if !errors.Is(err, wxr.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestWriteRead writes every kind of record and reads them back equal.
func TestWriteRead(t *testing.T) {
	ch := &wxr.Channel{Title: "A <site> & more", Link: "https://news.example.com", Description: "d", Language: "en", WXRVersion: "1.2",
		BaseSiteURL: "https://news.example.com", BaseBlogURL: "https://news.example.com"}
	author := &wxr.Author{ID: 1, Login: "ann", Email: "ann@example.com", DisplayName: "Ann ]]> Smith"}
	cat := &wxr.Term{ID: 2, Taxonomy: wxr.TaxonomyCategory, Slug: "news", Name: "News & views", Description: "All the news"}
	child := &wxr.Term{ID: 3, Taxonomy: wxr.TaxonomyCategory, Slug: "local", Name: "Local", Parent: "news"}
	tag := &wxr.Term{ID: 4, Taxonomy: wxr.TaxonomyTag, Slug: "x", Name: "X"}
	menu := &wxr.Term{ID: 5, Taxonomy: wxr.TaxonomyNavMenu, Slug: "main", Name: "Main"}
	item := &wxr.Item{Title: "Hello", Link: "https://news.example.com/hello/", Creator: "ann", GUID: "https://news.example.com/?p=7",
		Content: "<p>Body with ]]> inside\nand a\ttab</p>", Excerpt: "Ex", ID: 7, Date: "2024-01-02 03:04:05", DateGMT: "2024-01-02 03:04:05",
		CommentStatus: "open", PingStatus: "closed", Name: "hello", Status: "publish", Type: "post", Sticky: true,
		Terms: []wxr.ItemTerm{{Domain: "category", Nicename: "news", Name: "News & views"}, {Domain: "post_tag", Nicename: "x", Name: "X"}},
		Meta:  []wxr.Meta{{Key: "_thumbnail_id", Value: "8"}}}
	c1 := &wxr.Comment{PostID: 7, ID: 1, Author: "Bob", AuthorEmail: "bob@example.com", AuthorURL: "https://bob.example.com/?a=1&b=2",
		AuthorIP: "192.0.2.1", Date: "2024-01-03 00:00:00", DateGMT: "2024-01-03 00:00:00", Content: "Nice <b>one</b>", Approved: "1", Type: "comment"}
	c2 := &wxr.Comment{PostID: 7, ID: 2, Content: "Reply", Approved: "spam", Parent: 1, Type: "comment"}
	var buf bytes.Buffer
	w, err := wxr.NewWriter(&buf, ch)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*wxr.Author{author} {
		w.WriteAuthor(a)
	}
	for _, tm := range []*wxr.Term{cat, child, tag, menu} {
		w.WriteTerm(tm)
	}
	w.WriteItem(item)
	w.WriteComment(c1)
	w.WriteComment(c2)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAuthor(author); !errors.Is(err, wxr.ErrOrder) {
		t.Errorf("author after items: err = %v", err)
	}
	recs, err := readAll(t, &buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	want := []any{ch, author, cat, child, tag, menu, item, c1, c2}
	if !reflect.DeepEqual(recs, want) {
		for i := range max(len(recs), len(want)) {
			var got, w any
			if i < len(recs) {
				got = recs[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("record %d:\n got %+v\nwant %+v", i, got, w)
			}
		}
	}
}
