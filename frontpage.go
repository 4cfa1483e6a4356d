package communique

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// ZoneKind is what a zone of the edited front page shows.
type ZoneKind string

// The kinds of zone, as Zoninator's newsrooms use them.
const (
	ZoneLead      ZoneKind = "lead"      // one story, large, with its picture
	ZoneTop       ZoneKind = "top"       // the top stories, beside or under the lead
	ZoneSection   ZoneKind = "section"   // a row of one section's stories
	ZoneDiscussed ZoneKind = "discussed" // the stories with most comments lately
	ZoneRead      ZoneKind = "read"      // the stories most read lately, from the site's own analytics
)

// ZoneKinds are the kinds in the order the newsroom offers them.
var ZoneKinds = []ZoneKind{ZoneLead, ZoneTop, ZoneSection, ZoneDiscussed, ZoneRead}

// Label is the kind's name for people.
func (k ZoneKind) Label() string {
	switch k {
	case ZoneLead:
		return "Lead story"
	case ZoneTop:
		return "Top stories"
	case ZoneSection:
		return "Section row"
	case ZoneDiscussed:
		return "Most discussed"
	case ZoneRead:
		return "Most read"
	}
	return string(k)
}

// MaxZoneSize bounds the stories one zone shows; MaxZones the zones.
const (
	MaxZoneSize = 12
	MaxZones    = 20
)

// DiscussedWindow is how far back "most discussed" looks.
const DiscussedWindow = 7 * 24 * time.Hour

// ReadWindow is how far back "most read" counts page views (whole UTC
// days, as analytics keeps them), and ReadRefresh how long a front page
// showing it may be served before it is counted again.
const (
	ReadWindow  = 2 * 24 * time.Hour
	ReadRefresh = 5 * time.Minute
)

// IsRanking reports whether the zone is a ranking computed from readers
// (most discussed, most read) rather than stories an editor placed: a
// story may appear both in a ranking and above it.
func (k ZoneKind) IsRanking() bool { return k == ZoneDiscussed || k == ZoneRead }

// FrontZone is one zone of the front page. Editors pick its articles in
// order; with Fill, the places left are filled with the latest published
// articles (of SectionID when set), so the page is never stale.
type FrontZone struct {
	ID        int64
	Position  int
	Kind      ZoneKind
	Title     string // shown above the zone; empty: the section's name or the kind's
	SectionID int64  // a category; required for a section row, a filter for the others
	Size      int    // how many stories it shows
	Fill      bool
	// ArticleIDs are the articles the editor picked, in order.
	ArticleIDs []int64
}

// Validate checks a zone before it is stored. EINVALID.
func (z *FrontZone) Validate() error {
	z.Title = strings.TrimSpace(z.Title)
	known := false
	for _, k := range ZoneKinds {
		known = known || z.Kind == k
	}
	switch {
	case !known:
		return Errorf(EINVALID, "Unknown kind of zone %q.", z.Kind)
	case z.Kind == ZoneSection && z.SectionID == 0:
		return Errorf(EINVALID, "A section row needs a section.")
	case z.Size < 1 || z.Size > MaxZoneSize:
		return Errorf(EINVALID, "A zone shows from 1 to %d stories.", MaxZoneSize)
	case !ValidText(z.Title) || utf8.RuneCountInString(z.Title) > 100:
		return Errorf(EINVALID, "A zone's title is at most 100 characters of text.")
	case len(z.ArticleIDs) > MaxZoneSize:
		return Errorf(EINVALID, "A zone holds at most %d picked stories.", MaxZoneSize)
	}
	if z.Kind == ZoneLead {
		z.Size = 1
	}
	return nil
}

// FrontPageStore keeps the edited front page.
type FrontPageStore interface {
	// FindFrontZones returns every zone in order, with its picked articles.
	FindFrontZones(ctx context.Context) ([]*FrontZone, error)
	// CreateFrontZone appends a zone at the end. EINVALID for an unknown
	// section.
	CreateFrontZone(ctx context.Context, z *FrontZone) error
	// UpdateFrontZone stores a zone's title, section, size, fill and
	// picked articles. ENOTFOUND; EINVALID for an unknown article.
	UpdateFrontZone(ctx context.Context, z *FrontZone) error
	// DeleteFrontZone removes a zone. ENOTFOUND.
	DeleteFrontZone(ctx context.Context, id int64) error
	// SetFrontZoneOrder places the zones in this order. EINVALID unless
	// ids are exactly the zones.
	SetFrontZoneOrder(ctx context.Context, ids []int64) error
	// SetBreakingNews switches the banner on, changes it or, given the
	// zero value, switches it off. EINVALID.
	SetBreakingNews(ctx context.Context, b BreakingNews) error
	// MostDiscussed returns the published posts with the most approved
	// comments among those published since, most first.
	MostDiscussed(ctx context.Context, since time.Time, limit int) ([]int64, error)
	// MostRead returns the published posts with the most page views
	// counted on UTC days from since's on, most first.
	MostRead(ctx context.Context, since time.Time, limit int) ([]int64, error)
}
