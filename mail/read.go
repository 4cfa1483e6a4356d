package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
)

// Received is a message read back: its header, decoded subject and
// parts. Logs and tests use it to show what a message says.
type Received struct {
	Header  netmail.Header
	Subject string
	Text    string
	HTML    string
}

var wordDecoder = &mime.WordDecoder{}

// Read parses a message as built by Message.Bytes: a single text part or
// a multipart/alternative with text and HTML.
func Read(raw []byte) (*Received, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("mail: read: %w", err)
	}
	r := &Received{Header: m.Header}
	if r.Subject, err = wordDecoder.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("mail: subject: %w", err)
	}
	ct, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("mail: content type: %w", err)
	}
	if !strings.HasPrefix(ct, "multipart/") {
		r.Text, err = decodePart(m.Header.Get("Content-Transfer-Encoding"), m.Body)
		return r, err
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("mail: part: %w", err)
		}
		body, err := decodePart(p.Header.Get("Content-Transfer-Encoding"), p)
		if err != nil {
			return nil, err
		}
		switch pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); pt {
		case "text/plain":
			r.Text = body
		case "text/html":
			r.HTML = body
		}
	}
	return r, nil
}

func decodePart(cte string, body io.Reader) (string, error) {
	if strings.EqualFold(cte, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", fmt.Errorf("mail: body: %w", err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}
