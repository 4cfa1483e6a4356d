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
// delivery rate of one outbox worker against a local receiver, and a
// reader's article page (uncached) before and while the deliveries run.
//
//	go test ./activitypub -run '^$' -bench FediversePublish -benchtime 1x
func BenchmarkFediversePublish(b *testing.B) {
	const followers, inboxes = 10_000, 2_000
	for range b.N {
		ctx := context.Background()
		db := storetest.SQLite.Open(b)
		s := newSite(b, db)
		var got atomic.Int64
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			got.Add(1)
			w.WriteHeader(http.StatusAccepted)
		}))
		defer receiver.Close()
		s.publish(b, "First story")
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
		page := s.srv.URL + "/author/ada/"
		before := pageTimes(b, page, 200)

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
		var wg sync.WaitGroup
		wg.Add(1)
		start = time.Now()
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil {
				if n, err := s.worker.RunOnce(runCtx); err != nil || n == 0 {
					return
				}
			}
		}()
		during := pageTimes(b, page, 200)
		wg.Wait()
		deliver := time.Since(start)
		stop()
		b.StopTimer()
		if got.Load() != inboxes {
			b.Fatalf("receiver got %d deliveries, want %d", got.Load(), inboxes)
		}
		fmt.Printf("fediverse publish: %d followers on %d shared inboxes\n", followers, inboxes)
		fmt.Printf("  enqueue (publish call, %d outbox rows): %v\n", inboxes, enqueue.Round(time.Millisecond))
		fmt.Printf("  delivery, one worker, signed: %v, %.0f deliveries/s\n", deliver.Round(time.Millisecond), float64(inboxes)/deliver.Seconds())
		fmt.Printf("  author page as readers get it (page cache on), median: %v before, %v during delivery (ratio %.2f)\n",
			before.Round(time.Microsecond), during.Round(time.Microsecond), float64(during)/float64(before))
	}
}

// pageTimes fetches url n times and returns the median time.
func pageTimes(b *testing.B, url string, n int) time.Duration {
	b.Helper()
	times := make([]time.Duration, n)
	for i := range times {
		start := time.Now()
		res, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("%s: %s", url, res.Status)
		}
		times[i] = time.Since(start)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[n/2]
}
