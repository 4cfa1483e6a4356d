package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"communique"
	"communique/media"
)

// errTooLarge is an audio or video file over the limit.
var errTooLarge = errors.New("upload: file too large")

// AudioVideo stores an audio or video file read from r as it is (its
// type found by sniffing, never from the name; nothing decoded, no
// renditions) and records it, so that players show the site's own copy.
// Refusals are EINVALID with a message, and leave nothing behind.
func (l *Library) AudioVideo(ctx context.Context, r io.Reader, name string, f Fields) (*communique.Media, error) {
	if l.Storage == nil {
		return nil, errors.New("upload: no media storage configured")
	}
	head := make([]byte, 16)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("upload: read: %w", err)
	}
	head = head[:n]
	format, ok := media.SniffAV(head)
	if !ok {
		return nil, communique.Errorf(communique.EINVALID, "This file is not MP3, M4A, Ogg or WAV audio or MP4, WebM or QuickTime video (its content was checked, not its name). Nothing was stored.")
	}
	clean, err := media.CleanFilename(name)
	if err != nil {
		return nil, l.Refusal(err)
	}
	m := &communique.Media{Key: media.NewKey(format), Filename: strings.TrimSuffix(clean, path.Ext(clean)) + "." + format.Ext(),
		MimeType: format.MimeType(), AltText: strings.TrimSpace(f.AltText), Caption: strings.TrimSpace(f.Caption),
		Title: strings.TrimSpace(f.Title), Description: strings.TrimSpace(f.Description), UploaderID: f.UploaderID}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	counted := &countingReader{r: io.MultiReader(bytes.NewReader(head), r), max: media.DefaultMaxAVBytes}
	err = l.Storage.Put(ctx, m.Key, counted)
	if err == nil {
		m.Size = counted.n
		err = l.Store.CreateMedia(ctx, m)
	}
	if err != nil {
		if derr := l.Storage.Delete(context.WithoutCancel(ctx), m.Key); derr != nil && l.Logger != nil {
			l.Logger.Warn("upload cleanup", "key", m.Key, "err", derr)
		}
		if errors.Is(err, errTooLarge) {
			return nil, communique.Errorf(communique.EINVALID, "The file is too large: audio and video may be at most %d MiB. Nothing was stored.", media.DefaultMaxAVBytes>>20)
		}
		return nil, fmt.Errorf("upload: store %s: %w", m.Key, err)
	}
	return m, nil
}

// countingReader counts what is read and fails past max bytes.
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, errTooLarge
	}
	return n, err
}
