// Package aptest is a small fediverse server for tests: one actor
// (alice) whose inboxes record every delivery and verify its HTTP
// signature against the key the sender publishes, and who posts signed
// activities as Mastodon does. It signs and verifies with the same
// library as package activitypub, on loopback only.
package aptest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"communique/activitypub"
	"communique/outbound"

	"github.com/go-fed/httpsig"
)

// Peer is a small fediverse server: one actor (alice) with a key, a
// personal and a shared inbox that record what they receive and verify
// each delivery's signature against the key the sending actor publishes,
// fetched from the site as Mastodon would.
type Peer struct {
	t      testing.TB
	Server *httptest.Server
	key    *rsa.PrivateKey
	client *http.Client

	// ActorDocument, when set, rewrites alice's actor document before it
	// is served: hostile servers for the tests.
	ActorDocument func(doc map[string]any) any
	// Icon is alice's avatar, served at /avatars/alice (a 120×80 PNG
	// unless a test puts something else, or something hostile, there);
	// IconFetches counts the requests for it.
	Icon        []byte
	IconFetches atomic.Int64

	mu       sync.Mutex
	received []Delivery
}

// Delivery is one POST the peer received.
type Delivery struct {
	Path     string
	Verified bool
	Err      string
	Activity map[string]any
	At       time.Time // when it arrived
}

// NewPeer starts a peer on loopback until the test ends.
func NewPeer(t testing.TB) *Peer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Peer{t: t, key: key, client: outbound.NewClient(outbound.Policy{AllowPrivate: true})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/alice", p.handleActor)
	mux.HandleFunc("POST /users/alice/inbox", p.handleInbox)
	mux.HandleFunc("POST /inbox", p.handleInbox)
	mux.HandleFunc("GET /avatars/alice", func(w http.ResponseWriter, r *http.Request) {
		p.IconFetches.Add(1)
		p.mu.Lock()
		icon := p.Icon
		p.mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write(icon)
	})
	p.Icon = PNG(120, 80)
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Server.Close)
	return p
}

// ActorID is alice's id.
func (p *Peer) ActorID() string { return p.Server.URL + "/users/alice" }

// KeyID names alice's key.
func (p *Peer) KeyID() string { return p.ActorID() + "#main-key" }

func (p *Peer) handleActor(w http.ResponseWriter, r *http.Request) {
	der, _ := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
	w.Header().Set("Content-Type", activitypub.ContentType)
	doc := map[string]any{
		"@context": []string{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       p.ActorID(), "type": "Person", "preferredUsername": "alice", "name": "Alice",
		"url": p.Server.URL + "/@alice", "inbox": p.ActorID() + "/inbox",
		"icon":      map[string]string{"type": "Image", "mediaType": "image/png", "url": p.Server.URL + "/avatars/alice"},
		"endpoints": map[string]string{"sharedInbox": p.Server.URL + "/inbox"},
		"publicKey": map[string]string{"id": p.KeyID(), "owner": p.ActorID(),
			"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))},
	}
	var out any = doc
	if p.ActorDocument != nil {
		out = p.ActorDocument(doc)
	}
	json.NewEncoder(w).Encode(out)
}

// handleInbox records a delivery and whether its signature verifies
// against the key its keyId names.
func (p *Peer) handleInbox(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d := Delivery{Path: r.URL.Path, At: time.Now()}
	json.Unmarshal(body, &d.Activity)
	if err := p.verify(r, body); err != nil {
		d.Err = err.Error()
	} else {
		d.Verified = true
	}
	p.mu.Lock()
	p.received = append(p.received, d)
	p.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (p *Peer) verify(r *http.Request, body []byte) error {
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	req, _ := http.NewRequest(http.MethodGet, strings.SplitN(v.KeyId(), "#", 2)[0], nil)
	req.Header.Set("Accept", activitypub.ContentType)
	res, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var doc struct {
		ID        string `json:"id"`
		PublicKey struct {
			ID, Owner, PublicKeyPem string
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return err
	}
	block, _ := pem.Decode([]byte(doc.PublicKey.PublicKeyPem))
	if block == nil || doc.PublicKey.ID != v.KeyId() {
		return errors.New("no such key in the actor document")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return err
	}
	return v.Verify(pub, httpsig.RSA_SHA256)
}

// SetIcon replaces alice's avatar.
func (p *Peer) SetIcon(b []byte) {
	p.mu.Lock()
	p.Icon = b
	p.mu.Unlock()
}

// PNG is a w×h PNG of one colour.
func PNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 0x1d, 0x4f, 0x91, 0xff
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// Deliveries returns what the peer received so far.
func (p *Peer) Deliveries() []Delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Delivery(nil), p.received...)
}

// Post sends act to url signed by alice, as Mastodon sends it; tamper,
// when set, changes the request (or the body) after signing.
func (p *Peer) Post(t testing.TB, url string, act map[string]any, tamper func(*http.Request, *[]byte)) *http.Response {
	t.Helper()
	body, _ := json.Marshal(act)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", activitypub.ContentType)
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
		[]string{httpsig.RequestTarget, "host", "date", "digest"}, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.SignRequest(p.key, p.KeyID(), req, body); err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(req, &body)
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// Digest is the Digest header of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}
