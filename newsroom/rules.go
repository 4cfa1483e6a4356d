package newsroom

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"communique"
	"communique/markup"
)

// Written once for both stores and every door: what an article must be
// before it is stored.

// withDefaults fills what a new article may leave out.
func withDefaults(a *communique.Article) {
	if a.Type == "" {
		a.Type = communique.TypePost
	}
	if a.Format == "" {
		a.Format = communique.FormatMarkdown
	}
	if a.Status == "" {
		a.Status = communique.StatusDraft
	}
}

// prepare validates a, renders its body, derives the summary, reconciles
// status with the publication time, normalises the wanted slug (the store
// settles it) and checks the parent page and the images. now is the time
// of the whole operation.
func (s *Service) prepare(ctx context.Context, a *communique.Article, now time.Time) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := render(a); err != nil {
		return err
	}
	settleStatus(a, now)
	a.Slug = slugBase(a.Slug, a.Title)
	if a.ParentID != 0 {
		if a.Type != communique.TypePage {
			return communique.Errorf(communique.EINVALID, "Only pages have a parent.")
		}
		if err := s.checkParent(ctx, a.ID, a.ParentID); err != nil {
			return err
		}
	}
	return s.checkMedia(ctx, a)
}

// render makes the stored HTML and summary from what the writer wrote.
func render(a *communique.Article) error {
	html, err := markup.RenderBody(a.Format, a.Source)
	if err != nil {
		return communique.Errorf(communique.EINVALID, "The body could not be rendered.")
	}
	a.HTML = html
	a.Excerpt = strings.TrimSpace(a.Excerpt)
	a.Summary = summary(a.Excerpt, html)
	return nil
}

// summary is the excerpt written by hand, or the start of the body.
func summary(excerpt, html string) string {
	if s := strings.TrimSpace(excerpt); s != "" {
		return s
	}
	return markup.Excerpt(html, communique.MaxExcerptWords)
}

// settleStatus reconciles status with the publication time: publishing
// with a future date schedules, scheduling a past one publishes, and
// publishing (or making private) without a date publishes now.
func settleStatus(a *communique.Article, now time.Time) {
	switch a.Status {
	case communique.StatusPublished:
		if a.PublishedAt.IsZero() {
			a.PublishedAt = now
		} else if a.PublishedAt.After(now) {
			a.Status = communique.StatusScheduled
		}
	case communique.StatusScheduled:
		if !a.PublishedAt.After(now) {
			a.Status = communique.StatusPublished
		}
	case communique.StatusPrivate:
		// Private is published for the staff: it has a date, and no
		// password (WordPress clears it: the two are one choice of
		// visibility).
		if a.PublishedAt.IsZero() {
			a.PublishedAt = now
		}
		a.Password = ""
	}
	a.PublishedAt = a.PublishedAt.UTC().Truncate(time.Microsecond)
}

// slugBase normalises the wanted slug (or the title) into the base the
// store's settling starts from. Paths the site uses and bare numbers get
// a suffix at once.
func slugBase(want, title string) string {
	base := markup.Slugify(want)
	if base == "" {
		base = markup.Slugify(title)
	}
	if base == "" {
		base = "article"
	}
	if communique.ReservedSlug(base) {
		base += "-2"
	}
	return base
}

// SettleSlug is the slug rule stores run inside their transaction (see
// communique.SettleSlug).
var SettleSlug communique.SlugSettler = communique.SettleSlug

// checkParent refuses a parent page that is missing or would make a loop.
func (s *Service) checkParent(ctx context.Context, id, parentID int64) error {
	for cur, depth := parentID, 0; cur != 0; depth++ {
		if cur == id || depth > 64 {
			return communique.Errorf(communique.EINVALID, "A page cannot be its own ancestor.")
		}
		p, err := s.Store.FindArticleByID(ctx, cur)
		if err != nil || p.Type != communique.TypePage {
			if err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
				return err
			}
			return communique.Errorf(communique.EINVALID, "The parent page does not exist.")
		}
		cur = p.ParentID
	}
	return nil
}

// checkMedia refuses a featured image that is not in the library and, for
// an article going live, library images without alt text (the rule of
// communique.AltTextCheck). Every save passes here, so no door can skip it.
func (s *Service) checkMedia(ctx context.Context, a *communique.Article) error {
	var check communique.AltTextCheck
	if a.FeaturedMediaID != 0 {
		m, err := s.Store.FindMediaByID(ctx, a.FeaturedMediaID)
		if communique.ErrorCode(err) == communique.ENOTFOUND {
			return communique.Errorf(communique.EINVALID, "The featured image is not in the media library (was it deleted?).")
		} else if err != nil {
			return err
		}
		if !m.IsImage() {
			return communique.Errorf(communique.EINVALID, "The featured image must be an image, not %s.", m.MimeType)
		}
		check.Featured = m
	}
	if a.Status != communique.StatusPublished && a.Status != communique.StatusScheduled {
		return nil
	}
	for _, key := range communique.MediaKeysIn(a.Source) {
		m, err := s.Store.FindMediaByKey(ctx, key)
		if communique.ErrorCode(err) == communique.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		if m.IsImage() { // alt text is an image's; players carry their own labels
			check.Body = append(check.Body, m)
		}
	}
	slices.SortFunc(check.Body, func(x, y *communique.Media) int { return cmp.Compare(x.ID, y.ID) })
	return check.Err()
}
