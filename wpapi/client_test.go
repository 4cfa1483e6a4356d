package wpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"communique"
	"communique/internal/nodetest"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
	"communique/wpapi"
)

// TestNodeClient runs a real WordPress REST client, the npm package
// wpapi, against the site and its API served on 127.0.0.1: discovery,
// listing, pagination, filters, then with an application password a new
// post and a moderated comment.
func TestNodeClient(t *testing.T) {
	t.Parallel()
	node, modules := nodetest.Modules(t, "the npm client test", "wpapi@1")
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Links point to wherever the client reached the site.
		if err := db.SetSetting(ctx, "site_url", ""); err != nil {
			t.Fatal(err)
		}
		a := serve(t, f, wpapi.Config{})
		site, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(a.Logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		site.Now = f.clock.Now
		mux := http.NewServeMux()
		mux.Handle("/wp-json/", a.Server.Handler())
		mux.Handle("/", wpapi.Discoverable(site.Handler()))
		ts := httptest.NewServer(mux)
		defer ts.Close()

		run, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(run, node, filepath.Join("testdata", "client.mjs"))
		cmd.Env = append(os.Environ(), "COMMUNIQUE_NODE_MODULES="+modules, "SITE="+ts.URL,
			"LOGIN=editor", "APP_PASSWORD="+f.Passwords["editor"],
			"CATEGORY="+strconv.FormatInt(f.Terms["news"].ID, 10), "POST="+strconv.FormatInt(f.Articles["bridge"].ID, 10),
			"COMMENT="+strconv.FormatInt(f.Comments["quinn"].ID, 10))
		stdout, err := cmd.Output()
		if err != nil {
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("node client.mjs: %v\n%s\n%s", err, stdout, stderr)
		}
		var got struct {
			Endpoint string
			List     struct {
				Count  int
				Titles []string
				Total  int
			}
			Page2 struct {
				IDs              []int64
				Total            int
				TotalPages       int
				HasPrev, HasNext bool
			}
			Page3, Category, Search, CategoryAndSearch, ByDate []int64
			Embedded                                           struct {
				Author string
				Terms  int
			}
			NotFound, DraftsAnonymously, WrongPassword struct {
				Code   string
				Status int
			}
			AnonymousComment struct {
				Status     string
				ShowsEmail bool
			}
			PublicComments bool
			Me             string
			Created        struct {
				ID         int64
				Status     string
				Title      string
				Categories []int64
				Link       string
			}
			ListedAfter           []string
			HeldBefore, HeldAfter []int64
			Moderated             struct {
				ID     int64
				Status string
				Email  string
			}
		}
		if err := json.Unmarshal(stdout, &got); err != nil {
			t.Fatalf("client output: %v\n%s", err, stdout)
		}
		id := func(keys ...string) []int64 {
			out := []int64{}
			for _, k := range keys {
				out = append(out, f.Articles[k].ID)
			}
			return out
		}
		check := func(what string, ok bool) {
			t.Helper()
			if !ok {
				t.Errorf("%s; the client saw:\n%s", what, stdout)
			}
		}
		check("discovered endpoint", got.Endpoint == ts.URL+"/wp-json/")
		check("list", got.List.Count == 5 && got.List.Total == 5 && got.List.Titles[0] == "Lighthouse restored")
		check("page 2 of 3", sameIDs(got.Page2.IDs, id("cup", "ferry")) && got.Page2.Total == 5 && got.Page2.TotalPages == 3 && got.Page2.HasPrev && got.Page2.HasNext)
		check("next page", sameIDs(got.Page3, id("bridge")))
		check("category filter", sameIDs(got.Category, id("budget", "ferry", "bridge")))
		check("search", sameIDs(got.Search, id("lighthouse", "bridge")))
		check("category and search", sameIDs(got.CategoryAndSearch, id("ferry")))
		check("date filter and order", sameIDs(got.ByDate, id("cup", "budget", "lighthouse")))
		check("embed", got.Embedded.Author == "Aria Author" && got.Embedded.Terms == 2)
		check("not found error", got.NotFound.Code == "rest_post_invalid_id" && got.NotFound.Status == 404)
		check("drafts refused", got.DraftsAnonymously.Code == "rest_forbidden_status" && got.DraftsAnonymously.Status == 401)
		check("wrong password read as anonymous", got.WrongPassword.Code == "rest_not_logged_in" && got.WrongPassword.Status == 401)
		check("anonymous comment held, email not shown", got.AnonymousComment.Status == "hold" && !got.AnonymousComment.ShowsEmail && !got.PublicComments)
		check("signed in", got.Me == "Eddie Editor")
		check("created post", got.Created.ID > 0 && got.Created.Status == "publish" && got.Created.Title == "Written with wpapi" &&
			sameIDs(got.Created.Categories, []int64{f.Terms["news"].ID}) && len(got.ListedAfter) == 1 && got.ListedAfter[0] == "Written with wpapi")
		check("held comments", len(got.HeldBefore) == 2 && len(got.HeldAfter) == 1)
		check("moderated comment", got.Moderated.ID == f.Comments["quinn"].ID && got.Moderated.Status == "approved" && got.Moderated.Email == "quinn@example.net")

		a2, err := db.FindArticleByID(ctx, got.Created.ID)
		if err != nil || a2.AuthorID != f.Users["editor"].ID || a2.Status != communique.StatusPublished {
			t.Errorf("stored post: %+v %v", a2, err)
		}
		if c, _ := db.FindCommentByID(ctx, f.Comments["quinn"].ID); c.Status != communique.CommentApproved {
			t.Errorf("stored comment status %q", c.Status)
		}
	})
}
