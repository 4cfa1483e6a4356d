package wpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/internal/testlog"
	"communique/media"
	"communique/newsroom"
	"communique/password"
	"communique/sqlstore"
	"communique/upload"
	"communique/wpapi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the clock of the store, the discussion and the API.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the store and the API.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fixture is a small newsroom: one user per role, terms, articles in
// every status, pages, comments in every status and an image.
type fixture struct {
	db    *sqlstore.DB
	talk  *discussion.Service
	clock *clock
	// Users and their application passwords, by login.
	Users     map[string]*communique.User
	Passwords map[string]string
	Terms     map[string]*communique.Term
	Articles  map[string]*communique.Article
	Comments  map[string]*communique.Comment
	Image     *communique.Media
	Storage   media.Storage
}

var fixtureUsers = []struct {
	login, name string
	role        communique.Role
}{
	{"admin", "Ada Admin", communique.RoleAdministrator},
	{"editor", "Eddie Editor", communique.RoleEditor},
	{"author", "Aria Author", communique.RoleAuthor},
	{"author2", "Otto Other", communique.RoleAuthor},
	{"contrib", "Cora Contributor", communique.RoleContributor},
	{"reader", "Sam Subscriber", communique.RoleSubscriber},
}

type appPassword struct{ plain, hash string }

var (
	appPasswordsOnce sync.Once
	appPasswordList  []appPassword
)

// appPasswords are the fixture users' application passwords, hashed once
// for every test: argon2 is slow on purpose.
func appPasswords(t *testing.T) []appPassword {
	appPasswordsOnce.Do(func() {
		for range fixtureUsers {
			plain := password.NewApplication()
			hash, err := password.Hash(password.NormalizeApplication(plain))
			if err != nil {
				panic(err)
			}
			appPasswordList = append(appPasswordList, appPassword{plain, hash})
		}
	})
	return appPasswordList
}

