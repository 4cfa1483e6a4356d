// Package avatar generates identicons locally, so that showing a
// commenter's picture never sends their email address (or a hash of it)
// to a third party such as Gravatar.
//
// Identities are hashed with a per-site secret key: the hash cannot be
// reversed by hashing guessed addresses, and the same commenter gets
// unrelated hashes, and so unrelated pictures, on different sites.
package avatar

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrInvalidHash is returned by SVG for anything that is not a hash
// produced by Generator.Hash.
var ErrInvalidHash = errors.New("avatar: invalid hash")

// hashLen is the length in bytes of a hash before hex encoding. 128 bits
// is plenty to avoid collisions among a site's commenters and keeps URLs
// short.
const hashLen = 16

// Generator makes identicons keyed by a per-site secret.
// It is safe for concurrent use.
type Generator struct {
	key []byte
}

// New returns a Generator that hashes identities with key.
// New panics if key is empty: every site would then share the same
// hashes, which is exactly the cross-site tracking the key exists to stop.
func New(key []byte) *Generator {
	if len(key) == 0 {
		panic("avatar: empty key")
	}
	return &Generator{key: bytes.Clone(key)}
}

// Hash returns a 32 lowercase hex character identifier for identity:
// HMAC-SHA256 keyed by the site secret, truncated to 16 bytes.
// The identity is trimmed and lower-cased first so that "Ann@Example.com "
// and "ann@example.com" get the same picture. Callers pass the email
// address or, when there is none, "name:" followed by the display name.
func (g *Generator) Hash(identity string) string {
	mac := hmac.New(sha256.New, g.key)
	mac.Write([]byte(strings.ToLower(strings.TrimSpace(identity))))
	return hex.EncodeToString(mac.Sum(nil)[:hashLen])
}

// SVG renders the identicon for hash as a standalone SVG document: a 5×5
// grid, mirrored left to right, in a colour derived from the hash on a
// light tint of the same hue. The document has no intrinsic size, so it
// scales to whatever box the page gives it.
// It returns ErrInvalidHash unless hash is 32 lowercase hex characters.
func SVG(hash string) ([]byte, error) {
	b, err := decode(hash)
	if err != nil {
		return nil, err
	}

	hue := float64(uint16(b[0])<<8|uint16(b[1])) / 65536 * 360
	sat := 0.45 + float64(b[2])/255*0.30
	fg := colourWithLuminance(hue, sat, targetLuminance)
	bg := hslToRGB(hue, 0.5, 0.93)

	// 15 bits pick the cells of the left three columns; the right two
	// mirror them, which is what makes an identicon look like a figure
	// rather than noise.
	bits := uint16(b[3])<<8 | uint16(b[4])

	var buf bytes.Buffer
	buf.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5" shape-rendering="crispEdges">`)
	fmt.Fprintf(&buf, `<rect width="5" height="5" fill="%s"/>`, bg)
	fmt.Fprintf(&buf, `<g fill="%s">`, fg)
	for y := range 5 {
		for x := range 3 {
			if bits&(1<<(y*3+x)) == 0 {
				continue
			}
			fmt.Fprintf(&buf, `<rect x="%d" y="%d" width="1" height="1"/>`, x, y)
			if x != 2 {
				fmt.Fprintf(&buf, `<rect x="%d" y="%d" width="1" height="1"/>`, 4-x, y)
			}
		}
	}
	buf.WriteString("</g></svg>\n")
	return buf.Bytes(), nil
}

// decode checks hash strictly, rather than just hex-decoding it, so that
// each picture has exactly one URL (upper-case variants would otherwise
// defeat caching).
func decode(hash string) ([]byte, error) {
	if len(hash) != 2*hashLen {
		return nil, ErrInvalidHash
	}
	for i := 0; i < len(hash); i++ {
		c := hash[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, ErrInvalidHash
		}
	}
	return hex.DecodeString(hash)
}

// targetLuminance is the relative luminance whose contrast ratio against
// white equals its contrast ratio against black: (1.05)/(L+0.05) =
// (L+0.05)/0.05, about 4.58:1 each way. A foreground at this luminance
// stays visible on both light and dark page themes, whatever its hue.
var targetLuminance = math.Sqrt(1.05*0.05) - 0.05

// rgb is an sRGB colour with components in 0..1.
type rgb struct{ r, g, b float64 }

// String formats c as #rrggbb, which every SVG renderer understands
// (hsl() is not part of SVG 1.1).
func (c rgb) String() string {
	return fmt.Sprintf("#%02x%02x%02x", to8(c.r), to8(c.g), to8(c.b))
}

func to8(v float64) uint8 {
	return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255))
}

// colourWithLuminance finds the HSL lightness that gives the wanted
// luminance. Fixed lightness would not do: at the same HSL lightness
// yellow is far brighter than blue.
func colourWithLuminance(hue, sat, want float64) rgb {
	// For fixed hue and saturation every channel grows with lightness,
	// so luminance does too and bisection converges.
	lo, hi := 0.0, 1.0
	for range 30 {
		mid := (lo + hi) / 2
		if luminance(hslToRGB(hue, sat, mid)) < want {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hslToRGB(hue, sat, (lo+hi)/2)
}

// luminance is the WCAG 2 relative luminance of c.
func luminance(c rgb) float64 {
	lin := func(v float64) float64 {
		v = float64(to8(v)) / 255 // what will actually be rendered
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// hslToRGB converts hue in degrees and saturation and lightness in 0..1.
func hslToRGB(h, s, l float64) rgb {
	f := func(n float64) float64 {
		k := math.Mod(n+h/30, 12)
		a := s * math.Min(l, 1-l)
		return l - a*math.Max(-1, math.Min(math.Min(k-3, 9-k), 1))
	}
	return rgb{f(0), f(8), f(4)}
}
