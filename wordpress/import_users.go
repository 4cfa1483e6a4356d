package wordpress

import (
	"communique"
	"communique/markup"
	"communique/wxr"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// loginPattern is what Communiqué accepts as a login; WordPress allows
// more (spaces, for one).
var loginUnsafe = regexp.MustCompile(`[^A-Za-z0-9._@-]+`)

func safeLogin(login string) string {
	l := strings.Trim(loginUnsafe.ReplaceAllString(strings.TrimSpace(login), "-"), "-")
	if len(l) > 60 {
		l = l[:60]
	}
	return l
}

func (ru *run) author(a *wxr.Author) error {
	_, err := ru.user(a.Login, a.ID, a.Email, a.DisplayName, a.FirstName, a.LastName)
	return err
}

// user returns the local id of a WordPress login, creating the user (who
// cannot sign in until they set a password) the first time.
func (ru *run) user(login string, sourceID int64, email, display, first, last string) (int64, error) {
	// Keyed by the login as stored, so that the stray characters some
	// exports leave around a post's creator (">admin") still match.
	safe := safeLogin(login)
	key := strings.ToLower(safe)
	if id, ok := ru.users[key]; ok {
		return id, nil
	}
	if safe == "" {
		safe = "author"
		if sourceID != 0 {
			safe += "-" + strconv.FormatInt(sourceID, 10)
		}
	}
	if safe != strings.TrimSpace(login) {
		ru.note("logins changed to letters, digits and . _ @ - only")
	}
	email = strings.TrimSpace(email)
	if !communique.ValidEmail(email) {
		email = strings.ToLower(strings.ReplaceAll(safe, "@", ".")) + "@imported.invalid"
		ru.note("authors without a valid email address given one at imported.invalid")
	}
	display = plain(display)
	if display == "" {
		display = strings.TrimSpace(plain(first) + " " + plain(last))
	}
	if utf8.RuneCountInString(display) > 250 {
		display = string([]rune(display)[:250])
	}
	u := &communique.User{Login: safe, Email: email, DisplayName: display, Role: communique.RoleAuthor}
	var paths []string
	for _, nice := range []string{markup.Slugify(login), strings.ToLower(strings.ReplaceAll(strings.TrimSpace(login), " ", "-"))} {
		if nice != "" && (len(paths) == 0 || paths[0] != "/author/"+nice+"/") {
			paths = append(paths, "/author/"+nice+"/")
		}
	}
	created, err := ru.Store.ImportUser(ru.ctx, ru.source, sourceID, u, paths)
	if communique.ErrorCode(err) == communique.ECONFLICT {
		// The login is free (ImportUser found none), so the address is
		// another account's: one address is one account.
		u.Email = strings.ToLower(strings.ReplaceAll(safe, "@", ".")) + "@imported.invalid"
		ru.note("authors whose email address another account has given one at imported.invalid")
		created, err = ru.Store.ImportUser(ru.ctx, ru.source, sourceID, u, paths)
	}
	if err != nil {
		return 0, fmt.Errorf("author %q: %w", login, err)
	}
	ru.sum.count("authors", created)
	ru.users[key] = u.ID
	return u.ID, nil
}
