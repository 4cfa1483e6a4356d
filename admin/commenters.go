package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/discussion"
)

// commenterPage is one commenter's record with the moderators' tools.
type commenterPage struct {
	base
	*discussion.CommenterRecord
	Titles map[int64]string
	Error  string
	// The forms' values, kept when one is refused.
	Note, Reason, Chosen string
	Days                 int
	WholeDomain          bool
}

func (s *Server) handleCommenter(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	s.renderCommenter(w, r, rq, &commenterPage{Days: 1}, http.StatusOK)
}

// renderCommenter loads the record of the email in the query or form.
func (s *Server) renderCommenter(w http.ResponseWriter, r *http.Request, rq *request, p *commenterPage, status int) {
	email := r.FormValue("email")
	rec, err := s.discussion.Commenter(r.Context(), rq.User, email)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	p.base, p.CommenterRecord, p.Titles = s.base(r, rq, s.words(rq).T("adm_cmt.title", rec.Email), "comments"), rec, map[int64]string{}
	for _, c := range rec.Comments {
		if _, ok := p.Titles[c.ArticleID]; !ok {
			if a, err := s.store.FindArticleByID(r.Context(), c.ArticleID); err == nil {
				p.Titles[c.ArticleID] = a.Title
			}
		}
	}
	if p.Chosen == "" && rec.Standing != nil {
		p.Chosen = string(rec.Standing.Standing)
	}
	s.render(w, r, status, "commenter", p)
}

// commenterBack returns to the record after a change.
func commenterBack(email, done string) string {
	return "/admin/commenters?" + url.Values{"email": {email}, "done": {done}}.Encode()
}

// refusedCommenter shows the record again with what was typed and why
// it was refused; anything but a refusal of the input is a failure.
func (s *Server) refusedCommenter(w http.ResponseWriter, r *http.Request, rq *request, p *commenterPage, err error) {
	if communique.ErrorCode(err) != communique.EINVALID {
		s.fail(w, r, rq, err)
		return
	}
	p.Error = communique.ErrorMessage(err)
	s.renderCommenter(w, r, rq, p, http.StatusBadRequest)
}

func (s *Server) handleCommenterNote(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	email, note := r.PostFormValue("email"), r.PostFormValue("note")
	if err := s.discussion.AddNote(r.Context(), rq.User, email, note); err != nil {
		s.refusedCommenter(w, r, rq, &commenterPage{Note: note, Days: 1}, err)
		return
	}
	http.Redirect(w, r, commenterBack(email, "noted"), http.StatusSeeOther)
}

// handleCommenterStanding trusts, holds, suspends for a number of days
// or bans a commenter (or their whole domain), or clears their standing.
func (s *Server) handleCommenterStanding(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	email := r.PostFormValue("email")
	p := &commenterPage{Chosen: r.PostFormValue("standing"), Reason: r.PostFormValue("reason"), WholeDomain: r.PostFormValue("whole_domain") != ""}
	p.Days, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	standing := communique.Standing(p.Chosen)
	var until time.Time
	if standing == communique.StandingSuspended {
		if p.Days < 1 || p.Days > 3650 {
			s.refusedCommenter(w, r, rq, p, communique.Errorf(communique.EINVALID, "A suspension lasts from 1 to 3,650 days."))
			return
		}
		until = s.Now().Add(time.Duration(p.Days) * 24 * time.Hour)
	}
	subject := email
	if p.WholeDomain {
		subject = communique.DomainKey(email)
	}
	if err := s.discussion.SetStanding(r.Context(), rq.User, subject, standing, until, p.Reason); err != nil {
		s.refusedCommenter(w, r, rq, p, err)
		return
	}
	http.Redirect(w, r, commenterBack(email, "standing"), http.StatusSeeOther)
}

func (s *Server) handleCommenterRemove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	email := r.PostFormValue("email")
	if _, err := s.discussion.RemoveAll(r.Context(), rq.User, email); err != nil {
		s.refusedCommenter(w, r, rq, &commenterPage{Days: 1}, err)
		return
	}
	http.Redirect(w, r, commenterBack(email, "removed"), http.StatusSeeOther)
}

type moderationLogPage struct {
	base
	Entries []*communique.ModerationEntry
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

// handleModerationLog shows administrators every moderator action.
func (s *Server) handleModerationLog(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageSettings, nil) {
		s.forbid(w, r, rq)
		return
	}
	p := moderationLogPage{base: s.base(r, rq, "Moderation log", "moderation-log")}
	p.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	p.Page = max(1, min(p.Page, 100000))
	const per = 100
	entries, total, err := s.discussion.ModerationLog(r.Context(), rq.User, (p.Page-1)*per, per)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	p.Entries, p.Pages = entries, max(1, (total+per-1)/per)
	if p.Page > 1 {
		p.PrevURL = "/admin/moderation-log?page=" + strconv.Itoa(p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = "/admin/moderation-log?page=" + strconv.Itoa(p.Page+1)
	}
	s.render(w, r, http.StatusOK, "moderation_log", p)
}
