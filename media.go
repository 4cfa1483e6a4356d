package communique

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on the text a writer attaches to an image.
const (
	MaxAltTextLength          = 1000
	MaxCaptionLength          = 2000
	MaxMediaTitleLength       = 200
	MaxMediaDescriptionLength = 10000
)

// Media is an image in the library. The file itself, and its smaller
// renditions, live in a storage (a folder or the database) under keys the
// site made up; the record says what they are.
type Media struct {
	ID int64 `json:"id"`
	// Key names the stored original and its public URL, /media/{Key}.
	Key string `json:"key"`
	// Filename is the uploader's file name, cleaned; shown, never used as
	// a path.
	Filename string `json:"filename"`
	// MimeType is what sniffing the content found, never what the
	// uploader claimed.
	MimeType string `json:"mime_type"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Size     int64  `json:"size"`
	AltText  string `json:"alt_text"`
	Caption  string `json:"caption"`
	// Title is the item's name in the library; "" shows the file name
	// without its extension (DisplayTitle).
	Title       string `json:"title"`
	Description string `json:"description"`

	UploaderID int64     `json:"uploader_id"`
	CreatedAt  time.Time `json:"created_at"`

	// Variants are smaller renditions for srcset, narrowest first.
	Variants []MediaVariant `json:"variants"`
}

// MediaVariant is a smaller rendition of an image.
type MediaVariant struct {
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Key      string `json:"key"`
	MimeType string `json:"mime_type"`
	Size     int64  `json:"size"`
}

// DisplayTitle is the title, or the file name without its extension
// when none was given.
func (m *Media) DisplayTitle() string {
	if m.Title != "" {
		return m.Title
	}
	name := m.Filename
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return name
}

// URL is the public path of the original.
func (m *Media) URL() string { return "/media/" + m.Key }

// VariantURL is the public path of the rendition width pixels wide.
func (m *Media) VariantURL(width int) string { return m.URL() + "/" + strconv.Itoa(width) }

// Variant returns the rendition width pixels wide.
func (m *Media) Variant(width int) (MediaVariant, bool) {
	for _, v := range m.Variants {
		if v.Width == width {
			return v, true
		}
	}
	return MediaVariant{}, false
}

// SrcSet is the srcset attribute value listing every rendition and the
// original with their widths; empty when there are no renditions.
func (m *Media) SrcSet() string {
	if len(m.Variants) == 0 {
		return ""
	}
	var b strings.Builder
	for _, v := range m.Variants {
		b.WriteString(m.VariantURL(v.Width) + " " + strconv.Itoa(v.Width) + "w, ")
	}
	b.WriteString(m.URL() + " " + strconv.Itoa(m.Width) + "w")
	return b.String()
}

// Validate checks the fields a writer controls.
func (m *Media) Validate() error {
	switch {
	case !ValidText(m.AltText) || !ValidText(m.Caption) || !ValidText(m.Filename) || !ValidText(m.Title) || !ValidText(m.Description):
		return Errorf(EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case utf8.RuneCountInString(m.AltText) > MaxAltTextLength:
		return Errorf(EINVALID, "The alt text is too long (at most %d characters).", MaxAltTextLength)
	case utf8.RuneCountInString(m.Caption) > MaxCaptionLength:
		return Errorf(EINVALID, "The caption is too long (at most %d characters).", MaxCaptionLength)
	case utf8.RuneCountInString(m.Title) > MaxMediaTitleLength:
		return Errorf(EINVALID, "The title is too long (at most %d characters).", MaxMediaTitleLength)
	case utf8.RuneCountInString(m.Description) > MaxMediaDescriptionLength:
		return Errorf(EINVALID, "The description is too long (at most %d characters).", MaxMediaDescriptionLength)
	case !ValidMediaKey(m.Key):
		return Errorf(EINVALID, "Invalid media key.")
	case !mediaTypes[m.MimeType]:
		return Errorf(EINVALID, "Only JPEG, PNG, GIF and WebP images, MP3, M4A, Ogg and WAV audio and MP4, WebM and QuickTime video are kept (not %q).", m.MimeType)
	case m.IsImage() && (m.Width <= 0 || m.Height <= 0):
		return Errorf(EINVALID, "An image needs a width and a height.")
	}
	return nil
}

// mediaTypes are the only types the library keeps and the site serves:
// images without scripts (SVG, which may carry them, is not one), and
// the audio and video files browsers play, which an imported site's
// [audio] and [video] players need.
var mediaTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"audio/mpeg": true, "audio/mp4": true, "audio/ogg": true, "audio/wav": true,
	"video/mp4": true, "video/webm": true, "video/quicktime": true}

// IsImage reports whether the file is an image (not audio or video).
func (m *Media) IsImage() bool { return strings.HasPrefix(m.MimeType, "image/") }

// mediaKey is the shape of the keys the site gives media: 32 lowercase
// hex digits and the extension of the sniffed format. Anything else in a
// /media/ URL, such as ../ or an uploader's file name, is no key.
var mediaKey = regexp.MustCompile(`^[0-9a-f]{32}\.(?:jpg|png|gif|webp|mp3|m4a|ogg|wav|mp4|webm|mov)$`)

// ValidMediaKey reports whether key has the shape of a media key.
func ValidMediaKey(key string) bool { return mediaKey.MatchString(key) }

var mediaRef = regexp.MustCompile(`/media/([0-9a-f]{32}\.(?:jpg|png|gif|webp|mp3|m4a|ogg|wav|mp4|webm|mov))`)

// MediaKeysIn returns the media keys an article body refers to through
// /media/ URLs (relative or absolute, original or rendition), once each.
func MediaKeysIn(body string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, m := range mediaRef.FindAllStringSubmatch(body, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			keys = append(keys, m[1])
		}
	}
	return keys
}

// AltTextCheck is the rule that readers who cannot see an image are owed
// a description of every library image in a published article: its
// featured image, and the library images its body shows.
type AltTextCheck struct {
	Featured *Media   // nil when the article has none
	Body     []*Media // library images the body refers to
}

// FeaturedProblem is the message for a featured image without alt text.
func (c AltTextCheck) FeaturedProblem() string {
	if c.Featured != nil && strings.TrimSpace(c.Featured.AltText) == "" {
		return "The featured image has no alt text. Describe it in the media library, or in the editor's featured image box, before publishing."
	}
	return ""
}

// BodyProblem is the message for library images in the body without alt
// text, naming them.
func (c AltTextCheck) BodyProblem() string {
	var names []string
	for _, m := range c.Body {
		if strings.TrimSpace(m.AltText) == "" {
			names = append(names, m.Filename+" ("+m.Key+")")
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "An image in the body has no alt text: " + names[0] + ". Describe it in the media library before publishing."
	}
	return "Images in the body have no alt text: " + strings.Join(names, ", ") + ". Describe them in the media library before publishing."
}

// Err is EINVALID with every problem, or nil when publishing may go on.
func (c AltTextCheck) Err() error {
	var msgs []string
	for _, m := range []string{c.FeaturedProblem(), c.BodyProblem()} {
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return Errorf(EINVALID, "Not published: %s", strings.Join(msgs, " "))
}

// CanManageMedia reports whether u may change or delete m: editors any
// image, authors their own.
func CanManageMedia(u *User, m *Media) bool {
	if !Can(u, ActionUploadMedia, nil) {
		return false
	}
	return u.Role == RoleAdministrator || u.Role == RoleEditor || (m != nil && m.UploaderID == u.ID)
}

// MediaFilter selects media. Nil or empty fields are "any".
type MediaFilter struct {
	IDs        []int64
	ExcludeIDs []int64
	UploaderID *int64
	// ExcludeUploaderIDs drops images these users uploaded.
	ExcludeUploaderIDs []int64
	MimeType           string // "" for any
	Offset             int
	Limit              int
}

// MediaUpdate holds the fields to change. Nil fields stay as they are.
type MediaUpdate struct {
	AltText     *string
	Caption     *string
	Title       *string
	Description *string
}

// MediaService keeps the records of the media library. The files are in
// a storage beside it.
type MediaService interface {
	// FindMediaByID returns ENOTFOUND when there is no such image.
	FindMediaByID(ctx context.Context, id int64) (*Media, error)
	// FindMediaByKey returns ENOTFOUND when no image has key.
	FindMediaByKey(ctx context.Context, key string) (*Media, error)
	// FindMedia returns matching images, newest first, and their total
	// count without Offset and Limit.
	FindMedia(ctx context.Context, filter MediaFilter) ([]*Media, int, error)
	// CreateMedia records an uploaded image. EINVALID, ECONFLICT.
	CreateMedia(ctx context.Context, m *Media) error
	// UpdateMedia changes the alt text, caption, title or description. EINVALID when the alt
	// text would be emptied while a published article shows the image;
	// ENOTFOUND.
	UpdateMedia(ctx context.Context, id int64, upd MediaUpdate) (*Media, error)
	// DeleteMedia removes the record; articles featuring it lose their
	// featured image. ENOTFOUND.
	DeleteMedia(ctx context.Context, id int64) error
}
