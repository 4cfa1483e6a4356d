package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"communique/internal/pgtest"
)

// outcome is one request of the load.
type outcome struct {
	path        string
	cached      bool // a page the node had in its cache before the outage
	start, end  time.Time
	status      int
	contentType string
	retryAfter  string
	xcache      string
	err         error
	commentID   int64 // an acknowledged comment
	commentPost bool
}

// TestPostgresRestartUnderLoad restarts a node's PostgreSQL during a
// bounded read load: while it is down, pages the node must read answer
// 503 with Retry-After (quickly: no request hangs), cached pages still
// answer 200, and nothing answers 500; once it is back, the node recovers
// by itself, and every comment it acknowledged before the stop is there.
func TestPostgresRestartUnderLoad(t *testing.T) {
	pg := pgtest.Start(t, pgtest.Options{})
	dsn := pg.DSN("postgres")
	store := []string{"--db", dsn, "--data", t.TempDir()}
	if r := run(t, nil, "correct horse battery\n", append([]string{"user", "create", "--login", "reporter", "--email", "reporter@example.com", "--role", "author", "--password-stdin"}, store...)...); r.err != nil {
		t.Fatalf("user create: %v", r.err)
	}
	var paths []string
	for _, title := range []string{"Kept in the cache", "Also kept", "Discussed"} {
		r := run(t, nil, "Body of "+title+".\n", append([]string{"post", "create", "--title", title, "--author", "reporter"}, store...)...)
		if r.err != nil {
			t.Fatalf("post create: %v\n%s", r.err, r.stderr)
		}
		paths = append(paths, strings.TrimSpace(r.stdout))
	}
	for k, v := range map[string]string{"comment_flood_seconds": "0", "comment_min_seconds": "0"} {
		mustCLI(t, store, "settings", "set", k, v)
	}
	srv := startServe(t, nil, store...)
	client := &http.Client{Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// Two article pages go into the cache; comments go to the third.
	cachedPaths := paths[:2]
	for _, p := range cachedPaths {
		for range 2 {
			if res := fetch(client, srv.URL, p, false); res.status != 200 {
				t.Fatalf("GET %s = %d", p, res.status)
			}
		}
		if res := fetch(client, srv.URL, p, true); res.xcache != "HIT" {
			t.Fatalf("GET %s was not cached (X-Cache %q)", p, res.xcache)
		}
	}
	_, page := get(t, srv.URL, paths[2])
	postID, token := postIDField.FindStringSubmatch(page), tokenField.FindStringSubmatch(page)
	if postID == nil || token == nil {
		t.Fatalf("GET %s: no reply form", paths[2])
	}

	// The load: four readers (cached pages, a search the node must ask
	// the store for, the discussed article, the REST API) and one
	// commenter, each pausing a little: a few hundred requests in all.
	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	record := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	reader := func(pick func(i int) (string, bool)) {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(25 * time.Millisecond):
			}
			p, cached := pick(i)
			record(fetch(client, srv.URL, p, cached))
		}
	}
	wg.Add(5)
	go reader(func(i int) (string, bool) { return cachedPaths[i%2], true })
	go reader(func(i int) (string, bool) { return "/wp-json/wp/v2/posts?per_page=" + strconv.Itoa(1+i%5), false })
	go reader(func(i int) (string, bool) { return "/search?q=kept&n=" + strconv.Itoa(i%7), false })
	go reader(func(i int) (string, bool) { return paths[2], false })
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(60 * time.Millisecond):
			}
			form := url.Values{"comment_post_ID": {postID[1]}, "comment_token": {token[1]}, "comment_parent": {"0"},
				"author": {"Reader"}, "email": {"reader@example.com"}, "comment": {fmt.Sprintf("Comment number %d of the load.", i)}}
			o := outcome{path: "/comments", commentPost: true, start: time.Now()}
			res, err := client.PostForm(srv.URL+"/comments", form)
			o.end, o.err = time.Now(), err
			if err == nil {
				o.status, o.retryAfter = res.StatusCode, res.Header.Get("Retry-After")
				if m := commentLoc.FindStringSubmatch(res.Header.Get("Location")); res.StatusCode == http.StatusSeeOther && m != nil {
					o.commentID, _ = strconv.ParseInt(m[1], 10, 64)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			record(o)
		}
	}()

	time.Sleep(time.Second)
	pg.Stop()
	stopped := time.Now()
	time.Sleep(time.Second)
	if res := fetch(client, srv.URL, "/readyz", false); res.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while PostgreSQL is down = %d, want 503", res.status)
	}
	if res := fetch(client, srv.URL, "/healthz", false); res.status != http.StatusOK {
		t.Errorf("/healthz while PostgreSQL is down = %d, want 200 (the process is alive)", res.status)
	}
	time.Sleep(2 * time.Second)
	restarting := time.Now()
	pg.Start()

	// Recovery: the node answers the store's pages again by itself.
	recovered := time.Time{}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if fetch(client, srv.URL, "/readyz", false).status == 200 && fetch(client, srv.URL, "/search?q=kept", false).status == 200 {
			recovered = time.Now()
			break
		}
	}
	if recovered.IsZero() {
		t.Fatalf("the node did not recover within 15s of PostgreSQL's return\n%s", srv.stderr.String())
	}
	t.Logf("PostgreSQL down %.1fs; node recovered %.2fs after it was back", restarting.Sub(stopped).Seconds(), time.Since(restarting).Seconds()-time.Since(recovered).Seconds())
	time.Sleep(time.Second) // load after recovery
	close(stop)
	wg.Wait()

	var acked []int64
	var during, duringCached, unavailable, after int
	for _, o := range outcomes {
		if o.err != nil {
			t.Errorf("%s: %v", o.path, o.err)
			continue
		}
		if took := o.end.Sub(o.start); took > storeReadTimeout+2*time.Second {
			t.Errorf("%s took %v: a request hung", o.path, took)
		}
		if o.status >= 500 && o.status != http.StatusServiceUnavailable {
			t.Errorf("%s at %s = %d, want no 5xx but 503", o.path, o.start.Sub(stopped), o.status)
		}
		if o.status == http.StatusServiceUnavailable {
			unavailable++
			if o.retryAfter != "5" {
				t.Errorf("%s = 503 with Retry-After %q, want 5", o.path, o.retryAfter)
			}
			if strings.HasPrefix(o.path, "/wp-json/") != strings.HasPrefix(o.contentType, "application/json") {
				t.Errorf("%s = 503 as %q", o.path, o.contentType)
			}
		}
		if o.commentID > 0 {
			acked = append(acked, o.commentID)
		}
		switch {
		case o.start.After(stopped) && o.end.Before(restarting):
			during++
			if o.cached {
				duringCached++
				if o.status != http.StatusOK || o.xcache != "HIT" {
					t.Errorf("cached page %s during the outage = %d (X-Cache %q), want 200 from the cache", o.path, o.status, o.xcache)
				}
			} else if o.status != http.StatusServiceUnavailable && !(o.status == http.StatusOK && o.xcache == "HIT") {
				// The discussed article may be in the cache too, if it was
				// rendered after the last comment before the stop.
				t.Errorf("%s %s during the outage = %d (X-Cache %q), want 503 or a page from the cache", map[bool]string{true: "POST", false: "GET"}[o.commentPost], o.path, o.status, o.xcache)
			}
		case o.start.After(recovered):
			after++
			if want := map[bool]int{true: http.StatusSeeOther, false: http.StatusOK}[o.commentPost]; o.status != want {
				t.Errorf("%s after recovery = %d, want %d", o.path, o.status, want)
			}
		}
	}
	t.Logf("%d requests: %d during the outage (%d of cached pages), %d answered 503, %d after recovery; %d comments acknowledged",
		len(outcomes), during, duringCached, unavailable, after, len(acked))
	if during < 20 || duringCached < 5 || after < 5 || unavailable == 0 || len(acked) < 5 {
		t.Errorf("the load was too thin to judge")
	}

	// No lost writes: every acknowledged comment is in the database.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id FROM comments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var stored []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		stored = append(stored, id)
	}
	for _, id := range acked {
		if !slices.Contains(stored, id) {
			t.Errorf("comment %d was acknowledged but is not in the database", id)
		}
	}

	// The outage shows in the metrics.
	_, metricsText := get(t, srv.URL, "/metrics")
	for _, want := range []string{`status="503"`, "communique_store_up 1", `communique_db_connections_open{pool="shared"}`} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// fetch GETs a path and says how it went; cached marks pages the node had
// cached before the outage.
func fetch(client *http.Client, base, path string, cached bool) outcome {
	o := outcome{path: path, cached: cached, start: time.Now()}
	res, err := client.Get(base + path)
	o.end, o.err = time.Now(), err
	if err != nil {
		return o
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	o.end = time.Now()
	o.status, o.retryAfter, o.xcache = res.StatusCode, res.Header.Get("Retry-After"), res.Header.Get("X-Cache")
	o.contentType = res.Header.Get("Content-Type")
	return o
}
