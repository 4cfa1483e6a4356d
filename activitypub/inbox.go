package activitypub

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"communique"

	"github.com/go-fed/httpsig"
)

// maxActivityBytes bounds an activity received or a document fetched.
const maxActivityBytes = 1 << 20

// activity is what the inbox reads of an activity before queueing it.
type activity struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

// object is what the inbox reads of an activity's object.
type object struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Actor        json.RawMessage `json:"actor"`
	Object       json.RawMessage `json:"object"`
	AttributedTo json.RawMessage `json:"attributedTo"`
}

// idOf reads a reference: a string, or an object with an id.
func idOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.ID
	}
	return ""
}

// embedded reads an object given in full; ok is false for a bare id.
func embedded(raw json.RawMessage) (object, bool) {
	var o object
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &o) != nil {
		return object{}, false
	}
	return o, true
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") {
		return ""
	}
	return strings.ToLower(p.Host)
}

// handleInbox receives an activity: it checks the HTTP signature and that
// the activity speaks for its signer, queues it and answers 202. The work
// it asks for is done by ProcessInbox, never while the sender waits.
func (s *Service) handleInbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, on := s.enabled(ctx); !on {
		notFound(w)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxActivityBytes+1))
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	if len(body) > maxActivityBytes {
		http.Error(w, "activity too large", http.StatusRequestEntityTooLarge)
		return
	}
	var act activity
	if json.Unmarshal(body, &act) != nil || act.Type == "" || idOf(act.Actor) == "" {
		http.Error(w, "not an activity", http.StatusBadRequest)
		return
	}
	if s.blocked(ctx, idOf(act.Actor)) {
		http.Error(w, "blocked", http.StatusForbidden)
		return
	}
	signer, err := s.verify(ctx, r, body)
	if err != nil {
		s.Logger.Info("activitypub: inbox refused", "actor", idOf(act.Actor), "type", act.Type, "err", err)
		http.Error(w, "signature refused: "+err.Error(), http.StatusUnauthorized)
		return
	}
	if err := checkOrigin(signer, &act); err != nil {
		s.Logger.Info("activitypub: inbox refused", "signer", signer, "type", act.Type, "err", err)
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	if err := s.Store.EnqueueInbox(ctx, &communique.InboxItem{Body: string(body), Signer: signer}); err != nil {
		s.Logger.Error("activitypub: queue", "err", err)
		w.Header().Set("Retry-After", "60")
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	s.wakeInbox()
	w.WriteHeader(http.StatusAccepted)
}

// requiredHeaders must all be covered by an inbox request's signature:
// without the digest the body could be swapped, without the date an old
// request replayed.
var requiredHeaders = []string{"(request-target)", "host", "date", "digest"}

// verify checks a request's date, digest and signature, and returns the
// actor whose key signed it.
func (s *Service) verify(ctx context.Context, r *http.Request, body []byte) (string, error) {
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return "", errors.New("a Date header is required")
	}
	if d := s.now().Sub(date); d > s.ClockSkew || d < -s.ClockSkew {
		return "", fmt.Errorf("date %s is outside the accepted window", r.Header.Get("Date"))
	}
	if !digestMatches(r.Header.Values("Digest"), body) {
		return "", errors.New("the Digest header does not match the body")
	}
	if missing := unsignedHeaders(r.Header.Get("Signature")); len(missing) > 0 {
		return "", fmt.Errorf("the signature must cover %s", strings.Join(missing, ", "))
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return "", err
	}
	keyID := v.KeyId()
	actor, fresh, err := s.remoteKey(ctx, keyID, false)
	if err != nil {
		return "", fmt.Errorf("key %s: %w", keyID, err)
	}
	if s.check(v, actor) == nil {
		return actor.ID, nil
	}
	if !fresh { // the actor may have a new key since we kept its old one
		if actor, _, err = s.remoteKey(ctx, keyID, true); err != nil {
			return "", fmt.Errorf("key %s: %w", keyID, err)
		}
		if s.check(v, actor) == nil {
			return actor.ID, nil
		}
	}
	return "", errors.New("the signature does not verify")
}

func (s *Service) check(v httpsig.Verifier, a *communique.RemoteActor) error {
	pub, err := parsePublicPEM(a.PublicKeyPEM)
	if err != nil {
		return err
	}
	return v.Verify(pub, httpsig.RSA_SHA256)
}

// digestMatches checks an RFC 3230 Digest against the body's SHA-256.
func digestMatches(values []string, body []byte) bool {
	sum := sha256.Sum256(body)
	want := base64.StdEncoding.EncodeToString(sum[:])
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.EqualFold(alg, "SHA-256") && val == want {
				return true
			}
		}
	}
	return false
}

// unsignedHeaders lists the required headers a Signature does not cover.
func unsignedHeaders(sig string) []string {
	var covered []string
	for _, p := range strings.Split(sig, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && k == "headers" {
			covered = strings.Fields(strings.ToLower(strings.Trim(v, `"`)))
		}
	}
	var missing []string
	for _, h := range requiredHeaders {
		if !slices.Contains(covered, h) {
			missing = append(missing, h)
		}
	}
	return missing
}

