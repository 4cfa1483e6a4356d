package notify

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/mail"
)

// ErrInvalidLink is the answer to a forged, altered, expired or used
// link. It says nothing about whether an address is subscribed.
var ErrInvalidLink = communique.Errorf(communique.EINVALID, "This link is not valid: it has expired, was already used, or was changed. Nothing was changed.")

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// UnsubscribeToken is the token of a subscription's unsubscribe links.
// It stays valid until used, as RFC 8058 wants of List-Unsubscribe.
func (s *Service) UnsubscribeToken(sub *communique.Subscription) string {
	return s.token(purposeUnsubscribe, sub.ID, sub.Nonce, time.Time{})
}

func (s *Service) manageToken(subscriberID int64, nonce string) string {
	return s.token(purposeManage, subscriberID, nonce, time.Time{})
}

// Subscribe records what a commenter ticked under the reply form and
// sends one confirmation (double opt-in). Nothing is sent to an address
// that confirmed already, nor more than one confirmation an hour, so the
// form cannot be used to flood someone's inbox.
func (s *Service) Subscribe(ctx context.Context, email string, articleID int64, comments, posts bool) error {
	var reqs []communique.SubscriptionRequest
	if comments && articleID != 0 {
		reqs = append(reqs, communique.SubscriptionRequest{Topic: communique.TopicComments, ArticleID: articleID})
	}
	if posts {
		reqs = append(reqs, communique.SubscriptionRequest{Topic: communique.TopicPosts})
	}
	if len(reqs) == 0 || !communique.ValidEmail(strings.TrimSpace(email)) {
		return nil
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	sub, pending, send, err := s.Store.RequestSubscriptions(ctx, email, reqs, randomHex(16), s.now().Add(-confirmResend))
	if err != nil || !send {
		return err
	}
	t := x.t
	var topics []string
	for _, p := range pending {
		if p.Topic == communique.TopicComments {
			topics = append(topics, t.T("mail.confirm_comments", oneLine(p.ArticleTitle)))
		} else {
			topics = append(topics, t.T("mail.confirm_posts"))
		}
	}
	tok := s.token(purposeConfirm, sub.ID, sub.ConfirmNonce, s.now().Add(confirmValid))
	body := content{
		Intro:  append([]string{t.T("mail.confirm_intro", x.title)}, bullets(topics)...),
		Action: link{t.T("mail.confirm_action"), x.url("/subscriptions/confirm", url.Values{"token": {tok}})},
		Notes:  []string{t.T("mail.confirm_ignore")},
	}
	m, err := s.email(x, mail.Address{Address: sub.Email}, t.T("mail.confirm_subject", x.title), &body, thread{id: "confirm"}, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

func bullets(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = "• " + it
	}
	return out
}

// PendingConfirmation returns what a confirmation link would confirm,
// without confirming it (mail scanners open links; only a person presses
// the button).
func (s *Service) PendingConfirmation(ctx context.Context, token string) ([]*communique.Subscription, error) {
	id, nonce, ok := s.parseToken(token, purposeConfirm)
	if !ok {
		return nil, ErrInvalidLink
	}
	sub, err := s.Store.FindSubscriberByID(ctx, id)
	if communique.ErrorCode(err) == communique.ENOTFOUND || (err == nil && sub.ConfirmNonce != nonce) {
		return nil, ErrInvalidLink
	} else if err != nil {
		return nil, err
	}
	return s.Store.FindSubscriptions(ctx, communique.SubscriptionFilter{SubscriberID: id, Status: communique.SubscriptionPending})
}

// Confirm activates what a confirmation link asked for, once.
func (s *Service) Confirm(ctx context.Context, token string) ([]*communique.Subscription, error) {
	id, nonce, ok := s.parseToken(token, purposeConfirm)
	if !ok {
		return nil, ErrInvalidLink
	}
	subs, err := s.Store.ConfirmSubscriber(ctx, id, nonce, func() string { return randomHex(16) })
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return nil, ErrInvalidLink
	}
	return subs, err
}

// subscriptionFor returns the active subscription an unsubscribe token
// names.
func (s *Service) subscriptionFor(ctx context.Context, token string) (*communique.Subscription, string, error) {
	id, nonce, ok := s.parseToken(token, purposeUnsubscribe)
	if !ok {
		return nil, "", ErrInvalidLink
	}
	list, err := s.Store.FindSubscriptions(ctx, communique.SubscriptionFilter{ID: id, Status: communique.SubscriptionActive})
	if err != nil {
		return nil, "", err
	}
	if len(list) != 1 || list[0].Nonce != nonce {
		return nil, "", ErrInvalidLink
	}
	return list[0], nonce, nil
}

// PendingUnsubscribe returns the subscription an unsubscribe link would
// end, without ending it.
func (s *Service) PendingUnsubscribe(ctx context.Context, token string) (*communique.Subscription, error) {
	sub, _, err := s.subscriptionFor(ctx, token)
	return sub, err
}

// Unsubscribe ends the subscription an unsubscribe link names, once.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*communique.Subscription, error) {
	id, nonce, ok := s.parseToken(token, purposeUnsubscribe)
	if !ok {
		return nil, ErrInvalidLink
	}
	sub, err := s.Store.Unsubscribe(ctx, id, nonce)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return nil, ErrInvalidLink
	}
	return sub, err
}

