package feed

import (
	"encoding/xml"
	"html"
	"io"
	"strconv"
	"time"
)

// RSS 2.0 (https://www.rssboard.org/rss-specification) with the
// extensions WordPress feeds carry: content:encoded for the full text,
// dc:creator for the author (RSS's own author element wants an email),
// atom:link rel="self", and the comment links of wfw and slash.
//
// RSS readers render description and content:encoded as HTML (RSS's
// convention, which the format never made explicit), so the plain text
// of a summary or a tagline is HTML-escaped before it goes there: a
// comment reading <img onerror=…> must reach the reader as those
// characters, not as an element. ContentHTML is sanitised HTML already.
// Titles, categories and names stay plain text, as the RSS Best
// Practices Profile has them.
type rssDoc struct {
	XMLName      xml.Name   `xml:"rss"`
	Version      string     `xml:"version,attr"`
	XMLNSContent string     `xml:"xmlns:content,attr"`
	XMLNSDC      string     `xml:"xmlns:dc,attr"`
	XMLNSAtom    string     `xml:"xmlns:atom,attr"`
	XMLNSSlash   string     `xml:"xmlns:slash,attr"`
	XMLNSWfw     string     `xml:"xmlns:wfw,attr"`
	Channel      rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	AtomLink      *atomLink `xml:"atom:link,omitempty"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator,omitempty"`
	Docs          string    `xml:"docs"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title        string        `xml:"title"`
	Link         string        `xml:"link,omitempty"`
	Comments     string        `xml:"comments,omitempty"`
	Creator      string        `xml:"dc:creator,omitempty"`
	PubDate      string        `xml:"pubDate,omitempty"`
	Categories   []string      `xml:"category"`
	GUID         rssGUID       `xml:"guid"`
	Description  string        `xml:"description"`
	Content      string        `xml:"content:encoded,omitempty"`
	CommentRSS   string        `xml:"wfw:commentRss,omitempty"`
	CommentCount *int          `xml:"slash:comments,omitempty"`
	Enclosure    *rssEnclosure `xml:"enclosure,omitempty"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// WriteRSS writes f as RSS 2.0.
func WriteRSS(w io.Writer, f *Feed) error {
	doc := rssDoc{
		Version:      "2.0",
		XMLNSContent: "http://purl.org/rss/1.0/modules/content/",
		XMLNSDC:      "http://purl.org/dc/elements/1.1/",
		XMLNSAtom:    "http://www.w3.org/2005/Atom",
		XMLNSSlash:   "http://purl.org/rss/1.0/modules/slash/",
		XMLNSWfw:     "http://wellformedweb.org/CommentAPI/",
		Channel: rssChannel{
			Title:         f.Title,
			Link:          f.Link,
			Description:   html.EscapeString(f.Description),
			Language:      f.Language,
			LastBuildDate: rssDate(f.updated()),
			Generator:     f.Generator,
			Docs:          "https://www.rssboard.org/rss-specification",
		},
	}
	if f.FeedURL != "" {
		doc.Channel.AtomLink = &atomLink{Href: f.FeedURL, Rel: "self", Type: "application/rss+xml"}
	}
	if doc.Channel.Description == "" {
		doc.Channel.Description = html.EscapeString(f.Title) // required, may not be empty in practice
	}
	for _, it := range f.Items {
		ri := rssItem{
			Title:       it.Title,
			Link:        it.Link,
			Comments:    it.CommentsURL,
			Creator:     it.Author.Name,
			Categories:  it.Categories,
			GUID:        rssGUID{IsPermaLink: strconv.FormatBool(it.IDIsLink), Value: it.ID},
			Description: html.EscapeString(it.Summary),
			Content:     it.ContentHTML,
			CommentRSS:  it.CommentsFeed,
		}
		if !it.Published.IsZero() {
			ri.PubDate = rssDate(it.Published)
		}
		if it.CommentsURL != "" {
			n := it.CommentCount
			ri.CommentCount = &n
		}
		if e := it.Enclosure; e != nil && e.URL != "" {
			// RSS requires a length; 0 is the convention for "unknown".
			ri.Enclosure = &rssEnclosure{URL: e.URL, Length: strconv.FormatInt(e.Length, 10), Type: e.Type}
		}
		doc.Channel.Items = append(doc.Channel.Items, ri)
	}
	return writeXML(w, doc)
}

// rssDate is RFC 822 with a four-digit year and a numeric zone, as RSS
// wants it.
func rssDate(t time.Time) string {
	return t.UTC().Format(time.RFC1123Z)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
