package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"communique"
)

type privacyPage struct {
	base
	Email         string
	Result        string
	Error         string
	RetentionDays int
}

// privacyAllowed: only administrators see what the site holds about a
// person, and erase it.
func (s *Server) privacyAllowed(w http.ResponseWriter, r *http.Request, rq *request) bool {
	if s.privacy == nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "There is no such page in the newsroom."))
		return false
	}
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return false
	}
	return true
}

func (s *Server) renderPrivacy(w http.ResponseWriter, r *http.Request, rq *request, status int, data privacyPage) {
	data.base = s.base(r, rq, "Privacy requests", "privacy")
	data.RetentionDays = rq.Settings.IPRetentionDays
	s.render(w, r, status, "privacy", data)
}

func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.privacyAllowed(w, r, rq) {
		return
	}
	s.renderPrivacy(w, r, rq, http.StatusOK, privacyPage{})
}

// handlePrivacyExport sends the JSON as a download: it is for the person
// who asked, not for a page.
func (s *Server) handlePrivacyExport(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.privacyAllowed(w, r, rq) {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	x, err := s.privacy.Export(r.Context(), email)
	if communique.ErrorCode(err) == communique.EINVALID {
		s.renderPrivacy(w, r, rq, http.StatusBadRequest, privacyPage{Email: email, Error: communique.ErrorMessage(err)})
		return
	} else if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.logger.Info("privacy export", "by", rq.User.Login, "comments", len(x.Comments))
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="personal-data.json"`)
	w.Write(append(b, '\n'))
}

func (s *Server) handlePrivacyErase(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.privacyAllowed(w, r, rq) {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	anonymise := r.PostFormValue("mode") != "delete"
	res, err := s.privacy.Erase(r.Context(), email, anonymise)
	if communique.ErrorCode(err) == communique.EINVALID {
		s.renderPrivacy(w, r, rq, http.StatusBadRequest, privacyPage{Email: email, Error: communique.ErrorMessage(err)})
		return
	} else if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.logger.Info("privacy erasure", "by", rq.User.Login, "anonymise", anonymise, "comments", res.Comments)
	verb := "Deleted"
	if anonymise {
		verb = "Anonymised"
	}
	msg := fmt.Sprintf("%s %d comments; deleted %d subscriptions, %d emails and %d refused comments.", verb, res.Comments, res.Subscriptions, res.Emails, res.CommentDrafts)
	if res.Users > 0 {
		msg += fmt.Sprintf(" %d newsroom account(s) use this address and were kept: delete them on the Users page if asked.", res.Users)
	}
	s.renderPrivacy(w, r, rq, http.StatusOK, privacyPage{Result: msg})
}
