// Package mailtest runs a real SMTP server on a loopback port for tests,
// as net/http/httptest does for HTTP: the go-smtp implementation speaks
// the protocol (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA), so a
// client is tested against a server and not against a stub of itself.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"communique/mail"
)

// TLS modes of a test server.
const (
	Plain    = "plain"    // no TLS at all
	StartTLS = "starttls" // offers STARTTLS
	Implicit = "implicit" // TLS from the first byte, as on port 465
)

// Options shape a test server.
type Options struct {
	TLS string // Plain (default), StartTLS or Implicit
	// Username and Password, when set, are required (AUTH PLAIN).
	Username, Password string
}

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
	// TLS reports whether the message came over an encrypted connection.
	TLS bool
}

// Read parses the message.
func (m Message) Read(tb testing.TB) *mail.Received {
	tb.Helper()
	r, err := mail.Read(m.Data)
	if err != nil {
		tb.Fatalf("read message: %v\n%s", err, m.Data)
	}
	return r
}

// Server is a running SMTP server.
type Server struct {
	// URL is smtp://user:pass@127.0.0.1:port (smtps:// when Implicit).
	URL string
	// Roots trusts the server's self-signed certificate.
	Roots *x509.CertPool

	// Reject, when set, may refuse a recipient with an *smtp.SMTPError
	// (see Bounce) or fail the whole transaction.
	Reject func(rcpt string) error

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{}
	server   *smtp.Server
}

// Bounce is the reply of a server that knows no such mailbox.
var Bounce = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}

// Busy is a temporary refusal that a sender should retry.
var Busy = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}

// Start starts a server on 127.0.0.1 that stops when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := &Server{arrived: make(chan struct{}, 1)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{s: s, opts: opts, tls: isTLS}, nil
	}))
	srv.Domain = "mailtest.localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.AllowInsecureAuth = opts.TLS == Plain || opts.TLS == ""
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	scheme := "smtp"
	if opts.TLS == StartTLS || opts.TLS == Implicit {
		cert, roots := SelfSigned(tb)
		s.Roots = roots
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if opts.TLS == StartTLS {
			srv.TLSConfig = cfg
		} else {
			ln = tls.NewListener(ln, cfg)
			scheme = "smtps"
		}
	}
	u := url.URL{Scheme: scheme, Host: ln.Addr().String()}
	if opts.Username != "" {
		u.User = url.UserPassword(opts.Username, opts.Password)
	}
	s.URL = u.String()
	s.server = srv
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until n messages have arrived and returns them.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			tb.Fatalf("mailtest: %d messages arrived, want %d", len(s.Messages()), n)
		}
	}
}

type session struct {
	s     *Server
	opts  Options
	tls   bool
	authd bool
	from  string
	to    []string
}

func (x *session) AuthMechanisms() []string {
	if x.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.opts.Username || password != x.opts.Password {
			return smtp.ErrAuthFailed
		}
		x.authd = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.opts.Username != "" && !x.authd {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.s.Reject != nil {
		if err := x.s.Reject(to); err != nil {
			return err
		}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(x.to) == 0 {
		return errors.New("no recipient")
	}
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, Message{From: x.from, To: x.to, Data: b, TLS: x.tls})
	x.s.mu.Unlock()
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// SelfSigned makes a certificate for 127.0.0.1 and localhost, and a pool
// that trusts it.
func SelfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:     []string{"localhost"},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(fmt.Errorf("parse certificate: %w", err))
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
