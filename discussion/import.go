package discussion

import (
	"context"
	"fmt"

	"communique"
	"communique/markup"
)

// ImportOptions says how Import treats the comments of a batch.
type ImportOptions struct {
	// Notify tells moderators, followers and webhooks of the new comments
	// as if they had just been posted. Imports leave it off: the comments
	// were news on the old site, long ago.
	Notify bool
}

// batchStore is the store's bulk insert, which keeps imports fast.
type batchStore interface {
	ImportBatch(ctx context.Context, b *communique.ImportBatch) error
}

// Import stores a batch of records brought from another site in one
// transaction (see communique.ImportBatch). Its comments keep what they
// had there (status, date, author): the rules for new comments (tokens,
// flood, spam, moderation) do not apply to what was already published,
// but the ones for stored comments do. EINVALID for a comment with an
// unknown status or type; nothing of the batch is stored then.
func (s *Service) Import(ctx context.Context, b *communique.ImportBatch, opt ImportOptions) error {
	store, ok := s.Store.(batchStore)
	if !ok {
		return fmt.Errorf("discussion: this store cannot import")
	}
	for _, ic := range b.Comments {
		if err := s.imported(ic.Comment); err != nil {
			return err
		}
	}
	if err := store.ImportBatch(ctx, b); err != nil {
		return err
	}
	articles := map[int64]bool{}
	for _, ic := range b.Comments {
		if ic.ArticleMissing || ic.ParentMissing {
			continue
		}
		if opt.Notify && ic.Created && s.Notify != nil {
			s.Notify.CommentPosted(ctx, ic.Comment)
		}
		if !articles[ic.Comment.ArticleID] {
			articles[ic.Comment.ArticleID] = true
			s.changed(ic.Comment.ArticleID)
		}
	}
	return nil
}

// imported checks an imported comment and fills what the old site left
// out. The importer renders and hashes beforehand, beside the parsing,
// so this stays cheap.
func (s *Service) imported(c *communique.Comment) error {
	if !c.Status.Valid() {
		return communique.Errorf(communique.EINVALID, "Unknown comment status %q.", c.Status)
	}
	switch c.Type {
	case "":
		c.Type = communique.CommentTypeComment
	case communique.CommentTypeComment, communique.CommentTypePingback, communique.CommentTypeTrackback:
	default:
		return communique.Errorf(communique.EINVALID, "Unknown comment type %q.", c.Type)
	}
	if c.HTML == "" && c.Text != "" {
		c.HTML = markup.Comment(c.Text)
	}
	if c.AvatarHash == "" && s.Avatars != nil {
		c.AvatarHash = s.avatarHash(c)
	}
	return nil
}
