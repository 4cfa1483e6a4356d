package web_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/internal/wptest"
	"communique/outbound"
	"communique/outbound/outboundtest"
	"communique/sqlstore"
	"communique/storetest"
	"communique/upload"
	"communique/web"
	"communique/wordpress"
)

// filesHost is where the theme unit test export's files live.
const filesHost = wptest.FilesHost

// missingFile is left out of the old site's files on purpose: the
// import must list it and leave its references as they were.
const missingFile = "/2008/06/canola2.jpg"

// oldFiles are the old site's files, the missing one left out.
func oldFiles(t *testing.T, sample string) (map[string][]byte, int) {
	return wptest.OldFiles(t, sample, missingFile)
}

// oldSite serves files and counts what it was asked.
type oldSite struct {
	files map[string][]byte
	mu    sync.Mutex
	hits  int
}

func (o *oldSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hits++
	o.mu.Unlock()
	data, ok := o.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(data)
}

func (o *oldSite) Hits() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits
}

// TestWordPressMediaByDownload imports the theme unit test export with
// its files downloaded from a loopback server standing in for the old
// site's host (private addresses allowed for the test only), on both
// stores; then imports it again, which fetches nothing.
func TestWordPressMediaByDownload(t *testing.T) {
	sample := storetest.WXRSample(t)
	files, images := oldFiles(t, sample)
	export := plainHTTPExport(t, sample)
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		old := &oldSite{files: files}
		ts := httptest.NewServer(old)
		defer ts.Close()
		network := &outboundtest.Network{Names: map[string][]string{filesHost: {"127.0.0.1"}}, Target: ts.Listener.Addr().String()}
		download := func() wordpress.MediaFiles {
			return &wordpress.Download{Client: network.Client(outbound.Policy{AllowPrivate: true, Timeout: 30 * time.Second, MaxBytes: 20 << 20})}
		}
		sum := importWithFiles(t, db, export, download())
		checkMediaImport(t, db, sum, images)
		hits := old.Hits()
		if hits < images-1 {
			t.Errorf("old site asked %d times for %d images", hits, images)
		}

		again := importWithFiles(t, db, export, download())
		if old.Hits() != hits+1 || again.MediaNew != 0 || again.MediaKept != sum.MediaNew {
			// The missing file is asked for again: it may have come back.
			t.Errorf("second import: %d more requests, %d new, %d kept (first: %d new)\n%s", old.Hits()-hits, again.MediaNew, again.MediaKept, sum.MediaNew, again)
		}
		checkMediaImport(t, db, again, images)
	}, atFixedNow)
}

// TestWordPressMediaFromUploadsArchive imports the export with its files
// from a .tar.gz of wp-content/uploads, on both stores.
func TestWordPressMediaFromUploadsArchive(t *testing.T) {
	sample := storetest.WXRSample(t)
	files, images := oldFiles(t, sample)
	var archive bytes.Buffer
	gz := gzip.NewWriter(&archive)
	tw := tar.NewWriter(gz)
	for p, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: "wp-content/uploads" + p, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	// A hostile entry must not land outside the folder.
	tw.WriteHeader(&tar.Header{Name: "../escaped.jpg", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	gz.Close()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "uploads")
		os.Mkdir(dir, 0o700)
		if err := wordpress.UnpackUploads(bytes.NewReader(archive.Bytes()), dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(parent, "escaped.jpg")); err == nil {
			t.Fatal("an archive entry escaped the folder")
		}
		files, err := wordpress.OpenUploadsDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer files.Close()
		sum := importWithFiles(t, db, sample, files)
		checkMediaImport(t, db, sum, images)

		// The export carries the attachments with their local files, the
		// images bodies showed without one, and the featured images.
		var out bytes.Buffer
		ex := &wordpress.Exporter{Store: db, SiteURL: "https://news.example.com"}
		esum, err := ex.Export(context.Background(), &out)
		if err != nil {
			t.Fatal(err)
		}
		text := out.String()
		local := strings.Count(text, "<wp:attachment_url><![CDATA[https://news.example.com/media/")
		if local != sum.MediaNew {
			t.Errorf("export has %d attachments with a local file, want %d", local, sum.MediaNew)
		}
		if esum["attachments"] < 37 {
			t.Errorf("export has %d attachments, the import brought 37 and more files", esum["attachments"])
		}
		if n := strings.Count(text, "<wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>"); n != sum.Featured {
			t.Errorf("export has %d featured images, want %d", n, sum.Featured)
		}
	}, atFixedNow)
}

