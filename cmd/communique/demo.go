package main

import (
	"context"
	"embed"
	"fmt"
	"time"

	"communique"
	"communique/discussion"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/upload"
)

// demoArt holds the demo's pictures, drawn for the project (demo/LICENSE.md).
//
//go:embed demo/*.png
var demoArt embed.FS

// demoSource names the demo's records as an import's source, so its
// comments keep their dates, threads and statuses.
const demoSource = "communique-demo"

// demoSeeder writes the demo newsroom through the services.
type demoSeeder struct {
	db       *sqlstore.DB
	articles *newsroom.Service
	talk     *discussion.Service
	library  *upload.Library
	now      time.Time
	users    map[string]*communique.User
	pictures map[string]int64
}

// addDemo fills an empty store with a small living news site: authors
// with biographies, a few dozen articles over five weeks in several
// sections with pictures and tags, threaded discussions (a held comment,
// staff replies, a pingback), pages and a scheduled article. It returns
// how many articles it added (0 when the store already had content).
func addDemo(ctx context.Context, db *sqlstore.DB, articles *newsroom.Service, talk *discussion.Service, library *upload.Library) (int, error) {
	if _, n, err := db.FindArticles(ctx, communique.ArticleFilter{Limit: 1}); err != nil || n > 0 {
		return 0, err
	}
	s := &demoSeeder{db: db, articles: articles, talk: talk, library: library, now: db.Clock(),
		users: map[string]*communique.User{}, pictures: map[string]int64{}}
	steps := []struct {
		what string
		run  func(context.Context) error
	}{
		{"authors", s.addAuthors}, {"pictures", s.addPictures}, {"author photos", s.addPhotos}, {"articles", s.addArticles},
		{"correction", s.addCorrection}, {"scheduled article", s.addScheduled}, {"pages", s.addPages}, {"front page", s.addFrontPage},
	}
	for _, step := range steps {
		if err := step.run(ctx); err != nil {
			return 0, fmt.Errorf("%s: %w", step.what, err)
		}
	}
	return len(demoArticles) + 1, nil
}

func (s *demoSeeder) addAuthors(ctx context.Context) error {
	for _, d := range demoAuthors {
		login := d.login
		if users, err := s.db.FindUsers(ctx, communique.UserFilter{Login: &login}); err == nil && len(users) == 1 {
			s.users[d.login] = users[0]
			continue
		}
		role := communique.RoleAuthor
		if d.editor {
			role = communique.RoleEditor
		}
		u := &communique.User{Login: d.login, DisplayName: d.name, Bio: d.bio, Email: d.login + "@example.invalid", Role: role}
		if err := s.db.CreateUser(ctx, u); err != nil {
			return err
		}
		s.users[d.login] = u
	}
	return nil
}

// addPictures puts each drawing in the media library, as an upload would,
// so it gets its renditions for srcset.
func (s *demoSeeder) addPictures(ctx context.Context) error {
	if s.library == nil || s.library.Storage == nil {
		return nil // a store without media storage shows the demo without pictures
	}
	for name, p := range demoPictures {
		f, err := demoArt.Open("demo/" + p.file)
		if err != nil {
			return err
		}
		m, err := s.library.Image(ctx, f, p.file, upload.Fields{AltText: p.alt, Caption: p.caption + demoCredit, UploaderID: s.users["newsroom"].ID})
		f.Close()
		if err != nil {
			return err
		}
		s.pictures[name] = m.ID
	}
	return nil
}

// addPhotos gives each reporter their portrait ("portrait-{login}"), shown
// on their author page.
func (s *demoSeeder) addPhotos(ctx context.Context) error {
	for login, u := range s.users {
		id := s.pictures["portrait-"+login]
		if id == 0 {
			continue
		}
		if _, err := s.db.UpdateUser(ctx, u.ID, communique.UserUpdate{PhotoID: &id}); err != nil {
			return err
		}
	}
	return nil
}

// terms returns the ids of an article's category and tags.
func (s *demoSeeder) terms(ctx context.Context, d demoArticle) (cats, tags []int64, err error) {
	cat, err := s.db.EnsureTerm(ctx, communique.TaxonomyCategory, d.category)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range d.tags {
		t, err := s.db.EnsureTerm(ctx, communique.TaxonomyTag, name)
		if err != nil {
			return nil, nil, err
		}
		tags = append(tags, t.ID)
	}
	return []int64{cat.ID}, tags, nil
}

