package activitypub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/notify"
	"communique/outbound"

	"github.com/go-fed/httpsig"
)

// activityToken is a short stable token for an id, for ids derived from it.
func activityToken(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:8])
}

// queue writes one delivery of act per inbox to the outbox, signed at
// delivery by l's key; the outbox worker sends them with retries.
func (s *Service) queue(ctx context.Context, l local, kind string, inboxes []string, act map[string]any) error {
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	msgs := make([]*communique.OutboxMessage, 0, len(inboxes))
	for _, inbox := range inboxes {
		msgs = append(msgs, &communique.OutboxMessage{Kind: communique.MessageActivityPub, Sender: l.name(), Recipient: inbox,
			Subject: kind, Event: "activitypub." + kind, Body: string(body)})
	}
	for len(msgs) > 0 {
		n := min(len(msgs), 200)
		if err := s.Store.EnqueueMessages(ctx, msgs[:n]); err != nil {
			return err
		}
		msgs = msgs[n:]
	}
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// pace holds a delivery back when its host had its share this second
// (federation_host_rate): the outbox worker gives it back untried, due
// when the next second starts, and goes on with other hosts. The count is
// kept in the store, so several nodes share one quota per host.
func (s *Service) pace(ctx context.Context, x *site, host string) error {
	if s.Limits == nil {
		return nil
	}
	rate := x.st.FederationHostRate
	if rate <= 0 {
		rate = 10
	}
	ok, retry, err := s.Limits.RateLimit(ctx, "activitypub-host:"+strings.ToLower(host), rate, time.Second)
	if err != nil {
		return err
	}
	if !ok {
		return &notify.Postponed{Until: s.now().Add(retry), Why: fmt.Sprintf("%s had its %d deliveries this second", host, rate)}
	}
	return nil
}

// signedHeaders are what deliveries sign, as Mastodon expects.
var signedHeaders = []string{httpsig.RequestTarget, "host", "date", "digest"}

// DeliverActivity sends one queued activity (the outbox worker calls it):
// a POST to the inbox, signed with the sending actor's key (draft-cavage
// rsa-sha256 with a SHA-256 Digest). It returns the answer's status line
// and a short excerpt for the delivery log.
func (s *Service) DeliverActivity(ctx context.Context, m *communique.OutboxMessage) (string, error) {
	x, err := s.site(ctx)
	if err != nil {
		return "", err
	}
	l, err := s.localByName(ctx, m.Sender)
	if err != nil {
		return "", err
	}
	key, err := s.privateKey(ctx, l)
	if err != nil {
		return "", err
	}
	body := []byte(m.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Recipient, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	if err := s.pace(ctx, x, req.URL.Host); err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", ContentType)
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Date", s.now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, signedHeaders, httpsig.Signature, 0)
	if err != nil {
		return "", err
	}
	if err := signer.SignRequest(key, l.keyID(x), req, body); err != nil {
		return "", err
	}
	res, err := s.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	detail := outbound.Excerpt(res, 100)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return "", errors.New("HTTP " + detail)
	}
	return "HTTP " + detail, nil
}

// ArticleChanged federates an article's change (the newsroom service
// calls it after every change): going public sends Create, a change to a
// public article Update, leaving the public (unpublished, trashed,
// deleted) Delete. before is nil for a new article, after nil for one
// deleted.
func (s *Service) ArticleChanged(ctx context.Context, before, after *communique.Article) {
	x, on := s.enabled(ctx)
	if !on {
		return
	}
	now := s.now()
	was := before != nil && before.IsPublic(now) && federates(x.st, before)
	is := after != nil && after.IsPublic(now) && federates(x.st, after)
	var err error
	switch {
	case is && !was:
		err = s.send(ctx, x, "Create", after)
	case is:
		err = s.send(ctx, x, "Update", after)
	case was:
		err = s.send(ctx, x, "Delete", before)
	}
	if err != nil {
		s.Logger.Error("activitypub: federate article", "err", err)
	}
}

// send queues an activity about a to the followers of its actor, one
// delivery per shared inbox. When the site federates both as itself and
// as its authors, the site's followers get an Announce of a new article.
func (s *Service) send(ctx context.Context, x *site, kind string, a *communique.Article) error {
	by := s.author(ctx, x, a)
	u := articleURL(x, a)
	act := map[string]any{
		"@context":  "https://www.w3.org/ns/activitystreams",
		"id":        u + "#" + kind + "-" + strconv.FormatInt(s.now().UnixNano(), 36),
		"type":      kind,
		"actor":     by.id(x),
		"published": s.now().UTC().Format(time.RFC3339),
		"to":        []string{public},
		"cc":        []string{by.collection(x, "followers")},
	}
	if kind == "Delete" {
		act["object"] = map[string]any{"id": u, "type": "Tombstone", "formerType": "Article"}
	} else {
		act["object"] = s.articleObject(ctx, x, a)
	}
	actors := []local{by}
	if by.user != nil && usesSite(x.st) && kind != "Create" {
		actors = append(actors, local{}) // site followers saw the article announced
	}
	inboxes, err := s.inboxes(ctx, actors...)
	if err != nil {
		return err
	}
	if err := s.queue(ctx, by, kind, inboxes, act); err != nil {
		return err
	}
	if by.user == nil || !usesSite(x.st) || kind != "Create" {
		return nil
	}
	site := local{}
	announce := map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": u + "#announce-" + strconv.FormatInt(s.now().UnixNano(), 36),
		"type": "Announce", "actor": site.id(x), "object": u, "published": s.now().UTC().Format(time.RFC3339),
		"to": []string{public}, "cc": []string{site.collection(x, "followers")},
	}
	siteInboxes, err := s.inboxes(ctx, site)
	if err != nil {
		return err
	}
	return s.queue(ctx, site, "Announce", siteInboxes, announce)
}

// inboxes lists where the accepted followers of actors are reached, one
// entry per shared inbox (or inbox, for servers without one).
func (s *Service) inboxes(ctx context.Context, actors ...local) ([]string, error) {
	seen := map[string]bool{}
	var list []string
	for _, l := range actors {
		followers, err := s.Store.FindFollowers(ctx, l.name())
		if err != nil {
			return nil, err
		}
		for _, f := range followers {
			if in := f.DeliveryInbox(); f.Status == communique.FollowerAccepted && !seen[in] {
				seen[in] = true
				list = append(list, in)
			}
		}
	}
	return list, nil
}
