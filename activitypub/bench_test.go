package activitypub_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"communique"
	"communique/storetest"
)

// BenchmarkFediversePublish publishes an article to 10,000 followers on
// 2,000 shared inboxes (SQLite) and prints the time to enqueue, the
// delivery rate of one outbox worker against a local receiver, and what
// a reader waits for an article page before, during and after the
// deliveries: many samples spread over each phase (not a burst at its
// start), cached and rendered fresh, median and 90th percentile.
//
//	go test ./activitypub -run '^$' -bench FediversePublish -benchtime 1x
func BenchmarkFediversePublish(b *testing.B) {
	const followers, inboxes = 10_000, 2_000
	for range b.N {
		ctx := context.Background()
		db := storetest.SQLite.Open(b)
		s := newSite(b, db)
		// Every shared inbox is on one loopback receiver, so one host:
		// its pace is set to the most the setting allows (1,000 a second).
		if err := db.SetSetting(ctx, "federation_host_rate", "1000"); err != nil {
			b.Fatal(err)
		}
		var got atomic.Int64
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			got.Add(1)
			w.WriteHeader(http.StatusAccepted)
		}))
		defer receiver.Close()
		first := s.publish(b, "First story")
		start := time.Now()
		for i := range followers {
			server := strconv.Itoa(i % inboxes)
			actor := receiver.URL + "/s" + server + "/users/u" + strconv.Itoa(i)
			if err := db.SaveFollower(ctx, &communique.Follower{LocalActor: "user:" + itoa(s.author.ID), ActorID: actor,
				Inbox: actor + "/inbox", SharedInbox: receiver.URL + "/s" + server + "/inbox"}); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("stored %d followers in %v", followers, time.Since(start).Round(time.Millisecond))
		page := s.srv.URL + communique.ArticlePath(first, communique.ParseSettings(nil), nil)
		before := sample(b, page, func() bool { return false }, 2*time.Second)

		b.ResetTimer()
		start = time.Now()
		s.publish(b, "Harbour freezes") // the newsroom service queues the Create
		enqueue := time.Since(start)
		msgs, total, err := db.FindMessages(ctx, communique.OutboxFilter{Kind: communique.MessageActivityPub, Limit: 1})
		if err != nil || total != inboxes || len(msgs) != 1 {
			b.Fatalf("queued %d deliveries, want %d (%v)", total, inboxes, err)
		}
		s.worker.Batch = 50
		runCtx, stop := context.WithCancel(ctx)
		var done atomic.Bool
		var wg sync.WaitGroup
		wg.Add(1)
		start = time.Now()
		go func() {
			defer wg.Done()
			defer done.Store(true)
			for runCtx.Err() == nil {
				if n, err := s.worker.RunOnce(runCtx); err != nil || n == 0 {
					return
				}
			}
		}()
		during := sample(b, page, done.Load, time.Minute)
		wg.Wait()
		deliver := time.Since(start)
		stop()
		b.StopTimer()
		after := sample(b, page, func() bool { return false }, 2*time.Second)
		if got.Load() != inboxes {
			b.Fatalf("receiver got %d deliveries, want %d", got.Load(), inboxes)
		}
		fmt.Printf("fediverse publish: %d followers on %d shared inboxes\n", followers, inboxes)
		fmt.Printf("  enqueue (publish call, %d outbox rows): %v\n", inboxes, enqueue.Round(time.Millisecond))
		fmt.Printf("  delivery, one worker, signed, paced per host: %v, %.0f deliveries/s\n", deliver.Round(time.Millisecond), float64(inboxes)/deliver.Seconds())
		for _, kind := range []string{"cached", "fresh"} {
			fmt.Printf("  article page %-6s  median / p90: before %v / %v (%d samples), during %v / %v (%d), after %v / %v (%d); during/before median %.2f, p90 %.2f\n",
				kind, before[kind].q(50), before[kind].q(90), len(before[kind]), during[kind].q(50), during[kind].q(90), len(during[kind]),
				after[kind].q(50), after[kind].q(90), len(after[kind]),
				float64(during[kind].q(50))/float64(before[kind].q(50)), float64(during[kind].q(90))/float64(before[kind].q(90)))
		}
	}
}

// durations are page times, one per request.
type durations []time.Duration

// q is the p-th percentile.
func (d durations) q(p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append(durations(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)].Round(time.Microsecond)
}

// sample fetches url as readers do, cached and rendered fresh (a reader
// who has just commented skips the page cache), one request every 5 ms,
// until stop says so or for at most d, whichever comes first; at least
// 20 of each.
func sample(b *testing.B, url string, stop func() bool, d time.Duration) map[string]durations {
	b.Helper()
	out := map[string]durations{}
	deadline := time.Now().Add(d)
	for i := 0; ; i++ {
		enough := len(out["fresh"]) >= 20
		if enough && (stop() || time.Now().After(deadline)) {
			return out
		}
		kind := "cached"
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if i%2 == 1 {
			kind = "fresh"
			req.Header.Set("Cookie", "communique_fresh=1")
		}
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("%s: %s", url, res.Status)
		}
		out[kind] = append(out[kind], time.Since(start))
		time.Sleep(5 * time.Millisecond)
	}
}
