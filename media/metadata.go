package media

import (
	"encoding/binary"
	"errors"
	"image"
	"image/draw"
)

var errContainer = errors.New("malformed container")

// jpegOrientation reads the EXIF orientation (1 to 8) of a JPEG, 1 when
// there is none or it cannot be read.
func jpegOrientation(b []byte) int {
	i := 2 // after SOI
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // no length
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // image data: no metadata after
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := exifOrientation(seg[6:]); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
		i += 2 + n
	}
	return 1
}

// exifOrientation finds tag 0x0112 in IFD0 of a TIFF structure.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	n := int(bo.Uint16(t[off:]))
	for k := 0; k < n; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}

// orient turns and flips an image as its EXIF orientation says, so it
// looks right once the EXIF block is gone.
func orient(src image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return src
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	// One source row at a time into a small buffer (draw.Draw converts
	// from the decoder's type), each pixel to its turned place: the only
	// full-size copy is the result.
	row := image.NewRGBA(image.Rect(0, 0, w, 1))
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for sy := range h {
		draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+sy), draw.Src)
		for sx := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-sx, sy
			case 3:
				dx, dy = w-1-sx, h-1-sy
			case 4:
				dx, dy = sx, h-1-sy
			case 5:
				dx, dy = sy, sx
			case 6:
				dx, dy = h-1-sy, sx
			case 7:
				dx, dy = h-1-sy, w-1-sx
			case 8:
				dx, dy = sy, w-1-sx
			}
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], row.Pix[4*sx:4*sx+4])
		}
	}
	return dst
}

// jpegBytesPerPixel is what a JPEG's decoded pixel takes: its components'
// sampling factors from the frame header (4:2:0, as cameras write, is
// 1.5 bytes a pixel; 4:4:4 is 3); 3 when the header cannot be read.
func jpegBytesPerPixel(b []byte) float64 {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 3
		}
		marker, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			seg := b[i+4 : min(len(b), i+2+n)]
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				return 3
			}
			comps := seg[6 : 6+3*int(seg[5])]
			var hmax, vmax, sum float64
			for c := 0; c < len(comps); c += 3 {
				hmax, vmax = max(hmax, float64(comps[c+1]>>4)), max(vmax, float64(comps[c+1]&15))
			}
			if hmax == 0 || vmax == 0 {
				return 3
			}
			for c := 0; c < len(comps); c += 3 {
				sum += float64(comps[c+1]>>4) * float64(comps[c+1]&15) / (hmax * vmax)
			}
			return max(sum, 1)
		}
		i += 2 + n
	}
	return 3
}

// cleanGIF rewrites a GIF keeping its header, palettes, frames, frame
// timing and the looping block, and dropping comments, other application
// blocks (XMP lives there) and anything after the trailer. A stream cut
// between two blocks gets its trailer; one cut inside a block is refused.
// It also returns the number of frames and the canvas's area.
func cleanGIF(b []byte) (out []byte, frames int, canvas int64, err error) {
	out, frames, err = cleanGIFBlocks(b)
	if err == nil {
		canvas = int64(binary.LittleEndian.Uint16(b[6:])) * int64(binary.LittleEndian.Uint16(b[8:]))
	}
	return out, frames, canvas, err
}

func cleanGIFBlocks(b []byte) ([]byte, int, error) {
	if len(b) < 13 {
		return nil, 0, errContainer
	}
	out := make([]byte, 0, len(b))
	screenW, screenH := int(binary.LittleEndian.Uint16(b[6:])), int(binary.LittleEndian.Uint16(b[8:]))
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << ((b[10] & 7) + 1)
	}
	if i > len(b) {
		return nil, 0, errContainer
	}
	out = append(out, b[:i]...)
	// subBlocks returns the end of a run of data sub-blocks starting at j.
	subBlocks := func(j int) (int, error) {
		for {
			if j >= len(b) {
				return 0, errContainer
			}
			n := int(b[j])
			j++
			if n == 0 {
				return j, nil
			}
			j += n
		}
	}
	frames := 0
	for {
		if i >= len(b) {
			if frames == 0 {
				return nil, 0, errContainer
			}
			return append(out, 0x3B), frames, nil
		}
		switch b[i] {
		case 0x3B:
			if frames == 0 {
				return nil, 0, errContainer
			}
			return append(out, 0x3B), frames, nil
		case 0x21:
			if i+2 > len(b) {
				return nil, 0, errContainer
			}
			label := b[i+1]
			end, err := subBlocks(i + 2)
			if err != nil {
				return nil, 0, err
			}
			keep := label == 0xF9 // graphic control: delays, disposal, transparency
			if label == 0xFF && i+3+11 <= end {
				app := string(b[i+3 : i+3+11])
				keep = b[i+2] == 11 && (app == "NETSCAPE2.0" || app == "ANIMEXTS1.0")
			}
			if keep {
				out = append(out, b[i:end]...)
			}
			i = end
		case 0x2C:
			if i+10 > len(b) {
				return nil, 0, errContainer
			}
			d := b[i+1 : i+10]
			left, top := int(binary.LittleEndian.Uint16(d[0:])), int(binary.LittleEndian.Uint16(d[2:]))
			w, h := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
			if left+w > screenW || top+h > screenH {
				return nil, 0, errContainer
			}
			j := i + 10
			if d[8]&0x80 != 0 {
				j += 3 << ((d[8] & 7) + 1)
			}
			j++ // LZW minimum code size
			end, err := subBlocks(j)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, b[i:end]...)
			i = end
			frames++
		default:
			return nil, 0, errContainer
		}
	}
}

// WebP chunks that make the picture; everything else (EXIF, XMP and
// unknown chunks) is dropped.
var webpImageChunks = map[string]bool{
	"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true, "ANIM": true, "ANMF": true, "ICCP": true,
}

// VP8X flags.
const (
	webpAnimation = 1 << 1
	webpXMP       = 1 << 2
	webpEXIF      = 1 << 3
)

// stripWebP rewrites a WebP's RIFF container without its EXIF and XMP
// chunks, clears the VP8X flags that announced them and fixes the RIFF
// size. It reports whether the image is animated.
func stripWebP(b []byte) (out []byte, animated bool, err error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, false, errContainer
	}
	size := int64(binary.LittleEndian.Uint32(b[4:]))
	if size < 4 || size+8 > int64(len(b)) {
		return nil, false, errContainer
	}
	body := b[12 : 8+size] // anything after the RIFF is not kept
	out = make([]byte, 12, len(b))
	copy(out, "RIFF\x00\x00\x00\x00WEBP")
	for len(body) > 0 {
		if len(body) < 8 {
			return nil, false, errContainer
		}
		fourcc := string(body[:4])
		n := int64(binary.LittleEndian.Uint32(body[4:]))
		padded := n + n&1
		if 8+n > int64(len(body)) {
			return nil, false, errContainer
		}
		if 8+padded > int64(len(body)) {
			padded = n // a missing pad byte at the very end
		}
		if webpImageChunks[fourcc] {
			start := len(out)
			out = append(out, body[:8+n]...)
			if n&1 == 1 {
				out = append(out, 0)
			}
			if fourcc == "VP8X" && n >= 1 {
				flags := &out[start+8]
				animated = *flags&webpAnimation != 0
				*flags &^= webpEXIF | webpXMP
			}
		}
		body = body[8+padded:]
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, animated, nil
}
