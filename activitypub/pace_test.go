package activitypub_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestDeliveriesPacedPerHost: with federation_host_rate at 3, nine
// deliveries to one server arrive over more than a second, at most three
// in any of the store's one-second windows, while three to another
// server are not held up behind them; each arrives once, verified, and
// the delivery log counts one attempt for each (a postponement is not an
// attempt).
func TestDeliveriesPacedPerHost(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		s := newSite(t, db)
		if err := db.SetSetting(ctx, "federation_host_rate", "3"); err != nil {
			t.Fatal(err)
		}
		busy, quiet := newPeer(t), newPeer(t) // two servers: two ports on loopback
		var msgs []*communique.OutboxMessage
		for i, to := range []string{"busy", "busy", "busy", "busy", "busy", "busy", "busy", "busy", "busy", "quiet", "quiet", "quiet"} {
			inbox := busy.Server.URL + "/inbox"
			if to == "quiet" {
				inbox = quiet.Server.URL + "/inbox"
			}
			body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": s.srv.URL + "/#test-" + itoa(int64(i)),
				"type": "Announce", "actor": s.srv.URL + "/", "object": s.srv.URL + "/"})
			msgs = append(msgs, &communique.OutboxMessage{Kind: communique.MessageActivityPub, Sender: "site", Recipient: inbox,
				Subject: "Announce", Event: "activitypub.Announce", Body: string(body)})
		}
		if err := db.EnqueueMessages(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		s.worker.Poll, s.worker.Gather = 50*time.Millisecond, 0
		go s.worker.Run(ctx)
		eventually(t, "every delivery arrives", func() bool { return len(busy.Deliveries()) == 9 && len(quiet.Deliveries()) == 3 })
		// The worker records each answer after the peer got it.
		eventually(t, "every delivery is recorded", func() bool {
			n, _ := db.CountMessages(context.Background())
			return n[communique.MessageSent] == 12
		})
		stop()

		seen := map[string]bool{}
		var times []time.Time
		for _, d := range append(busy.Deliveries(), quiet.Deliveries()...) {
			id, _ := d.Activity["id"].(string)
			if !d.Verified || seen[id] {
				t.Errorf("delivery %s verified=%v (%s), twice=%v", id, d.Verified, d.Err, seen[id])
			}
			seen[id] = true
		}
		for _, d := range busy.Deliveries() {
			times = append(times, d.At)
		}
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
		span := times[8].Sub(times[0])
		// Three a second in fixed windows: the seventh is two windows
		// after the first, so more than a second later.
		if d := times[6].Sub(times[0]); d < time.Second {
			t.Errorf("seven deliveries to one server within %v", d)
		}
		lastQuiet := quiet.Deliveries()[2].At
		if !lastQuiet.Before(times[8]) {
			t.Errorf("the quiet server waited behind the busy one: done %v after start, busy done %v", lastQuiet.Sub(start), times[8].Sub(start))
		}
		ctx = context.Background()
		list, _, err := db.FindMessages(ctx, communique.OutboxFilter{Kind: communique.MessageActivityPub})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			tries, _ := db.FindDeliveryAttempts(ctx, m.ID, 0, 10)
			if m.Status != communique.MessageSent || m.Attempts != 1 || len(tries) != 1 {
				t.Errorf("message %d to %s: %s after %d attempts, %d logged", m.ID, m.Recipient, m.Status, m.Attempts, len(tries))
			}
		}
		t.Logf("busy server: 9 deliveries over %v; quiet server done %v after start", span, lastQuiet.Sub(start))
	})
}
