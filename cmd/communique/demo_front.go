package main

import (
	"context"

	"communique"
	"communique/newsroom"
)

// addFrontPage arranges the demo's front page as an editor would: the
// bridge story as the lead, top stories filled from the latest, a row
// each for Local and Science, and the most discussed; the lead credits
// two reporters and a guest photographer, so the byline shows several.
func (s *demoSeeder) addFrontPage(ctx context.Context) error {
	lead, _, err := s.db.FindArticles(ctx, communique.ArticleFilter{Sticky: ptr(true), Limit: 1, SkipTotal: true})
	if err != nil || len(lead) == 0 {
		return err
	}
	bylines := []communique.Byline{{UserID: s.users["ines"].ID}, {UserID: s.users["kofi"].ID}, {Name: "Mara Lindqvist"}}
	if _, err := s.articles.Update(ctx, newsroom.System, lead[0].ID, communique.ArticleUpdate{Bylines: &bylines}); err != nil {
		return err
	}
	zones := []*communique.FrontZone{
		{Kind: communique.ZoneLead, Size: 1, ArticleIDs: []int64{lead[0].ID}},
		{Kind: communique.ZoneTop, Size: 4, Fill: true},
	}
	for _, name := range []string{"Local", "Science"} {
		t, err := s.db.EnsureTerm(ctx, communique.TaxonomyCategory, name)
		if err != nil {
			return err
		}
		zones = append(zones, &communique.FrontZone{Kind: communique.ZoneSection, SectionID: t.ID, Size: 3, Fill: true})
	}
	zones = append(zones, &communique.FrontZone{Kind: communique.ZoneDiscussed, Size: 5})
	for _, z := range zones {
		if err := s.articles.AddFrontZone(ctx, newsroom.System, z); err != nil {
			return err
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
