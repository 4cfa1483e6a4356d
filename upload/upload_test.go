package upload_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io/fs"
	"path/filepath"
	"testing"

	"communique"
	"communique/media"
	"communique/upload"
)

// recorder keeps records in memory, or fails.
type recorder struct {
	got  []*communique.Media
	fail bool
}

func (r *recorder) CreateMedia(_ context.Context, m *communique.Media) error {
	if r.fail {
		return errors.New("database gone")
	}
	m.ID = int64(len(r.got) + 1)
	r.got = append(r.got, m)
	return nil
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// files counts the files stored under dir.
func files(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	storage, err := media.NewFileStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	lib := &upload.Library{Storage: storage, Store: rec}
	m, err := lib.Image(ctx, bytes.NewReader(pngOf(t, 700, 300)), "quay.png", upload.Fields{AltText: " The quay ", Caption: "At noon", UploaderID: 7})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != 1 || m.AltText != "The quay" || m.UploaderID != 7 || m.Width != 700 || len(m.Variants) != 2 || files(t, dir) != 3 {
		t.Fatalf("stored %+v, %d files", m, files(t, dir))
	}
	t.Run("ErrNotImage", func(t *testing.T) {
		_, err := lib.Image(ctx, bytes.NewReader([]byte("<svg/>")), "x.png", upload.Fields{UploaderID: 7})
		if communique.ErrorCode(err) != communique.EINVALID || files(t, dir) != 3 {
			t.Fatalf("refusal: %v, %d files", err, files(t, dir))
		}
	})
	t.Run("RecordFails", func(t *testing.T) {
		broken := &upload.Library{Storage: storage, Store: &recorder{fail: true}}
		if _, err := broken.Image(ctx, bytes.NewReader(pngOf(t, 700, 300)), "y.png", upload.Fields{}); err == nil {
			t.Fatal("a failed record must fail the upload")
		}
		if files(t, dir) != 3 {
			t.Fatalf("%d files after a failed record, want the 3 of the first upload", files(t, dir))
		}
	})
	t.Run("RemoveFiles", func(t *testing.T) {
		lib.RemoveFiles(ctx, m)
		if files(t, dir) != 0 {
			t.Fatalf("%d files left", files(t, dir))
		}
	})
}

// TestAudioVideo: audio and video are kept as they are, their type from
// their content; anything else, or a failed record, leaves nothing.
func TestAudioVideo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	storage, err := media.NewFileStorage(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	lib := &upload.Library{Storage: storage, Store: rec}
	mp3 := append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{1}, 1000)...)
	tests := []struct {
		name, file string
		data       []byte
		wantType   string // "" for a refusal
		wantName   string
	}{
		{"MP3", "song.mp3", mp3, "audio/mpeg", "song.mp3"},
		{"QuickTime", "clip.mov", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "), "video/quicktime", "clip.mov"},
		{"MP4NamedMP3", "clip.mp3", []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"), "video/mp4", "clip.mp4"},
		{"WebM", "a.webm", []byte("\x1a\x45\xdf\xa3\x00\x00\x00\x00\x00\x00\x00\x00"), "video/webm", "a.webm"},
		{"ErrHTMLNamedMP3", "x.mp3", []byte("<html><script>alert(1)</script>"), "", ""},
		{"ErrEmpty", "e.mp3", nil, "", ""},
		{"ErrImage", "i.mp3", pngOf(t, 10, 10), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := files(t, dir)
			m, err := lib.AudioVideo(ctx, bytes.NewReader(tt.data), tt.file, upload.Fields{Caption: "Heard", UploaderID: 7})
			if tt.wantType == "" {
				if communique.ErrorCode(err) != communique.EINVALID || files(t, dir) != before {
					t.Fatalf("refusal: %v, %d files (was %d)", err, files(t, dir), before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.MimeType != tt.wantType || m.Filename != tt.wantName || m.Size != int64(len(tt.data)) || m.Caption != "Heard" ||
				len(m.Variants) != 0 || files(t, dir) != before+1 {
				t.Fatalf("stored %+v, %d files", m, files(t, dir))
			}
		})
	}
	t.Run("RecordFails", func(t *testing.T) {
		before := files(t, dir)
		broken := &upload.Library{Storage: storage, Store: &recorder{fail: true}}
		if _, err := broken.AudioVideo(ctx, bytes.NewReader(mp3), "y.mp3", upload.Fields{}); err == nil {
			t.Fatal("a failed record must fail the upload")
		}
		if files(t, dir) != before {
			t.Fatalf("%d files after a failed record, want %d", files(t, dir), before)
		}
	})
}
