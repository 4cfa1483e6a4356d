package newsroom

import (
	"context"
	"errors"

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
