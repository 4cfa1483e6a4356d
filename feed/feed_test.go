package feed_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"communique/feed"
)

var (
	published = time.Date(2026, 3, 15, 2, 30, 0, 0, time.UTC)
	modified  = time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)
)

// sample is a feed with the awkward parts: markup and entities in titles,
// a CDATA terminator and a control character in the body, an enclosure.
func sample() *feed.Feed {
	return &feed.Feed{
		Title:       "Harbour <News> & more",
		Link:        "https://news.example.com/",
		FeedURL:     "https://news.example.com/feed/",
		Description: "News, and the conversation around it",
		Language:    "en",
		Generator:   "Communiqué",
		Items: []*feed.Item{
			{
				ID:           "https://news.example.com/?p=7",
				Title:        `Escaping <script>alert("x")</script> & friends`,
				Link:         "https://news.example.com/2026/03/14/midnight-story/",
				Summary:      "The harbour froze at midnight.",
				ContentHTML:  "<p>The <strong>harbour</strong> froze ]]> at midnight.\x01</p>",
				Author:       feed.Person{Name: "Ada", URL: "https://news.example.com/author/ada/"},
				Published:    published,
				Updated:      modified,
				Categories:   []string{"News", "Harbour"},
				CommentsURL:  "https://news.example.com/2026/03/14/midnight-story/#comments",
				CommentsFeed: "https://news.example.com/2026/03/14/midnight-story/feed/",
				CommentCount: 3,
				Enclosure:    &feed.Enclosure{URL: "https://news.example.com/media/ice.jpg", Type: "image/jpeg", Length: 12345},
			},
			{
				ID:        "https://news.example.com/?p=3",
				Title:     "Summary only",
				Link:      "https://news.example.com/2026/01/10/old-story/",
				Summary:   "Only a summary.",
				Published: published.AddDate(0, -2, 0),
			},
		},
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		format, wantType, wantContentType string
	}{
		{feed.RSS, "rss", "application/rss+xml; charset=utf-8"},
		{feed.Atom, "atom", "application/atom+xml; charset=utf-8"},
		{feed.JSON, "json", "application/feed+json; charset=utf-8"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			if got := feed.ContentType(tc.format); got != tc.wantContentType {
				t.Errorf("ContentType = %q, want %q", got, tc.wantContentType)
			}
			b, err := feed.Render(sample(), tc.format)
			if err != nil {
				t.Fatal(err)
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("gofeed cannot parse the %s feed: %v\n%s", tc.format, err, b)
			}
			if f.FeedType != tc.wantType {
				t.Errorf("feed type = %q, want %q", f.FeedType, tc.wantType)
			}
			if f.Title != "Harbour <News> & more" || f.Link != "https://news.example.com/" || f.Language != "en" {
				t.Errorf("feed title/link/language = %q %q %q", f.Title, f.Link, f.Language)
			}
			if len(f.Items) != 2 {
				t.Fatalf("items = %d, want 2", len(f.Items))
			}
			it := f.Items[0]
			if it.GUID != "https://news.example.com/?p=7" {
				t.Errorf("guid = %q", it.GUID)
			}
			if it.Title != `Escaping <script>alert("x")</script> & friends` {
				t.Errorf("title = %q (must round-trip as text)", it.Title)
			}
			if it.Link != "https://news.example.com/2026/03/14/midnight-story/" {
				t.Errorf("link = %q", it.Link)
			}
			if it.PublishedParsed == nil || !it.PublishedParsed.Equal(published) {
				t.Errorf("published = %v, want %v", it.PublishedParsed, published)
			}
			if tc.format != feed.RSS && (it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(modified)) {
				t.Errorf("updated = %v, want %v", it.UpdatedParsed, modified)
			}
			if !strings.Contains(it.Content, "<strong>harbour</strong> froze ]]> at midnight.") {
				t.Errorf("content = %q", it.Content)
			}
			if len(it.Authors) == 0 || it.Authors[0].Name != "Ada" {
				t.Errorf("authors = %v", it.Authors)
			}
			if strings.Join(it.Categories, ",") != "News,Harbour" {
				t.Errorf("categories = %v", it.Categories)
			}
			if len(it.Enclosures) != 1 || it.Enclosures[0].URL != "https://news.example.com/media/ice.jpg" || it.Enclosures[0].Type != "image/jpeg" {
				t.Errorf("enclosures = %+v", it.Enclosures)
			}
			if f.Items[1].Enclosures != nil {
				t.Errorf("an item without enclosure has %+v", f.Items[1].Enclosures)
			}
		})
	}
}