// newFixture fills db. The same steps on either store give the same ids
// and dates, so both stores answer with the same golden files.
func newFixture(t *testing.T, db *sqlstore.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)}
	db.Now = clk.Now
	f := &fixture{db: db, clock: clk, Users: map[string]*communique.User{}, Passwords: map[string]string{},
		Terms: map[string]*communique.Term{}, Articles: map[string]*communique.Article{}, Comments: map[string]*communique.Comment{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range map[string]string{"title": "The Harbour Times", "tagline": "News from the quay", "site_url": "https://news.example.com",
		"timezone": "Europe/Paris", "comment_flood_seconds": "0"} {
		must(db.SetSetting(ctx, k, v))
	}
	for i, u := range fixtureUsers {
		user := &communique.User{Login: u.login, Email: u.login + "@example.com", Role: u.role, DisplayName: u.name}
		must(db.CreateUser(ctx, user))
		f.Users[u.login] = user
		p := appPasswords(t)[i]
		must(db.CreateAppPassword(ctx, &communique.AppPassword{UserID: user.ID, Name: "tests", Hash: p.hash}))
		f.Passwords[u.login] = p.plain
	}
	term := func(key, taxonomy, name string, parent int64) {
		tm := &communique.Term{Taxonomy: taxonomy, Name: name, ParentID: parent, Description: name + " coverage"}
		must(db.CreateTerm(ctx, tm))
		f.Terms[key] = tm
	}
	term("news", communique.TaxonomyCategory, "News", 0)
	term("sport", communique.TaxonomyCategory, "Sport", 0)
	term("football", communique.TaxonomyCategory, "Football", f.Terms["sport"].ID)
	term("harbour", communique.TaxonomyTag, "Harbour", 0)
	term("ferries", communique.TaxonomyTag, "Ferries", 0)

	dir := t.TempDir()
	storage, err := media.NewFileStorage(dir)
	must(err)
	f.Storage = storage
	lib := &upload.Library{Storage: storage, Store: db}
	f.Image, err = lib.Image(ctx, bytes.NewReader(testPNG(t, 40, 30)), "lighthouse.png",
		upload.Fields{AltText: "The lighthouse at dusk", Caption: "Restored in May", UploaderID: f.Users["author"].ID})
	must(err)

	type spec struct {
		key, title, body, author string
		typ                      string
		status                   communique.Status
		when                     time.Time
		cats, tags               []string
		sticky                   bool
		parent                   string
		featured                 bool
	}
	day := func(d int) time.Time { return time.Date(2026, 5, d, 9, 30, 0, 0, time.UTC) }
	specs := []spec{
		{key: "bridge", title: "Harbour bridge reopens", body: "The **bridge** is open again.", author: "author", status: communique.StatusPublished, when: day(20), cats: []string{"news"}, tags: []string{"harbour"}},
		{key: "ferry", title: "Ferry timetable changes", body: "Boats leave at *nine*.", author: "author2", status: communique.StatusPublished, when: day(21), cats: []string{"news"}, tags: []string{"ferries", "harbour"}},
		{key: "cup", title: "Cup final tonight", body: "Kick-off at eight.", author: "author", status: communique.StatusPublished, when: day(22), cats: []string{"football"}},
		{key: "budget", title: "Budget vote delayed", body: "The council waits.", author: "editor", status: communique.StatusPublished, when: day(23), cats: []string{"news"}, sticky: true},
		{key: "lighthouse", title: "Lighthouse restored", body: "A new lamp for the harbour.", author: "author", status: communique.StatusPublished, when: day(24), featured: true},
		{key: "draft", title: "Council notes", body: "Not yet.", author: "author", status: communique.StatusDraft, when: day(25)},
		{key: "pitch", title: "A new marina", body: "Pitch.", author: "contrib", status: communique.StatusPending, when: day(26)},
		{key: "contribdraft", title: "Contributor draft", body: "Rough.", author: "contrib", status: communique.StatusDraft, when: day(27)},
		{key: "regatta", title: "Regatta tomorrow", body: "Sails up.", author: "editor", status: communique.StatusScheduled, when: time.Date(2026, 6, 2, 7, 0, 0, 0, time.UTC)},
		{key: "about", title: "About us", body: "A paper by the sea.", author: "editor", typ: communique.TypePage, status: communique.StatusPublished, when: day(2)},
		{key: "team", title: "Team", body: "Who we are.", author: "editor", typ: communique.TypePage, status: communique.StatusPublished, when: day(3), parent: "about"},
		{key: "rumour", title: "Old rumour", body: "Gone.", author: "author2", status: communique.StatusTrash, when: day(4)},
	}
	for _, sp := range specs {
		clk.Set(sp.when.Add(time.Hour))
		if sp.status == communique.StatusScheduled {
			clk.Set(day(28))
		}
		a := &communique.Article{Type: sp.typ, Title: sp.title, Source: sp.body, AuthorID: f.Users[sp.author].ID, Status: sp.status,
			Sticky: sp.sticky, CommentsOpen: true}
		if sp.status == communique.StatusPublished || sp.status == communique.StatusScheduled {
			a.PublishedAt = sp.when
		}
		if sp.parent != "" {
			a.ParentID = f.Articles[sp.parent].ID
		}
		if sp.featured {
			a.FeaturedMediaID = f.Image.ID
		}
		var cats, tags []int64
		for _, k := range sp.cats {
			cats = append(cats, f.Terms[k].ID)
		}
		for _, k := range sp.tags {
			tags = append(tags, f.Terms[k].ID)
		}
		must(newsroom.New(db).Create(ctx, newsroom.System, a, cats, tags))
		f.Articles[sp.key] = a
	}

	f.talk = discussion.New(db, avatar.New([]byte("test avatar key")), formtoken.NewSigner([]byte("test token key")))
	f.talk.Now = clk.Now
	clk.Set(time.Date(2026, 5, 30, 18, 0, 0, 0, time.UTC))
	st := f.settings(t)
	comment := func(key, article, parent, name, email, text string, status communique.CommentStatus) {
		t.Helper()
		clk.Add(10 * time.Minute)
		sub := discussion.Submission{ArticleID: f.Articles[article].ID, Author: name, Email: email, Text: text, SkipToken: true,
			IP: "192.0.2.10", UserAgent: "Fixture/1.0"}
		if parent != "" {
			sub.ParentID = f.Comments[parent].ID
		}
		c, err := f.talk.Post(ctx, st, sub)
		must(err)
		if c.Status != status {
			must(f.talk.Moderate(ctx, communique.System(), c.ID, status))
		}
		c, err = db.FindCommentByID(ctx, c.ID)
		must(err)
		f.Comments[key] = c
	}
	comment("walker", "bridge", "", "Walker", "walker@example.net", "Lovely news, at last.", communique.CommentApproved)
	comment("rita", "bridge", "walker", "Rita", "rita@example.net", "Agreed!", communique.CommentApproved)
	comment("quinn", "bridge", "", "Quinn", "quinn@example.net", "Is the toll back?", communique.CommentPending)
	comment("spam", "bridge", "", "Cheap Pills", "pills@example.org", "Buy now", communique.CommentSpam)
	comment("ferry", "ferry", "", "Walker", "walker@example.net", "Nine is early.", communique.CommentApproved)
	clk.Set(fixedNow)
	return f
}

func (f *fixture) settings(t *testing.T) *communique.Settings {
	t.Helper()
	values, err := f.db.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return communique.ParseSettings(values)
}

// testPNG is a small image.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// logBuffer collects the API's log.
type logBuffer = testlog.Buffer

// api is a running API on 127.0.0.1.
type api struct {
	URL    string
	Server *wpapi.Server
	Logs   *logBuffer
	f      *fixture
}

// serve builds the API on the fixture's store, with cfg's extras.
func serve(t *testing.T, f *fixture, cfg wpapi.Config) *api {
	t.Helper()
	logs := &logBuffer{}
	cfg.Store, cfg.Discussion, cfg.MediaStorage = f.db, f.talk, f.Storage
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := wpapi.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = f.clock.Now
	mux := http.NewServeMux()
	mux.Handle("/wp-json/", srv.Handler())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("the API logged an error:\n%s", logs.String())
		}
	})
	return &api{URL: ts.URL, Server: srv, Logs: logs, f: f}
}