// Managed is a subscription on the manage page, with the token of its
// unsubscribe button.
type Managed struct {
	*communique.Subscription
	Token string
}

// Manage returns the subscriptions a manage link shows.
func (s *Service) Manage(ctx context.Context, token string) ([]Managed, error) {
	id, nonce, ok := s.parseToken(token, purposeManage)
	if !ok {
		return nil, ErrInvalidLink
	}
	sub, err := s.Store.FindSubscriberByID(ctx, id)
	if communique.ErrorCode(err) == communique.ENOTFOUND || (err == nil && sub.ManageNonce != nonce) {
		return nil, ErrInvalidLink
	} else if err != nil {
		return nil, err
	}
	list, err := s.Store.FindSubscriptions(ctx, communique.SubscriptionFilter{SubscriberID: id, Status: communique.SubscriptionActive})
	if err != nil {
		return nil, err
	}
	out := make([]Managed, len(list))
	for i, sub := range list {
		out[i] = Managed{Subscription: sub, Token: s.UnsubscribeToken(sub)}
	}
	return out, nil
}

// UnsubscribeAll ends every subscription a manage link shows.
func (s *Service) UnsubscribeAll(ctx context.Context, token string) (int, error) {
	list, err := s.Manage(ctx, token)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range list {
		if _, err := s.Store.Unsubscribe(ctx, m.ID, m.Nonce); err == nil {
			n++
		} else if communique.ErrorCode(err) != communique.ENOTFOUND {
			return n, err
		}
	}
	return n, nil
}

// RequestPasswordReset emails a single-use, one-hour link to the user
// with this login or email. It answers the same whether or not there is
// such a user, so the form reveals no account.
func (s *Service) RequestPasswordReset(ctx context.Context, login string) error {
	login = strings.TrimSpace(login)
	if login == "" || len(login) > 100 {
		return nil
	}
	f := communique.UserFilter{Login: &login}
	if strings.Contains(login, "@") {
		f = communique.UserFilter{Email: &login}
	}
	users, err := s.Store.FindUsers(ctx, f)
	if err != nil || len(users) != 1 || !communique.ValidEmail(users[0].Email) {
		return err
	}
	u := users[0]
	if n, err := s.Store.CountPasswordResets(ctx, u.ID, s.now().Add(-time.Hour)); err != nil {
		return err
	} else if n >= resetsPerHour {
		s.Logger.Warn("notify: password resets throttled", "user", u.ID)
		return nil
	}
	token := randomHex(32)
	if err := s.Store.CreatePasswordReset(ctx, &communique.PasswordReset{TokenHash: HashToken(token), UserID: u.ID, ExpiresAt: s.now().Add(resetValid)}); err != nil {
		return err
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	t := x.t
	body := content{
		Intro:  []string{t.T("mail.reset_intro", u.Login, x.title)},
		Action: link{t.T("mail.reset_action"), x.url("/admin/reset-password", url.Values{"token": {token}})},
		Notes:  []string{t.T("mail.reset_ignore")},
	}
	m, err := s.email(x, mail.Address{Name: u.Name(), Address: u.Email}, t.T("mail.reset_subject", x.title), &body, thread{id: "reset"}, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

// PasswordResetUser returns the user a reset link is for, if the link is
// still good.
func (s *Service) PasswordResetUser(ctx context.Context, token string) (*communique.User, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrInvalidLink
	}
	r, err := s.Store.FindPasswordReset(ctx, HashToken(token))
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return nil, ErrInvalidLink
	} else if err != nil {
		return nil, err
	}
	return s.Store.FindUserByID(ctx, r.UserID)
}

// ResetPassword uses a reset link once to set the password hash, ending
// the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, token, passwordHash string) (*communique.User, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrInvalidLink
	}
	id, err := s.Store.ResetPassword(ctx, HashToken(token), passwordHash)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return nil, ErrInvalidLink
	} else if err != nil {
		return nil, err
	}
	return s.Store.FindUserByID(ctx, id)
}
