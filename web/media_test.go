package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"communique"
	"communique/media"
	"communique/storetest"
	"communique/web"
)

// TestMediaServing asks /media/ for images, renditions and everything
// that is not one: only the library's images come back, always with the
// type found by sniffing, nosniff, a CSP that allows nothing and a
// file name that cannot break the header.
func TestMediaServing(t *testing.T) {
	ctx := context.Background()
	place := storetest.SQLite.Fresh(t)
	db := place.Open(t)
	storage, err := media.NewFileStorage(place.Dir + "/media")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 800, 400)))
	img, err := media.Process(&buf, "chart.png", media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	u := storetest.MustCreateUser(t, db, "grapher", communique.RoleAuthor)
	m := &communique.Media{Key: media.NewKey(img.Format), Filename: `Q3 "results"; x.png`, MimeType: "image/png", Width: 800, Height: 400, UploaderID: u.ID}
	storage.Put(ctx, m.Key, bytes.NewReader(img.Data))
	for _, v := range img.Variants {
		key := media.VariantKey(m.Key, v.Width, v.Format)
		storage.Put(ctx, key, bytes.NewReader(v.Data))
		m.Variants = append(m.Variants, communique.MediaVariant{Width: v.Width, Height: v.Height, Key: key, MimeType: v.Format.MimeType()})
	}
	if err := db.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	// A record whose file went missing.
	lost := &communique.Media{Key: media.NewKey(media.GIF), Filename: "lost.gif", MimeType: "image/gif", Width: 1, Height: 1}
	if err := db.CreateMedia(ctx, lost); err != nil {
		t.Fatal(err)
	}

	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MediaStorage: storage})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantType           string
		wantDisposition    string
	}{
		{"Original", "GET", m.URL(), 200, "image/png", `inline; filename="Q3 \"results\"; x.png"`},
		{"Head", "HEAD", m.URL(), 200, "image/png", `inline; filename="Q3 \"results\"; x.png"`},
		{"Variant", "GET", m.VariantURL(320), 200, "image/png", `inline; filename="Q3 \"results\"; x-320.png"`},
		{"NoSuchWidth", "GET", m.VariantURL(500), 404, "", ""},
		{"WidthNotCanonical", "GET", m.URL() + "/+320", 404, "", ""},
		{"StorageKeyOfVariant", "GET", "/media/" + m.Variants[0].Key, 404, "", ""},
		{"Unknown", "GET", "/media/0123456789abcdef0123456789abcdef.png", 404, "", ""},
		{"FileMissing", "GET", lost.URL(), 404, "", ""},
		{"Traversal", "GET", "/media/..%2f..%2fcommunique.db", 404, "", ""},
		{"TraversalDots", "GET", "/media/%2e%2e/%2e%2e/communique.db", 404, "", ""},
		{"UploaderName", "GET", "/media/chart.png", 404, "", ""},
		{"PostNotAllowed", "POST", m.URL(), 405, "", ""},
	}
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			h := res.Header
			if tt.wantStatus != 200 {
				if strings.HasPrefix(h.Get("Content-Type"), "image/") {
					t.Fatalf("an error served as %s", h.Get("Content-Type"))
				}
				return
			}
			if h.Get("Content-Type") != tt.wantType || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") ||
				h.Get("Content-Disposition") != tt.wantDisposition || h.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Fatalf("headers %v", h)
			}
			if tt.method == "GET" {
				if _, format, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || format != "png" {
					t.Fatalf("body is not the PNG: %v %q", err, format)
				}
			}
		})
	}
}
