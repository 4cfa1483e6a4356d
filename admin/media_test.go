package admin_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/admin"
	"communique/media"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// These tests serve the newsroom and the public site together, as
// cmd/communique does, with the media storage each store uses there: a
// folder beside SQLite, the database itself with PostgreSQL.

// mediaLog is a server log that tests can read.
type mediaLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *mediaLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *mediaLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mediaSite is one node: admin and public site on a store and a storage.
type mediaSite struct {
	DB      *sqlstore.DB
	Storage media.Storage
	Dir     string // the FileStorage folder, "" for DBStorage
	URL     string
	Logs    *mediaLog
	client  *http.Client
}

// mediaForEachStore runs fn on SQLite with a FileStorage and on
// PostgreSQL with a DBStorage.
func mediaForEachStore(t *testing.T, fn func(t *testing.T, db *sqlstore.DB, storage media.Storage, dir string)) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		db := place.Open(t)
		if place.Kind == storetest.PostgreSQL {
			fn(t, db, sqlstore.NewDBStorage(db), "")
			return
		}
		storage, err := media.NewFileStorage(filepath.Join(place.Dir, "media"))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, db, storage, storage.Dir)
	})
}

func newMediaSite(t *testing.T, db *sqlstore.DB, storage media.Storage, dir string, limits media.Limits) *mediaSite {
	t.Helper()
	ctx := context.Background()
	logs := &mediaLog{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	public, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger, MediaStorage: storage})
	if err != nil {
		t.Fatal(err)
	}
	newsroom, err := admin.New(ctx, admin.Config{Store: db, Logger: logger, MediaStorage: storage, MediaLimits: limits})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Handler())
	mux.Handle("/", public.Handler())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 30 * time.Second
	return &mediaSite{DB: db, Storage: storage, Dir: dir, URL: ts.URL, Logs: logs, client: client}
}

// mediaUser is a signed-in browser.
type mediaUser struct {
	site   *mediaSite
	User   *communique.User
	cookie string
	csrf   string
}

var mediaCSRFField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn creates a user with role and a session for it, as signing in
// would, and picks up the form token.
func (s *mediaSite) signIn(t *testing.T, login string, role communique.Role) *mediaUser {
	t.Helper()
	u := storetest.MustCreateUser(t, s.DB, login, role)
	return s.session(t, u)
}

func (s *mediaSite) session(t *testing.T, u *communique.User) *mediaUser {
	t.Helper()
	b := make([]byte, 32)
	rand.Read(b)
	token := hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	err := s.DB.CreateSession(context.Background(), &communique.Session{ID: hex.EncodeToString(sum[:]), UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	mu := &mediaUser{site: s, User: u, cookie: token}
	res := mu.get(t, "/admin/profile")
	m := mediaCSRFField.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no form token on the profile page (%d): %.300s", res.Status, res.Body)
	}
	mu.csrf = m[1]
	return mu
}

type mediaResponse struct {
	Status int
	Header http.Header
	Body   string
}

func (s *mediaSite) do(t *testing.T, req *http.Request, cookie string) mediaResponse {
	t.Helper()
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "communique_session", Value: cookie})
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return mediaResponse{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// get fetches a path as a reader (no session).
func (s *mediaSite) get(t *testing.T, path string) mediaResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	return s.do(t, req, "")
}

func (u *mediaUser) get(t *testing.T, path string) mediaResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u.site.URL+path, nil)
	return u.site.do(t, req, u.cookie)
}

