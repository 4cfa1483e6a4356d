// Package feed renders syndication feeds — RSS 2.0, Atom 1.0 (RFC 4287) and
// JSON Feed 1.1 — from plain structs. It knows nothing of Communiqué: the
// caller fills a Feed with absolute URLs and ready text, and picks a format.
package feed

import (
	"bytes"
	"fmt"
	"time"
)

// Feed is one feed in any format.
type Feed struct {
	// Title names the feed; required by every format.
	Title string
	// Link is the web page the feed mirrors (RSS link, Atom alternate,
	// JSON home_page_url). Absolute.
	Link string
	// FeedURL is where this feed itself is served (atom:link rel="self",
	// JSON feed_url). Absolute.
	FeedURL string
	// ID is the Atom feed id; FeedURL when empty.
	ID          string
	Description string
	// Language is a BCP 47 tag such as "en" or "fr-CA".
	Language string
	// Updated is when the feed last changed; the newest item's time when
	// zero, and now when there are no items.
	Updated time.Time
	// Generator names the software, for RSS generator and Atom generator.
	Generator string
	// Author is the feed's author, used by Atom entries that have none
	// (Atom requires one per entry, directly or inherited).
	Author Person
	Items  []*Item
}

// Person is an author.
type Person struct {
	Name string
	URL  string // absolute, may be empty
}

// Item is one entry of a feed.
type Item struct {
	// ID is the stable, unique identifier (RSS guid, Atom id, JSON id). It
	// must never change once published, even if the item's URL does.
	ID string
	// IDIsLink says the ID is also the item's permanent URL (RSS
	// isPermaLink).
	IDIsLink bool
	Title    string
	// Link is the item's web page. Absolute.
	Link string
	// Summary is plain text; ContentHTML is the full body as HTML. Either
	// may be empty, but not both.
	Summary     string
	ContentHTML string
	Author      Person
	Published   time.Time
	Updated     time.Time // Published when zero
	Categories  []string
	// CommentsURL is the page with the item's comments; CommentsFeed its
	// RSS feed and CommentCount how many there are (RSS extensions that
	// WordPress readers know).
	CommentsURL  string
	CommentsFeed string
	CommentCount int
	// Enclosure is a media file attached to the item, such as a featured
	// image; nil when there is none.
	Enclosure *Enclosure
}

// Enclosure is a media file attached to an item.
type Enclosure struct {
	URL    string // absolute
	Type   string // MIME type, such as image/jpeg
	Length int64  // bytes; 0 when unknown
}

// Formats.
const (
	RSS  = "rss"
	Atom = "atom"
	JSON = "json"
)

// ContentType returns the media type a format is served with.
func ContentType(format string) string {
	switch format {
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/rss+xml; charset=utf-8"
}

// Render writes f in the format (RSS, Atom or JSON).
func Render(f *Feed, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case RSS:
		err = WriteRSS(&b, f)
	case Atom:
		err = WriteAtom(&b, f)
	case JSON:
		err = WriteJSON(&b, f)
	default:
		return nil, fmt.Errorf("feed: unknown format %q", format)
	}
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// updated is the feed's last change: Updated, else the newest item.
func (f *Feed) updated() time.Time {
	if !f.Updated.IsZero() {
		return f.Updated
	}
	var t time.Time
	for _, it := range f.Items {
		if u := it.updated(); u.After(t) {
			t = u
		}
	}
	if t.IsZero() {
		t = time.Now()
	}
	return t
}

// LastModified returns the newest time in the feed, or the zero time when
// it has no items, for the Last-Modified header.
func (f *Feed) LastModified() time.Time {
	if len(f.Items) == 0 {
		return f.Updated
	}
	return f.updated()
}

func (it *Item) updated() time.Time {
	if it.Updated.IsZero() || it.Updated.Before(it.Published) {
		return it.Published
	}
	return it.Updated
}
