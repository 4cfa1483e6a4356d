package newsroom

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"communique"
)

// ErrStale marks a save refused because the article was saved by someone
// else since the writer opened it; errors.Is(err, ErrStale) tells a door
// to show the comparison and merge screen rather than a plain error.
var ErrStale = errors.New("article saved since")

// staleError is an ECONFLICT that is also ErrStale.
type staleError struct{ err error }

func (e staleError) Error() string        { return e.err.Error() }
func (e staleError) Is(target error) bool { return target == ErrStale }
func (e staleError) Unwrap() error        { return e.err }

func staleSave(base int64) error {
	return staleError{communique.Errorf(communique.ECONFLICT,
		"Someone else saved this article since you opened it (version %d); nothing was overwritten. Compare both versions and merge.", base)}
}

// IsStale reports whether err refuses a save based on an old version,
// whether the service saw it first or the store's write did.
func IsStale(err error) bool {
	return errors.Is(err, ErrStale)
}

// OpenForEditing takes the article's edit lock for the actor, or renews
// it, and returns the lock as it stands: someone else's when they hold it
// and it has not expired, unless takeOver. EFORBIDDEN, ENOTFOUND.
func (s *Service) OpenForEditing(ctx context.Context, by Actor, id int64, takeOver bool) (*communique.EditLock, error) {
	a, err := s.Store.FindArticleByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if by.system || !by.can(communique.ActionEditArticle, a) {
		return nil, forbidden("edit this")
	}
	now := s.Store.Clock()
	return s.Store.LockArticle(ctx, communique.EditLock{ArticleID: id, UserID: by.User.ID, Since: now,
		ExpiresAt: now.Add(communique.EditLockTTL)}, takeOver)
}

// StopEditing frees the article's lock when the actor holds it.
func (s *Service) StopEditing(ctx context.Context, by Actor, id int64) error {
	if by.User == nil {
		return nil
	}
	return s.Store.UnlockArticle(ctx, id, by.User.ID)
}

// Autosave keeps the actor's unsaved text of an article without changing
// the article (a published one stays as readers see it until "Update"),
// and renews their lock when they hold it. EFORBIDDEN, ENOTFOUND.
func (s *Service) Autosave(ctx context.Context, by Actor, rev *communique.Revision) (*communique.EditLock, error) {
	lock, err := s.OpenForEditing(ctx, by, rev.ArticleID, false)
	if err != nil {
		return nil, err
	}
	if !communique.ValidText(rev.Title) || !communique.ValidText(rev.Source) || !communique.ValidText(rev.Excerpt) {
		return nil, communique.Errorf(communique.EINVALID, "Text must be valid UTF-8, without NUL characters.")
	}
	if len(rev.Source) > communique.MaxBodyLength {
		return nil, communique.Errorf(communique.EINVALID, "Body is too long (at most %d MiB).", communique.MaxBodyLength>>20)
	}
	rev.UserID = by.User.ID
	if err := s.Store.Autosave(ctx, rev); err != nil {
		return nil, err
	}
	return lock, nil
}

// AddNote appends a dated correction or update to a published article,
// in the open: the article's pages, JSON-LD, feeds and the corrections
// page show it, and subscribers' webhooks hear post.updated.
// EFORBIDDEN, ENOTFOUND, EINVALID (not published, empty, too long).
func (s *Service) AddNote(ctx context.Context, by Actor, articleID int64, kind, text string) (*communique.ArticleNote, error) {
	before, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return nil, err
	}
	if !by.can(communique.ActionEditArticle, before) {
		return nil, forbidden("correct this")
	}
	text = strings.TrimSpace(text)
	switch {
	case kind != communique.NoteCorrection && kind != communique.NoteUpdate:
		return nil, communique.Errorf(communique.EINVALID, "A note is a correction or an update.")
	case before.Type != communique.TypePost:
		return nil, communique.Errorf(communique.EINVALID, "Corrections and updates are for articles, not pages.")
	case !before.IsPublic(s.Store.Clock()):
		return nil, communique.Errorf(communique.EINVALID, "Corrections and updates are for published articles; edit a draft instead.")
	case text == "":
		return nil, communique.Errorf(communique.EINVALID, "Say what was corrected or updated.")
	case !communique.ValidText(text):
		return nil, communique.Errorf(communique.EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case utf8.RuneCountInString(text) > communique.MaxNoteLength:
		return nil, communique.Errorf(communique.EINVALID, "A note is at most %d characters.", communique.MaxNoteLength)
	}
	n := &communique.ArticleNote{ArticleID: articleID, UserID: by.userID(), Kind: kind, Text: text}
	if err := s.Store.AddArticleNote(ctx, n); err != nil {
		return nil, err
	}
	after, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, before, after)
	return n, nil
}
