package admin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"communique"
	"communique/notify"
	"communique/password"
)

// signinPolicy throttles sign-ins with growing delays (see
// communique.SigninPolicy); the REST API applies the same.
var signinPolicy = communique.DefaultSigninPolicy

type loginPage struct {
	base
	Login   string
	Next    string
	Error   string
	Expired bool
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(sessionCookie); err == nil {
		// Already signed in? The dashboard decides.
		if c, _ := r.Cookie(sessionCookie); c != nil {
			if _, err := s.store.FindSession(r.Context(), hashToken(c.Value)); err == nil {
				http.Redirect(w, r, localNext(r.URL.Query().Get("next")), http.StatusSeeOther)
				return
			}
		}
	}
	data := loginPage{base: s.base(r, nil, "Sign in", ""), Next: localNext(r.URL.Query().Get("next"))}
	s.setLoginCSRF(w, r, &data)
	s.render(w, r, http.StatusOK, "login", data)
}

const loginCSRFCookie = "communique_login"

// setLoginCSRF protects the sign-in form itself (login CSRF) with a
// double-submit token tied to a random cookie.
func (s *Server) setLoginCSRF(w http.ResponseWriter, r *http.Request, data *loginPage) {
	v := ""
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) == 64 {
		v = c.Value
	} else {
		v = randomToken()
		http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: v, Path: "/admin/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureFor(r)})
	}
	data.CSRF = s.csrfFor("login:" + v)
}

func (s *Server) secureFor(r *http.Request) bool { return s.secure || r.TLS != nil }

func (s *Server) handleLoginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, nil, communique.Errorf(communique.EINVALID, "The form could not be read."))
		return
	}
	ctx := r.Context()
	login := strings.TrimSpace(r.PostFormValue("login"))
	pw := r.PostFormValue("password")
	data := loginPage{base: s.base(r, nil, "Sign in", ""), Login: login, Next: localNext(r.PostFormValue("next"))}
	status := http.StatusOK
	defer func() {
		if status != 0 {
			s.setLoginCSRF(w, r, &data)
			s.render(w, r, status, "login", data)
		}
	}()
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || r.PostFormValue("csrf_token") != s.csrfFor("login:"+c.Value) {
		data.Error, status = "This sign-in form expired. Please try again.", http.StatusForbidden
		return
	}
	ip := clientIP(r)
	found, err := s.findSigninUser(ctx, login)
	if err != nil {
		status = 0
		s.fail(w, r, nil, err)
		return
	}
	account := communique.SigninAccountKey(found, login)
	now := s.Now()
	failures, err := s.store.SigninFailures(ctx, account, ip, now.Add(-signinPolicy.Window))
	if err != nil {
		status = 0
		s.fail(w, r, nil, err)
		return
	}
	if wait := signinPolicy.Wait(failures, now); wait > 0 {
		secs := int(wait.Round(time.Second).Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		data.Error = "Too many failed sign-in attempts from here. Please wait " + waitText(secs) + ", then try again."
		status = http.StatusTooManyRequests
		return
	}
	// Counted as a failure before the password is checked, and forgiven
	// after: tries sent at once cannot all pass the throttle while the
	// first is still being checked.
	if err := s.store.RecordLoginFailure(ctx, account, ip); err != nil {
		s.logger.Warn("record sign-in failure", "err", err)
	}
	user, ok := s.checkPassword(found, pw)
	if !ok {
		data.Error, status = "Unknown login or wrong password.", http.StatusUnauthorized
		return
	}
	s.store.ClearSigninFailures(ctx, account, ip)
	// A new session at every sign-in: a session fixed before sign-in
	// never becomes a signed-in one.
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.store.DeleteSession(ctx, hashToken(old.Value))
	}
	if err := s.startSession(w, r, user); err != nil {
		status = 0
		s.fail(w, r, nil, err)
		return
	}
	status = 0
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// startSession creates a session with a fresh random ID for user and
// gives this browser its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user *communique.User) error {
	token := randomToken()
	sess := &communique.Session{ID: hashToken(token), UserID: user.ID, ExpiresAt: s.Now().Add(sessionIdle), IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 255)}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureFor(r), MaxAge: int(sessionIdle.Seconds())})
	return nil
}

// findSigninUser finds the user a sign-in names by login or email; nil
// when none does.
func (s *Server) findSigninUser(ctx context.Context, login string) (*communique.User, error) {
	f := communique.UserFilter{Login: &login}
	if strings.Contains(login, "@") {
		f = communique.UserFilter{Email: &login}
	}
	users, err := s.store.FindUsers(ctx, f)
	if err != nil {
		// A store that cannot be read is not a wrong password.
		return nil, err
	}
	if len(users) == 1 {
		return users[0], nil
	}
	return nil, nil
}

