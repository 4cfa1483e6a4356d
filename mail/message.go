// Package mail builds email messages and sends them over SMTP. Messages
// follow RFC 5322 and MIME: plain text and HTML as multipart/alternative,
// names and subjects encoded as RFC 2047 words, threading headers, and
// header values refused when they carry a line break, so text typed by a
// stranger can never add a header. It knows nothing of Communiqué.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
)

// Address is a mailbox: a display name (any text, encoded when needed)
// and an address.
type Address = netmail.Address

// ParseAddress parses "Name <a@example.com>" or a bare address.
func ParseAddress(s string) (*Address, error) { return netmail.ParseAddress(s) }

// Field is one extra header field, such as List-Unsubscribe.
type Field struct {
	Name  string
	Value string
}

// Message is an email to build.
type Message struct {
	From    Address
	To      []Address
	ReplyTo []Address
	Subject string
	// Date is when the message was written; now when zero.
	Date time.Time
	// MessageID is "<id@domain>"; one is made from From's domain when
	// empty. InReplyTo and References thread the message under earlier
	// ones, the way mail clients group a conversation.
	MessageID  string
	InReplyTo  string
	References []string
	// Language is the Content-Language, such as "en" or "fr".
	Language string
	// Text is required; HTML, when set, is the alternative rich part.
	Text string
	HTML string
	// Header holds extra fields, in order. Values must be printable
	// ASCII (URLs, tokens); structured fields are built by this package.
	Header []Field
}

// ErrHeaderInjection is returned when a header value holds a line break
// or another control character.
var ErrHeaderInjection = errors.New("mail: header value contains a line break or control character")

// NewMessageID returns a fresh "<random@domain>" Message-ID.
func NewMessageID(domain string) string {
	b := make([]byte, 16)
	rand.Read(b)
	if domain == "" || !validDomain(domain) {
		domain = "localhost"
	}
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

// Domain returns the domain of an address ("" without one).
func Domain(address string) string {
	if i := strings.LastIndexByte(address, '@'); i >= 0 {
		return address[i+1:]
	}
	return ""
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, c := range d {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// clean reports whether a header value is free of line breaks and other
// control characters (tab allowed).
func clean(s string) bool {
	for _, r := range s {
		if r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return utf8.ValidString(s)
}

func checkAddress(what string, a Address) error {
	if !clean(a.Name) || !clean(a.Address) {
		return fmt.Errorf("%s: %w", what, ErrHeaderInjection)
	}
	p, err := netmail.ParseAddress(a.Address)
	if err != nil || p.Address != a.Address {
		return fmt.Errorf("mail: %s: invalid address %q", what, a.Address)
	}
	return nil
}

// checkID accepts a msg-id such as "<abc@example.com>".
func checkID(what, id string) error {
	if !clean(id) || strings.ContainsAny(id, " \t") || !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, ">") ||
		strings.Count(id, "<") != 1 || strings.Count(id, ">") != 1 || !strings.Contains(id, "@") {
		return fmt.Errorf("mail: %s: invalid message id %q", what, id)
	}
	return nil
}

// Validate checks every header value; Bytes calls it.
func (m *Message) Validate() error {
	if err := checkAddress("From", m.From); err != nil {
		return err
	}
	if len(m.To) == 0 {
		return errors.New("mail: no recipient")
	}
	for _, a := range m.To {
		if err := checkAddress("To", a); err != nil {
			return err
		}
	}
	for _, a := range m.ReplyTo {
		if err := checkAddress("Reply-To", a); err != nil {
			return err
		}
	}
	if !clean(m.Subject) {
		return fmt.Errorf("subject: %w", ErrHeaderInjection)
	}
	if m.MessageID != "" {
		if err := checkID("Message-ID", m.MessageID); err != nil {
			return err
		}
	}
	if m.InReplyTo != "" {
		if err := checkID("In-Reply-To", m.InReplyTo); err != nil {
			return err
		}
	}
	for _, id := range m.References {
		if err := checkID("References", id); err != nil {
			return err
		}
	}
	if m.Language != "" && !validLanguage(m.Language) {
		return fmt.Errorf("mail: invalid language %q", m.Language)
	}
	for _, f := range m.Header {
		if !validFieldName(f.Name) {
			return fmt.Errorf("mail: invalid header name %q", f.Name)
		}
		if reserved[textproto.CanonicalMIMEHeaderKey(f.Name)] {
			return fmt.Errorf("mail: header %s is set by the message itself", f.Name)
		}
		for _, c := range []byte(f.Value) {
			if c < 0x20 || c > 0x7e {
				return fmt.Errorf("%s: %w", f.Name, ErrHeaderInjection)
			}
		}
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		return errors.New("mail: body is not valid UTF-8")
	}
	return nil
}

// reserved are fields built from the Message's own fields.
var reserved = map[string]bool{
	"Date": true, "From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Subject": true,
	"Message-Id": true, "In-Reply-To": true, "References": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true, "Content-Language": true,
}

func validFieldName(n string) bool {
	if n == "" || len(n) > 76 {
		return false
	}
	for _, c := range []byte(n) {
		if c <= 32 || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}

func validLanguage(l string) bool {
	if len(l) > 35 {
		return false
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// EncodeText returns s as it may stand in an unstructured header such as
// Subject: unchanged when it is plain ASCII, else RFC 2047 Q-encoded words.
func EncodeText(s string) string {
	return mime.QEncoding.Encode("utf-8", s)
}

func addressList(list []Address) string {
	parts := make([]string, len(list))
	for i := range list {
		parts[i] = list[i].String()
	}
	return strings.Join(parts, ", ")
}

// writeField writes "Name: value" folded at spaces so that lines stay
// under 78 characters where the value allows.
func writeField(b *bytes.Buffer, name, value string) {
	line := name + ":"
	for i, word := range strings.Split(value, " ") {
		if i > 0 && word != "" && len(line)+1+len(word) > 78 {
			b.WriteString(line)
			b.WriteString("\r\n")
			line = ""
		}
		line += " " + word
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// Bytes renders the message with CRLF line endings, ready for SMTP DATA.
// It fills Date and MessageID when they are empty.
func (m *Message) Bytes() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.Date.IsZero() {
		m.Date = time.Now()
	}
	if m.MessageID == "" {
		m.MessageID = NewMessageID(Domain(m.From.Address))
	}
	var b bytes.Buffer
	writeField(&b, "Date", m.Date.Format(time.RFC1123Z))
	writeField(&b, "From", m.From.String())
	writeField(&b, "To", addressList(m.To))
	if len(m.ReplyTo) > 0 {
		writeField(&b, "Reply-To", addressList(m.ReplyTo))
	}
	writeField(&b, "Subject", EncodeText(m.Subject))
	writeField(&b, "Message-ID", m.MessageID)
	if m.InReplyTo != "" {
		writeField(&b, "In-Reply-To", m.InReplyTo)
	}
	if len(m.References) > 0 {
		writeField(&b, "References", strings.Join(m.References, " "))
	}
	writeField(&b, "MIME-Version", "1.0")
	if m.Language != "" {
		writeField(&b, "Content-Language", m.Language)
	}
	for _, f := range m.Header {
		writeField(&b, f.Name, f.Value)
	}
	if m.HTML == "" {
		writeField(&b, "Content-Type", "text/plain; charset=utf-8")
		writeField(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	writeField(&b, "Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.typ+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.text); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// writeQP writes text as quoted-printable with CRLF line breaks.
func writeQP(w interface{ Write([]byte) (int, error) }, text string) error {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n"))); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return err
	}
	_, err := w.Write([]byte("\r\n"))
	return err
}