func (s *demoSeeder) article(d demoArticle) *communique.Article {
	return &communique.Article{Type: communique.TypePost, Title: d.title, Source: d.body, Format: communique.FormatMarkdown, AuthorID: s.users[d.author].ID,
		Status: communique.StatusPublished, PublishedAt: s.ago(d.hoursAgo, 0), Sticky: d.sticky, CommentsOpen: true,
		FeaturedMediaID: s.pictures[d.picture]}
}

// ago is hours before the demo started, plus minutes to keep an order.
func (s *demoSeeder) ago(hours, minutes int) time.Time {
	return s.now.Add(-time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute).Truncate(time.Second)
}

// addArticles stores the published articles and their discussions as one
// import batch: the article service prepares the articles, the discussion
// service checks the comments, which keep their dates and statuses.
func (s *demoSeeder) addArticles(ctx context.Context) error {
	b := &communique.ImportBatch{Source: demoSource}
	for i, d := range demoArticles {
		cats, tags, err := s.terms(ctx, d)
		if err != nil {
			return err
		}
		a := s.article(d)
		id := int64(i + 1)
		b.Articles = append(b.Articles, &communique.ImportedArticle{Article: a, SourceID: id, CategoryIDs: cats, TagIDs: tags,
			CreatedAt: a.PublishedAt, ModifiedAt: a.PublishedAt})
		for j, c := range d.comments {
			b.Comments = append(b.Comments, s.comment(id, j, c))
		}
	}
	if err := s.articles.PrepareImport(ctx, b); err != nil {
		return err
	}
	if err := s.talk.Import(ctx, b, discussion.ImportOptions{}); err != nil {
		return err
	}
	// An import counts comments once at its end, as the WordPress one does.
	var ids []int64
	for _, ia := range b.Articles {
		ids = append(ids, ia.Article.ID)
	}
	return s.db.RefreshCommentCounts(ctx, ids)
}

// addCorrection corrects the lead story in the open, as a newsroom does,
// so that the demo shows a correction on the page, in its JSON-LD, on
// the corrections page and in the feed.
func (s *demoSeeder) addCorrection(ctx context.Context) error {
	slug := "harbour-bridge-reopens-after-two-years-of-repairs"
	found, _, err := s.db.FindArticles(ctx, communique.ArticleFilter{Slug: &slug, Limit: 1})
	if err != nil || len(found) == 0 {
		return err
	}
	_, err = s.articles.AddNote(ctx, newsroom.As(s.users["ines"]), found[0].ID, communique.NoteCorrection,
		"An earlier version of this article said the work came in 6% under its budget. It came in 4% under.")
	return err
}

// comment is the j-th demo comment of the article with the source id.
func (s *demoSeeder) comment(article int64, j int, d demoComment) *communique.ImportedComment {
	c := &communique.Comment{AuthorName: d.author, AuthorEmail: d.email, Text: d.text,
		Status: communique.CommentApproved, Type: communique.CommentTypeComment, CreatedAt: s.ago(d.hoursAgo, j)}
	if d.held {
		c.Status = communique.CommentPending
	}
	if u := s.users[d.staff]; d.staff != "" && u != nil {
		c.UserID, c.AuthorName, c.AuthorEmail = u.ID, u.Name(), u.Email
	}
	if d.pingback != "" {
		c.Type, c.AuthorURL, c.AuthorEmail = communique.CommentTypePingback, d.pingback, ""
	}
	ic := &communique.ImportedComment{Comment: c, SourceID: article*100 + int64(j) + 1, ArticleSourceID: article}
	if d.parent >= 0 {
		ic.ParentSourceID = article*100 + int64(d.parent) + 1
	}
	return ic
}

// addScheduled schedules an article for the day after, which the
// scheduler publishes then.
func (s *demoSeeder) addScheduled(ctx context.Context) error {
	cats, tags, err := s.terms(ctx, demoScheduled)
	if err != nil {
		return err
	}
	a := s.article(demoScheduled)
	a.Status = communique.StatusScheduled
	return s.articles.Create(ctx, newsroom.System, a, cats, tags)
}

func (s *demoSeeder) addPages(ctx context.Context) error {
	for i, p := range demoPages {
		a := &communique.Article{Type: communique.TypePage, Title: p.title, Source: p.body, Format: communique.FormatMarkdown,
			AuthorID: s.users["newsroom"].ID, Status: communique.StatusPublished, MenuOrder: i, PublishedAt: s.ago(900, 0), CommentsOpen: false}
		if err := s.articles.Create(ctx, newsroom.System, a, nil, nil); err != nil {
			return err
		}
	}
	return nil
}
