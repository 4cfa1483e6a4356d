// Package media turns uploaded files into images that are safe to keep
// and serve, and stores them.
//
// An upload is judged by its content, never its name or claimed type: the
// first bytes must be those of a JPEG, PNG, GIF or WebP, the header must
// announce a sane number of pixels (a small file can claim a huge image),
// and the whole image must decode. What is kept carries no metadata: JPEG
// and PNG are re-encoded, which drops EXIF (GPS positions included), XMP,
// comments and text chunks; GIF keeps its frames but loses comments and
// application blocks other than the looping one; WebP, which Go cannot
// encode, keeps its image chunks and loses its EXIF and XMP chunks.
// Smaller renditions are made for srcset, never larger than the original.
//
// The package knows nothing of the rest of Communiqué.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// Errors Process returns (wrapped); callers turn them into messages.
var (
	ErrTooLarge      = errors.New("media: file too large")
	ErrTooManyPixels = errors.New("media: image has too many pixels")
	ErrNotImage      = errors.New("media: not a JPEG, PNG, GIF or WebP image")
	ErrCorrupt       = errors.New("media: image data is damaged or incomplete")
	ErrUnsupported   = errors.New("media: animated WebP is not supported")
	ErrTooManyFrames = errors.New("media: animation has too many frames for its size")
	ErrBadName       = errors.New("media: file name with a path or control characters")
)

// Limits bound what Process accepts. Zero fields take the defaults.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int64
	// MaxPixels is the largest width × height decoded. It is checked
	// from the header, before decoding, so a decompression bomb costs
	// nothing.
	MaxPixels int64
	// MaxFramePixels bounds an animation: its frames × the canvas's
	// width × height, which is what a reader's browser paints, checked
	// before anything is kept. A small GIF can hold hundreds of large
	// frames.
	MaxFramePixels int64
	// Budget, when set, is shared by every upload of the process and
	// bounds the memory and processors decoding takes (see Budget).
	Budget *Budget
}

// Default limits: a camera's full-size JPEG fits, a 40-megapixel image
// decodes in about 160 MB.
const (
	DefaultMaxBytes       = 20 << 20
	DefaultMaxPixels      = 40_000_000
	DefaultMaxFramePixels = 100_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxFramePixels <= 0 {
		l.MaxFramePixels = DefaultMaxFramePixels
	}
	return l
}

// Widths are the renditions made for srcset, when the original is wider.
var Widths = []int{320, 640, 1024, 1600}

// Quality of JPEG encoding: renditions, and originals re-encoded to drop
// their metadata (a little higher, as they may be resized again).
const (
	VariantQuality  = 82
	OriginalQuality = 90
)

// Format is an image format Process accepts.
type Format string

// Accepted formats.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
)

// MimeType is the Content-Type of the format.
func (f Format) MimeType() string {
	switch f {
	case JPEG, PNG, GIF, WebP:
		return "image/" + string(f)
	}
	return avTypes[f]
}

// Ext is the file extension of the format, without the dot.
func (f Format) Ext() string {
	if f == JPEG {
		return "jpg"
	}
	return string(f)
}

// FormatOfMimeType returns the format served with a Content-Type; false
// for anything but the four image types and the audio and video ones
// (SniffAV), so nothing else is ever served.
func FormatOfMimeType(mimeType string) (Format, bool) {
	for _, f := range []Format{JPEG, PNG, GIF, WebP, MP3, M4A, Ogg, WAV, MP4, WebM, MOV} {
		if f.MimeType() == mimeType {
			return f, true
		}
	}
	return "", false
}

// Image is a processed upload, ready to store.
type Image struct {
	// Name is the uploader's file name, cleaned, with the extension of
	// the format found.
	Name   string
	Format Format
	Width  int
	Height int
	// Data is the original without its metadata.
	Data     []byte
	Variants []Variant
}

// Variant is a smaller rendition.
type Variant struct {
	Width  int
	Height int
	Format Format
	Data   []byte
}

// Process reads an upload of at most lim.MaxBytes, checks that it is an
// image by its content, strips its metadata and makes its renditions.
// name is the file name the uploader gave; a name with a path or control
// characters is refused (ErrBadName), since no browser sends one.
func Process(r io.Reader, name string, lim Limits) (*Image, error) {
	return ProcessContext(context.Background(), r, name, lim)
}

// ProcessContext is Process, waiting for room in lim.Budget at most
// until ctx ends.
func ProcessContext(ctx context.Context, r io.Reader, name string, lim Limits) (*Image, error) {
	lim = lim.withDefaults()
	clean, err := CleanFilename(name)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, ErrTooLarge
	}
	format, ok := Sniff(data)
	if !ok {
		return nil, ErrNotImage
	}
	img := &Image{Format: format, Name: withExt(clean, format.Ext())}

	// The header first: a few bytes can announce gigapixels.
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, ErrCorrupt
	}
	if int64(cfg.Width)*int64(cfg.Height) > lim.MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d", ErrTooManyPixels, cfg.Width, cfg.Height)
	}
	release, err := lim.Budget.acquire(ctx, decodeCost(format, cfg, data))
	if err != nil {
		return nil, err
	}
	defer release()
	if err := decode(img, format, data, lim); err != nil {
		return nil, err
	}
	return img, nil
}

// decode decodes data, keeps it without metadata in img and makes the
// renditions.
func decode(img *Image, format Format, data []byte, lim Limits) error {
	var decoded image.Image
	var err error

	switch format {
	case JPEG:
		decoded, err = jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			break
		}
		// Re-encoding drops the EXIF block, and with it the orientation
		// a camera wrote there: turn the pixels instead.
		decoded = orient(decoded, jpegOrientation(data))
		var buf bytes.Buffer
		if err = jpeg.Encode(&buf, decoded, &jpeg.Options{Quality: OriginalQuality}); err == nil {
			img.Data = buf.Bytes()
		}
	case PNG:
		decoded, err = png.Decode(bytes.NewReader(data))
		if err != nil {
			break
		}
		var buf bytes.Buffer
		if err = png.Encode(&buf, decoded); err == nil {
			img.Data = buf.Bytes()
		}
	case GIF:
		// Keep every frame as it came (an animation stays animated); the
		// renditions show the first.
		var frames int
		var canvas int64
		if img.Data, frames, canvas, err = cleanGIF(data); err != nil {
			break
		}
		if int64(frames)*canvas > lim.MaxFramePixels {
			return fmt.Errorf("%w: %d frames of %d pixels", ErrTooManyFrames, frames, canvas)
		}
		decoded, err = gif.Decode(bytes.NewReader(img.Data))
	case WebP:
		var animated bool
		if img.Data, animated, err = stripWebP(data); err != nil {
			break
		}
		if animated {
			return ErrUnsupported
		}
		decoded, err = webp.Decode(bytes.NewReader(img.Data))
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	b := decoded.Bounds()
	img.Width, img.Height = b.Dx(), b.Dy()
	img.Variants, err = variants(decoded, format)
	if err != nil {
		return fmt.Errorf("media: renditions: %w", err)
	}
	return nil
}

// Sniff tells the format from the first bytes of a file. Only the four
// accepted formats are recognised: SVG, HTML and everything else are not
// images here.
func Sniff(b []byte) (Format, bool) {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return JPEG, true
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return PNG, true
	case len(b) >= 6 && (string(b[:6]) == "GIF87a" || string(b[:6]) == "GIF89a"):
		return GIF, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP, true
	}
	return "", false
}

func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, ErrNotImage
}
