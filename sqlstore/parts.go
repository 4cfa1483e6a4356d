package sqlstore

// DB is a Communiqué store on a SQL database: the shared connection core
// and one part per aggregate. Its parts' methods are promoted, so callers
// holding a *DB keep calling db.FindArticles; a consumer that needs one
// aggregate may be handed just that part (db.Articles, db.Comments, ...).
type DB struct {
	*core
	*Articles
	*Comments
	*People
	*Terms
	*Media
	*Search
	*SiteSettings
	*Outbox
	*Webmentions
	*Privacy
	*WordPress
	*RateLimits
	*Analytics
	*Reports
	*Community
	*FrontPage
	*Federation
}

func newDB(c *core) *DB {
	return &DB{
		core:         c,
		Articles:     &Articles{c},
		Comments:     &Comments{c},
		People:       &People{c},
		Terms:        &Terms{c},
		Media:        &Media{c},
		Search:       &Search{c},
		SiteSettings: &SiteSettings{c},
		Outbox:       &Outbox{c},
		Webmentions:  &Webmentions{c},
		Privacy:      &Privacy{c},
		WordPress:    &WordPress{c},
		RateLimits:   &RateLimits{c},
		Analytics:    &Analytics{c},
		Reports:      &Reports{c},
		Community:    &Community{c},
		FrontPage:    &FrontPage{c},
		Federation:   &Federation{c},
	}
}

// Articles is the articles aggregate: articles, their terms, slugs and
// revisions, and the schedule.
type Articles struct{ *core }

// Comments is the comments aggregate: comments, their revisions and the
// spam filter's counts.
type Comments struct{ *core }

// People is the users and sessions aggregate: accounts, sessions, app
// passwords and login failures. (Password resets sit with the Outbox,
// as communique.NotificationStore declares them.)
type People struct{ *core }

// Terms is the terms and menus aggregate.
type Terms struct{ *core }

// Media is the media library aggregate.
type Media struct{ *core }

// Search is the full-text index and the article references that
// sitemaps and link checks read.
type Search struct{ *core }

// SiteSettings is the settings aggregate: site settings and secrets. (It
// is not named Settings, which is the method that reads them.)
type SiteSettings struct{ *core }

// Outbox is the outbox aggregate: queued messages and their deliveries,
// webhooks, subscriptions and password resets: the method set of
// communique.NotificationStore, which notify uses.
type Outbox struct{ *core }

// Webmentions is the received and sent webmentions.
type Webmentions struct{ *core }

// Privacy finds and erases a person's data across the aggregates (the
// method set of communique.PrivacyService, which privacy uses).
type Privacy struct{ *core }

// WordPress is the importer's and exporter's bulk access: imported ids,
// batches, attachments, redirects and the paged export reads.
type WordPress struct{ *core }

// RateLimits is the fixed-window counters behind rate limiting.
type RateLimits struct{ *core }

// Analytics is the readers' counters: pages by hour and day, dimensions,
// the realtime minutes, and the day's salt and visitor hashes.
type Analytics struct{ *core }

// Sibling parts, for the few calls that cross aggregates inside the
// store (privacy reads comments, people and subscriptions; the importer
// creates users; settings re-index search).
func (c *core) articles() *Articles { return &Articles{c} }
func (c *core) comments() *Comments { return &Comments{c} }
func (c *core) outbox() *Outbox     { return &Outbox{c} }
func (c *core) people() *People     { return &People{c} }
func (c *core) search() *Search     { return &Search{c} }

// Reports is readers' reports on comments and the decisions on them.
type Reports struct{ *core }

// Community is what moderators decide about people: standings, notes
// and the audit log of their actions.
type Community struct{ *core }
