// Package upload adds uploaded images to the media library: it has media
// check and clean them, stores the original and its renditions, records
// them, and words refusals for the person uploading. The newsroom's
// upload form and the REST API share it, so one image meets the same
// checks through either door.
package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"communique"
	"communique/media"
)

// Recorder records an image whose files are stored.
type Recorder interface {
	CreateMedia(ctx context.Context, m *communique.Media) error
}

// Library is where uploads go.
type Library struct {
	Storage media.Storage // nil: every upload is refused as an internal error
	Store   Recorder
	// Limits bound uploads; zero fields take media's defaults.
	Limits media.Limits
	// Logger hears about files that could not be cleaned up.
	Logger *slog.Logger
}

// Fields are what the uploader says about the image.
type Fields struct {
	AltText     string
	Caption     string
	Title       string // "" for the file name
	Description string
	UploaderID  int64
}

// Image checks, cleans and stores the image read from r, with its
// renditions, then records it. name is the file name the uploader gave.
// Refusals are EINVALID with a message for the uploader, and leave
// nothing behind.
func (l *Library) Image(ctx context.Context, r io.Reader, name string, f Fields) (*communique.Media, error) {
	if l.Storage == nil {
		return nil, errors.New("upload: no media storage configured")
	}
	// Counted before the body is read: one person's uploads in flight
	// are bounded, whatever they send.
	leave, err := l.Limits.Budget.Enter(f.UploaderID)
	if err != nil {
		return nil, l.Refusal(err)
	}
	defer leave()
	img, err := media.ProcessContext(ctx, r, name, l.limits())
	if err != nil {
		return nil, l.Refusal(err)
	}
	m := &communique.Media{Key: media.NewKey(img.Format), Filename: img.Name, MimeType: img.Format.MimeType(),
		Width: img.Width, Height: img.Height, Size: int64(len(img.Data)), AltText: strings.TrimSpace(f.AltText),
		Caption: strings.TrimSpace(f.Caption), Title: strings.TrimSpace(f.Title), Description: strings.TrimSpace(f.Description),
		UploaderID: f.UploaderID}
	for _, v := range img.Variants {
		m.Variants = append(m.Variants, communique.MediaVariant{Width: v.Width, Height: v.Height,
			Key: media.VariantKey(m.Key, v.Width, v.Format), MimeType: v.Format.MimeType(), Size: int64(len(v.Data))})
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var stored []string
	put := func(key string, data []byte) error {
		if err := l.Storage.Put(ctx, key, bytes.NewReader(data)); err != nil {
			return fmt.Errorf("upload: store %s: %w", key, err)
		}
		stored = append(stored, key)
		return nil
	}
	err = put(m.Key, img.Data)
	for i, v := range img.Variants {
		if err == nil {
			err = put(m.Variants[i].Key, v.Data)
		}
	}
	if err == nil {
		err = l.Store.CreateMedia(ctx, m)
	}
	if err != nil {
		// Nothing half-stored: files written before the failure go.
		for _, key := range stored {
			if derr := l.Storage.Delete(context.WithoutCancel(ctx), key); derr != nil && l.Logger != nil {
				l.Logger.Warn("upload cleanup", "key", key, "err", derr)
			}
		}
		return nil, err
	}
	return m, nil
}

// RemoveFiles deletes the stored files of an image whose record is gone.
// Failures are logged: a leftover file is served to nobody.
func (l *Library) RemoveFiles(ctx context.Context, m *communique.Media) {
	if l.Storage == nil {
		return
	}
	keys := []string{m.Key}
	for _, v := range m.Variants {
		keys = append(keys, v.Key)
	}
	for _, key := range keys {
		if err := l.Storage.Delete(ctx, key); err != nil && l.Logger != nil {
			l.Logger.Warn("delete media file", "key", key, "err", err)
		}
	}
}

func (l *Library) limits() media.Limits {
	lim := l.Limits
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = media.DefaultMaxBytes
	}
	if lim.MaxPixels <= 0 {
		lim.MaxPixels = media.DefaultMaxPixels
	}
	if lim.MaxFramePixels <= 0 {
		lim.MaxFramePixels = media.DefaultMaxFramePixels
	}
	return lim
}

// Refusal turns media's refusals into messages for the uploader (EINVALID);
// any other error is returned wrapped, as internal.
func (l *Library) Refusal(err error) error {
	lim := l.limits()
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return communique.Errorf(communique.EINVALID, "The file is too large: images may be at most %d MiB. Nothing was stored.", lim.MaxBytes>>20)
	case errors.Is(err, media.ErrTooManyPixels):
		return communique.Errorf(communique.EINVALID, "The image has too many pixels: at most %d megapixels (width × height) are accepted. Nothing was stored.", lim.MaxPixels/1_000_000)
	case errors.Is(err, media.ErrNotImage):
		return communique.Errorf(communique.EINVALID, "This file is not a JPEG, PNG, GIF or WebP image (its content was checked, not its name; SVG is not accepted). Nothing was stored.")
	case errors.Is(err, media.ErrCorrupt):
		return communique.Errorf(communique.EINVALID, "The image could not be read: the file is damaged or incomplete. Nothing was stored.")
	case errors.Is(err, media.ErrUnsupported):
		return communique.Errorf(communique.EINVALID, "Animated WebP images are not supported; upload a GIF or a still image. Nothing was stored.")
	case errors.Is(err, media.ErrTooManyFrames):
		return communique.Errorf(communique.EINVALID, "The animation has too many frames for its size: frames × width × height may be at most %d million pixels. Use fewer frames or a smaller image. Nothing was stored.", lim.MaxFramePixels/1_000_000)
	case errors.Is(err, media.ErrOverBudget):
		return communique.Errorf(communique.ETOOLARGE, "The image has too many pixels to be processed on this site (at most about %d MiB decoded); make it smaller and upload it again. Nothing was stored.", lim.Budget.Size()>>20)
	case errors.Is(err, media.ErrBusy):
		return communique.Errorf(communique.EBUSY, "The site is busy processing other images; try again in a minute. Nothing was stored.")
	case errors.Is(err, media.ErrTooManyUploads):
		return communique.Errorf(communique.EBUSY, "You already have %d uploads in progress; wait until they finish, then try again. Nothing was stored.", lim.Budget.PerUploader())
	case errors.Is(err, media.ErrBadName):
		return communique.Errorf(communique.EINVALID, "The file name contains a folder path or control characters; rename the file and try again. Nothing was stored.")
	}
	return fmt.Errorf("upload: %w", err)
}