func (u *mediaUser) post(t *testing.T, path string, form url.Values) mediaResponse {
	t.Helper()
	form.Set("csrf_token", u.csrf)
	req, _ := http.NewRequest(http.MethodPost, u.site.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.site.do(t, req, u.cookie)
}

// upload posts a multipart form with fields and, when fileField is set, a
// file part whose Content-Disposition ends with disposition, written as
// is (a quoted filename, or an RFC 2231 filename* with percent escapes),
// so hostile names get through.
func (u *mediaUser) upload(t *testing.T, path string, fields map[string]string, fileField, disposition string, content []byte) mediaResponse {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", u.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+fileField+`"; `+disposition)
		h.Set("Content-Type", "image/jpeg") // claimed, never believed
		part, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u.site.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return u.site.do(t, req, u.cookie)
}

func mediaJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 100, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mediaCount is how many images the library holds.
func (s *mediaSite) mediaCount(t *testing.T) int {
	t.Helper()
	_, n, err := s.DB.FindMedia(context.Background(), communique.MediaFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// storedFiles counts the files of a FileStorage (-1 for other storages).
func (s *mediaSite) storedFiles(t *testing.T) int {
	t.Helper()
	if s.Dir == "" {
		return -1
	}
	n := 0
	filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

var mediaUploadedID = regexp.MustCompile(`^/admin/media/(\d+)\?done=uploaded$`)

// mustUpload uploads an image and returns its record.
func (u *mediaUser) mustUpload(t *testing.T, name string, content []byte, alt string) *communique.Media {
	t.Helper()
	return u.mustUploadAs(t, `filename="`+name+`"`, content, alt)
}

func (u *mediaUser) mustUploadAs(t *testing.T, disposition string, content []byte, alt string) *communique.Media {
	t.Helper()
	res := u.upload(t, "/admin/media", map[string]string{"alt": alt}, "file", disposition, content)
	m := mediaUploadedID.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("upload %s: %d %s %s", disposition, res.Status, res.Header.Get("Location"), excerptOf(res.Body, `class="error"`))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	got, err := u.site.DB.FindMediaByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (s *mediaSite) publicPath(t *testing.T, a *communique.Article) string {
	t.Helper()
	values, err := s.DB.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return communique.ArticlePath(a, communique.ParseSettings(values), nil)
}

func TestMediaLibrary(t *testing.T) {
	mediaForEachStore(t, func(t *testing.T, db *sqlstore.DB, storage media.Storage, dir string) {
		ctx := context.Background()
		site := newMediaSite(t, db, storage, dir, media.Limits{MaxBytes: 1 << 20})
		author := site.signIn(t, "writer", communique.RoleAuthor)
		contributor := site.signIn(t, "stringer", communique.RoleContributor)
		other := site.signIn(t, "rival", communique.RoleAuthor)
		editor := site.signIn(t, "desk", communique.RoleEditor)
		photo := mediaJPEG(t, 1200, 800)

		var m *communique.Media
		t.Run("UploadAsAuthor", func(t *testing.T) {
			m = author.mustUpload(t, "Harbour at dawn.jpg", photo, "Fishing boats in the harbour at dawn")
			if m.Filename != "Harbour at dawn.jpg" || m.MimeType != "image/jpeg" || m.Width != 1200 || m.Height != 800 ||
				m.UploaderID != author.User.ID || m.AltText != "Fishing boats in the harbour at dawn" || !communique.ValidMediaKey(m.Key) {
				t.Fatalf("record = %+v", m)
			}
			var widths []int
			for _, v := range m.Variants {
				widths = append(widths, v.Width)
			}
			if len(widths) != 3 || widths[0] != 320 || widths[2] != 1024 {
				t.Fatalf("variants = %v", widths)
			}
			for _, key := range append([]string{m.Key}, m.Variants[0].Key, m.Variants[2].Key) {
				rc, err := storage.Open(ctx, key)
				if err != nil {
					t.Fatalf("stored %s: %v", key, err)
				}
				rc.Close()
			}
			res := author.get(t, "/admin/media/"+strconv.FormatInt(m.ID, 10)+"?done=uploaded")
			if res.Status != 200 || !strings.Contains(res.Body, "Image uploaded.") || !strings.Contains(res.Body, "![Fishing boats in the harbour at dawn]("+m.URL()+")") {
				t.Fatalf("edit page: %d %.500s", res.Status, res.Body)
			}
		})
		if m == nil {
			t.FailNow()
		}
		t.Run("ContributorForbidden", func(t *testing.T) {
			before, files := site.mediaCount(t), site.storedFiles(t)
			res := contributor.upload(t, "/admin/media", map[string]string{"alt": "x"}, "file", `filename="p.jpg"`, photo)
			if res.Status != http.StatusForbidden {
				t.Fatalf("upload as contributor: %d", res.Status)
			}
			if res := contributor.get(t, "/admin/media"); res.Status != http.StatusForbidden {
				t.Fatalf("library as contributor: %d", res.Status)
			}
			if site.mediaCount(t) != before || site.storedFiles(t) != files {
				t.Fatal("something was stored")
			}
			if res := author.get(t, "/admin/"); !strings.Contains(res.Body, `href="/admin/media"`) {
				t.Fatal("no Media item in the author's menu")
			}
			if res := contributor.get(t, "/admin/"); strings.Contains(res.Body, `href="/admin/media"`) {
				t.Fatal("a Media item in the contributor's menu")
			}
		})
		t.Run("EditorUpload", func(t *testing.T) {
			// The visual editor's door: JSON in both directions' answers,
			// the same roles and checks as the library's form.
			before, files := site.mediaCount(t), site.storedFiles(t)
			if res := contributor.upload(t, "/admin/media.json", map[string]string{"alt": "x"}, "file", `filename="p.jpg"`, photo); res.Status != http.StatusForbidden || !strings.Contains(res.Body, `"error"`) {
				t.Fatalf("editor upload as contributor: %d %s", res.Status, res.Body)
			}
			if res := author.upload(t, "/admin/media.json", map[string]string{"alt": "x"}, "file", `filename="notes.txt"`, []byte("not an image")); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `"error"`) {
				t.Fatalf("editor upload of text: %d %s", res.Status, res.Body)
			}
			if site.mediaCount(t) != before || site.storedFiles(t) != files {
				t.Fatal("a refused editor upload stored something")
			}
			res := author.upload(t, "/admin/media.json", map[string]string{"alt": "Nets drying on the quay", "caption": "Tuesday"}, "file", `filename="nets.jpg"`, photo)
			var got struct {
				ID  int64  `json:"id"`
				URL string `json:"url"`
				Alt string `json:"alt"`
			}
			if res.Status != http.StatusCreated || json.Unmarshal([]byte(res.Body), &got) != nil {
				t.Fatalf("editor upload: %d %s", res.Status, res.Body)
			}
			m, err := db.FindMediaByID(ctx, got.ID)
			if err != nil || m.URL() != got.URL || m.AltText != "Nets drying on the quay" || m.Caption != "Tuesday" || got.Alt != m.AltText {
				t.Fatalf("editor upload stored %+v (%v), answered %+v", m, err, got)
			}
		})
		t.Run("Refusals", func(t *testing.T) {
			big := append(mediaJPEG(t, 64, 64), make([]byte, 1<<20)...)
			bomb := mustPNGHeader(30000, 30000)
			tests := []struct {
				name, disposition string
				content           []byte
				want              string
			}{
				{"TextNamedJPEG", `filename="photo.jpg"`, []byte("just some text, honestly\n"), "not a JPEG, PNG, GIF or WebP image"},
				{"SVG", `filename="logo.svg"`, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "SVG is not accepted"},
				{"HTML", `filename="page.png"`, []byte("<!doctype html><script>alert(document.cookie)</script>"), "not a JPEG, PNG, GIF or WebP image"},
				{"TruncatedJPEG", `filename="cut.jpg"`, photo[:len(photo)/3], "damaged or incomplete"},
				{"TooLarge", `filename="big.jpg"`, big, "too large: images may be at most 1 MiB"},
				{"PixelBomb", `filename="bomb.png"`, bomb, "too many pixels"},
				{"PathTraversal", `filename="../../etc/passwd.png"`, photo, "folder path or control characters"},
				{"CRLFInName", `filename*=UTF-8''a%0D%0AContent-Type%3A%20text%2Fhtml.jpg`, photo, "folder path or control characters"},
				{"NULInName", `filename*=UTF-8''photo.php%00.jpg`, photo, "folder path or control characters"},
				{"NoFile", ``, nil, "Choose an image file"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before, files := site.mediaCount(t), site.storedFiles(t)
					field := "file"
					if tt.content == nil {
						field = ""
					}
					res := author.upload(t, "/admin/media", map[string]string{"alt": "Kept <alt>"}, field, tt.disposition, tt.content)
					if res.Status != http.StatusBadRequest {
						t.Fatalf("status %d, want 400: %.300s", res.Status, res.Body)
					}
					if !strings.Contains(res.Body, tt.want) || !strings.Contains(res.Body, "Nothing was stored") && tt.content != nil {
						t.Fatalf("message missing %q: %s", tt.want, excerptOf(res.Body, `class="error"`))
					}
					if !strings.Contains(res.Body, `action="/admin/media" enctype="multipart/form-data"`) || !strings.Contains(res.Body, `value="Kept &lt;alt&gt;"`) {
						t.Fatal("the form did not come back with what was typed")
					}
					if site.mediaCount(t) != before || site.storedFiles(t) != files {
						t.Fatal("something was stored")
					}
				})
			}
		})
		t.Run("HostileButHarmlessNameCleaned", func(t *testing.T) {
			name := "\u202Egpj.exe\"<b>;%.jpg"
			got := author.mustUploadAs(t, `filename*=UTF-8''`+url.PathEscape(name), mediaJPEG(t, 40, 30), "")
			if strings.ContainsAny(got.Filename, "\"<>") || strings.Contains(got.Filename, "\u202e") || !strings.HasSuffix(got.Filename, ".jpg") {
				t.Fatalf("kept name %q", got.Filename)
			}
			if !communique.ValidMediaKey(got.Key) || strings.Contains(got.Key, "gpj") {
				t.Fatalf("key %q is not ours", got.Key)
			}
		})
		t.Run("LibraryListsIt", func(t *testing.T) {
			res := author.get(t, "/admin/media")
			if res.Status != 200 || !strings.Contains(res.Body, `src="`+m.VariantURL(320)+`"`) || !strings.Contains(res.Body, "Harbour at dawn.jpg") ||
				!strings.Contains(res.Body, "no alt text") {
				t.Fatalf("library: %d %s", res.Status, excerptOf(res.Body, "<h2>Library"))
			}
		})
		t.Run("EditAlt", func(t *testing.T) {
			id := strconv.FormatInt(m.ID, 10)
			res := author.post(t, "/admin/media/"+id, url.Values{"alt": {"Boats at dawn"}, "caption": {"Photo: Writer"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("save: %d %.300s", res.Status, res.Body)
			}
			got, _ := db.FindMediaByID(ctx, m.ID)
			if got.AltText != "Boats at dawn" || got.Caption != "Photo: Writer" {
				t.Fatalf("after edit: %+v", got)
			}
			if res := other.post(t, "/admin/media/"+id, url.Values{"alt": {"Mine now"}}); res.Status != http.StatusForbidden {
				t.Fatalf("another author edited it: %d", res.Status)
			}
			if res := editor.post(t, "/admin/media/"+id, url.Values{"alt": {"Boats at dawn, Brittany"}, "caption": {"Photo: Writer"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("an editor could not edit it: %d", res.Status)
			}
			long := strings.Repeat("a", communique.MaxAltTextLength+1)
			if res := author.post(t, "/admin/media/"+id, url.Values{"alt": {long}}); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "too long") {
				t.Fatalf("too long alt: %d", res.Status)
			}
		})
		t.Run("PublishRequiresAlt", func(t *testing.T) {
			bare := author.mustUpload(t, "storm.jpg", mediaJPEG(t, 700, 400), "")
			form := url.Values{"type": {"post"}, "title": {"Storm warning"}, "body": {"The wind rises.\n\n![](" + bare.VariantURL(640) + ")"},
				"format": {"markdown"}, "status": {"published"}, "featured_media": {strconv.FormatInt(bare.ID, 10)}}
			res := author.post(t, "/admin/posts/new", form)
			if res.Status != http.StatusBadRequest {
				t.Fatalf("publish with an image without alt: %d", res.Status)
			}
			for _, want := range []string{"Not published", `id="featured-error"`, "featured image has no alt text", `id="body-error"`, bare.Key, "Storm warning", "The wind rises."} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("refusal page lacks %q", want)
				}
			}
			if list, n, _ := db.FindArticles(ctx, communique.ArticleFilter{}); n != 0 {
				t.Fatalf("an article was stored: %+v", list[0])
			}
			// A draft may wait for its alt text.
			form.Set("status", "draft")
			if res := author.post(t, "/admin/posts/new", form); res.Status != http.StatusSeeOther {
				t.Fatalf("draft: %d %.300s", res.Status, excerptOf(res.Body, `class="error"`))
			}
			// Alt text typed in the editor describes the chosen image.
			form.Set("status", "published")
			form.Set("featured_alt", "Waves breaking over the sea wall")
			res = author.post(t, "/admin/posts/new", form)
			if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=published") {
				t.Fatalf("publish with alt: %d %s", res.Status, excerptOf(res.Body, `class="error"`))
			}
			published := communique.StatusPublished
			list, _, _ := db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{published}})
			if len(list) != 1 || list[0].FeaturedMediaID != bare.ID {
				t.Fatalf("published = %v", list)
			}
			a := list[0]

			t.Run("PublicPage", func(t *testing.T) {
				res := site.get(t, site.publicPath(t, a))
				if res.Status != 200 {
					t.Fatalf("article page: %d", res.Status)
				}
				img := regexp.MustCompile(`<figure class="featured-image">\s*<img src="([^"]+)" srcset="([^"]+)" sizes="[^"]+" width="700" height="400" alt="([^"]+)">`).FindStringSubmatch(res.Body)
				if img == nil {
					t.Fatalf("no featured image: %s", excerptOf(res.Body, "<article"))
				}
				if img[1] != bare.URL() || img[2] != bare.URL()+"/320 320w, "+bare.URL()+"/640 640w, "+bare.URL()+" 700w" || img[3] != "Waves breaking over the sea wall" {
					t.Fatalf("img = %q", img[1:])
				}
				if !strings.Contains(res.Body, `<img src="`+bare.VariantURL(640)+`"`) {
					t.Fatal("the body's image is missing")
				}
				front := site.get(t, "/")
				if !strings.Contains(front.Body, `class="card-image"`) || !strings.Contains(front.Body, `srcset="`+bare.SrcSet()+`"`) || !strings.Contains(front.Body, `alt="Waves breaking over the sea wall"`) {
					t.Fatalf("front page has no card image: %s", excerptOf(front.Body, `class="card`))
				}
			})
			t.Run("ClearingAltRefused", func(t *testing.T) {
				res := author.post(t, "/admin/media/"+strconv.FormatInt(bare.ID, 10), url.Values{"alt": {""}})
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Storm warning") {
					t.Fatalf("clearing the alt of a published image: %d", res.Status)
				}
			})
		})
		t.Run("ServedSafely", func(t *testing.T) {
			res := site.get(t, m.URL())
			h := res.Header
			if res.Status != 200 || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") ||
				h.Get("Content-Disposition") != `inline; filename="Harbour at dawn.jpg"` ||
				!strings.Contains(h.Get("Cache-Control"), "immutable") {
				t.Fatalf("original: %d %v", res.Status, h)
			}
			if cfg, err := jpeg.DecodeConfig(strings.NewReader(res.Body)); err != nil || cfg.Width != 1200 {
				t.Fatalf("served original: %v %d", err, cfg.Width)
			}
			res = site.get(t, m.VariantURL(640))
			if res.Status != 200 || res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("Content-Disposition") != `inline; filename="Harbour at dawn-640.jpg"` {
				t.Fatalf("variant: %d %v", res.Status, res.Header)
			}
			if cfg, err := jpeg.DecodeConfig(strings.NewReader(res.Body)); err != nil || cfg.Width != 640 || cfg.Height != 427 {
				t.Fatalf("served variant: %v %+v", err, cfg)
			}
			for _, path := range []string{
				"/media/" + strings.TrimSuffix(m.Key, ".jpg") + ".png", m.VariantURL(1600), m.VariantURL(641), m.URL() + "/0640",
				"/media/..%2F..%2Fetc%2Fpasswd", "/media/%2e%2e", "/media/Harbour%20at%20dawn.jpg", "/media/" + m.Variants[0].Key,
				"/media/" + strings.ToUpper(m.Key),
			} {
				if res := site.get(t, path); res.Status != http.StatusNotFound || strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
					t.Errorf("%s: %d %s", path, res.Status, res.Header.Get("Content-Type"))
				}
			}
			req, _ := http.NewRequest(http.MethodGet, site.URL+m.URL(), nil)
			req.Header.Set("If-None-Match", res.Header.Get("ETag"))
			req.Header.Set("If-None-Match", `"`+m.Key+`"`)
			if res := site.do(t, req, ""); res.Status != http.StatusNotModified {
				t.Errorf("If-None-Match: %d", res.Status)
			}
		})
		t.Run("GPSGoneEndToEnd", func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("..", "media", "testdata", "gps.jpg"))
			if err != nil {
				t.Fatal(err)
			}
			got := author.mustUpload(t, "gps.jpg", in, "A gradient")
			for _, path := range []string{got.URL(), got.VariantURL(320)} {
				res := site.get(t, path)
				if res.Status != 200 || strings.Contains(res.Body, "Exif\x00") || strings.Contains(res.Body, "Planted") {
					t.Fatalf("%s: %d, EXIF survived", path, res.Status)
				}
			}
		})
		t.Run("Delete", func(t *testing.T) {
			a := &communique.Article{Title: "Boats", Source: "x", AuthorID: author.User.ID, Status: communique.StatusPublished, FeaturedMediaID: m.ID}
			if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
				t.Fatal(err)
			}
			id := strconv.FormatInt(m.ID, 10)
			if res := other.post(t, "/admin/media/"+id+"/delete", url.Values{}); res.Status != http.StatusForbidden {
				t.Fatalf("another author deleted it: %d", res.Status)
			}
			if res := author.post(t, "/admin/media/"+id+"/delete", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.Status)
			}
			if _, err := db.FindMediaByID(ctx, m.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Fatalf("record: %v", err)
			}
			for _, key := range []string{m.Key, m.Variants[0].Key} {
				if _, err := storage.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("file %s: %v", key, err)
				}
			}
			if res := site.get(t, m.URL()); res.Status != http.StatusNotFound {
				t.Fatalf("served after delete: %d", res.Status)
			}
			if got, _ := db.FindArticleByID(ctx, a.ID); got.FeaturedMediaID != 0 {
				t.Fatal("the article still features it")
			}
			if res := site.get(t, site.publicPath(t, a)); res.Status != 200 || strings.Contains(res.Body, "featured-image") {
				t.Fatalf("article after delete: %d", res.Status)
			}
		})
		if strings.Contains(site.Logs.String(), "level=ERROR") {
			t.Fatalf("errors logged:\n%s", site.Logs.String())
		}
	})
}

