package mail_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"communique/mail"
	"communique/mail/mailtest"
)

func mustSender(t *testing.T, srv *mailtest.Server) *mail.SMTP {
	t.Helper()
	s, err := mail.ParseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Roots != nil {
		s.TLSConfig = &tls.Config{RootCAs: srv.Roots}
	}
	s.Timeout = 10 * time.Second
	return s
}

func TestSMTPSend(t *testing.T) {
	raw, err := sample().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    mailtest.Options
		wantTLS bool
	}{
		{"Plain", mailtest.Options{}, false},
		{"PlainAuthOnLoopback", mailtest.Options{Username: "site", Password: "secret"}, false},
		{"StartTLS", mailtest.Options{TLS: mailtest.StartTLS, Username: "site", Password: "s3cret:/@"}, true},
		{"ImplicitTLS", mailtest.Options{TLS: mailtest.Implicit, Username: "site", Password: "secret"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.Start(t, tt.opts)
			s := mustSender(t, srv)
			if err := s.Send(context.Background(), "bounce@news.example.com", []string{"zoe@example.org"}, raw); err != nil {
				t.Fatal(err)
			}
			got := srv.Wait(t, 1, 5*time.Second)[0]
			if got.From != "bounce@news.example.com" || len(got.To) != 1 || got.To[0] != "zoe@example.org" {
				t.Fatalf("envelope %q -> %q", got.From, got.To)
			}
			if got.TLS != tt.wantTLS {
				t.Fatalf("TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
			if r := got.Read(t); r.Subject != sample().Subject {
				t.Fatalf("subject %q", r.Subject)
			}
		})
	}
	t.Run("ErrUntrustedCertificate", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{TLS: mailtest.StartTLS})
		s := mustSender(t, srv)
		s.TLSConfig = nil // system roots do not know the test certificate
		err := s.Send(context.Background(), "a@example.com", []string{"b@example.com"}, raw)
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("err = %v, want a STARTTLS certificate error", err)
		}
		if len(srv.Messages()) != 0 {
			t.Fatal("a message went over an untrusted connection")
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{TLS: mailtest.StartTLS, Username: "site", Password: "right"})
		s := mustSender(t, srv)
		s.Password = "wrong"
		err := s.Send(context.Background(), "a@example.com", []string{"b@example.com"}, raw)
		if err == nil || !strings.Contains(err.Error(), "AUTH") || !mail.IsPermanent(err) {
			t.Fatalf("err = %v, want a permanent AUTH error", err)
		}
	})
	t.Run("ErrBounce", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		srv.Reject = func(rcpt string) error { return mailtest.Bounce }
		err := mustSender(t, srv).Send(context.Background(), "a@example.com", []string{"nobody@example.com"}, raw)
		if err == nil || !mail.IsPermanent(err) || !strings.Contains(err.Error(), "550") || !strings.Contains(err.Error(), "nobody@example.com") {
			t.Fatalf("err = %v, want a permanent 550 naming the recipient", err)
		}
	})
	t.Run("ErrBusyIsTemporary", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		srv.Reject = func(rcpt string) error { return mailtest.Busy }
		err := mustSender(t, srv).Send(context.Background(), "a@example.com", []string{"b@example.com"}, raw)
		if err == nil || mail.IsPermanent(err) {
			t.Fatalf("err = %v, want a temporary error", err)
		}
	})
	t.Run("ErrNoServer", func(t *testing.T) {
		s, _ := mail.ParseURL("smtp://127.0.0.1:1")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.Send(ctx, "a@example.com", []string{"b@example.com"}, raw); err == nil || mail.IsPermanent(err) {
			t.Fatalf("err = %v, want a temporary connection error", err)
		}
	})
	t.Run("ErrEnvelopeInjection", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		err := mustSender(t, srv).Send(context.Background(), "a@example.com", []string{"b@example.com>\r\nRCPT TO:<c@example.com"}, raw)
		if err == nil {
			t.Fatal("envelope with CRLF accepted")
		}
	})
}
