package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"communique"
	"communique/notify"
	"communique/password"
)

// The newsroom's side of notifications: the outbox and its delivery log
// (what was sent, what failed and why), webhooks, and the lost-password
// flow, whose email goes through the same outbox.

type outboxPage struct {
	base
	Status   string
	Tabs     []string
	Counts   map[string]int
	Messages []*communique.OutboxMessage
	Total    int
	Page     int
	PrevURL  string
	NextURL  string
	Off      bool
}

const outboxPerPage = 50

func (s *Server) canManageNotifications(w http.ResponseWriter, r *http.Request, rq *request) bool {
	if !communique.Can(rq.User, communique.ActionManageSettings, nil) {
		s.forbid(w, r, rq)
		return false
	}
	if s.notify == nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Notifications are not set up on this server."))
		return false
	}
	return true
}

// handleOutbox lists outgoing messages, failed ones with their reason.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageNotifications(w, r, rq) {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	status := communique.MessageStatus(q.Get("status"))
	switch status {
	case communique.MessagePending, communique.MessageSending, communique.MessageSent, communique.MessageFailed:
	default:
		status = ""
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	list, total, err := s.notify.Store.FindMessages(ctx, communique.OutboxFilter{Status: status, Offset: (page - 1) * outboxPerPage, Limit: outboxPerPage})
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	counts, err := s.notify.Store.CountMessages(ctx)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := outboxPage{base: s.base(r, rq, "Notifications", "notifications"), Status: string(status), Messages: list, Total: total, Page: page,
		Tabs: []string{"", "pending", "failed", "sent"}, Counts: map[string]int{}}
	for st, n := range counts {
		data.Counts[string(st)] = n
		data.Counts[""] += n
	}
	pageURL := func(n int) string {
		return "/admin/notifications?" + url.Values{"status": {string(status)}, "page": {strconv.Itoa(n)}}.Encode()
	}
	if page > 1 {
		data.PrevURL = pageURL(page - 1)
	}
	if page*outboxPerPage < total {
		data.NextURL = pageURL(page + 1)
	}
	s.render(w, r, http.StatusOK, "notifications", data)
}

// handleOutboxRetry sends a failed message again, now.
func (s *Server) handleOutboxRetry(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageNotifications(w, r, rq) {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.notify.Store.RetryMessage(r.Context(), id); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	if s.notify.Wake != nil {
		s.notify.Wake()
	}
	http.Redirect(w, r, "/admin/notifications?done=retried&status=failed", http.StatusSeeOther)
}

type webhooksPage struct {
	base
	Webhooks []*communique.Webhook
	Events   []string
	URL      string
	Checked  map[string]bool
	Error    string
}

func (s *Server) handleWebhooks(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageNotifications(w, r, rq) {
		return
	}
	s.renderWebhooks(w, r, rq, "", nil, "", http.StatusOK)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, rq *request, u string, checked map[string]bool, msg string, status int) {
	hooks, err := s.notify.Store.FindWebhooks(r.Context())
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.render(w, r, status, "webhooks", webhooksPage{base: s.base(r, rq, "Webhooks", "webhooks"), Webhooks: hooks,
		Events: communique.WebhookEvents, URL: u, Checked: checked, Error: msg})
}

// handleWebhookCreate adds a webhook with a fresh secret, shown on its
// page for the receiver to check signatures with.
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageNotifications(w, r, rq) {
		return
	}
	h := &communique.Webhook{URL: strings.TrimSpace(r.PostFormValue("url")), Events: r.PostForm["events"], Secret: notify.NewWebhookSecret()}
	if err := s.notify.Store.CreateWebhook(r.Context(), h); err != nil {
		if communique.ErrorCode(err) != communique.EINVALID {
			s.fail(w, r, rq, err)
			return
		}
		checked := map[string]bool{}
		for _, e := range h.Events {
			checked[e] = true
		}
		s.renderWebhooks(w, r, rq, h.URL, checked, communique.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/admin/webhooks/"+strconv.FormatInt(h.ID, 10)+"?done=saved", http.StatusSeeOther)
}

type webhookPage struct {
	base
	Webhook  *communique.Webhook
	Attempts []*communique.DeliveryAttempt
	Messages map[int64]*communique.OutboxMessage
	Recent   []*communique.OutboxMessage
}

// handleWebhook shows a webhook, its secret and its delivery log.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageNotifications(w, r, rq) {
		return
	}
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	h, err := s.notify.Store.FindWebhookByID(ctx, id)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	attempts, err := s.notify.Store.FindDeliveryAttempts(ctx, 0, id, 100)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	recent, _, err := s.notify.Store.FindMessages(ctx, communique.OutboxFilter{WebhookID: id, Limit: 100})
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := webhookPage{base: s.base(r, rq, "Webhook", "webhooks"), Webhook: h, Attempts: attempts, Recent: recent, Messages: map[int64]*communique.OutboxMessage{}}
	for _, m := range recent {
		data.Messages[m.ID] = m
	}
	s.render(w, r, http.StatusOK, "webhook", data)
}

