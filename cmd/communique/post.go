package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

func (p *Program) postCreate(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("post create")
	title := fs.String("title", "", "headline")
	author := fs.String("author", "", "login of the author")
	status := fs.String("status", "publish", "publish or draft (also pending)")
	format := fs.String("format", communique.FormatMarkdown, "markdown or html")
	slug := fs.String("slug", "", "URL slug (default: from the title)")
	date := fs.String("date", "", "publication time, RFC 3339 (a future time schedules the article)")
	page := fs.Bool("page", false, "create a static page instead of an article")
	var cats, tags stringList
	fs.Var(&cats, "category", "category name (repeatable; created when missing)")
	fs.Var(&tags, "tag", "tag name (repeatable; created when missing)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *title == "" {
		return usageKey("cli.required", "post create", "--title")
	}
	if *author == "" {
		return usageKey("cli.required", "post create", "--author")
	}
	statuses := map[string]communique.Status{
		"publish": communique.StatusPublished, "published": communique.StatusPublished,
		"draft": communique.StatusDraft, "pending": communique.StatusPending,
	}
	st, ok := statuses[*status]
	if !ok {
		return usageKey("cli.post_status", *status)
	}
	if *format != communique.FormatMarkdown && *format != communique.FormatHTML {
		return usageKey("cli.post_format", *format)
	}
	var when time.Time
	if *date != "" {
		var err error
		if when, err = time.Parse(time.RFC3339, *date); err != nil {
			return usageKey("cli.post_date", *date)
		}
	}
	body, err := io.ReadAll(io.LimitReader(p.Stdin, communique.MaxBodyLength+1))
	if err != nil {
		return fmt.Errorf("post create: reading the body: %w", err)
	}
	db, err := p.openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.FindUsers(ctx, communique.UserFilter{Login: author})
	if err != nil {
		return err
	} else if len(users) == 0 {
		return fmt.Errorf("post create: no user with login %q (create one with 'communique user create')", *author)
	}
	a := &communique.Article{
		Type: communique.TypePost, Title: *title, Slug: *slug, Format: *format, Source: string(body),
		AuthorID: users[0].ID, Status: st, PublishedAt: when,
	}
	values, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	settings := communique.ParseSettings(values)
	a.CommentsOpen = settings.CommentsOpenDefault
	if *page {
		a.Type = communique.TypePage
		if len(cats)+len(tags) > 0 {
			return usageKey("cli.page_terms")
		}
	}
	catIDs, err := ensureTerms(ctx, db, communique.TaxonomyCategory, cats)
	if err != nil {
		return err
	}
	tagIDs, err := ensureTerms(ctx, db, communique.TaxonomyTag, tags)
	if err != nil {
		return err
	}
	services, err := newApp(ctx, db, p.logger())
	if err != nil {
		return err
	}
	articles := services.articles
	// As the system: the command line is run by whoever holds the store,
	// as the importer is, and --author may be any user.
	if err := articles.Create(ctx, newsroom.System, a, catIDs, tagIDs); err != nil {
		return err
	}
	fmt.Fprintln(p.Stdout, communique.ArticlePath(a, settings, nil))
	return nil
}

func ensureTerms(ctx context.Context, db *sqlstore.DB, taxonomy string, names []string) ([]int64, error) {
	var ids []int64
	for _, name := range names {
		t, err := db.EnsureTerm(ctx, taxonomy, name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, t.ID)
	}
	return ids, nil
}
