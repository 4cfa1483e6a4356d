package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/webp"

	"communique/media"
)

// gradient is an opaque test picture w×h.
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	return img
}

func mustJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, gradient(w, h), nil); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustPNG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := gradient(w, h)
	img.Set(0, 0, color.NRGBA{0, 0, 0, 0}) // some transparency
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// mustGIF is a two-frame animation that loops forever, with a comment
// block that must not survive.
func mustGIF(tb testing.TB, w, h int) []byte {
	tb.Helper()
	pal := color.Palette{color.Black, color.White, color.NRGBA{200, 0, 0, 255}}
	g := &gif.GIF{LoopCount: 0}
	for i := 0; i < 2; i++ {
		p := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p.SetColorIndex(x, y, uint8((x/16+y/16+i)%3))
			}
		}
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, 40)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		tb.Fatal(err)
	}
	// Insert a comment extension before the first frame's graphic control.
	b := buf.Bytes()
	i := bytes.Index(b, []byte{0x21, 0xF9})
	comment := append([]byte{0x21, 0xFE, 14}, "secret comment"...)
	comment = append(comment, 0)
	return append(append(append([]byte{}, b[:i]...), comment...), b[i:]...)
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestProcessAccepts(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		data       []byte
		wantFormat media.Format
		wantW      int
		wantH      int
		wantName   string
		wantWidths []int
		variantFmt media.Format
	}{
		{"JPEG", "Photo of the mayor.jpg", mustJPEG(t, 1800, 1200), media.JPEG, 1800, 1200, "Photo of the mayor.jpg", []int{320, 640, 1024, 1600}, media.JPEG},
		{"PNG", "chart.png", mustPNG(t, 700, 350), media.PNG, 700, 350, "chart.png", []int{320, 640}, media.PNG},
		{"GIF", "loop.gif", mustGIF(t, 400, 200), media.GIF, 400, 200, "loop.gif", []int{320}, media.PNG},
		{"WebPLossy", "gps.webp", readTestdata(t, "gps.webp"), media.WebP, 400, 300, "gps.webp", []int{320}, media.JPEG},
		{"WebPLosslessAlpha", "alpha.webp", readTestdata(t, "alpha.webp"), media.WebP, 64, 48, "alpha.webp", nil, ""},
		{"SmallNoUpscale", "tiny.jpg", mustJPEG(t, 300, 200), media.JPEG, 300, 200, "tiny.jpg", nil, ""},
		{"ExactWidthNoCopy", "w640.png", mustPNG(t, 640, 480), media.PNG, 640, 480, "w640.png", []int{320}, media.PNG},
		{"NameExtensionFollowsContent", "photo.jpg", mustPNG(t, 10, 10), media.PNG, 10, 10, "photo.png", nil, ""},
		{"NameCleaned", "  .\u202Egpj.exe <b>x.png", mustPNG(t, 10, 10), media.PNG, 10, 10, "gpj.exe b x.png", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := media.Process(bytes.NewReader(tt.data), tt.file, media.Limits{})
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			if img.Format != tt.wantFormat || img.Width != tt.wantW || img.Height != tt.wantH {
				t.Fatalf("got %s %d×%d, want %s %d×%d", img.Format, img.Width, img.Height, tt.wantFormat, tt.wantW, tt.wantH)
			}
			if img.Name != tt.wantName {
				t.Errorf("name = %q, want %q", img.Name, tt.wantName)
			}
			// What is kept decodes as what it claims to be, at the same size.
			cfg, format, err := image.DecodeConfig(bytes.NewReader(img.Data))
			if err != nil || media.Format(format) != tt.wantFormat || cfg.Width != tt.wantW || cfg.Height != tt.wantH {
				t.Fatalf("stored original: %v %s %d×%d", err, format, cfg.Width, cfg.Height)
			}
			var widths []int
			for _, v := range img.Variants {
				widths = append(widths, v.Width)
				if v.Width >= img.Width {
					t.Errorf("variant %d is not narrower than the original %d", v.Width, img.Width)
				}
				cfg, format, err := image.DecodeConfig(bytes.NewReader(v.Data))
				if err != nil || media.Format(format) != tt.variantFmt || cfg.Width != v.Width || cfg.Height != v.Height {
					t.Errorf("variant %d: %v %s %d×%d, want %s", v.Width, err, format, cfg.Width, cfg.Height, tt.variantFmt)
				}
				if wantH := (tt.wantH*v.Width + tt.wantW/2) / tt.wantW; v.Height != wantH {
					t.Errorf("variant %d height %d, want %d (aspect kept)", v.Width, v.Height, wantH)
				}
			}
			if !equalInts(widths, tt.wantWidths) {
				t.Errorf("variant widths %v, want %v", widths, tt.wantWidths)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// pngHeader is a PNG signature and an IHDR chunk with a valid CRC
// announcing w×h, and nothing else: a decompression bomb's header.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
	// A little compressed data, so only the header can stop it.
	return append(out, make([]byte, 64)...)
}

func TestProcessRefuses(t *testing.T) {
	jpg := mustJPEG(t, 200, 100)
	tests := []struct {
		name    string
		file    string
		data    []byte
		limits  media.Limits
		wantErr error
	}{
		{"TextNamedJPEG", "photo.jpg", []byte("hello, this is not an image\n"), media.Limits{}, media.ErrNotImage},
		{"SVG", "logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`), media.Limits{}, media.ErrNotImage},
		{"SVGNamedPNG", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), media.Limits{}, media.ErrNotImage},
		{"HTML", "page.gif", []byte("<!doctype html><html><body><script>alert(document.cookie)</script>"), media.Limits{}, media.ErrNotImage},
		{"Empty", "empty.png", nil, media.Limits{}, media.ErrNotImage},
		{"TruncatedJPEG", "cut.jpg", jpg[:len(jpg)/2], media.Limits{}, media.ErrCorrupt},
		{"TruncatedPNG", "cut.png", mustPNG(t, 100, 100)[:200], media.Limits{}, media.ErrCorrupt},
		{"TruncatedWebP", "cut.webp", readTestdata(t, "gps.webp")[:700], media.Limits{}, media.ErrCorrupt},
		{"TruncatedGIF", "cut.gif", mustGIF(t, 64, 64)[:120], media.Limits{}, media.ErrCorrupt},
		{"TooLarge", "big.jpg", jpg, media.Limits{MaxBytes: int64(len(jpg)) - 1}, media.ErrTooLarge},
		{"PNGBomb30000x30000", "bomb.png", pngHeader(30000, 30000), media.Limits{}, media.ErrTooManyPixels},
		{"OverPixelLimit", "wide.jpg", jpg, media.Limits{MaxPixels: 200*100 - 1}, media.ErrTooManyPixels},
		{"AnimatedWebP", "anim.webp", readTestdata(t, "animated.webp"), media.Limits{}, media.ErrUnsupported},
		{"PathTraversal", "../../etc/passwd.png", mustPNG(t, 10, 10), media.Limits{}, media.ErrBadName},
		{"WindowsPath", `..\..\boot.png`, mustPNG(t, 10, 10), media.Limits{}, media.ErrBadName},
		{"NUL", "photo.php\x00.png", mustPNG(t, 10, 10), media.Limits{}, media.ErrBadName},
		{"CRLF", "photo.png\r\nContent-Type: text/html", mustPNG(t, 10, 10), media.Limits{}, media.ErrBadName},
		{"NotUTF8", "photo\xff.png", mustPNG(t, 10, 10), media.Limits{}, media.ErrBadName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := media.Process(bytes.NewReader(tt.data), tt.file, tt.limits)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if img != nil {
				t.Fatal("an image came back with the error")
			}
		})
	}
}

// jpegSegments lists the markers of a JPEG up to the image data, with
// their payloads.
func jpegSegments(t *testing.T, b []byte) map[byte][][]byte {
	t.Helper()
	segs := map[byte][][]byte{}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := b[i+1]
		if m == 0xDA {
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		segs[m] = append(segs[m], b[i+4:i+2+n])
		i += 2 + n
	}
	return segs
}

func hasExif(segs map[byte][][]byte) bool {
	for _, s := range segs[0xE1] {
		if bytes.HasPrefix(s, []byte("Exif\x00\x00")) {
			return true
		}
	}
	return false
}

func TestGPSStrippedFromJPEG(t *testing.T) {
	in := readTestdata(t, "gps.jpg")
	if !hasExif(jpegSegments(t, in)) || !bytes.Contains(in, []byte("Planted")) {
		t.Fatal("test file lost its EXIF; regenerate it as testdata/README.md says")
	}
	img, err := media.Process(bytes.NewReader(in), "gps.jpg", media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range append([][]byte{img.Data}, variantData(img)...) {
		segs := jpegSegments(t, b)
		if hasExif(segs) {
			t.Fatal("an EXIF APP1 segment survived")
		}
		for m := range segs {
			if m >= 0xE1 && m <= 0xEF || m == 0xFE {
				t.Errorf("metadata segment %#x survived", m)
			}
		}
		if bytes.Contains(b, []byte("Planted")) || bytes.Contains(b, []byte("TestCam")) {
			t.Fatal("EXIF text survived")
		}
	}
}

func variantData(img *media.Image) [][]byte {
	var out [][]byte
	for _, v := range img.Variants {
		out = append(out, v.Data)
	}
	return out
}

// webpChunks lists the chunk FourCCs of a WebP after checking the RIFF
// size matches the file.
func webpChunks(t *testing.T, b []byte) ([]string, byte) {
	t.Helper()
	if string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		t.Fatal("not a RIFF WEBP")
	}
	if n := binary.LittleEndian.Uint32(b[4:]); int(n)+8 != len(b) {
		t.Fatalf("RIFF size %d for a file of %d bytes", n, len(b))
	}
	var names []string
	var flags byte
	for body := b[12:]; len(body) >= 8; {
		name := string(body[:4])
		n := int(binary.LittleEndian.Uint32(body[4:]))
		if name == "VP8X" {
			flags = body[8]
		}
		names = append(names, name)
		body = body[min(len(body), 8+n+n%2):]
	}
	return names, flags
}

func TestMetadataStrippedFromWebP(t *testing.T) {
	tests := []struct {
		file    string
		planted string
		chunk   string
		flag    byte
	}{
		{"gps.webp", "EXIF", "EXIF", 1 << 3},
		{"alpha.webp", "Planted Creator", "XMP ", 1 << 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := readTestdata(t, tt.file)
			chunks, flags := webpChunks(t, in)
			if !contains(chunks, tt.chunk) || flags&tt.flag == 0 || !bytes.Contains(in, []byte(tt.planted)) {
				t.Fatalf("test file lost its metadata (%v, flags %#x); regenerate it as testdata/README.md says", chunks, flags)
			}
			img, err := media.Process(bytes.NewReader(in), tt.file, media.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			chunks, flags = webpChunks(t, img.Data)
			if contains(chunks, "EXIF") || contains(chunks, "XMP ") {
				t.Fatalf("metadata chunk survived: %v", chunks)
			}
			if flags&(1<<3|1<<2) != 0 {
				t.Fatalf("VP8X still announces metadata: %#x", flags)
			}
			if bytes.Contains(img.Data, []byte(tt.planted)) || bytes.Contains(img.Data, []byte("GPS")) {
				t.Fatal("planted metadata survived")
			}
			// Still the same picture, as decoders see it.
			before, err := webp.Decode(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			after, err := webp.Decode(bytes.NewReader(img.Data))
			if err != nil {
				t.Fatalf("stripped WebP does not decode: %v", err)
			}
			if before.Bounds() != after.Bounds() || before.At(10, 10) != after.At(10, 10) {
				t.Fatal("the picture changed")
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestGIFKeepsAnimationDropsComments(t *testing.T) {
	in := mustGIF(t, 200, 100)
	img, err := media.Process(bytes.NewReader(append(in, "<script>trailing</script>"...)), "a.gif", media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(img.Data, []byte("secret comment")) || bytes.Contains(img.Data, []byte("<script>")) {
		t.Fatal("comment or trailing data survived")
	}
	g, err := gif.DecodeAll(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 2 || g.Delay[1] != 40 || g.LoopCount != 0 {
		t.Fatalf("animation changed: %d frames, delays %v, loop %d", len(g.Image), g.Delay, g.LoopCount)
	}
}

// exifJPEG puts an EXIF block with an orientation and a GPS pointer into
// a JPEG, as phones write it.
func exifJPEG(t *testing.T, jpg []byte, orientation uint16) []byte {
	t.Helper()
	le := binary.LittleEndian
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	tiff = le.AppendUint16(tiff, 2) // two entries
	tiff = le.AppendUint16(tiff, 0x0112)
	tiff = le.AppendUint16(tiff, 3)
	tiff = le.AppendUint32(tiff, 1)
	tiff = le.AppendUint16(tiff, orientation)
	tiff = le.AppendUint16(tiff, 0)
	tiff = le.AppendUint16(tiff, 0x8825) // GPS IFD pointer
	tiff = le.AppendUint16(tiff, 4)
	tiff = le.AppendUint32(tiff, 1)
	tiff = le.AppendUint32(tiff, uint32(len(tiff)+8))
	tiff = le.AppendUint32(tiff, 0)                              // no next IFD
	tiff = le.AppendUint16(tiff, 1)                              // GPS IFD: one entry
	tiff = append(tiff, 0x01, 0, 2, 0, 2, 0, 0, 0, 'N', 0, 0, 0) // GPSLatitudeRef "N"
	tiff = le.AppendUint32(tiff, 0)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(app1)+2))
	seg = append(seg, app1...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

func TestJPEGOrientationApplied(t *testing.T) {
	for _, tt := range []struct {
		orientation uint16
		w, h        int
	}{{1, 300, 100}, {3, 300, 100}, {6, 100, 300}, {8, 100, 300}} {
		in := exifJPEG(t, mustJPEG(t, 300, 100), tt.orientation)
		img, err := media.Process(bytes.NewReader(in), "phone.jpg", media.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if img.Width != tt.w || img.Height != tt.h {
			t.Errorf("orientation %d: %d×%d, want %d×%d", tt.orientation, img.Width, img.Height, tt.w, tt.h)
		}
		if hasExif(jpegSegments(t, img.Data)) {
			t.Errorf("orientation %d: EXIF survived", tt.orientation)
		}
	}
	// Orientation 6 turns the picture clockwise: the left column (dark
	// red in gradient) becomes the top row.
	img, err := media.Process(bytes.NewReader(exifJPEG(t, mustJPEG(t, 300, 100), 6)), "phone.jpg", media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := jpeg.Decode(bytes.NewReader(img.Data))
	r1, _, _, _ := m.At(50, 2).RGBA()
	r2, _, _, _ := m.At(50, 297).RGBA()
	if r1 >= r2 {
		t.Fatalf("rotation went the wrong way: top red %d, bottom red %d", r1>>8, r2>>8)
	}
}

func TestJPEGPolyglotNeutralised(t *testing.T) {
	in := append(mustJPEG(t, 50, 50), "<html><script>alert(1)</script>"...)
	img, err := media.Process(bytes.NewReader(in), "x.jpg", media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(img.Data, []byte("<script>")) {
		t.Fatal("appended HTML survived re-encoding")
	}
}

func TestCleanFilename(t *testing.T) {
	long := strings.Repeat("é", 200) + ".png"
	got, err := media.CleanFilename(long)
	if err != nil || len(got) > 120 || !strings.HasSuffix(got, ".png") {
		t.Fatalf("long name: %q (%d bytes), %v", got, len(got), err)
	}
	for in, want := range map[string]string{
		"photo.jpg":          "photo.jpg",
		".htaccess":          "htaccess",
		"a\"b'c.png":         "a b'c.png",
		"résumé photo.png":   "résumé photo.png",
		"...":                "",
		"x\u200b\u202ey.png": "xy.png",
	} {
		if got, err := media.CleanFilename(in); err != nil || got != want {
			t.Errorf("CleanFilename(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestFileStorage(t *testing.T) {
	ctx := context.Background()
	s, err := media.NewFileStorage(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	key := media.NewKey(media.PNG)
	if err := s.Put(ctx, key, strings.NewReader("bytes")); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "bytes" {
		t.Fatalf("read %q", b)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("open after delete: %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	v := media.VariantKey(key, 640, media.JPEG)
	if !media.ValidKey(v) || !strings.HasSuffix(v, "-640.jpg") || !strings.HasPrefix(v, key[:32]) {
		t.Fatalf("variant key %q", v)
	}
	for _, bad := range []string{"", "..", "../etc/passwd", "a/b.png", `a\b.png`, "ab/../../x", ".hidden", "UPPER.png", "a b.png", "x\x00.png", strings.Repeat("a", 101)} {
		if media.ValidKey(bad) {
			t.Errorf("ValidKey(%q) = true", bad)
		}
		if err := s.Put(ctx, bad, strings.NewReader("x")); !errors.Is(err, media.ErrBadKey) {
			t.Errorf("Put(%q) = %v", bad, err)
		}
		if _, err := s.Open(ctx, bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
	// Nothing was written outside the folder.
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.Dir), "etc")); err == nil {
		t.Fatal("a file escaped the media folder")
	}
}
