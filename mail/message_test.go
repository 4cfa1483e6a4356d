package mail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"communique/mail"
)

func sample() *mail.Message {
	return &mail.Message{
		From:       mail.Address{Name: "Communiqué", Address: "noreply@news.example.com"},
		To:         []mail.Address{{Name: "Zoë Ångström", Address: "zoe@example.org"}},
		Subject:    "Nouveau commentaire sur « Élections » — une très longue ligne d'objet qui doit être pliée",
		Date:       time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
		MessageID:  "<c12.abc@news.example.com>",
		InReplyTo:  "<post-7@news.example.com>",
		References: []string{"<post-7@news.example.com>"},
		Language:   "fr",
		Text:       "Bonjour Zoë,\n\nUn nouveau commentaire : https://news.example.com/2026/06/01/elections/#comment-12\n",
		HTML:       "<p>Bonjour Zoë,</p><p><a href=\"https://news.example.com/\">Lire</a></p>",
		Header: []mail.Field{
			{"List-Unsubscribe", "<https://news.example.com/subscriptions/unsubscribe?token=abc>"},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
		},
	}
}

func TestMessageBytes(t *testing.T) {
	raw, err := sample().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line %d is %d bytes", i, len(line))
		}
		if strings.Contains(line, "\n") {
			t.Fatalf("bare LF in line %d", i)
		}
	}
	head := string(raw[:strings.Index(string(raw), "\r\n\r\n")])
	for _, line := range strings.Split(head, "\r\n") {
		for _, r := range line {
			if r > 127 {
				t.Fatalf("non-ASCII in header line %q", line)
			}
		}
	}
	if !strings.Contains(head, "?=\r\n =?utf-8?q?") {
		t.Errorf("long encoded subject not folded between words:\n%s", head)
	}
	got, err := mail.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if got.Subject != want.Subject {
		t.Errorf("subject %q, want %q", got.Subject, want.Subject)
	}
	if got.Text != want.Text+"\n" && got.Text != want.Text {
		t.Errorf("text %q", got.Text)
	}
	if !strings.Contains(got.HTML, want.HTML) {
		t.Errorf("html %q", got.HTML)
	}
	for field, value := range map[string]string{
		"Message-ID":            "<c12.abc@news.example.com>",
		"In-Reply-To":           "<post-7@news.example.com>",
		"References":            "<post-7@news.example.com>",
		"Date":                  "Mon, 01 Jun 2026 12:00:00 +0000",
		"MIME-Version":          "1.0",
		"Content-Language":      "fr",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	} {
		if v := got.Header.Get(field); v != value {
			t.Errorf("%s = %q, want %q", field, v, value)
		}
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Zoë Ångström" || to[0].Address != "zoe@example.org" {
		t.Errorf("To = %v, %v", to, err)
	}
	from, err := got.Header.AddressList("From")
	if err != nil || from[0].Name != "Communiqué" {
		t.Errorf("From = %v, %v", from, err)
	}
	if d, err := got.Header.Date(); err != nil || !d.Equal(want.Date) {
		t.Errorf("Date = %v, %v", d, err)
	}
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative;") {
		t.Errorf("Content-Type = %q", got.Header.Get("Content-Type"))
	}
}

func TestMessageDefaults(t *testing.T) {
	m := &mail.Message{From: mail.Address{Address: "a@example.com"}, To: []mail.Address{{Address: "b@example.com"}}, Subject: "Plain", Text: "hello"}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := mail.Read(raw)
	if id := got.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") || id != m.MessageID {
		t.Errorf("Message-ID = %q (message has %q)", id, m.MessageID)
	}
	if _, err := got.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if got.Subject != "Plain" || strings.Contains(string(raw), "=?") {
		t.Errorf("an ASCII subject stays as it is: %q", got.Subject)
	}
	if got.Header.Get("Content-Type") != "text/plain; charset=utf-8" || strings.TrimSpace(got.Text) != "hello" {
		t.Errorf("text only: %q %q", got.Header.Get("Content-Type"), got.Text)
	}
}

func TestHeaderInjection(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *mail.Message)
	}{
		{"SubjectCRLF", func(m *mail.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }},
		{"SubjectLF", func(m *mail.Message) { m.Subject = "Hi\nBcc: victim@example.com" }},
		{"SubjectCR", func(m *mail.Message) { m.Subject = "Hi\rBcc: victim@example.com" }},
		{"NameCRLF", func(m *mail.Message) { m.To[0].Name = "Eve\r\nBcc: victim@example.com" }},
		{"AddressCRLF", func(m *mail.Message) { m.To[0].Address = "eve@example.com\r\nBcc: victim@example.com" }},
		{"FromName", func(m *mail.Message) { m.From.Name = "Site\nX-Evil: 1" }},
		{"ExtraHeader", func(m *mail.Message) {
			m.Header = []mail.Field{{"List-Unsubscribe", "<https://x/>\r\nBcc: v@example.com"}}
		}},
		{"LineSeparator", func(m *mail.Message) { m.Subject = "Hi\u2028Bcc: victim@example.com" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sample()
			tt.edit(m)
			raw, err := m.Bytes()
			if !errors.Is(err, mail.ErrHeaderInjection) {
				t.Fatalf("err = %v, want ErrHeaderInjection; message:\n%s", err, raw)
			}
		})
	}
	t.Run("ErrBadMessageID", func(t *testing.T) {
		m := sample()
		m.InReplyTo = "<a@b> <c@d>"
		if _, err := m.Bytes(); err == nil {
			t.Fatal("two ids in In-Reply-To accepted")
		}
	})
	t.Run("ErrReservedHeader", func(t *testing.T) {
		m := sample()
		m.Header = []mail.Field{{"Bcc", "v@example.com"}}
		if _, err := m.Bytes(); err == nil {
			t.Fatal("Bcc as an extra header accepted")
		}
	})
	t.Run("BodyMayHoldAnything", func(t *testing.T) {
		m := sample()
		m.Text = "line\r\nBcc: victim@example.com\r\n\r\n.\r\nMAIL FROM:<x@y>"
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := mail.Read(raw)
		if got.Header.Get("Bcc") != "" {
			t.Fatal("a body line became a header")
		}
	})
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		url                  string
		host, port, user, pw string
		implicit             bool
		wantErr              bool
	}{
		{url: "smtp://user:p%40ss@mail.example.com:587", host: "mail.example.com", port: "587", user: "user", pw: "p@ss"},
		{url: "smtp://mail.example.com", host: "mail.example.com", port: "587"},
		{url: "smtps://u:p@mail.example.com", host: "mail.example.com", port: "465", user: "u", pw: "p", implicit: true},
		{url: "smtp://u:p@mail.example.com:465", host: "mail.example.com", port: "465", user: "u", pw: "p", implicit: true},
		{url: "smtp://[::1]:2525", host: "::1", port: "2525"},
		{url: "http://mail.example.com", wantErr: true},
		{url: "smtp://", wantErr: true},
		{url: "mail.example.com:25", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := mail.ParseURL(tt.url)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("accepted %q", tt.url)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Host != tt.host || s.Port != tt.port || s.Username != tt.user || s.Password != tt.pw || s.ImplicitTLS != tt.implicit {
				t.Fatalf("got %+v", s)
			}
			if strings.Contains(s.String(), ":"+tt.pw+"@") && tt.pw != "" {
				t.Fatalf("String shows the password: %s", s)
			}
		})
	}
}
