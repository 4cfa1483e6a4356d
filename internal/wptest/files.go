package wptest

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"communique/wxr"
)

// FilesHost is where the theme unit test export's files live.
const FilesHost = "wpthemetestdata.files.wordpress.com"

// shownFile finds the old site's files that bodies show.
var shownFile = regexp.MustCompile(`//` + regexp.QuoteMeta(FilesHost) + `(/[^\s"'<>?#]+\.(?:jpe?g|png|gif))`)

// OldFiles makes a file for every image, audio and video attachment of the export and
// every file of the old site its bodies show, at the path its URL names,
// in the format its extension says: the old site's uploads, as a test
// serves them or writes them to a folder. leaveOut is a path left out on
// purpose ("" for none); images counts them, the left-out one included.
func OldFiles(t testing.TB, sample, leaveOut string) (files map[string][]byte, images int) {
	t.Helper()
	f, err := os.Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files = map[string][]byte{}
	rd := wxr.NewReader(f)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return files, images
		} else if err != nil {
			t.Fatal(err)
		}
		it, ok := rec.(*wxr.Item)
		if !ok {
			continue
		}
		for _, m := range shownFile.FindAllStringSubmatch(it.Content, -1) {
			if _, ok := files[m[1]]; !ok && m[1] != leaveOut {
				files[m[1]] = MakeImage(t, strings.ToLower(path.Ext(m[1])), len(files))
				images++
			}
		}
		if it.Type != "attachment" {
			continue
		}
		u, err := url.Parse(it.AttachmentURL)
		if err != nil {
			t.Fatal(err)
		}
		data := MakeImage(t, strings.ToLower(path.Ext(u.Path)), len(files))
		if data == nil {
			data = MakeAudioVideo(strings.ToLower(path.Ext(u.Path)))
		}
		if data == nil {
			continue
		}
		if _, ok := files[u.Path]; ok {
			continue // shown in a body before
		}
		images++
		if u.Path != leaveOut {
			files[u.Path] = data
		}
	}
}

// MakeImage is a 700×400 image in the format of the extension, its
// colours varied by n; nil for an extension that is not an image's.
func MakeImage(t testing.TB, ext string, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 700, 400))
	for x := 0; x < 700; x++ {
		for y := 0; y < 400; y++ {
			img.Set(x, y, color.RGBA{uint8(x + n*7), uint8(y), uint8(n * 40), 255})
		}
	}
	var b bytes.Buffer
	var err error
	switch ext {
	case ".jpg", ".jpeg":
		err = jpeg.Encode(&b, img, nil)
	case ".png":
		err = png.Encode(&b, img)
	case ".gif":
		err = gif.Encode(&b, img, nil)
	default:
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// MakeAudioVideo is a small file that sniffs as the audio or video format
// of the extension (its header and a few bytes; no player could play
// it), nil for other extensions.
func MakeAudioVideo(ext string) []byte {
	pad := bytes.Repeat([]byte{0}, 64)
	switch ext {
	case ".mp3":
		return append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00"), pad...)
	case ".mov":
		return append([]byte("\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "), pad...)
	case ".mp4", ".m4v":
		return append([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"), pad...)
	}
	return nil
}
