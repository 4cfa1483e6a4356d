package web_test

import (
	"context"
	"testing"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
)

// arrangeFront gives the benchmark's site an edited front page: a lead,
// top stories, two filled rows and the most discussed.
func arrangeFront(ctx context.Context, b *testing.B, db *sqlstore.DB, ids []int64) bool {
	svc := articles.New(db)
	n := len(ids)
	for _, z := range []*communique.FrontZone{
		{Kind: communique.ZoneLead, Size: 1, ArticleIDs: ids[n-5 : n-4]},
		{Kind: communique.ZoneTop, Size: 4, Fill: true, ArticleIDs: []int64{ids[n-10], ids[n-20]}},
		{Kind: communique.ZoneTop, Title: "More news", Size: 6, Fill: true},
		{Kind: communique.ZoneTop, Title: "Analysis", Size: 3, Fill: true},
		{Kind: communique.ZoneDiscussed, Size: 5},
	} {
		if err := svc.AddFrontZone(ctx, articles.System, z); err != nil {
			b.Fatal(err)
		}
	}
	return true
}