// TestRSSRequired checks what RSS 2.0 requires of a channel (title, link,
// description) and of an item (a title or description), and the elements
// readers rely on: guid with isPermaLink, RFC 822 dates, atom:link self.
func TestRSSRequired(t *testing.T) {
	b, _ := feed.Render(sample(), feed.RSS)
	f, err := (&rss.Parser{}).Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "2.0" || f.Title == "" || f.Link == "" || f.Description == "" {
		t.Fatalf("channel = version %q title %q link %q description %q", f.Version, f.Title, f.Link, f.Description)
	}
	if _, err := time.Parse(time.RFC1123Z, f.LastBuildDate); err != nil {
		t.Errorf("lastBuildDate %q is not RFC 822: %v", f.LastBuildDate, err)
	}
	if got := f.Extensions["atom"]["link"]; len(got) != 1 || got[0].Attrs["rel"] != "self" || got[0].Attrs["href"] != "https://news.example.com/feed/" {
		t.Errorf("atom:link self = %+v", got)
	}
	it := f.Items[0]
	if it.GUID == nil || it.GUID.IsPermalink != "false" {
		t.Errorf("guid = %+v, want isPermaLink=false", it.GUID)
	}
	if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
		t.Errorf("pubDate %q is not RFC 822: %v", it.PubDate, err)
	}
	if it.DublinCoreExt == nil || len(it.DublinCoreExt.Creator) != 1 || it.DublinCoreExt.Creator[0] != "Ada" {
		t.Errorf("dc:creator = %+v", it.DublinCoreExt)
	}
	if it.Description != "The harbour froze at midnight." {
		t.Errorf("description = %q", it.Description)
	}
	if it.Enclosure == nil || it.Enclosure.Length != "12345" {
		t.Errorf("enclosure = %+v", it.Enclosure)
	}
	if got := it.Extensions["slash"]["comments"]; len(got) != 1 || got[0].Value != "3" {
		t.Errorf("slash:comments = %+v", got)
	}
	if f.Items[1].Content != "" {
		t.Errorf("summary-only item has content %q", f.Items[1].Content)
	}
	// The control character is not allowed in XML 1.0: it is replaced.
	if bytes.ContainsRune(b, 1) {
		t.Error("feed contains U+0001, which is not allowed in XML")
	}
	if err := xml.Unmarshal(b, new(struct{})); err != nil {
		t.Errorf("not well-formed XML: %v", err)
	}
}

// TestAtomRequired checks RFC 4287's requirements: feed and entry ids,
// titles and updated dates, an author for each entry (own or inherited),
// a self link.
func TestAtomRequired(t *testing.T) {
	b, _ := feed.Render(sample(), feed.Atom)
	if !bytes.Contains(b, []byte(`<feed xmlns="http://www.w3.org/2005/Atom"`)) {
		t.Fatalf("no Atom namespace:\n%s", b[:200])
	}
	f, err := (&atom.Parser{}).Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != "https://news.example.com/feed/" || f.Title == "" || f.UpdatedParsed == nil {
		t.Fatalf("feed id %q title %q updated %v", f.ID, f.Title, f.Updated)
	}
	if !f.UpdatedParsed.Equal(modified) {
		t.Errorf("feed updated = %v, want the newest entry's %v", f.UpdatedParsed, modified)
	}
	if len(f.Authors) != 1 {
		t.Errorf("feed authors = %+v", f.Authors)
	}
	var self bool
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && l.Href == "https://news.example.com/feed/")
	}
	if !self {
		t.Errorf("no self link in %+v", f.Links)
	}
	for i, e := range f.Entries {
		if e.ID == "" || e.Title == "" || e.UpdatedParsed == nil {
			t.Errorf("entry %d: id %q title %q updated %q", i, e.ID, e.Title, e.Updated)
		}
		if len(e.Authors) == 0 && len(f.Authors) == 0 {
			t.Errorf("entry %d has no author, own or inherited", i)
		}
	}
	if c := f.Entries[0].Content; c == nil || c.Type != "html" {
		t.Errorf("content = %+v, want type html", c)
	}
}