// checkOrigin refuses an activity that speaks for someone other than its
// signer: its actor must be the signer, and what it creates, changes or
// deletes must live on the signer's server (no reply forged on behalf of
// another one).
func checkOrigin(signer string, act *activity) error {
	host := hostOf(signer)
	if idOf(act.Actor) != signer {
		return errors.New("the activity's actor is not the signer")
	}
	if act.ID != "" && hostOf(act.ID) != host {
		return errors.New("the activity's id is not on the signer's server")
	}
	obj, full := embedded(act.Object)
	switch act.Type {
	case "Create", "Update":
		if !full || hostOf(obj.ID) != host {
			return errors.New("the object is not on the signer's server")
		}
		if by := idOf(obj.AttributedTo); by != "" && by != signer {
			return errors.New("the object is attributed to someone else")
		}
	case "Delete":
		if hostOf(idOf(act.Object)) != host {
			return errors.New("the deleted object is not on the signer's server")
		}
	case "Undo":
		if full && idOf(obj.Actor) != "" && idOf(obj.Actor) != signer {
			return errors.New("the undone activity is someone else's")
		}
	}
	return nil
}

// remoteKey returns the actor owning keyID: kept in the store, or fetched
// (always when refresh is set, or when the kept copy is older than
// KeyTTL). fresh tells that it was fetched now.
func (s *Service) remoteKey(ctx context.Context, keyID string, refresh bool) (a *communique.RemoteActor, fresh bool, err error) {
	if hostOf(keyID) == "" {
		return nil, false, errors.New("the key id is not an http(s) URL")
	}
	if !refresh {
		if a, err := s.Store.FindRemoteActor(ctx, keyID); err == nil && a.KeyID == keyID && s.now().Sub(a.FetchedAt) < s.KeyTTL {
			return a, false, nil
		}
	}
	doc, err := s.fetchActor(ctx, strings.SplitN(keyID, "#", 2)[0])
	if err != nil {
		return nil, false, err
	}
	if doc.PublicKey.ID == "" && doc.Owner != "" { // the key's own document: its owner is the actor
		if doc, err = s.fetchActor(ctx, doc.Owner); err != nil {
			return nil, false, err
		}
	}
	switch {
	case doc.PublicKey.ID != keyID:
		return nil, false, errors.New("the actor does not have that key")
	case doc.PublicKey.Owner != doc.ID:
		return nil, false, errors.New("the key's owner is not the actor")
	case hostOf(doc.ID) != hostOf(keyID):
		return nil, false, errors.New("the actor is not on the key's server")
	}
	a = doc.remote()
	if err := s.Store.SaveRemoteActor(ctx, a); err != nil {
		return nil, false, err
	}
	return a, true, nil
}

// actorDoc is what the site reads of a remote actor's document.
type actorDoc struct {
	ID                string `json:"id"`
	Type              string `json:"type"`
	Inbox             string `json:"inbox"`
	PreferredUsername string `json:"preferredUsername"`
	Name              string `json:"name"`
	URL               any    `json:"url"`
	// Icon is the avatar: an Image (or a list of them) with a url that
	// is a string or a Link.
	Icon      json.RawMessage `json:"icon"`
	Endpoints struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey struct {
		ID           string `json:"id"`
		Owner        string `json:"owner"`
		PublicKeyPem string `json:"publicKeyPem"`
	} `json:"publicKey"`
	// A key's own document has these at the top.
	Owner string `json:"owner"`
}

func (d *actorDoc) remote() *communique.RemoteActor {
	profile, _ := d.URL.(string)
	if profile == "" {
		profile = d.ID
	}
	return &communique.RemoteActor{ID: d.ID, KeyID: d.PublicKey.ID, PublicKeyPEM: d.PublicKey.PublicKeyPem,
		Inbox: d.Inbox, SharedInbox: d.Endpoints.SharedInbox, PreferredUsername: d.PreferredUsername,
		Name: d.Name, URL: profile, IconURL: iconURL(d.Icon)}
}

// iconURL reads an actor's icon: an Image, or the first of a list, whose
// url is a string, a Link, or a list of either. Only http(s) URLs count.
func iconURL(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		raw = list[0]
	}
	var img struct {
		URL json.RawMessage `json:"url"`
	}
	if json.Unmarshal(raw, &img) != nil {
		return ""
	}
	u := img.URL
	if json.Unmarshal(u, &list) == nil && len(list) > 0 {
		u = list[0]
	}
	var s string
	if json.Unmarshal(u, &s) != nil {
		var link struct {
			Href string `json:"href"`
		}
		if json.Unmarshal(u, &link) != nil {
			return ""
		}
		s = link.Href
	}
	if hostOf(s) == "" || len(s) > 2000 {
		return ""
	}
	return s
}

// fetchActor reads an ActivityStreams document through the outbound
// client: bounded in size, time and redirects, public addresses only
// unless the operator allowed others.
func (s *Service) fetchActor(ctx context.Context, u string) (*actorDoc, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", ContentType+", "+ldType)
	req.Header.Set("User-Agent", userAgent)
	res, err := s.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", u, res.Status)
	}
	var doc actorDoc
	if err := json.NewDecoder(io.LimitReader(res.Body, maxActivityBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not an ActivityStreams document: %w", u, err)
	}
	if doc.ID == "" || hostOf(doc.ID) != hostOf(res.Request.URL.String()) {
		return nil, fmt.Errorf("%s: the document's id is not on the server that answered", u)
	}
	return &doc, nil
}

var userAgent = "Communique/" + communique.Version + " (ActivityPub)"
