package activitypub_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"communique"
	"communique/activitypub"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/internal/testlog"
	"communique/newsroom"
	"communique/notify"
	"communique/outbound"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// site is Communiqué on loopback with federation on: the public site,
// the article service, the outbox worker and the inbox worker.
type site struct {
	db       *sqlstore.DB
	srv      *httptest.Server
	web      *web.Server
	fed      *activitypub.Service
	articles *newsroom.Service
	worker   *notify.Worker
	author   *communique.User
	tag      *communique.Term
	talk     *discussion.Service
}

func newSite(t testing.TB, db *sqlstore.DB) *site {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(&testlog.Buffer{}, nil))
	s := &site{db: db}
	s.fed = activitypub.New(db, logger)
	// The peer is on loopback: allowed for the test only.
	s.fed.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: true, MaxRedirects: 3})
	s.talk = discussion.New(db, avatar.New([]byte("avatar-key")), formtoken.NewSigner([]byte("form-key")))
	s.fed.Discussion = s.talk
	s.talk.Federate = s.fed
	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger, Federation: s.fed, PageCacheBytes: 1 << 20, Discussion: s.talk})
	if err != nil {
		t.Fatal(err)
	}
	s.web = srv
	s.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(s.srv.Close)
	for _, kv := range [][2]string{{"site_url", s.srv.URL}, {"title", "The Harbour Times"}, {"federation_enabled", "true"}} {
		if err := db.SetSetting(ctx, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	s.worker = notify.NewWorker(db, nil, logger)
	s.worker.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: true})
	s.worker.ActivityPub = s.fed
	s.articles = newsroom.New(db)
	s.articles.Federator = s.fed
	s.articles.Invalidator = srv
	s.author = storetest.MustCreateUser(t, db, "ada", communique.RoleAuthor)
	s.tag = &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Harbour Ice", Slug: "harbour-ice"}
	if err := db.CreateTerm(ctx, s.tag); err != nil {
		t.Fatal(err)
	}
	return s
}

// publish creates a published article by the author.
func (s *site) publish(t testing.TB, title string) *communique.Article {
	t.Helper()
	a := &communique.Article{Title: title, Source: "The harbour froze overnight.", Format: communique.FormatMarkdown,
		AuthorID: s.author.ID, Status: communique.StatusPublished, CommentsOpen: true, Type: communique.TypePost}
	if err := s.articles.Create(context.Background(), newsroom.System, a, nil, []int64{s.tag.ID}); err != nil {
		t.Fatal(err)
	}
	return a
}

// deliver runs the outbox worker until nothing is due.
func (s *site) deliver(t *testing.T) {
	t.Helper()
	for range 10 {
		n, err := s.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// get fetches url with an Accept header and returns the answer and body.
func get(t *testing.T, url, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return m
}

const as2 = "application/activity+json"

func TestDiscovery(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		a := s.publish(t, "Harbour freezes")
		host := strings.TrimPrefix(s.srv.URL, "http://")

		tests := []struct {
			name, path, accept string
			status             int
			want               []string
		}{
			{"WebFingerSite", "/.well-known/webfinger?resource=acct:news@" + host, "", 200, []string{`"subject":"acct:news@` + host, `"href":"` + s.srv.URL + `/"`}},
			{"WebFingerAuthor", "/.well-known/webfinger?resource=acct:ada@" + host, "", 200, []string{`"href":"` + s.srv.URL + `/author/ada/"`, `"rel":"self"`}},
			{"WebFingerByURL", "/.well-known/webfinger?resource=" + s.srv.URL + "/author/ada/", "", 200, []string{`"subject":"acct:ada@` + host}},
			{"WebFingerOtherHost", "/.well-known/webfinger?resource=acct:ada@elsewhere.example", "", 404, nil},
			{"WebFingerUnknown", "/.well-known/webfinger?resource=acct:nobody@" + host, "", 404, nil},
			{"WebFingerBad", "/.well-known/webfinger?resource=mailto:ada@" + host, "", 400, nil},
			{"WebFingerMissing", "/.well-known/webfinger", "", 400, nil},
			{"NodeInfoLinks", "/.well-known/nodeinfo", "", 200, []string{`"href":"` + s.srv.URL + `/nodeinfo/2.1"`}},
			{"NodeInfo", "/nodeinfo/2.1", "", 200, []string{`"version":"2.1"`, `"protocols":["activitypub"]`, `"localPosts":1`, `"nodeName":"The Harbour Times"`}},
			{"HostMeta", "/.well-known/host-meta", "", 200, []string{`template="` + s.srv.URL + `/.well-known/webfinger?resource={uri}"`}},
			{"SiteActor", "/", as2, 200, []string{`"type":"Service"`, `"preferredUsername":"news"`, `"publicKeyPem":"-----BEGIN PUBLIC KEY`, `"sharedInbox":"` + s.srv.URL + `/activitypub/inbox"`, `"discoverable":true`}},
			{"AuthorActorLD", "/author/ada/", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, 200, []string{`"type":"Person"`, `"name":"Ada"`, `"id":"` + s.srv.URL + `/author/ada/"`}},
			{"Article", communique.ArticlePath(a, communique.ParseSettings(nil), nil), as2, 200, []string{`"type":"Article"`, `"name":"Harbour freezes"`, `"name":"#HarbourIce"`, `"attributedTo":"` + s.srv.URL + `/author/ada/"`, `froze overnight`}},
			{"Followers", "/activitypub/actors/ada/followers", "", 200, []string{`"type":"OrderedCollection"`, `"totalItems":0`}},
			{"UnknownAuthor", "/author/nobody/", as2, 404, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, body := get(t, s.srv.URL+tt.path, tt.accept)
				if res.StatusCode != tt.status {
					t.Fatalf("status = %d, want %d\n%s", res.StatusCode, tt.status, body)
				}
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("answer lacks %s\n%s", w, body)
					}
				}
			})
		}

		// The page cache keeps HTML and ActivityStreams apart: a page
		// cached for a browser is not what a server asking for AS2 gets,
		// and the other way round.
		t.Run("CacheKeepsThemApart", func(t *testing.T) {
			path := s.srv.URL + communique.ArticlePath(a, communique.ParseSettings(nil), nil)
			for range 2 {
				res, body := get(t, path, "text/html")
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<html") {
					t.Fatalf("browser got %s", res.Header.Get("Content-Type"))
				}
				if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept") {
					t.Errorf("Vary = %q, want Accept among them", res.Header.Values("Vary"))
				}
				res, body = get(t, path, as2)
				if res.Header.Get("Content-Type") != as2 || decode(t, body)["type"] != "Article" {
					t.Fatalf("server got %s: %.200s", res.Header.Get("Content-Type"), body)
				}
			}
		})

		t.Run("OffByDefault", func(t *testing.T) {
			if err := db.SetSetting(context.Background(), "federation_enabled", "false"); err != nil {
				t.Fatal(err)
			}
			defer db.SetSetting(context.Background(), "federation_enabled", "true")
			if res, _ := get(t, s.srv.URL+"/.well-known/webfinger?resource=acct:ada@"+host, ""); res.StatusCode != 404 {
				t.Errorf("webfinger with federation off = %d", res.StatusCode)
			}
			if res, _ := get(t, s.srv.URL+"/author/ada/", as2); !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("author page with federation off = %s", res.Header.Get("Content-Type"))
			}
		})
	})
}
