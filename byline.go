package communique

import (
	"strings"
	"unicode/utf8"
)

// Byline is one name in an article's byline, in order: a user of the site,
// or a guest contributor who has no login (a freelancer, an agency). An
// article without bylines is credited to its author (AuthorID) alone.
type Byline struct {
	UserID  int64  `json:"user_id,omitempty"`
	GuestID int64  `json:"guest_id,omitempty"`
	Name    string `json:"name"`
	Slug    string `json:"slug"` // their author page: /author/{slug}/
	Bio     string `json:"-"`
}

// MaxBylines bounds the names on one article.
const MaxBylines = 20

// ValidateBylines checks bylines before they are stored: each names a
// user, a guest, or a new guest by name. EINVALID.
func ValidateBylines(list []Byline) error {
	if len(list) > MaxBylines {
		return Errorf(EINVALID, "An article has at most %d bylines.", MaxBylines)
	}
	for i := range list {
		b := &list[i]
		b.Name = strings.TrimSpace(b.Name)
		if b.UserID == 0 && b.GuestID == 0 && b.Name == "" {
			return Errorf(EINVALID, "A byline needs a user or a guest's name.")
		}
		if !ValidText(b.Name) || utf8.RuneCountInString(b.Name) > 100 || strings.ContainsAny(b.Name, "\r\n") {
			return Errorf(EINVALID, "A guest's name is at most 100 characters on one line.")
		}
	}
	return nil
}

// GuestAuthor is a contributor without a login, credited in bylines and
// shown on an author page of their own.
type GuestAuthor struct {
	ID   int64
	Name string
	Slug string
	Bio  string
}
