package analytics_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storeops"
	"communique/storetest"
)

// TestNothingFollowsAReader runs a day of traffic, then the first request
// of the next day, and scans every column of every table: no client
// address, no full user agent, no salt older than a day.
func TestNothingFollowsAReader(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		clk := &clock{now: noon.Add(-12 * time.Hour)}
		n := newNode(t, place, clk)
		author := user(t, n.DB, "arthur", communique.RoleAuthor)
		a, path := article(t, n.DB, author, "Harbour reopens")
		uas := []string{firefox, chrome, safari}
		var ips []string
		for hour := range 24 {
			clk.Set(noon.Add(time.Duration(hour-12) * time.Hour))
			for i := range 3 {
				ip := fmt.Sprintf("198.51.100.%d", 10+hour*3+i)
				ips = append(ips, ip)
				rd := reader{IP: ip, UA: uas[i]}
				n.get(t, rd, path, 200, "Referer", "https://social.example/post/"+ip)
				n.get(t, rd, "/", 200, "Referer", n.URL+path)
				n.do(t, rd, http.MethodPost, "/analytics/reached", fmt.Sprint(a.ID), "Origin", n.URL)
			}
			n.flush(t)
		}
		yesterday := salts(t, n.DB)
		if len(yesterday) != 1 {
			t.Fatalf("salts during the day: %v", yesterday)
		}
		// The next day's first reader.
		clk.Set(noon.Add(13 * time.Hour))
		n.get(t, reader{IP: "198.51.100.250", UA: firefox}, path, 200)
		n.flush(t)
		today := salts(t, n.DB)
		if len(today) != 1 || today["2026-12-08"] == "" {
			t.Fatalf("salts the next day: %v", today)
		}
		forbidden := append(ips, "198.51.100.250", firefox, chrome, safari, "Gecko/20100101", "Pixel 8", yesterday["2026-12-07"])
		scan(t, n.DB, forbidden)
		// What was counted is still there.
		var views, visitors int64
		if err := n.DB.ReadPool().QueryRowContext(context.Background(), `SELECT SUM(views) FROM analytics_days WHERE day = '2026-12-07' AND kind = 'article'`).Scan(&views); err != nil || views != 72 {
			t.Errorf("yesterday's article views = %d (%v), want 72", views, err)
		}
		if err := n.DB.ReadPool().QueryRowContext(context.Background(), `SELECT visitors FROM analytics_days WHERE day = '2026-12-07' AND path = '*'`).Scan(&visitors); err != nil || visitors != 72 {
			t.Errorf("yesterday's visitors = %d (%v), want 72", visitors, err)
		}
	})
}

func salts(t *testing.T, db *sqlstore.DB) map[string]string {
	t.Helper()
	rows, err := db.ReadPool().QueryContext(context.Background(), `SELECT day, salt FROM analytics_salts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var day, salt string
		if err := rows.Scan(&day, &salt); err != nil {
			t.Fatal(err)
		}
		out[day] = salt
	}
	return out
}

// scan reads every column of every table of the catalogue as text and
// fails on any that holds one of the forbidden strings.
func scan(t *testing.T, db *sqlstore.DB, forbidden []string) {
	t.Helper()
	ctx := context.Background()
	cells := 0
	for _, table := range storeops.Tables {
		names := make([]string, len(table.Columns))
		for i, c := range table.Columns {
			names[i] = c.Name
		}
		rows, err := db.ReadPool().QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+table.Name)
		if err != nil {
			t.Fatalf("read %s: %v", table.Name, err)
		}
		for rows.Next() {
			vals := make([]any, len(names))
			ptrs := make([]any, len(names))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				cells++
				text := fmt.Sprintf("%v", v)
				if b, ok := v.([]byte); ok {
					text = string(b)
				}
				for _, f := range forbidden {
					if f != "" && strings.Contains(text, f) {
						t.Errorf("%s.%s holds %q", table.Name, names[i], f)
					}
				}
			}
		}
		rows.Close()
	}
	if cells < 100 {
		t.Fatalf("scanned only %d cells", cells)
	}
}

// TestInventedPathsAddNoRows sends what a crawler or an attacker would:
// thousands of invented paths, forged referrers and campaigns, huge and
// binary user agents and query strings. Storage stays bounded: one "not
// found" line, and at most a capped number of referrers and campaigns.
func TestInventedPathsAddNoRows(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		clk := &clock{now: noon}
		n := newNode(t, place, clk)
		author := user(t, n.DB, "arthur", communique.RoleAuthor)
		_, path := article(t, n.DB, author, "Harbour reopens")
		const junk = 300
		var wg sync.WaitGroup
		work := make(chan int)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					rd := reader{IP: fmt.Sprintf("203.0.%d.%d", i/250, i%250), UA: firefox}
					ref := fmt.Sprintf("https://forged-%d.example/", i)
					n.do(t, rd, http.MethodGet, fmt.Sprintf("/invented/%d/%s/", i, strings.Repeat("x", 1+i%150)), "", "Referer", ref)
					q := fmt.Sprintf("?utm_campaign=c%d&utm_source=%s&junk=%s", i, strings.Repeat("s", 300), strings.Repeat("%ff", 500))
					n.do(t, rd, http.MethodGet, path+q, "", "Referer", ref)
					n.do(t, reader{IP: rd.IP, UA: strings.Repeat("\xfe\xff", 2000)}, http.MethodGet, path, "")
				}
			}()
		}
		for i := range junk {
			work <- i
		}
		close(work)
		wg.Wait()
		n.flush(t)
		ctx := context.Background()
		count := func(query string) int {
			var v int
			if err := n.DB.ReadPool().QueryRowContext(ctx, query).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		// '*', the article and the not-found line; each for its hour.
		if got := count(`SELECT COUNT(*) FROM analytics_days`); got != 3 {
			t.Errorf("%d daily rows, want 3", got)
		}
		if got := count(`SELECT COUNT(*) FROM analytics_hours`); got != 3 {
			t.Errorf("%d hourly rows, want 3", got)
		}
		if got := count(`SELECT views FROM analytics_days WHERE kind = 'notfound'`); got != junk {
			t.Errorf("not found = %d, want %d", got, junk)
		}
		if got := count(`SELECT views FROM analytics_days WHERE kind = 'article'`); got != junk {
			t.Errorf("article views = %d, want %d (binary user agents are no readers)", got, junk)
		}
		// Site and article scopes, each at most the cap plus "(other)".
		for _, dim := range []string{communique.DimReferrer, communique.DimCampaign, communique.DimUTMSrc} {
			if got := count(`SELECT COUNT(*) FROM analytics_dims WHERE dim = '` + dim + `'`); got > 2*201 {
				t.Errorf("%d %s rows, want at most %d", got, dim, 2*201)
			}
		}
		if got := count(`SELECT COUNT(*) FROM analytics_dims WHERE value = '(other)'`); got == 0 {
			t.Errorf("nothing was counted as (other)")
		}
		if got := count(`SELECT MAX(LENGTH(value)) FROM analytics_dims`); got > 100 {
			t.Errorf("a stored value is %d long", got)
		}
	})
}
