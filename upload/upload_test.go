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
