package communique

import (
	"context"
	"time"
)

// PageKind is what a counted request showed.
type PageKind string

// The kinds of counted request. Only requests that resolved to real
// content are counted by path; every other path is one "not found" line,
// so invented URLs cannot grow the counters.
const (
	PageArticle  PageKind = "article"  // an article or a page
	PageArchive  PageKind = "archive"  // front page, category, tag, author, date
	PageSearch   PageKind = "search"   // search results
	PageFeed     PageKind = "feed"     // a feed fetched by a subscriber's reader
	PageNotFound PageKind = "notfound" // any path without content
	PageSite     PageKind = "site"     // the whole site's row (visitors)
)

// SitePath is the path of the row counting the whole site's visitors.
const SitePath = "*"

// NotFoundPath is the one path every request without content is counted
// under.
const NotFoundPath = "(not found)"

// The dimensions counted beside the page counters.
const (
	DimReferrer = "referrer" // referring host, for an entry from elsewhere
	DimSource   = "source"   // referrer group: search, social, news, email, direct, other
	DimCampaign = "campaign" // utm_campaign
	DimUTMSrc   = "utm_source"
	DimMedium   = "utm_medium"
	DimEntry    = "entry"   // the path a visit began on
	DimDevice   = "device"  // desktop, mobile, tablet, tv (per visitor)
	DimBrowser  = "browser" // browser family (per visitor)
	DimReached  = "reached" // readers who reached the comments (beacon)
)

// AnalyticsHit is one counted page view, aggregated in memory.
type AnalyticsHit struct {
	Day       string // 2006-01-02, UTC
	Hour      int
	Path      string
	Kind      PageKind
	ArticleID int64
}

// AnalyticsVisitor is a visitor seen on a path that day: Hash is a keyed
// hash under the day's salt, unlinkable once the salt is gone.
type AnalyticsVisitor struct {
	AnalyticsHit
	Hash            string
	Device, Browser string
}

// AnalyticsDim is a count of one value of a dimension, for the whole site
// (ArticleID 0) or one article.
type AnalyticsDim struct {
	Day       string
	ArticleID int64
	Dim       string
	Value     string
}

// AnalyticsBatch is what one node counted since its last flush.
type AnalyticsBatch struct {
	Views    map[AnalyticsHit]int64
	Entries  map[AnalyticsHit]int64 // views that began a visit
	Visitors []AnalyticsVisitor     // first sightings on this node
	Dims     map[AnalyticsDim]int64
	Minutes  map[time.Time]int64 // site views per UTC minute, for "now"
}

// Empty reports whether the batch holds nothing to write.
func (b *AnalyticsBatch) Empty() bool {
	return len(b.Views) == 0 && len(b.Visitors) == 0 && len(b.Dims) == 0 && len(b.Minutes) == 0
}

// AnalyticsFilter selects figures: a range of days (inclusive, UTC), and
// optionally one article or one author's articles.
type AnalyticsFilter struct {
	From, To  string // 2006-01-02
	ArticleID int64  // 0: not one article
	AuthorID  int64  // 0: any author (the whole site)
	Hourly    bool   // the series by hour (for one day)
	Limit     int    // rows of each top list
}

// AnalyticsPoint is one step of the series.
type AnalyticsPoint struct {
	Label    string // a day, or an hour "2006-01-02 15"
	Views    int64
	Visitors int64
}

// AnalyticsRow is a line of a top list.
type AnalyticsRow struct {
	Path      string
	Kind      PageKind
	ArticleID int64
	Title     string
	Value     string // for a dimension
	Views     int64
	Visitors  int64
	Entries   int64
}

// AnalyticsEngagement is what readers did with an article's discussion.
type AnalyticsEngagement struct {
	Comments        int64
	Replies         int64
	Reached         int64         // readers who reached the comments (beacon)
	FirstComment    time.Duration // publication to first comment; 0: none
	ModerationWait  time.Duration // mean time from posted to decided; 0: none
	ModerationCount int64
}

// AnalyticsReport is the figures for a filter.
type AnalyticsReport struct {
	Series     []AnalyticsPoint
	Views      int64
	Visitors   int64
	Feed       int64 // feed fetches
	NotFound   int64
	Top        []AnalyticsRow
	Dims       map[string][]AnalyticsRow
	Engagement AnalyticsEngagement
}

// AnalyticsStore keeps the counters.
type AnalyticsStore interface {
	// DailySalt returns the salt of day, made with gen by the first node
	// to ask; salts of earlier days are deleted, with the day's visitor
	// hashes.
	DailySalt(ctx context.Context, day string, gen func() string) (string, error)
	// FlushAnalytics adds a node's batch to the counters in one
	// transaction; a visitor already counted that day by any node is not
	// counted again.
	FlushAnalytics(ctx context.Context, b *AnalyticsBatch) error
	// RollUpAnalytics deletes hourly counters before hourlyBefore and
	// rolls daily ones before dailyBefore into monthly totals.
	RollUpAnalytics(ctx context.Context, hourlyBefore, dailyBefore string) error
	// AnalyticsReport reads the figures for f.
	AnalyticsReport(ctx context.Context, f AnalyticsFilter) (*AnalyticsReport, error)
	// RecentViews is the site's page views since since.
	RecentViews(ctx context.Context, since time.Time) (int64, error)
}