// plainHTTPExport is the sample with its files' host on plain HTTP, as
// the loopback server speaks it; bodies keep their references.
func plainHTTPExport(t *testing.T, sample string) string {
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(p, bytes.ReplaceAll(b, []byte("https://"+filesHost), []byte("http://"+filesHost)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func importWithFiles(t *testing.T, db *sqlstore.DB, export string, files wordpress.MediaFiles) *wordpress.Summary {
	t.Helper()
	f, err := os.Open(export)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im := storetest.NewImporter(db, 50)
	im.Files = files
	im.Library = &upload.Library{Storage: sqlstore.NewDBStorage(db), Store: db}
	sum, err := im.Import(context.Background(), f)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, sum)
	}
	return sum
}

// offSite finds addresses of images in a page: src, srcset, poster,
// links to image files and CSS url().
var (
	imageAttr = regexp.MustCompile(`(?i)\b(?:src|poster)="([^"]*)"|\bsrcset="([^"]*)"|\bhref="([^"]*\.(?:jpe?g|png|gif|webp)(?:\?[^"]*)?)"|url\(['"]?([^'")]*)`)
)

var localPlayer = regexp.MustCompile(`<(?:audio|video)\b[^>]*\bsrc="/media/[^"]+"`)

// checkMediaImport checks the library, the summary and every public page
// of the import.
func checkMediaImport(t *testing.T, db *sqlstore.DB, sum *wordpress.Summary, images int) {
	t.Helper()
	ctx := context.Background()
	if got := sum.MediaNew + sum.MediaKept; got != images-1 {
		t.Errorf("%d files in the library, want %d (every image but the missing one)\n%s", got, images-1, sum)
	}
	_, total, err := db.FindMedia(ctx, communique.MediaFilter{Limit: 1})
	if err != nil || total != images-1 {
		t.Errorf("media library holds %d, %v", total, err)
	}
	text := sum.String()
	if !strings.Contains(text, "missing  http://"+filesHost+missingFile+": the old site answered 404") &&
		!strings.Contains(text, "missing  https://"+filesHost+missingFile+": not in the uploads folder") {
		t.Errorf("summary does not list the missing file with why:\n%s", text)
	}
	// The audio and video attachments come in too, for the players.
	if strings.Contains(text, ".mp3:") || strings.Contains(text, ".mov:") {
		t.Errorf("summary lists an audio or video file as missing:\n%s", text)
	}
	t.Logf("summary:\n%s", text)
	if sum.Featured == 0 {
		t.Errorf("no featured image set:\n%s", text)
	}

	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MediaStorage: sqlstore.NewDBStorage(db)})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(p string) (int, string, string) {
		resp, err := client.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}

	// Every public post and page, reached by its old link.
	local, offsite, keptAsWere, pages, players := map[string]bool{}, map[string]int{}, 0, 0, 0
	for _, it := range samplePublished(t, storetest.WXRSample(t)) {
		code, loc, body := get(it.path)
		for hop := 0; code == http.StatusMovedPermanently && hop < 3; hop++ {
			code, loc, body = get(loc)
		}
		if code != http.StatusOK {
			t.Errorf("%s answers %d", it.path, code)
			continue
		}
		pages++
		players += len(localPlayer.FindAllString(body, -1))
		for _, m := range imageAttr.FindAllStringSubmatch(body, -1) {
			for _, v := range m[1:] {
				for _, ref := range strings.Split(v, ",") {
					ref = strings.Fields(strings.TrimSpace(ref) + " x")[0]
					switch {
					case ref == "x" || strings.HasPrefix(ref, "data:"):
					case strings.HasPrefix(ref, "/media/"):
						local[ref] = true
					case strings.HasPrefix(ref, "//") || strings.Contains(ref, "://"):
						if strings.Contains(ref, filesHost+missingFile) {
							keptAsWere++
						} else {
							offsite[ref]++
						}
					}
				}
			}
		}
	}
	// The missing file's references were left as they were, and seen:
	// the scan finds what points off the site.
	if keptAsWere == 0 {
		t.Errorf("no reference to the missing file %s found in public pages", missingFile)
	}
	t.Logf("%d public pages, %d local media addresses, %d off-site, %d references to the missing file kept as they were", pages, len(local), len(offsite), keptAsWere)
	// [audio], [video] and the audio, video and cover blocks play the
	// site's own copies.
	t.Logf("%d audio and video players of local files", players)
	if players < 4 {
		t.Errorf("only %d players of local files in public pages", players)
	}
	if pages < 70 {
		t.Errorf("only %d public pages checked", pages)
	}
	for ref, n := range offsite {
		t.Errorf("a public page points off the site %d times: %s", n, ref)
	}
	if len(local) < images {
		t.Errorf("only %d local media addresses in public pages", len(local))
	}
	for ref := range local {
		if code, _, _ := get(ref); code != http.StatusOK {
			t.Errorf("%s answers %d", ref, code)
		}
	}
	for _, old := range []string{"/wp-content/uploads/2008/06/dsc20050727_091048_222.jpg", "/2008/06/dsc20050727_091048_222.jpg",
		"/wp-content/uploads/2008/06/dsc20050727_091048_222-300x200.jpg"} {
		code, loc, _ := get(old)
		if code != http.StatusMovedPermanently || !strings.HasPrefix(loc, "/media/") {
			t.Errorf("GET %s = %d → %q, want 301 to the local file", old, code, loc)
		} else if c, _, _ := get(loc); c != http.StatusOK {
			t.Errorf("%s leads to %s, which answers %d", old, loc, c)
		}
	}
}