// TestJSONRequired checks JSON Feed 1.1: version, title, items with ids
// and content_html or content_text; authors (plural) as 1.1 has them.
func TestJSONRequired(t *testing.T) {
	b, _ := feed.Render(sample(), feed.JSON)
	if !json.Valid(b) {
		t.Fatalf("invalid JSON:\n%s", b)
	}
	f, err := (&jsonfeed.Parser{}).Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != feed.JSONFeedVersion || f.Title == "" || f.FeedURL != "https://news.example.com/feed/" {
		t.Fatalf("version %q title %q feed_url %q", f.Version, f.Title, f.FeedURL)
	}
	for i, it := range f.Items {
		if it.ID == "" || (it.ContentHTML == "" && it.ContentText == "") {
			t.Errorf("item %d: id %q, no content", i, it.ID)
		}
		if it.Author != nil {
			t.Errorf("item %d uses the 1.0 author field", i)
		}
	}
	if f.Items[0].Image != "https://news.example.com/media/ice.jpg" {
		t.Errorf("image = %q", f.Items[0].Image)
	}
	if f.Items[1].ContentText != "Only a summary." {
		t.Errorf("summary-only content_text = %q", f.Items[1].ContentText)
	}
	// An empty feed still has an items array.
	empty, _ := feed.Render(&feed.Feed{Title: "Empty"}, feed.JSON)
	if !bytes.Contains(empty, []byte(`"items": []`)) {
		t.Errorf("empty feed:\n%s", empty)
	}
}

func TestEmptyFeedsParse(t *testing.T) {
	for _, format := range []string{feed.RSS, feed.Atom, feed.JSON} {
		b, err := feed.Render(&feed.Feed{Title: "Nothing yet", Link: "https://x.example/", FeedURL: "https://x.example/feed/"}, format)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v\n%s", format, err, b)
		}
	}
	if _, err := feed.Render(sample(), "rdf"); err == nil {
		t.Error("unknown format rendered")
	}
}

func TestLastModified(t *testing.T) {
	f := sample()
	if got := f.LastModified(); !got.Equal(modified) {
		t.Errorf("LastModified = %v, want %v", got, modified)
	}
	if got := (&feed.Feed{}).LastModified(); !got.IsZero() {
		t.Errorf("LastModified of an empty feed = %v, want zero", got)
	}
}

// TestTextIsNeverMarkup: plain text (a summary, a tagline) reaches every
// format as text. RSS readers render description as HTML, so there it is
// HTML-escaped; Atom says type="text"; JSON Feed has it in summary and
// content_text, which are text by definition. Sanitised HTML stays as it
// is, in the fields that declare HTML.
func TestTextIsNeverMarkup(t *testing.T) {
	const hostile = `<img src=x onerror="alert('XSS')"> & <b>bold</b>`
	f := &feed.Feed{Title: "T", Link: "https://news.example.com/", FeedURL: "https://news.example.com/feed/", Description: hostile,
		Items: []*feed.Item{
			{ID: "1", Title: hostile, Link: "https://news.example.com/1/", Summary: hostile, ContentHTML: "<p>Fine <em>HTML</em></p>", Published: published},
			{ID: "2", Title: "Summary only", Link: "https://news.example.com/2/", Summary: hostile, Published: published},
		}}
	escaped := `&lt;img src=x onerror=&#34;alert(&#39;XSS&#39;)&#34;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;`
	t.Run("RSS", func(t *testing.T) {
		b, _ := feed.Render(f, feed.RSS)
		doc, err := (&rss.Parser{}).Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Description != escaped {
			t.Errorf("channel description = %q, want %q", doc.Description, escaped)
		}
		for _, it := range doc.Items {
			if it.Description != escaped {
				t.Errorf("item %s description = %q, want the text HTML-escaped %q", it.GUID.Value, it.Description, escaped)
			}
		}
		if doc.Items[0].Content != "<p>Fine <em>HTML</em></p>" || doc.Items[0].Title != hostile {
			t.Errorf("content:encoded %q and title %q should be as given", doc.Items[0].Content, doc.Items[0].Title)
		}
	})
	t.Run("Atom", func(t *testing.T) {
		b, _ := feed.Render(f, feed.Atom)
		type text struct {
			Type  string `xml:"type,attr"`
			Value string `xml:",chardata"`
		}
		var doc struct {
			Entries []struct {
				Title   text `xml:"title"`
				Summary text `xml:"summary"`
				Content text `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		e := doc.Entries[0]
		if e.Title.Type != "text" || e.Summary.Type != "text" || e.Summary.Value != hostile || e.Content.Type != "html" {
			t.Errorf("entry = %+v: title and summary want type text, content html", e)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		b, _ := feed.Render(f, feed.JSON)
		var doc struct {
			Items []map[string]string `json:"items"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if it := doc.Items[1]; it["content_html"] != "" || it["content_text"] != hostile || it["summary"] != hostile {
			t.Errorf("a summary-only item holds its text in content_text and summary only: %v", it)
		}
	})
}
