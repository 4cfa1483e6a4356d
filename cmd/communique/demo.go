package main

import (
	"context"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// demoArticle is one sample story; the texts are written for Communiqué.
type demoArticle struct {
	title, category, body string
	tags                  []string
	sticky                bool
	hoursAgo              int
}

var demoArticles = []demoArticle{
	{
		title: "Harbour bridge reopens after two years of repairs", category: "Local", sticky: true, hoursAgo: 3,
		tags: []string{"Transport", "Infrastructure"},
		body: `The old harbour bridge opened to traffic again at six this morning, ending twenty-six months of detours for the 14,000 people who cross it each day.

Engineers replaced all 212 deck panels and the two main bearings, which had been found cracked during a routine inspection in the autumn of the year before last. "We took it down to the bones," said the project's lead engineer. "What you drive on now is, for practical purposes, a new bridge on old stone."

## What changes for commuters

- Buses 4 and 11 return to their old routes from Monday.
- The bridge now has a protected cycle lane on its seaward side.
- The weight limit rises from 7.5 to 40 tonnes, so lorries for the port no longer need to pass through the old town.

> "My daughter was born the week it closed. She has never seen it open." — a resident of the north shore

The council says the work came in 4% under its budget of 38 million. A public walk across the bridge is planned for Sunday afternoon.`,
	},
	{
		title: "Council votes to keep the night library open all year", category: "Politics", hoursAgo: 20,
		tags: []string{"Council", "Libraries"},
		body: `After a debate that ran past midnight, the city council voted 23 to 18 to fund the night library's opening hours for another full year.

The library, which stays open until two in the morning from Thursday to Saturday, began as a six-month trial. Its visitors are mostly students, shift workers and, in the words of one councillor, "people who simply have nowhere quiet to be."

| Month | Night visits | Loans |
|---|---:|---:|
| January | 3,120 | 1,455 |
| February | 3,480 | 1,602 |
| March | 4,010 | 1,918 |

Opponents argued that the money -- about 410,000 a year -- would do more good in daytime branches on the city's edge. The council asked for a report on those branches before next year's budget.`,
	},
	{
		title: "Why the river ran green on Tuesday", category: "Science", hoursAgo: 45,
		tags: []string{"Environment", "Explainer"},
		body: `Walkers along the river on Tuesday morning found it a bright, almost luminous green. By the afternoon the colour was gone. Here is what happened.

It was a dye test. The water authority added a small amount of **fluorescein**, a harmless tracer used since the nineteenth century, at a storm drain two kilometres upstream. Downstream sensors timed how long the dye took to arrive and how much it spread, which tells engineers how quickly anything else spilled into that drain would travel.[^1]

The test had been announced, but only on a notice fixed to the drain itself, which, as one reader pointed out, "is not where people look."

[^1]: Fluorescein glows under daylight at concentrations of a few parts per billion, which is why so little is needed.`,
	},
	{
		title: "A festival of small theatres fills the old market hall", category: "Culture", hoursAgo: 70,
		tags: []string{"Theatre", "Weekend"},
		body: `Eleven companies, none with more than six actors, share a single stage in the old market hall this week. Performances start every ninety minutes from noon, and tickets cost what you choose to pay.

The festival's director says the format came from necessity: "None of us could fill a real theatre for a week. Together we can fill this hall for a day."

Highlights include a one-woman *Odyssey* told entirely from the point of view of the ship, and a comedy about a lighthouse keeper who has never seen the sea.`,
	},
	{
		title: "Corrections and clarifications: how we fix our mistakes", category: "From the newsroom", hoursAgo: 100,
		tags: []string{"Standards"},
		body: `When we get something wrong, we say so, on the article itself and on this page.

A correction is added at the end of an article when we have published a fact that was wrong. A clarification is added when what we wrote was accurate but could be read in a misleading way. We never quietly edit a published article to remove an error.

If you think we have made a mistake, reply below or write to the newsroom. Every message is read by an editor.`,
	},
}

// addDemo fills an empty store with sample articles and pages, and returns
// how many articles it added (0 when the store already had content).
// addDemo writes the sample articles through articles, as the system.
func addDemo(ctx context.Context, db *sqlstore.DB, articles *newsroom.Service) (int, error) {
	if _, n, err := db.FindArticles(ctx, communique.ArticleFilter{Limit: 1}); err != nil || n > 0 {
		return 0, err
	}
	login := "newsroom"
	author := &communique.User{Login: login, DisplayName: "The Newsroom", Email: "newsroom@example.invalid", Role: communique.RoleEditor}
	if users, err := db.FindUsers(ctx, communique.UserFilter{Login: &login}); err == nil && len(users) == 1 {
		author = users[0]
	} else if err := db.CreateUser(ctx, author); err != nil {
		return 0, err
	}
	now := time.Now()
	for _, d := range demoArticles {
		cat, err := db.EnsureTerm(ctx, communique.TaxonomyCategory, d.category)
		if err != nil {
			return 0, err
		}
		var tagIDs []int64
		for _, name := range d.tags {
			t, err := db.EnsureTerm(ctx, communique.TaxonomyTag, name)
			if err != nil {
				return 0, err
			}
			tagIDs = append(tagIDs, t.ID)
		}
		a := &communique.Article{
			Title: d.title, Source: d.body, AuthorID: author.ID, Status: communique.StatusPublished,
			PublishedAt: now.Add(-time.Duration(d.hoursAgo) * time.Hour), Sticky: d.sticky, CommentsOpen: true,
		}
		if err := articles.Create(ctx, newsroom.System, a, []int64{cat.ID}, tagIDs); err != nil {
			return 0, err
		}
	}
	pages := []struct{ title, body string }{
		{"About", "We are a small, independent newsroom covering the city and the region.\n\nOur reporting is free to read and free of trackers: this site loads nothing from anyone else."},
		{"Contact", "Write to the newsroom at **newsroom@example.invalid**.\n\nFor corrections, reply under the article concerned; an editor reads every comment."},
	}
	for i, p := range pages {
		a := &communique.Article{Type: communique.TypePage, Title: p.title, Source: p.body, AuthorID: author.ID,
			Status: communique.StatusPublished, MenuOrder: i, PublishedAt: now.Add(-200 * time.Hour)}
		if err := articles.Create(ctx, newsroom.System, a, nil, nil); err != nil {
			return 0, err
		}
	}
	return len(demoArticles), nil
}
