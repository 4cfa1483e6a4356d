package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

var (
	entryAnchor = regexp.MustCompile(`<article class="live-entry[^"]*" id="entry-(\d+)"`)
	entryTime   = regexp.MustCompile(`<header class="meta"><a href="#entry-\d+"><time datetime="[^"]+">([^<]+)</time>`)
	liveLD      = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
)

// TestLiveBlogTwoNodes: an article the desk runs as a live blog shows its
// entries newest first, each with its own anchor, under a summary of key
// events, as LiveBlogPosting JSON-LD; a reader on node B gets an entry
// posted through node A's store on the stream within a second, and a
// reload (no JavaScript) shows it from the cache's fresh copy; edits and
// removals follow; an ended blog stops streaming. On both stores.
func TestLiveBlogTwoNodes(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		dbA, dbB := place.Open(t), place.Open(t)
		var shift atomic.Int64 // the desk's clock, moved back to start the blog two days ago
		dbA.Now = func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		ctx := context.Background()
		ed := storetest.MustCreateUser(t, dbA, "ed", communique.RoleEditor)
		art := storetest.MustCreateArticle(t, dbA, ed, "Storm: live", "Follow the storm.")
		newLiveNode(t, place, dbA) // node A serves too, as in a cluster
		b := newLiveNode(t, place, dbB)
		svc, by := articles.New(dbA), articles.As(ed)
		values, err := dbA.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		path := communique.ArticlePath(art, communique.ParseSettings(values), nil)
		stream := b.URL + "/live/stream?post=" + strconv.FormatInt(art.ID, 10)
		page := func() string {
			t.Helper()
			res, body := get(t, http.DefaultClient, b.URL+path, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, res.StatusCode)
			}
			return body
		}
		// eventually waits up to a second for node B's page to agree.
		eventually := func(what string, ok func(string) bool) string {
			t.Helper()
			start := time.Now()
			for {
				body := page()
				if ok(body) {
					return body
				}
				if time.Since(start) > time.Second {
					t.Fatalf("%s: node B's page did not show it within a second", what)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}

		if res, err := http.Get(stream); err != nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("stream of an article that is no live blog: %v %v", res.StatusCode, err)
		}
		if body := page(); strings.Contains(body, "live-blog") || strings.Contains(body, "LiveBlogPosting") {
			t.Fatal("an ordinary article shows a live blog")
		}
		shift.Store(int64(-48 * time.Hour))
		if _, err := svc.StartLiveBlog(ctx, by, art.ID); err != nil {
			t.Fatal(err)
		}
		shift.Store(0)
		eventually("the start", func(b string) bool { return strings.Contains(b, `id="live-entries"`) })
		var ids []int64
		for i, text := range []string{"Winds reach 90 km/h at the pier.", "**The ferry is cancelled.**", "Power is out in the old town."} {
			e := &communique.LiveEntry{ArticleID: art.ID, Source: text, KeyEvent: i == 1}
			if err := svc.AddLiveEntry(ctx, by, e); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
			time.Sleep(5 * time.Millisecond) // distinct times
		}
		body := eventually("three entries", func(b string) bool { return len(entryAnchor.FindAllString(b, -1)) == 3 })
		var order []int64
		for _, m := range entryAnchor.FindAllStringSubmatch(body, -1) {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			order = append(order, id)
		}
		if want := []int64{ids[2], ids[1], ids[0]}; !equalIDs(order, want) {
			t.Errorf("entries in order %v, want newest first %v", order, want)
		}
		// Entries of a later day than the start show their date.
		if m := entryTime.FindStringSubmatch(body); m == nil || !strings.Contains(m[1], time.Now().Format("2006")) {
			t.Errorf("the newest entry's time %q lacks its date (the blog started two days before)", m)
		}
		for _, want := range []string{`<nav class="key-events"`, `href="#entry-` + strconv.FormatInt(ids[1], 10) + `"`, "<strong>The ferry is cancelled.</strong>",
			`data-entries="/live/stream?post=` + strconv.FormatInt(art.ID, 10) + `"`, `id="live-blog-status"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the live blog's page lacks %q", want)
			}
		}
		m := liveLD.FindStringSubmatch(body)
		var ld struct {
			Type     string `json:"@type"`
			Modified string `json:"dateModified"`
			Start    string `json:"coverageStartTime"`
			End      string `json:"coverageEndTime"`
			Updates  []struct {
				Type        string `json:"@type"`
				URL         string `json:"url"`
				ArticleBody string `json:"articleBody"`
			} `json:"liveBlogUpdate"`
		}
		if m == nil || json.Unmarshal([]byte(m[1]), &ld) != nil {
			t.Fatalf("no JSON-LD: %v", m)
		}
		if ld.Type != "LiveBlogPosting" || ld.Start == "" || ld.End != "" || len(ld.Updates) != 3 || ld.Updates[0].Type != "BlogPosting" ||
			!strings.HasSuffix(ld.Updates[0].URL, path+"#entry-"+strconv.FormatInt(ids[2], 10)) || ld.Updates[0].ArticleBody != "Power is out in the old town." {
			t.Errorf("JSON-LD: %+v", ld)
		}
		if newest, _ := dbA.FindLiveEntryByID(ctx, ids[2]); ld.Modified != newest.UpdatedAt.UTC().Format(time.RFC3339) {
			t.Errorf("JSON-LD dateModified %s, want the newest entry's %s", ld.Modified, newest.UpdatedAt.UTC().Format(time.RFC3339))
		}

		events, res := openStream(t, stream+"&since="+strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		e := &communique.LiveEntry{ArticleID: art.ID, Source: "The coastguard has rescued two sailors."}
		if err := svc.AddLiveEntry(ctx, by, e); err != nil {
			t.Fatal(err)
		}
		posted := time.Now()
		ev := next(t, events, "new entry")
		if ev.Name != "entry" || ev.Data.ID != e.ID || !strings.Contains(ev.Data.HTML, `id="entry-`+strconv.FormatInt(e.ID, 10)+`"`) ||
			!strings.Contains(ev.Data.HTML, "rescued two sailors") {
			t.Fatalf("new entry: %+v", ev)
		}
		t.Logf("node B streamed the entry %v after node A's store took it", time.Since(posted).Round(time.Millisecond))
		eventually("the new entry without JavaScript", func(b string) bool { return strings.Contains(b, "rescued two sailors") })
		if _, err := svc.EditLiveEntry(ctx, by, e.ID, "The coastguard has rescued three sailors.", true); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, events, "edit"); ev.Name != "entry" || ev.Data.ID != e.ID || !strings.Contains(ev.Data.HTML, "three sailors") || !strings.Contains(ev.Data.HTML, "key-event") {
			t.Fatalf("edit: %+v", ev)
		}
		if _, err := svc.DeleteLiveEntry(ctx, by, ids[0]); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, events, "removal"); ev.Name != "remove" || ev.Data.ID != ids[0] {
			t.Fatalf("removal: %+v", ev)
		}
		eventually("the removal", func(b string) bool { return !strings.Contains(b, "Winds reach 90 km/h") })
		if _, err := svc.EndLiveBlog(ctx, by, art.ID); err != nil {
			t.Fatal(err)
		}
		body = eventually("the end", func(b string) bool { return strings.Contains(b, "This live blog ended") })
		if strings.Contains(body, "data-entries=") || !strings.Contains(body, `"coverageEndTime"`) {
			t.Error("an ended live blog still streams or lacks its coverage end")
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