// waitText says a wait in words: "12 seconds", "3 minutes".
func waitText(secs int) string {
	if secs < 120 {
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}

// checkPassword checks the password of the user a sign-in found,
// taking the same time whether or not there is one.
func (s *Server) checkPassword(user *communique.User, pw string) (*communique.User, bool) {
	hash := password.Dummy
	if user != nil && user.PasswordHash != "" {
		hash = user.PasswordHash
	}
	err := password.Check(hash, pw)
	if user == nil || user.PasswordHash == "" || err != nil || !communique.Can(user, communique.ActionReadAdmin, nil) {
		return nil, false
	}
	return user, true
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, rq *request) {
	s.store.DeleteSession(r.Context(), rq.Session.ID)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureFor(r)})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

type profilePage struct {
	base
	DisplayName string
	Email       string
	// Bio and PhotoID are shown on one's author page; Photos are the
	// library's pictures to choose from.
	Bio     string
	PhotoID int64
	Photos  []*communique.Media
	// Language is the person's own language for the newsroom; "" for
	// the site's.
	Language  string
	Languages []communique.SettingOption
	Sessions  []*communique.Session
	Current   string
	Errors    map[string]string
	// AppPasswords are the user's application passwords; NewAppPassword
	// is one just made, shown this once.
	AppPasswords      []*communique.AppPassword
	AppPasswordName   string
	NewAppPassword    string
	NewAppPasswordFor string
}

func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request, rq *request) {
	s.renderProfilePage(w, r, rq, profileOf(rq.User), http.StatusOK)
}

// profileOf is the profile form filled in with what u has now, so a page
// that shows it for another reason (a new application password) never
// offers to save it emptied.
func profileOf(u *communique.User) profilePage {
	return profilePage{DisplayName: u.DisplayName, Email: u.Email, Bio: u.Bio, PhotoID: u.PhotoID}
}

// renderProfile shows the profile form again as it was posted, with errs.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, rq *request, name, email string, errs map[string]string, status int) {
	photo, _ := strconv.ParseInt(r.PostFormValue("photo_id"), 10, 64)
	s.renderProfilePage(w, r, rq, profilePage{DisplayName: name, Email: email, Bio: r.PostFormValue("bio"), PhotoID: photo, Errors: errs}, status)
}

// maxPhotoChoices bounds the pictures the profile offers as one's photo.
const maxPhotoChoices = 200

// photoChoices lists the library's most recent pictures, and the chosen
// one wherever it is, so a profile never silently loses its photo.
func (s *Server) photoChoices(ctx context.Context, chosen int64) ([]*communique.Media, error) {
	list, _, err := s.store.FindMedia(ctx, communique.MediaFilter{Limit: maxPhotoChoices})
	if err != nil {
		return nil, err
	}
	var images []*communique.Media
	found := chosen == 0
	for _, m := range list {
		if strings.HasPrefix(m.MimeType, "image/") {
			images = append(images, m)
			found = found || m.ID == chosen
		}
	}
	if !found {
		if more, _, err := s.store.FindMedia(ctx, communique.MediaFilter{IDs: []int64{chosen}, Limit: 1}); err == nil && len(more) == 1 {
			images = append([]*communique.Media{more[0]}, images...)
		}
	}
	return images, nil
}

// validPhoto checks that id (when not 0) is a picture in the library.
func (s *Server) validPhoto(ctx context.Context, id int64) (bool, error) {
	if id == 0 {
		return true, nil
	}
	list, _, err := s.store.FindMedia(ctx, communique.MediaFilter{IDs: []int64{id}, Limit: 1})
	if err != nil {
		return false, err
	}
	return len(list) == 1 && strings.HasPrefix(list[0].MimeType, "image/"), nil
}

func (s *Server) renderProfilePage(w http.ResponseWriter, r *http.Request, rq *request, data profilePage, status int) {
	sessions, err := s.store.FindUserSessions(r.Context(), rq.User.ID)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	apps, err := s.store.FindAppPasswords(r.Context(), rq.User.ID)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	photos, err := s.photoChoices(r.Context(), data.PhotoID)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.base = s.base(r, rq, "Your profile", "profile")
	if data.Language == "" {
		data.Language = rq.User.Language
	}
	data.Languages = languageChoices(data.Language)
	data.Sessions, data.Current, data.AppPasswords, data.Photos = sessions, rq.Session.ID, apps, photos
	s.render(w, r, status, "profile", data)
}

