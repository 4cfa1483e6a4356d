package communique

import (
	"context"
	"time"
)

// Session is a signed-in browser. Its ID is a hash of the cookie's token,
// so a leaked database does not hand out live sessions. Sessions live in
// the store so that every node accepts them.
type Session struct {
	ID         string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// SessionService stores sessions and sign-in throttling.
type SessionService interface {
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns a live session by ID. ENOTFOUND when missing or
	// expired.
	FindSession(ctx context.Context, id string) (*Session, error)
	// TouchSession records activity and extends the expiry.
	TouchSession(ctx context.Context, id string, expires time.Time) error
	// DeleteSession signs a session out.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions signs out every session of a user except keepID.
	DeleteUserSessions(ctx context.Context, userID int64, keepID string) error
	// FindUserSessions lists a user's live sessions, newest first.
	FindUserSessions(ctx context.Context, userID int64) ([]*Session, error)
}

// Revision is a saved state of an article's text.
type Revision struct {
	ID        int64
	ArticleID int64
	UserID    int64
	Title     string
	Source    string
	Excerpt   string
	Autosave  bool
	CreatedAt time.Time
}

// RevisionService stores article revisions and autosaves.
type RevisionService interface {
	// FindRevisions lists an article's revisions, newest first.
	FindRevisions(ctx context.Context, articleID int64) ([]*Revision, error)
	// FindRevisionByID returns one revision. ENOTFOUND.
	FindRevisionByID(ctx context.Context, id int64) (*Revision, error)
	// Autosave keeps the latest unsaved text of an article by a user,
	// replacing that user's previous autosave of it.
	Autosave(ctx context.Context, r *Revision) error
}

// UserUpdate holds the user fields to change. Nil fields stay.
type UserUpdate struct {
	DisplayName  *string
	Email        *string
	Role         *Role
	PasswordHash *string
	Bio          *string
	PhotoID      *int64 // a picture in the media library; 0 for none
	Language     *string
}
