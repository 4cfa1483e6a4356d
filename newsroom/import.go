package newsroom

import (
	"context"

	"communique"
)

// PrepareImport readies a batch of an import for the store, as the
// system: each article is prepared by the same rules as any other (its
// body rendered once, here), and the batch carries the slug rule for the
// store to settle slugs in its transaction. The importer then has the
// discussion service store the batch, comments and all, in one
// transaction. Imports raise no notifications (see imported); the store's
// triggers drop cached pages when the batch commits. EINVALID.
func (s *Service) PrepareImport(ctx context.Context, b *communique.ImportBatch) error {
	now := s.Store.Clock()
	for _, ia := range b.Articles {
		a := ia.Article
		if a.Format == "" {
			a.Format = communique.FormatHTML
		}
		// The store resolves the id and parent page within the batch.
		a.ID, a.ParentID = 0, 0
		if err := s.prepare(ctx, a, now); err != nil {
			return err
		}
		a.CreatedAt, a.ModifiedAt = ia.CreatedAt, ia.ModifiedAt
		if a.CreatedAt.IsZero() {
			a.CreatedAt = now
		}
		if a.ModifiedAt.IsZero() {
			a.ModifiedAt = a.CreatedAt
		}
	}
	b.SettleSlug = SettleSlug
	return nil
}

// ImportBatch prepares and stores a batch without comments' rules: for
// articles alone (tests, tools). EINVALID.
func (s *Service) ImportBatch(ctx context.Context, b *communique.ImportBatch) error {
	if err := s.PrepareImport(ctx, b); err != nil {
		return err
	}
	if err := s.Store.ImportBatch(ctx, b); err != nil {
		return err
	}
	if len(b.Articles) > 0 {
		s.imported(ctx)
	}
	return nil
}

// SetImportedSource replaces an imported article's body, keeping its
// dates: for bodies an import completes at the end (a gallery whose
// images came later in the file). ENOTFOUND, EINVALID.
func (s *Service) SetImportedSource(ctx context.Context, id int64, source string) error {
	a, err := s.Store.FindArticleByID(ctx, id)
	if err != nil {
		return err
	}
	a.Source = source
	if err := a.Validate(); err != nil {
		return err
	}
	if err := render(a); err != nil {
		return err
	}
	if err := s.Store.SetArticleBody(ctx, id, a.Source, a.HTML, a.Summary); err != nil {
		return err
	}
	s.imported(ctx)
	return nil
}

// SetImportedFeatured gives an imported article the featured image the
// old site showed with it, once the import brought the file into the
// library; it keeps the article's dates and announces nothing.
// ENOTFOUND.
func (s *Service) SetImportedFeatured(ctx context.Context, id, mediaID int64) error {
	if _, err := s.Store.FindMediaByID(ctx, mediaID); err != nil {
		return err
	}
	if err := s.Store.SetArticleFeatured(ctx, id, mediaID); err != nil {
		return err
	}
	s.imported(ctx)
	return nil
}