// handleProfilePost saves one's name, password and email address. A new
// address takes the current password and is only asked for here: it
// changes when the link sent to it is opened (handleEmailConfirm), so
// nobody can claim an address they cannot read, or another account's.
func (s *Server) handleProfilePost(w http.ResponseWriter, r *http.Request, rq *request) {
	name, email := r.PostFormValue("display_name"), strings.TrimSpace(r.PostFormValue("email"))
	errs := map[string]string{}
	bio := strings.TrimSpace(r.PostFormValue("bio"))
	upd := communique.UserUpdate{DisplayName: &name, Bio: &bio}
	if r.PostForm.Has("language") {
		lang := strings.TrimSpace(r.PostFormValue("language"))
		upd.Language = &lang
	}
	if utf8.RuneCountInString(bio) > communique.MaxBioLength {
		errs["bio"] = fmt.Sprintf("The biography is too long (at most %d characters).", communique.MaxBioLength)
	}
	photo, err := strconv.ParseInt(r.PostFormValue("photo_id"), 10, 64)
	if ok, lookErr := s.validPhoto(r.Context(), photo); lookErr != nil {
		s.fail(w, r, rq, lookErr)
		return
	} else if err != nil && r.PostFormValue("photo_id") != "" || !ok {
		errs["photo_id"] = "Choose a picture from the media library, or no photo."
	} else {
		upd.PhotoID = &photo
	}
	passwordRight := password.Check(rq.User.PasswordHash, r.PostFormValue("current_password")) == nil
	if newPW := r.PostFormValue("new_password"); newPW != "" {
		if !passwordRight {
			errs["current_password"] = "Your current password is not right."
		} else if err := password.Validate(newPW); err != nil {
			errs["new_password"] = "The " + err.Error() + "."
		} else if hash, err := password.Hash(newPW); err == nil {
			upd.PasswordHash = &hash
		}
	}
	newAddress := !strings.EqualFold(email, rq.User.Email)
	switch problem := communique.EmailProblem(email); {
	case problem != "":
		errs["email"] = problem
	case !newAddress:
		upd.Email = &email // the same address in another case
	case !passwordRight:
		errs["current_password"] = "Type your current password to change your email address."
	case s.notify == nil:
		errs["email"] = "This site sends no email, so the address cannot be confirmed; an administrator can change it."
	}
	if len(errs) > 0 {
		s.renderProfile(w, r, rq, name, email, errs, http.StatusBadRequest)
		return
	}
	if newAddress {
		if err := s.notify.RequestEmailChange(r.Context(), rq.User, email); err != nil {
			s.profileError(w, r, rq, name, email, err)
			return
		}
	}
	if _, err := s.store.UpdateUser(r.Context(), rq.User.ID, upd); err != nil {
		s.profileError(w, r, rq, name, email, err)
		return
	}
	if upd.PasswordHash != nil {
		// A new password ends every other session.
		s.store.DeleteUserSessions(r.Context(), rq.User.ID, rq.Session.ID)
	}
	done := "saved"
	if newAddress {
		done = "emailsent"
	}
	http.Redirect(w, r, "/admin/profile?done="+done, http.StatusSeeOther)
}

func (s *Server) profileError(w http.ResponseWriter, r *http.Request, rq *request, name, email string, err error) {
	if communique.ErrorCode(err) == communique.EINTERNAL {
		s.fail(w, r, rq, err)
		return
	}
	s.renderProfile(w, r, rq, name, email, map[string]string{"email": communique.ErrorMessage(err)}, http.StatusBadRequest)
}

type emailConfirmPage struct {
	base
	Email, Token string
	Error        string
}

// handleEmailConfirm shows what the link from the new address will do; a
// button does it, so a mail scanner that opens links changes nothing.
func (s *Server) handleEmailConfirm(w http.ResponseWriter, r *http.Request, rq *request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "email_confirm", emailConfirmPage{base: s.base(r, rq, "Confirm your email address", "profile"),
		Email: q.Get("email"), Token: q.Get("token")})
}

func (s *Server) handleEmailConfirmPost(w http.ResponseWriter, r *http.Request, rq *request) {
	email, token := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("token")
	if s.notify == nil {
		s.fail(w, r, rq, notify.ErrInvalidLink)
		return
	}
	if _, err := s.notify.ConfirmEmailChange(r.Context(), s.store, rq.User, token, email); err != nil {
		if communique.ErrorCode(err) == communique.EINTERNAL {
			s.fail(w, r, rq, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "email_confirm", emailConfirmPage{base: s.base(r, rq, "Confirm your email address", "profile"),
			Email: email, Token: token, Error: communique.ErrorMessage(err)})
		return
	}
	http.Redirect(w, r, "/admin/profile?done=emailchanged", http.StatusSeeOther)
}

// handleSessionsRevoke is "sign out everywhere else".
func (s *Server) handleSessionsRevoke(w http.ResponseWriter, r *http.Request, rq *request) {
	if err := s.store.DeleteUserSessions(r.Context(), rq.User.ID, rq.Session.ID); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/profile?done=signedout", http.StatusSeeOther)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