// response is what a request returned.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body.
func (r response) JSON(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.Body)
	}
	return v
}

// do sends a request as login (by its application password), or
// anonymously for "".
func (a *api) do(t *testing.T, method, path, login string, body any, header http.Header) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
		if header == nil {
			header = http.Header{}
		}
		if header.Get("Content-Type") == "" {
			header.Set("Content-Type", "application/json")
		}
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if login != "" {
		pw, ok := a.f.Passwords[login]
		if !ok {
			pw = "wrong wrong wrong wrong wrong wron"
		}
		req.SetBasicAuth(login, pw)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// wantError checks an error answer's status, code and shape.
func wantError(t *testing.T, res response, status int, code string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status = %d, want %d\n%s", res.Status, status, res.Body)
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Data    struct {
			Status int `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
		t.Fatalf("error body is not JSON: %v\n%s", err, res.Body)
	}
	if e.Code != code || e.Data.Status != status || e.Message == "" {
		t.Fatalf("error = %s, want code %q with data.status %d and a message", res.Body, code, status)
	}
}

// Golden files hold answers with what differs between runs replaced:
// media keys are random.
var mediaKey = regexp.MustCompile(`[0-9a-f]{32}(-\d+)?\.(jpg|png|gif|webp)`)

// golden compares an answer with testdata/name.json, pretty-printed;
// -update rewrites the file.
func golden(t *testing.T, name, body string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", name, err, body)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
	got := mediaKey.ReplaceAllString(b.String(), "MEDIAKEY.$2")
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test ./wpapi -update to write it)", name, err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run go test ./wpapi -update after checking):\n%s", name, path, diffLines(string(want), got))
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}
