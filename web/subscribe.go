package web

import (
	"errors"
	"net/http"
	"net/url"

	"communique"
	"communique/notify"
)

// Subscription pages: a link from an email lands on a page that says
// what it will do, and a button (POST) does it, so a mail scanner opening
// links changes nothing. Mail clients unsubscribe with a POST of their
// own (RFC 8058 one-click), which carries no cookie and needs none: the
// signed, single-use token is the authority. A bad or used link gets one
// plain answer that tells nothing about any address.

// subscriptionPage is the data of every subscription page.
type subscriptionPage struct {
	pageData
	// Step is confirm, confirmed, unsubscribe, unsubscribed, manage,
	// left or invalid.
	Step        string
	Token       string
	ManageToken string
	Topics      []topicView
	Items       []subscriptionItem
	Message     string
}

type subscriptionItem struct {
	Topic topicView
	Token string
}

// topicView is what a subscription is about, which the page says in
// the reader's language: an article's new comments, or new articles.
type topicView struct {
	Comments bool
	Article  string
}

// topic describes a subscription to its reader.
func topic(s *communique.Subscription) topicView {
	return topicView{Comments: s.Topic == communique.TopicComments, Article: s.ArticleTitle}
}

func topics(list []*communique.Subscription) []topicView {
	out := make([]topicView, len(list))
	for i, s := range list {
		out[i] = topic(s)
	}
	return out
}

func (s *Server) renderSubscription(w http.ResponseWriter, r *http.Request, status int, title string, data subscriptionPage) {
	s.fillPage(r, &data.pageData, title)
	data.NoIndex = true
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the token is in the URL
	s.render(w, r, status, "subscription", data)
}

// subscriptionFailed answers a bad link, or logs an internal error.
func (s *Server) subscriptionFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, notify.ErrInvalidLink) {
		s.renderSubscription(w, r, http.StatusBadRequest, "Link not valid", subscriptionPage{Step: "invalid", Message: communique.ErrorMessage(err)})
		return
	}
	s.renderError(w, r, err)
}

func (s *Server) notifyOrNotFound(w http.ResponseWriter, r *http.Request) bool {
	if s.notify == nil {
		s.notFound(w, r)
		return false
	}
	return true
}

func (s *Server) handleConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.notifyOrNotFound(w, r) {
		return
	}
	token := r.URL.Query().Get("token")
	list, err := s.notify.PendingConfirmation(r.Context(), token)
	if err != nil {
		s.subscriptionFailed(w, r, err)
		return
	}
	s.renderSubscription(w, r, http.StatusOK, "Confirm your subscription", subscriptionPage{Step: "confirm", Token: token, Topics: topics(list)})
}

func (s *Server) handleConfirmPost(w http.ResponseWriter, r *http.Request) {
	if !s.notifyOrNotFound(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	list, err := s.notify.Confirm(r.Context(), r.FormValue("token"))
	if err != nil {
		s.subscriptionFailed(w, r, err)
		return
	}
	s.renderSubscription(w, r, http.StatusOK, "Subscription confirmed", subscriptionPage{Step: "confirmed", Topics: topics(list)})
}

func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.notifyOrNotFound(w, r) {
		return
	}
	token := r.URL.Query().Get("token")
	sub, err := s.notify.PendingUnsubscribe(r.Context(), token)
	if err != nil {
		s.subscriptionFailed(w, r, err)
		return
	}
	s.renderSubscription(w, r, http.StatusOK, "Unsubscribe", subscriptionPage{Step: "unsubscribe", Token: token, Topics: []topicView{topic(sub)}})
}

// handleUnsubscribePost is both the page's button and the one-click
// unsubscribe of mail clients (token in the URL, body
// "List-Unsubscribe=One-Click").
func (s *Server) handleUnsubscribePost(w http.ResponseWriter, r *http.Request) {
	if !s.notifyOrNotFound(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	sub, err := s.notify.Unsubscribe(r.Context(), r.FormValue("token"))
	if err != nil {
		s.subscriptionFailed(w, r, err)
		return
	}
	if m := r.PostFormValue("manage"); m != "" {
		if _, err := s.notify.Manage(r.Context(), m); err == nil {
			http.Redirect(w, r, "/subscriptions/manage?"+url.Values{"token": {m}}.Encode(), http.StatusSeeOther)
			return
		}
	}
	s.renderSubscription(w, r, http.StatusOK, "Unsubscribed", subscriptionPage{Step: "unsubscribed", Topics: []topicView{topic(sub)}})
}

func (s *Server) handleManage(w http.ResponseWriter, r *http.Request) {
	if !s.notifyOrNotFound(w, r) {
		return
	}
	token := r.URL.Query().Get("token")
	list, err := s.notify.Manage(r.Context(), token)
	if err != nil {
		s.subscriptionFailed(w, r, err)
		return
	}
	data := subscriptionPage{Step: "manage", ManageToken: token}
	for _, m := range list {
		data.Items = append(data.Items, subscriptionItem{Topic: topic(m.Subscription), Token: m.Token})
	}
	s.renderSubscription(w, r, http.StatusOK, "Your subscriptions", data)
}

// handleManagePost unsubscribes from everything.
func (s *Server) handleManagePost(w http.ResponseWriter, r *http.Request) {
	if !s.notifyOrNotFound(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if _, err := s.notify.UnsubscribeAll(r.Context(), r.FormValue("token")); err != nil {
		s.subscriptionFailed(w, r, err)
		return
	}
	s.renderSubscription(w, r, http.StatusOK, "Unsubscribed", subscriptionPage{Step: "left"})
}