// TestEditorUploadsFeaturedImage uploads the featured image from the
// editor itself.
func TestEditorUploadsFeaturedImage(t *testing.T) {
	mediaForEachStore(t, func(t *testing.T, db *sqlstore.DB, storage media.Storage, dir string) {
		ctx := context.Background()
		site := newMediaSite(t, db, storage, dir, media.Limits{})
		author := site.signIn(t, "writer", communique.RoleAuthor)
		fields := map[string]string{"type": "post", "title": "Market day", "body": "Stalls.", "format": "markdown", "status": "published", "featured_alt": "Fruit stalls on the square"}
		res := author.upload(t, "/admin/posts/new", fields, "featured_file", `filename="market.jpg"`, mediaJPEG(t, 500, 300))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save with upload: %d %s", res.Status, excerptOf(res.Body, `class="error"`))
		}
		list, _, _ := db.FindArticles(ctx, communique.ArticleFilter{})
		if len(list) != 1 || list[0].FeaturedMediaID == 0 || list[0].Status != communique.StatusPublished {
			t.Fatalf("articles = %+v", list)
		}
		m, err := db.FindMediaByID(ctx, list[0].FeaturedMediaID)
		if err != nil || m.AltText != "Fruit stalls on the square" || m.Filename != "market.jpg" {
			t.Fatalf("featured = %+v, %v", m, err)
		}
		// The edit form shows it chosen.
		edit := author.get(t, "/admin/posts/"+strconv.FormatInt(list[0].ID, 10)+"/edit")
		if !strings.Contains(edit.Body, `<option value="`+strconv.FormatInt(m.ID, 10)+`" selected>`) || !strings.Contains(edit.Body, `enctype="multipart/form-data"`) {
			t.Fatalf("editor: %s", excerptOf(edit.Body, "Featured image"))
		}
		// A refused upload keeps the text and stores nothing.
		fields["title"] = "Second"
		res = author.upload(t, "/admin/posts/new", fields, "featured_file", `filename="notes.jpg"`, []byte("not an image"))
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "not a JPEG, PNG, GIF or WebP image") || !strings.Contains(res.Body, `value="Second"`) {
			t.Fatalf("bad upload from the editor: %d %s", res.Status, excerptOf(res.Body, `class="error"`))
		}
		if _, n, _ := db.FindArticles(ctx, communique.ArticleFilter{}); n != 1 {
			t.Fatal("an article was stored")
		}
		if n := site.mediaCount(t); n != 1 {
			t.Fatalf("%d images", n)
		}
	})
}

