package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTP sends messages through one SMTP server. With ImplicitTLS the
// connection is TLS from its first byte (smtps://, port 465); otherwise
// STARTTLS is used whenever the server offers it, and net/smtp refuses to
// send a password over a connection that is neither encrypted nor local.
type SMTP struct {
	Host        string
	Port        string
	Username    string
	Password    string
	ImplicitTLS bool
	// TLSConfig, when set, replaces the default (system roots, the host
	// as server name); tests trust their own certificate this way.
	TLSConfig *tls.Config
	// LocalName is the name given in EHLO ("localhost" when empty).
	LocalName string
	// Timeout bounds a whole delivery when ctx has no deadline.
	Timeout time.Duration
}

// ParseURL reads smtp://user:pass@host:port or smtps://…; the user and
// password are percent-decoded. Without a port, smtp means 587
// (submission) and smtps 465. Port 465 always means implicit TLS.
func ParseURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("mail: SMTP URL: cannot parse (want smtp://user:pass@host:port)")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("mail: SMTP URL: scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("mail: SMTP URL: host missing (want smtp://user:pass@host:port)")
	}
	s := &SMTP{Host: u.Hostname(), Port: u.Port(), ImplicitTLS: u.Scheme == "smtps", Timeout: 60 * time.Second}
	if s.Port == "" {
		s.Port = map[bool]string{true: "465", false: "587"}[s.ImplicitTLS]
	}
	if s.Port == "465" {
		s.ImplicitTLS = true
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// String describes the server without its password, for logs.
func (s *SMTP) String() string {
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	user := ""
	if s.Username != "" {
		user = url.User(s.Username).String() + "@"
	}
	return scheme + "://" + user + net.JoinHostPort(s.Host, s.Port)
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		c := s.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Send delivers msg (as built by Message.Bytes) from the envelope sender
// to the recipients. An error from the server is a *textproto.Error;
// IsPermanent tells a refusal (5xx) from a failure worth retrying.
func (s *SMTP) Send(ctx context.Context, from string, to []string, msg []byte) (err error) {
	if _, ok := ctx.Deadline(); !ok && s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	for _, a := range append([]string{from}, to...) {
		if strings.ContainsAny(a, "\r\n<>") {
			return fmt.Errorf("mail: envelope address %q: %w", a, ErrHeaderInjection)
		}
	}
	addr := net.JoinHostPort(s.Host, s.Port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	// The context ends the conversation wherever it stands.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if s.ImplicitTLS {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("TLS with %s: %w", addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting from %s: %w", addr, err)
	}
	defer c.Close()
	local := s.LocalName
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if !s.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		}
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("AUTH: the server does not offer authentication")
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return fmt.Errorf("RCPT TO <%s>: %w", rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The message is accepted once DATA ends well; a failed QUIT changes
	// nothing for the recipient.
	c.Quit()
	return nil
}

// IsPermanent reports whether err is the server refusing for good (a
// 5xx reply, such as an unknown recipient), as opposed to a failure that
// may pass on a later try.
func IsPermanent(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}
