package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
)

// signinRow is one account's recent failures from one address.
type signinRow struct {
	communique.SigninFailureGroup
	// Who is the account: a user's login, or what was typed when it
	// named no one.
	Who   string
	Known bool
	// Wait is what is left of the delay this pair has earned; "" when
	// none.
	Wait string
}

type signinsPage struct {
	base
	Rows []signinRow
}

// handleSignins lists the failed sign-ins of the last day, by account
// and address, with the delay each has earned: administrators see who is
// being guessed at, and from where.
func (s *Server) handleSignins(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	ctx := r.Context()
	now := s.Now()
	groups, err := s.store.RecentSigninFailures(ctx, now.Add(-signinPolicy.Window), 200)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := signinsPage{base: s.base(r, rq, "Sign-in failures", "signins")}
	for _, g := range groups {
		row := signinRow{SigninFailureGroup: g, Who: strings.TrimPrefix(g.Account, "typed:")}
		if id, ok := strings.CutPrefix(g.Account, "user:"); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			if u, err := s.store.FindUserByID(ctx, n); err == nil {
				row.Who, row.Known = u.Login, true
			}
		}
		f, err := s.store.SigninFailures(ctx, g.Account, g.IP, now.Add(-signinPolicy.Window))
		if err != nil {
			s.fail(w, r, rq, err)
			return
		}
		if wait := signinPolicy.Wait(f, now); wait > 0 {
			row.Wait = wait.Round(time.Second).String()
		}
		data.Rows = append(data.Rows, row)
	}
	s.render(w, r, http.StatusOK, "signins", data)
}

// handleSigninsClear forgets the failures of one account from one
// address (or every address), ending its delay: for an owner who typed
// their password wrong too often.
func (s *Server) handleSigninsClear(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	account, ip := r.PostFormValue("account"), r.PostFormValue("ip")
	if !strings.HasPrefix(account, "user:") && !strings.HasPrefix(account, "typed:") {
		s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "Choose a sign-in throttle to clear from the list."))
		return
	}
	if err := s.store.ClearSigninFailures(r.Context(), account, ip); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/signins?done=cleared", http.StatusSeeOther)
}
