package newsroom

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"communique"
)

// Review and handover: internal notes on an article, returning a
// submitted article to its writer, and secret preview links.

// Bounds of a preview link's life.
const (
	MinPreviewTTL = time.Hour
	MaxPreviewTTL = 30 * 24 * time.Hour
)

// AddEditorialNote leaves an internal note on an article, for the desk
// only. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AddEditorialNote(ctx context.Context, by Actor, articleID int64, text string) (*communique.EditorialNote, error) {
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return nil, err
	}
	if !by.can(communique.ActionEditArticle, a) {
		return nil, forbidden("leave notes on this")
	}
	return s.editorialNote(ctx, by, articleID, text)
}

func (s *Service) editorialNote(ctx context.Context, by Actor, articleID int64, text string) (*communique.EditorialNote, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, communique.Errorf(communique.EINVALID, "Write the note first.")
	case !communique.ValidText(text):
		return nil, communique.Errorf(communique.EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case utf8.RuneCountInString(text) > communique.MaxEditorialNoteLength:
		return nil, communique.Errorf(communique.EINVALID, "A note is at most %d characters.", communique.MaxEditorialNoteLength)
	}
	n := &communique.EditorialNote{ArticleID: articleID, UserID: by.userID(), Text: text}
	if err := s.Store.AddEditorialNote(ctx, n); err != nil {
		return nil, err
	}
	return n, nil
}

// ReturnToWriter sends an article submitted for review back to a draft,
// with an internal note saying why. Only those who may publish it review
// it. EFORBIDDEN, ENOTFOUND, EINVALID (not pending, no note).
func (s *Service) ReturnToWriter(ctx context.Context, by Actor, articleID int64, note string) (*communique.Article, error) {
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return nil, err
	}
	if !by.can(communique.ActionPublishArticle, a) {
		return nil, forbidden("review this")
	}
	if a.Status != communique.StatusPending {
		return nil, communique.Errorf(communique.EINVALID, "Only an article submitted for review can be returned.")
	}
	if strings.TrimSpace(note) == "" {
		return nil, communique.Errorf(communique.EINVALID, "Say what the writer should change.")
	}
	if _, err := s.editorialNote(ctx, by, articleID, "Returned: "+strings.TrimSpace(note)); err != nil {
		return nil, err
	}
	return s.Unpublish(ctx, by, articleID, communique.StatusDraft)
}

// previewHash is what the store keeps of a preview token.
func previewHash(token string) string {
	sum := sha256.Sum256([]byte("preview:" + token))
	return hex.EncodeToString(sum[:])
}

// CreatePreviewLink makes a secret link to an unpublished article that
// works for ttl, and returns its token, shown once. EFORBIDDEN,
// ENOTFOUND, EINVALID (published already, ttl out of bounds).
func (s *Service) CreatePreviewLink(ctx context.Context, by Actor, articleID int64, ttl time.Duration) (string, *communique.PreviewLink, error) {
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return "", nil, err
	}
	if !by.can(communique.ActionEditArticle, a) {
		return "", nil, forbidden("share this")
	}
	switch {
	case a.IsPublic(s.Store.Clock()) || a.Status == communique.StatusTrash:
		return "", nil, communique.Errorf(communique.EINVALID, "Preview links are for unpublished articles.")
	case ttl < MinPreviewTTL || ttl > MaxPreviewTTL:
		return "", nil, communique.Errorf(communique.EINVALID, "A preview link lasts from an hour to 30 days.")
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	l := &communique.PreviewLink{ArticleID: articleID, UserID: by.userID(), TokenHash: previewHash(token), ExpiresAt: s.Store.Clock().Add(ttl)}
	if err := s.Store.AddPreviewLink(ctx, l); err != nil {
		return "", nil, err
	}
	return token, l, nil
}

// RevokePreviewLink stops a preview link at once. EFORBIDDEN, ENOTFOUND.
func (s *Service) RevokePreviewLink(ctx context.Context, by Actor, articleID, linkID int64) error {
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return err
	}
	if !by.can(communique.ActionEditArticle, a) {
		return forbidden("share this")
	}
	links, err := s.Store.FindPreviewLinks(ctx, articleID)
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.ID == linkID {
			_, err := s.Store.RevokePreviewLink(ctx, linkID)
			return err
		}
	}
	return communique.Errorf(communique.ENOTFOUND, "Preview link not found.")
}

// OpenPreview returns the article a preview token opens while the link
// is usable and the article is not in the trash; ENOTFOUND otherwise, so
// a wrong, expired or revoked token tells nothing.
func (s *Service) OpenPreview(ctx context.Context, token string) (*communique.Article, error) {
	gone := communique.Errorf(communique.ENOTFOUND, "This preview link does not work: it may have expired or been revoked.")
	if token == "" || len(token) > 100 {
		return nil, gone
	}
	l, err := s.Store.FindPreviewLink(ctx, previewHash(token))
	if communique.ErrorCode(err) == communique.ENOTFOUND || err == nil && !l.Usable(s.Store.Clock()) {
		return nil, gone
	} else if err != nil {
		return nil, err
	}
	a, err := s.Store.FindArticleByID(ctx, l.ArticleID)
	if communique.ErrorCode(err) == communique.ENOTFOUND || err == nil && a.Status == communique.StatusTrash {
		return nil, gone
	}
	return a, err
}