// TestMediaSharedBetweenNodes serves one PostgreSQL database from two
// nodes, each with its own connections and no shared disk: an image
// uploaded through one is served by the other, and deleted everywhere.
func TestMediaSharedBetweenNodes(t *testing.T) {
	place := storetest.PostgreSQL.Fresh(t)
	dbA, dbB := place.Open(t), place.Open(t)
	nodeA := newMediaSite(t, dbA, sqlstore.NewDBStorage(dbA), "", media.Limits{})
	nodeB := newMediaSite(t, dbB, sqlstore.NewDBStorage(dbB), "", media.Limits{})
	authorA := nodeA.signIn(t, "writer", communique.RoleAuthor)
	authorB := nodeB.session(t, authorA.User)

	m := authorA.mustUpload(t, "shared.jpg", mediaJPEG(t, 800, 600), "Shared between nodes")
	fromA, fromB := nodeA.get(t, m.URL()), nodeB.get(t, m.URL())
	if fromA.Status != 200 || fromB.Status != 200 || fromA.Body != fromB.Body || fromB.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("node A %d, node B %d, same bytes %v", fromA.Status, fromB.Status, fromA.Body == fromB.Body)
	}
	if res := nodeB.get(t, m.VariantURL(640)); res.Status != 200 {
		t.Fatalf("variant on node B: %d", res.Status)
	}
	if res := authorB.get(t, "/admin/media"); !strings.Contains(res.Body, "shared.jpg") {
		t.Fatal("node B's library does not list it")
	}
	if res := authorB.post(t, "/admin/media/"+strconv.FormatInt(m.ID, 10)+"/delete", url.Values{}); res.Status != http.StatusSeeOther {
		t.Fatalf("delete on node B: %d", res.Status)
	}
	if res := nodeA.get(t, m.URL()); res.Status != http.StatusNotFound {
		t.Fatalf("node A still serves it: %d", res.Status)
	}
	if res := nodeA.get(t, m.VariantURL(640)); res.Status != http.StatusNotFound {
		t.Fatalf("node A still serves the variant: %d", res.Status)
	}
}

