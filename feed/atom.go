package feed

import (
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// Atom 1.0 (RFC 4287). Every feed and entry has an id, a title and an
// updated time; entries inherit the feed's author when they have none.
type atomFeed struct {
	XMLName   xml.Name       `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string         `xml:"xml:lang,attr,omitempty"`
	ID        string         `xml:"id"`
	Title     atomText       `xml:"title"`
	Subtitle  *atomText      `xml:"subtitle,omitempty"`
	Updated   string         `xml:"updated"`
	Links     []atomLink     `xml:"link"`
	Author    *atomPerson    `xml:"author,omitempty"`
	Generator *atomGenerator `xml:"generator,omitempty"`
	Entries   []atomEntry    `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Length string `xml:"length,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGenerator struct {
	Value string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// WriteAtom writes f as Atom 1.0.
func WriteAtom(w io.Writer, f *Feed) error {
	id := f.ID
	if id == "" {
		id = f.FeedURL
	}
	doc := atomFeed{
		Lang:    f.Language,
		ID:      id,
		Title:   atomText{Type: "text", Value: f.Title},
		Updated: atomDate(f.updated()),
	}
	if f.Description != "" {
		doc.Subtitle = &atomText{Type: "text", Value: f.Description}
	}
	if f.Link != "" {
		doc.Links = append(doc.Links, atomLink{Href: f.Link, Rel: "alternate", Type: "text/html"})
	}
	if f.FeedURL != "" {
		doc.Links = append(doc.Links, atomLink{Href: f.FeedURL, Rel: "self", Type: "application/atom+xml"})
	}
	feedAuthor := f.Author
	if feedAuthor.Name == "" {
		// An author is required somewhere; the feed's title is the
		// publisher's name.
		feedAuthor = Person{Name: f.Title, URL: f.Link}
	}
	doc.Author = &atomPerson{Name: feedAuthor.Name, URI: feedAuthor.URL}
	if f.Generator != "" {
		doc.Generator = &atomGenerator{Value: f.Generator}
	}
	for _, it := range f.Items {
		e := atomEntry{
			ID:      it.ID,
			Title:   atomText{Type: "text", Value: it.Title},
			Updated: atomDate(it.updated()),
		}
		if !it.Published.IsZero() {
			e.Published = atomDate(it.Published)
		}
		if it.Link != "" {
			e.Links = append(e.Links, atomLink{Href: it.Link, Rel: "alternate", Type: "text/html"})
		}
		if it.CommentsURL != "" {
			e.Links = append(e.Links, atomLink{Href: it.CommentsURL, Rel: "replies", Type: "text/html"})
		}
		if en := it.Enclosure; en != nil && en.URL != "" {
			l := atomLink{Href: en.URL, Rel: "enclosure", Type: en.Type}
			if en.Length > 0 {
				l.Length = strconv.FormatInt(en.Length, 10)
			}
			e.Links = append(e.Links, l)
		}
		if it.Author.Name != "" {
			e.Author = &atomPerson{Name: it.Author.Name, URI: it.Author.URL}
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		if it.Summary != "" {
			e.Summary = &atomText{Type: "text", Value: it.Summary}
		}
		if it.ContentHTML != "" {
			e.Content = &atomText{Type: "html", Value: it.ContentHTML}
		}
		doc.Entries = append(doc.Entries, e)
	}
	return writeXML(w, doc)
}

// atomDate is an RFC 3339 date-time.
func atomDate(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
