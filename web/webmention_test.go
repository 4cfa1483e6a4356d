package web_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
	"communique/webmention"
)

// postMention sends a Webmention to s's endpoint.
func postMention(t *testing.T, s *site, source, target string) response {
	t.Helper()
	body := url.Values{"source": {source}, "target": {target}}.Encode()
	return s.Do(t, http.MethodPost, "/webmention", strings.NewReader(body), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// awaitMention waits for the background verification of the mention at
// status (a Location) and returns the stored mention.
func awaitMention(t *testing.T, db *sqlstore.DB, location string) *communique.Webmention {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, "/webmention/"), 10, 64)
	if err != nil {
		t.Fatalf("Location %q: %v", location, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, _, err := db.FindWebmentions(context.Background(), communique.WebmentionFilter{ID: &id})
		if err != nil || len(list) != 1 {
			t.Fatalf("mention %d: %v, %v", id, list, err)
		}
		if list[0].Status != communique.WebmentionVerifying {
			return list[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("mention %d still verifying", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWebmention runs two sites on loopback: the blog (always SQLite)
// publishes an article linking to the newsroom's midnight story and sends
// a Webmention; the newsroom (each store) verifies it, holds it, and
// shows it once approved.
func TestWebmention(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		loopback := func(srv *web.Server) { srv.Webmention = webmention.NewClient(true) }
		newNewsroom(t, db)
		news, _ := MustServeServer(t, db, loopback)
		target := news.URL + "/2026/03/14/midnight-story/"

		blogDB := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
		blog, blogSrv := MustServeServer(t, blogDB, loopback)
		MustSet(t, blogDB, "site_url", blog.URL)
		grace := storetest.MustCreateUser(t, blogDB, "grace", communique.RoleAuthor)
		reply := MustCreate(t, blogDB, &communique.Article{Title: "Ice everywhere", AuthorID: grace.ID, Status: communique.StatusPublished,
			PublishedAt: fixedNow.Add(-time.Hour), Source: "As [the Communiqué reports](" + target + "), the harbour froze. See also [our archive](/2026/)."}, nil, nil)
		quiet := MustCreate(t, blogDB, &communique.Article{Title: "Unrelated", AuthorID: grace.ID, Status: communique.StatusPublished,
			PublishedAt: fixedNow.Add(-2 * time.Hour), Source: "Nothing about harbours."}, nil, nil)
		replyURL := blog.URL + "/2026/06/01/" + reply.Slug + "/"
		quietURL := blog.URL + "/2026/06/01/" + quiet.Slug + "/"

		t.Run("Advertised", func(t *testing.T) {
			res := news.Get(t, "/2026/03/14/midnight-story/")
			if !strings.Contains(res.Header.Get("Link"), `</webmention>; rel="webmention"`) {
				t.Errorf("Link header = %q", res.Header.Values("Link"))
			}
			if !strings.Contains(res.Body, `<link rel="webmention" href="`+news.URL+`/webmention">`) {
				t.Error("no <link rel=webmention> in the page")
			}
		})

		t.Run("SentVerifiedHeldApproved", func(t *testing.T) {
			n, err := blogSrv.SendRecentWebmentions(ctx)
			if err != nil || n != 1 {
				t.Fatalf("sent %d, %v; want 1 (the blog's own archive link is not notified)", n, err)
			}
			list, _, _ := db.FindWebmentions(ctx, communique.WebmentionFilter{})
			if len(list) != 1 || list[0].Source != replyURL || list[0].Target != target {
				t.Fatalf("received %+v", list)
			}
			m := awaitMention(t, db, "/webmention/"+mentionID(list[0].ID))
			if m.Status != communique.WebmentionPending || !strings.HasPrefix(m.Title, "Ice everywhere") || !strings.Contains(m.Excerpt, "the harbour froze") {
				t.Fatalf("verified = %+v", m)
			}
			if body := news.Get(t, "/2026/03/14/midnight-story/").Body; strings.Contains(body, "Ice everywhere") {
				t.Error("a held mention shows before approval")
			}
			if res := news.Get(t, "/webmention/"+mentionID(m.ID)); !strings.Contains(res.Body, "pending") {
				t.Errorf("status page = %q", res.Body)
			}
			if err := db.SetWebmentionStatus(ctx, m.ID, communique.WebmentionApproved); err != nil {
				t.Fatal(err)
			}
			body := news.Get(t, "/2026/03/14/midnight-story/").Body
			for _, want := range []string{`id="mentions"`, "1 mention elsewhere", `<a href="` + replyURL + `" rel="nofollow ugc external" dir="auto">Ice everywhere`} {
				if !strings.Contains(body, want) {
					t.Errorf("article page lacks %s", want)
				}
			}
			// Sent once: the next round has nothing to send.
			if n, err := blogSrv.SendRecentWebmentions(ctx); err != nil || n != 0 {
				t.Errorf("second round sent %d, %v", n, err)
			}
		})

		t.Run("RefusedAfterVerification", func(t *testing.T) {
			closed := func() string {
				ln, _ := net.Listen("tcp", "127.0.0.1:0")
				addr := ln.Addr().String()
				ln.Close()
				return "http://" + addr + "/post/"
			}()
			for _, tc := range []struct{ name, source, reason string }{
				{"NoLink", quietURL, "does not link to the target"},
				{"Unreachable", closed, "could not be fetched"},
				{"NotHTML", blog.URL + "/feed/json/", "not an HTML page"},
				{"NotFound", blog.URL + "/no-such-post/", "could not be fetched"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					res := postMention(t, news, tc.source, target)
					if res.Status != http.StatusCreated || !strings.HasPrefix(res.Header.Get("Location"), "/webmention/") {
						t.Fatalf("POST = %d %q", res.Status, res.Body)
					}
					m := awaitMention(t, db, res.Header.Get("Location"))
					if m.Status != communique.WebmentionRefused || !strings.Contains(m.Refusal, tc.reason) {
						t.Errorf("mention = %s %q, want refused: %s", m.Status, m.Refusal, tc.reason)
					}
					if st := news.Get(t, res.Header.Get("Location")); !strings.Contains(st.Body, "refused: ") || !strings.Contains(st.Body, tc.reason) {
						t.Errorf("status page = %q", st.Body)
					}
					wantCodeErr(t, db.SetWebmentionStatus(ctx, m.ID, communique.WebmentionApproved))
				})
			}
		})

		t.Run("RefusedAtOnce", func(t *testing.T) {
			for _, tc := range []struct{ name, source, target, want string }{
				{"NoSource", "", target, "Both source and target are required."},
				{"NotWeb", "ftp://blog.example/x", target, "absolute http or https"},
				{"Relative", "/x", target, "absolute http or https"},
				{"OtherSite", replyURL, "https://elsewhere.example/story/", "not on this site"},
				{"NotAnArticle", replyURL, news.URL + "/category/news/", "not an article"},
				{"Draft", replyURL, news.URL + "/2026/06/01/draft-story/", "not an article"},
				{"CommentsClosed", replyURL, news.URL + "/2026/01/10/old-story/", "does not take comments"},
				{"SamePage", target, target, "the same page"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					res := postMention(t, news, tc.source, tc.target)
					if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, tc.want) {
						t.Errorf("POST = %d %q, want 400 %q", res.Status, res.Body, tc.want)
					}
				})
			}
			if res := news.Get(t, "/webmention/999999"); res.Status != http.StatusNotFound {
				t.Errorf("unknown status page = %d", res.Status)
			}
			if res := news.Get(t, "/webmention/abc"); res.Status != http.StatusNotFound {
				t.Errorf("bad status page = %d", res.Status)
			}
		})

		t.Run("PublicClientRefusesLoopback", func(t *testing.T) {
			// The default client will not fetch private addresses, so a
			// stranger cannot make the site probe its own network.
			strict, _ := MustServeServer(t, db, nil)
			res := postMention(t, strict, replyURL, strict.URL+"/2026/03/14/midnight-story/")
			if res.Status != http.StatusCreated {
				t.Fatalf("POST = %d", res.Status)
			}
			if m := awaitMention(t, db, res.Header.Get("Location")); m.Status != communique.WebmentionRefused {
				t.Errorf("loopback source with the default client: %+v", m)
			}
		})
	}, atFixedNow)
}

func mentionID(n int64) string { return strconv.FormatInt(n, 10) }

// wantCodeErr checks that moderating a refused mention is refused.
func wantCodeErr(t *testing.T, err error) {
	t.Helper()
	if communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("approving a refused mention: %v, want EINVALID", err)
	}
}