// mustPNGHeader is the start of a PNG announcing w×h: a decompression
// bomb's header with a valid CRC.
func mustPNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := []byte{'I', 'H', 'D', 'R', byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w), byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h), 8, 6, 0, 0, 0}
	b.Write([]byte{0, 0, 0, 13})
	b.Write(ihdr)
	crc := crc32.ChecksumIEEE(ihdr)
	b.Write([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	b.Write(make([]byte, 64))
	return b.Bytes()
}

// excerptOf shows the part of a page around marker, for failure messages.
func excerptOf(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(" + marker + " not found)"
	}
	return body[i:min(len(body), i+600)]
}

// TestMediaRoles tries every media route as every role, on an image of
// another user: the library and uploads are for those who may upload
// (WordPress's upload_files: authors and up); changing or deleting
// someone else's image is for editors and administrators.
func TestMediaRoles(t *testing.T) {
	uploaders := []communique.Role{communique.RoleAdministrator, communique.RoleEditor, communique.RoleAuthor}
	managers := []communique.Role{communique.RoleAdministrator, communique.RoleEditor}
	mediaForEachStore(t, func(t *testing.T, db *sqlstore.DB, storage media.Storage, dir string) {
		site := newMediaSite(t, db, storage, dir, media.Limits{})
		owner := site.signIn(t, "owner", communique.RoleAuthor)
		for _, role := range communique.Roles {
			t.Run(string(role), func(t *testing.T) {
				u := site.signIn(t, "as"+string(role), role)
				m := owner.mustUpload(t, "owned.jpg", mediaJPEG(t, 50, 40), "Owned")
				id := strconv.FormatInt(m.ID, 10)
				tests := []struct {
					name    string
					allowed []communique.Role
					ok      int
					do      func() mediaResponse
				}{
					{"Library", uploaders, http.StatusOK, func() mediaResponse { return u.get(t, "/admin/media") }},
					{"Upload", uploaders, http.StatusSeeOther, func() mediaResponse {
						return u.upload(t, "/admin/media", map[string]string{"alt": "Mine"}, "file", `filename="mine.jpg"`, mediaJPEG(t, 30, 20))
					}},
					{"View", uploaders, http.StatusOK, func() mediaResponse { return u.get(t, "/admin/media/"+id) }},
					{"EditOthers", managers, http.StatusSeeOther, func() mediaResponse {
						return u.post(t, "/admin/media/"+id, url.Values{"alt": {"Changed"}, "caption": {""}})
					}},
					{"DeleteOthers", managers, http.StatusSeeOther, func() mediaResponse { return u.post(t, "/admin/media/"+id+"/delete", url.Values{}) }},
				}
				for _, tt := range tests {
					before := site.mediaCount(t)
					res := tt.do()
					want := http.StatusForbidden
					for _, r := range tt.allowed {
						if r == role {
							want = tt.ok
						}
					}
					if res.Status != want {
						t.Errorf("%s: status %d, want %d", tt.name, res.Status, want)
					}
					if want == http.StatusForbidden && site.mediaCount(t) != before {
						t.Errorf("%s: a refused request changed the library", tt.name)
					}
				}
				got, err := db.FindMediaByID(context.Background(), m.ID)
				isManager := role == communique.RoleAdministrator || role == communique.RoleEditor
				if isManager != (err != nil) || !isManager && got.AltText != "Owned" {
					t.Errorf("image after the %s's requests: %+v, %v", role, got, err)
				}
			})
		}
	})
}
