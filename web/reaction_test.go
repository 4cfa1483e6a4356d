package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

func TestReactionsSortAndPicks(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		ctx := context.Background()
		writer := ds.newReader(t)
		var ids []int64
		for _, who := range []string{"Ann Early", "Bob Middle", "Cat Late"} {
			id, _ := posted(t, writer.write(t, ds.path, person(who, strings.ToLower(strings.Fields(who)[0])+"@example.com", "", who+" has a view."), nil))
			ds.moderate(t, id, communique.CommentApproved)
			ids = append(ids, id)
		}
		react := func(r *reader, id, articleID int64, header http.Header) response {
			t.Helper()
			h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
			for k, v := range header {
				h[k] = v
			}
			return do(t, r.client, http.MethodPost, ds.URL+fmt.Sprintf("/comments/%d/react", id), strings.NewReader(url.Values{"article_id": {fmt.Sprint(articleID)}}.Encode()), h)
		}
		count := func(id int64) int {
			n, err := db.CountCommentReactions(ctx, []int64{id})
			if err != nil {
				t.Fatal(err)
			}
			return n[id]
		}
		t.Run("OncePerReader", func(t *testing.T) {
			readers := []*reader{ds.newReader(t), ds.newReader(t)}
			for _, r := range append(readers, readers[0]) {
				res := react(r, ids[2], ds.article.ID, nil)
				if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), fmt.Sprintf("#comment-%d", ids[2])) {
					t.Fatalf("react: %d %s", res.Status, res.Header.Get("Location"))
				}
			}
			if n := count(ids[2]); n != 2 {
				t.Errorf("%d reactions from two readers, want 2", n)
			}
			react(readers[0], ids[1], ds.article.ID, nil)
			page := ds.newReader(t).get(t, ds.path).Body
			if !strings.Contains(page, `Respect <span class="reaction-count">2</span>`) {
				t.Errorf("the page does not show the count\n%s", excerptAround(page, "reaction-count"))
			}
		})
		t.Run("Refusals", func(t *testing.T) {
			r := ds.newReader(t)
			for _, tt := range []struct {
				name    string
				id, art int64
				header  http.Header
				want    int
			}{
				{"ErrCrossSite", ids[0], ds.article.ID, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}, http.StatusForbidden},
				{"ErrOtherArticle", ids[0], ds.second.ID, nil, http.StatusNotFound},
				{"ErrNoSuchComment", 999999, ds.article.ID, nil, http.StatusNotFound},
			} {
				t.Run(tt.name, func(t *testing.T) {
					if res := react(r, tt.id, tt.art, tt.header); res.Status != tt.want {
						t.Errorf("status %d, want %d", res.Status, tt.want)
					}
					if n := count(ids[0]); n != 0 {
						t.Errorf("a refused reaction was counted")
					}
				})
			}
		})
		t.Run("SortIsALinkAndCached", func(t *testing.T) {
			r := ds.newReader(t)
			plain := r.get(t, ds.path).Body
			if !strings.Contains(plain, `href="`+ds.path+`?sort=reactions#comments"`) {
				t.Fatal("no link to sort by reactions")
			}
			order := func(body string) []int {
				body = body[strings.Index(body, `class="comment-list"`):]
				return []int{strings.Index(body, "Ann Early has"), strings.Index(body, "Bob Middle has"), strings.Index(body, "Cat Late has")}
			}
			if o := order(plain); !(o[0] < o[1] && o[1] < o[2]) {
				t.Errorf("default order %v, want oldest first", o)
			}
			first := r.get(t, ds.path+"?sort=reactions")
			if o := order(first.Body); !(o[2] < o[1] && o[1] < o[0]) {
				t.Errorf("by reactions %v, want Cat (2), Bob (1), Ann (0)", o)
			}
			// With the page cache on, each order is one cached page.
			srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
			if err != nil {
				t.Fatal(err)
			}
			srv.Now = ds.clock.Now
			cached := httptest.NewServer(srv.Handler())
			defer cached.Close()
			get := func(path string) response { return do(t, cached.Client(), http.MethodGet, cached.URL+path, nil, nil) }
			get(ds.path + "?sort=reactions")
			again := get(ds.path + "?sort=reactions")
			if again.Header.Get("X-Cache") == "MISS" || again.Header.Get("X-Cache") == "" {
				t.Errorf("the sorted page is not served from the cache: X-Cache %q", again.Header.Get("X-Cache"))
			}
			if o := order(again.Body); !(o[2] < o[1] && o[1] < o[0]) {
				t.Errorf("the cached sorted page is in order %v", o)
			}
			if o := order(get(ds.path).Body); !(o[0] < o[1] && o[1] < o[2]) {
				t.Errorf("the plain page, after the sorted one was cached, is in order %v", o)
			}
			if bogus := r.get(t, ds.path+"?sort=evil"); bogus.Status != http.StatusOK {
				t.Errorf("an unknown order: %d", bogus.Status)
			}
		})
		t.Run("FeaturedAtTheTop", func(t *testing.T) {
			if err := ds.mod.Feature(ctx, communique.System(), ids[1], true); err != nil {
				t.Fatal(err)
			}
			page := ds.newReader(t).get(t, ds.path).Body
			feat, list := strings.Index(page, `id="featured-title"`), strings.Index(page, `class="comment-list"`)
			if feat < 0 || feat > list || !strings.Contains(page[feat:list], "Bob Middle has a view.") || strings.Contains(page[feat:list], "Ann Early") {
				t.Errorf("the featured section is not above the thread with Bob's comment alone")
			}
		})
	})
}