func (s *Server) handleWebhookDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageNotifications(w, r, rq) {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.notify.Store.DeleteWebhook(r.Context(), id); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/webhooks?done=deleted", http.StatusSeeOther)
}

// Lost password. Both forms work without a session; the double-submit
// cookie of the sign-in form protects them from cross-site posts.

type lostPasswordPage struct {
	base
	Login string
	Sent  bool
	Off   bool
	Error string
	// Token and Valid are the reset form's: the link's token, and whether
	// it still opens the form.
	Token string
	Valid bool
	Who   string
}

func (s *Server) publicCSRF(w http.ResponseWriter, r *http.Request, purpose string) string {
	v := ""
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) == 64 {
		v = c.Value
	} else {
		v = randomToken()
		http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: v, Path: "/admin/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureFor(r)})
	}
	return s.csrfFor(purpose + ":" + v)
}

func (s *Server) checkPublicCSRF(r *http.Request, purpose string) bool {
	c, err := r.Cookie(loginCSRFCookie)
	return err == nil && len(c.Value) == 64 && r.PostFormValue("csrf_token") == s.csrfFor(purpose+":"+c.Value)
}

func (s *Server) renderLost(w http.ResponseWriter, r *http.Request, view string, status int, data lostPasswordPage) {
	data.CSRF = s.publicCSRF(w, r, view)
	data.Off = s.notify == nil
	// The reset token is in the URL: no page it opens may leak it.
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, view, data)
}

func (s *Server) handleLostPassword(w http.ResponseWriter, r *http.Request) {
	s.renderLost(w, r, "lost_password", http.StatusOK, lostPasswordPage{base: s.base(r, nil, "Lost password", "")})
}

// handleLostPasswordPost answers the same whether or not the login
// exists, so the form reveals no account; the email goes through the
// outbox, so the answer never waits on a mail server.
func (s *Server) handleLostPasswordPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, nil, communique.Errorf(communique.EINVALID, "The form could not be read."))
		return
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	data := lostPasswordPage{base: s.base(r, nil, "Lost password", ""), Login: login}
	if !s.checkPublicCSRF(r, "lost_password") {
		data.Error = "This form expired. Please try again."
		s.renderLost(w, r, "lost_password", http.StatusForbidden, data)
		return
	}
	if s.notify == nil {
		s.renderLost(w, r, "lost_password", http.StatusOK, data)
		return
	}
	if err := s.notify.RequestPasswordReset(r.Context(), login); err != nil {
		s.logger.Error("lost password", "err", err)
	}
	data.Sent = true
	s.renderLost(w, r, "lost_password", http.StatusOK, data)
}

func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	data := lostPasswordPage{base: s.base(r, nil, "Choose a new password", ""), Token: token}
	status := http.StatusOK
	if s.notify == nil {
		status = http.StatusNotFound
	} else if u, err := s.notify.PasswordResetUser(r.Context(), token); err == nil {
		data.Valid, data.Who = true, u.Login
	} else if communique.ErrorCode(err) == communique.EINTERNAL {
		s.fail(w, r, nil, err)
		return
	} else {
		status = http.StatusBadRequest
	}
	s.renderLost(w, r, "reset_password", status, data)
}

func (s *Server) handleResetPasswordPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || s.notify == nil {
		s.fail(w, r, nil, communique.Errorf(communique.EINVALID, "The form could not be read."))
		return
	}
	ctx := r.Context()
	token := r.PostFormValue("token")
	data := lostPasswordPage{base: s.base(r, nil, "Choose a new password", ""), Token: token}
	u, err := s.notify.PasswordResetUser(ctx, token)
	if communique.ErrorCode(err) == communique.EINTERNAL {
		s.fail(w, r, nil, err)
		return
	} else if err != nil {
		s.renderLost(w, r, "reset_password", http.StatusBadRequest, data)
		return
	}
	data.Valid, data.Who = true, u.Login
	pw := r.PostFormValue("new_password")
	switch {
	case !s.checkPublicCSRF(r, "reset_password"):
		data.Error = "This form expired. Please type your new password again."
	case pw != r.PostFormValue("confirm_password"):
		data.Error = "The two passwords differ."
	default:
		if err := password.Validate(pw); err != nil {
			data.Error = "The " + err.Error() + "."
		}
	}
	if data.Error != "" {
		s.renderLost(w, r, "reset_password", http.StatusBadRequest, data)
		return
	}
	hash, err := password.Hash(pw)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if _, err := s.notify.ResetPassword(ctx, token, hash); err != nil {
		if communique.ErrorCode(err) == communique.EINTERNAL {
			s.fail(w, r, nil, err)
			return
		}
		data.Valid = false
		s.renderLost(w, r, "reset_password", http.StatusBadRequest, data)
		return
	}
	http.Redirect(w, r, "/admin/login?done=reset", http.StatusSeeOther)
}
