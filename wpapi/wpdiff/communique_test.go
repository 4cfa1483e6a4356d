package wpdiff_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
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

// seedFile is testdata/seed.json, the content both sites get.
type seedFile struct {
	Title    string `json:"title"`
	Tagline  string `json:"tagline"`
	Timezone string `json:"timezone"`
	Users    []struct {
		Login, Email, Role, Name string
	} `json:"users"`
	Terms []struct {
		Taxonomy, Name, Slug, Description, Parent string
	} `json:"terms"`
	Image struct {
		File, Title, Caption, Alt, Author string
	} `json:"image"`
	Posts []struct {
		Key, Type, Title, Slug, HTML, Status, Date, Author, Parent string
		Categories, Tags                                           []string
		Sticky, Featured                                           bool
		MenuOrder                                                  int `json:"menu_order"`
	} `json:"posts"`
	Comments []struct {
		Key, Post, Name, Email, Content, Date, Parent, User string
	} `json:"comments"`
}

func readSeed(t *testing.T) *seedFile {
	t.Helper()
	b, err := os.ReadFile("testdata/seed.json")
	mustDo(t, err)
	var s seedFile
	mustDo(t, json.Unmarshal(b, &s))
	return &s
}

// clock is the settable clock the seed dates comments with.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// site is Communiqué seeded as WordPress is, its API on 127.0.0.1.
type site struct {
	URL       string
	IDs       map[string]int64
	Passwords map[string]string
}

// seedDate reads the seed's "2006-01-02 15:04:05" (UTC).
func seedDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateTime, s)
	mustDo(t, err)
	return d
}

var seedStatus = map[string]communique.Status{"published": communique.StatusPublished, "draft": communique.StatusDraft,
	"pending": communique.StatusPending, "scheduled": communique.StatusScheduled}

// startCommunique seeds db with the seed and serves the API.
func startCommunique(t *testing.T, db *sqlstore.DB, image []byte) *site {
	t.Helper()
	ctx := context.Background()
	seed := readSeed(t)
	s := &site{IDs: map[string]int64{}, Passwords: map[string]string{}}
	for k, v := range map[string]string{"title": seed.Title, "tagline": seed.Tagline, "timezone": seed.Timezone,
		"comment_flood_seconds": "0", "comment_moderation": "false"} {
		mustDo(t, db.SetSetting(ctx, k, v))
	}
	users := map[string]*communique.User{}
	for _, u := range seed.Users {
		user := &communique.User{Login: u.Login, Email: u.Email, Role: communique.Role(u.Role), DisplayName: u.Name}
		mustDo(t, db.CreateUser(ctx, user))
		users[u.Login] = user
		plain := password.NewApplication()
		hash, err := password.Hash(password.NormalizeApplication(plain))
		mustDo(t, err)
		mustDo(t, db.CreateAppPassword(ctx, &communique.AppPassword{UserID: user.ID, Name: "differential test", Hash: hash}))
		s.IDs["user:"+u.Login], s.Passwords[u.Login] = user.ID, plain
	}
	for _, tm := range seed.Terms {
		taxonomy := communique.TaxonomyTag
		if tm.Taxonomy == "category" {
			taxonomy = communique.TaxonomyCategory
		}
		term := &communique.Term{Taxonomy: taxonomy, Name: tm.Name, Slug: tm.Slug, Description: tm.Description, ParentID: s.IDs["term:"+tm.Parent]}
		mustDo(t, db.CreateTerm(ctx, term))
		s.IDs["term:"+tm.Slug] = term.ID
	}
	storage, err := media.NewFileStorage(t.TempDir())
	mustDo(t, err)
	lib := &upload.Library{Storage: storage, Store: db}
	img, err := lib.Image(ctx, bytes.NewReader(image), seed.Image.File,
		upload.Fields{AltText: seed.Image.Alt, Caption: seed.Image.Caption, UploaderID: users[seed.Image.Author].ID})
	mustDo(t, err)
	s.IDs["media:image"] = img.ID
	articles := newsroom.New(db)
	for _, p := range seed.Posts {
		a := &communique.Article{Type: p.Type, Title: p.Title, Slug: p.Slug, Source: p.HTML, Format: communique.FormatHTML,
			AuthorID: users[p.Author].ID, Status: seedStatus[p.Status], Sticky: p.Sticky, CommentsOpen: true,
			ParentID: s.IDs["post:"+p.Parent], MenuOrder: p.MenuOrder}
		if p.Date != "" {
			a.PublishedAt = seedDate(t, p.Date)
		}
		if p.Featured {
			a.FeaturedMediaID = img.ID
		}
		var cats, tags []int64
		for _, k := range p.Categories {
			cats = append(cats, s.IDs["term:"+k])
		}
		for _, k := range p.Tags {
			tags = append(tags, s.IDs["term:"+k])
		}
		mustDo(t, articles.Create(ctx, newsroom.System, a, cats, tags))
		s.IDs["post:"+p.Key] = a.ID
	}
	clk := &clock{now: time.Now()}
	talk := discussion.New(db, avatar.New([]byte("wpdiff avatar key")), formtoken.NewSigner([]byte("wpdiff token key")))
	talk.Now = clk.Now
	values, err := db.Settings(ctx)
	mustDo(t, err)
	st := communique.ParseSettings(values)
	for _, c := range seed.Comments {
		clk.Set(seedDate(t, c.Date))
		sub := discussion.Submission{ArticleID: s.IDs["post:"+c.Post], ParentID: s.IDs["comment:"+c.Parent], Author: c.Name,
			Email: c.Email, Text: c.Content, SkipToken: true, Trusted: true, IP: "127.0.0.1", UserAgent: "wpdiff/1.0", By: users[c.User]}
		made, err := talk.Post(ctx, st, sub)
		mustDo(t, err)
		if made.Status != communique.CommentApproved {
			mustDo(t, talk.Moderate(ctx, communique.System(), made.ID, communique.CommentApproved))
		}
		s.IDs["comment:"+c.Key] = made.ID
	}
	talk.Now = time.Now

	logs := &testlog.Buffer{}
	srv, err := wpapi.New(ctx, wpapi.Config{Store: db, Discussion: talk, MediaStorage: storage,
		Logger: slog.New(slog.NewTextHandler(logs, nil)), AnonymousRate: wpapi.Rate{Burst: -1}, AccountRate: wpapi.Rate{Burst: -1}})
	mustDo(t, err)
	mux := http.NewServeMux()
	mux.Handle("/wp-json/", srv.Handler())
	// The site's pages, as far as clients need them: the Link header
	// that leads to the API, and ?rest_route=.
	mux.Handle("/", srv.WithRESTRoute(wpapi.Discoverable(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("The Harbour Times"))
	}))))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the API's log:\n%s", tail(logs.String(), 4000))
		}
	})
	s.URL = ts.URL
	return s
}
