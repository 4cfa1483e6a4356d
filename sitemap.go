package communique

import (
	"context"
	"time"
)

// MaxSitemapURLs is the most URLs one sitemap file may list
// (sitemaps.org), and MaxNewsSitemapURLs the most a Google News sitemap may.
const (
	MaxSitemapURLs     = 50000
	MaxNewsSitemapURLs = 1000
)

// ArticleRef is what a sitemap needs of a published article or page:
// enough for its URL and its last change, without its text.
type ArticleRef struct {
	ID          int64
	Type        string
	Title       string
	Slug        string
	ParentID    int64
	PublishedAt time.Time
	ModifiedAt  time.Time
}

// ArticleRefFilter selects published articles or pages.
type ArticleRefFilter struct {
	Type string // TypePost or TypePage
	// PublishedFrom keeps articles published at or after this time.
	PublishedFrom *time.Time
	// Newest orders newest first; the default is id order, which never
	// moves an article from one sitemap file to another.
	Newest bool
	Offset int
	Limit  int // at most MaxSitemapURLs
}

// ArticleRefChunk is one sitemap file's worth of articles.
type ArticleRefChunk struct {
	Count    int
	Modified time.Time // the newest change in the chunk
}

// SitemapService lists what sitemaps show.
type SitemapService interface {
	// FindArticleRefs returns published articles matching f.
	FindArticleRefs(ctx context.Context, f ArticleRefFilter) ([]*ArticleRef, error)
	// ArticleRefChunks splits the published articles of a type, in id
	// order, into chunks of size and describes each.
	ArticleRefChunks(ctx context.Context, typ string, size int) ([]ArticleRefChunk, error)
}
