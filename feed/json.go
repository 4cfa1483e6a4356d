package feed

import (
	"encoding/json"
	"io"
	"time"
)

// JSONFeedVersion is the version URL JSON Feed 1.1 documents carry.
const JSONFeedVersion = "https://jsonfeed.org/version/1.1"

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).
type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url,omitempty"`
	Title         string           `json:"title,omitempty"`
	ContentHTML   string           `json:"content_html,omitempty"`
	ContentText   string           `json:"content_text,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published,omitempty"`
	DateModified  string           `json:"date_modified,omitempty"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MimeType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

// WriteJSON writes f as JSON Feed 1.1.
func WriteJSON(w io.Writer, f *Feed) error {
	doc := jsonFeed{
		Version:     JSONFeedVersion,
		Title:       f.Title,
		HomePageURL: f.Link,
		FeedURL:     f.FeedURL,
		Description: f.Description,
		Language:    f.Language,
		Items:       []jsonItem{},
	}
	if f.Author.Name != "" {
		doc.Authors = []jsonAuthor{{Name: f.Author.Name, URL: f.Author.URL}}
	}
	for _, it := range f.Items {
		ji := jsonItem{
			ID:          it.ID,
			URL:         it.Link,
			Title:       it.Title,
			ContentHTML: it.ContentHTML,
			Summary:     it.Summary,
			Tags:        it.Categories,
		}
		if ji.ContentHTML == "" {
			// One of content_html and content_text is required.
			ji.ContentText = it.Summary
		}
		if !it.Published.IsZero() {
			ji.DatePublished = it.Published.UTC().Format(time.RFC3339)
		}
		if u := it.updated(); !u.IsZero() {
			ji.DateModified = u.UTC().Format(time.RFC3339)
		}
		if it.Author.Name != "" {
			ji.Authors = []jsonAuthor{{Name: it.Author.Name, URL: it.Author.URL}}
		}
		if e := it.Enclosure; e != nil && e.URL != "" {
			ji.Attachments = []jsonAttachment{{URL: e.URL, MimeType: e.Type, Size: e.Length}}
			if len(e.Type) > 6 && e.Type[:6] == "image/" {
				ji.Image = e.URL
			}
		}
		doc.Items = append(doc.Items, ji)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
