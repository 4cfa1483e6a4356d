package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"communique"
	"communique/internal/pgtest"
	"communique/postgres"
)

// startReplicated starts a primary and a streaming replica of it.
func startReplicated(t *testing.T) (primary, standby *pgtest.Server) {
	t.Helper()
	primary = pgtest.Start(t, pgtest.Options{Settings: []string{"wal_level = replica", "max_wal_senders = 5", "hot_standby = on"}})
	standby = pgtest.Start(t, pgtest.Options{Primary: primary, Settings: []string{"hot_standby = on"}})
	return primary, standby
}

// served is how many reads the replica has answered.
func served(rs *postgres.Replicas) int64 { return rs.Stats()[0].Served }

func TestReplicaReads(t *testing.T) {
	primary, standby := startReplicated(t)
	ctx := context.Background()
	db, rs, err := postgres.OpenWithReplicas(ctx, primary.DSN("postgres"), []string{standby.DSN("postgres")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	anon := communique.WithReplicaReads(ctx)

	// The migrations reach the replica; then it joins the rotation.
	waitFor(t, 10*time.Second, "the replica to join the rotation", func() bool {
		rs.Check(ctx)
		return rs.Stats()[0].Healthy
	})
	user := &communique.User{Login: "rita", Email: "rita@example.com", DisplayName: "Rita", Role: communique.RoleAuthor}
	if err := db.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}

	t.Run("AnonymousReadsUseReplica", func(t *testing.T) {
		waitFor(t, 5*time.Second, "the replica to catch up", func() bool {
			rs.Check(ctx)
			before := served(rs)
			_, err := db.FindUserByID(anon, user.ID)
			return err == nil && served(rs) > before
		})
		before := served(rs)
		for range 5 {
			if _, err := db.FindUserByID(anon, user.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got := served(rs) - before; got != 5 {
			t.Errorf("replica served %d of 5 anonymous reads", got)
		}
		before = served(rs)
		if _, err := db.FindUserByID(ctx, user.ID); err != nil {
			t.Fatal(err)
		}
		if served(rs) != before {
			t.Errorf("a read without WithReplicaReads went to the replica")
		}
	})

	t.Run("WriterSeesWriteAtOnce", func(t *testing.T) {
		// Replay paused: the replica cannot have the next write.
		pause := mustSQL(t, standby.DSN("postgres"))
		if _, err := pause.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
			t.Fatal(err)
		}
		defer pause.Exec(`SELECT pg_wal_replay_resume()`)
		u := &communique.User{Login: "sam", Email: "sam@example.com", DisplayName: "Sam", Role: communique.RoleAuthor}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		// The writer's request is not marked for replicas: it reads the
		// primary and sees its write.
		if _, err := db.FindUserByID(ctx, u.ID); err != nil {
			t.Fatalf("the writer does not see its own write: %v", err)
		}
		// Once the node heard of the change, anonymous readers see it too:
		// the replica sits out until it has replayed it.
		rs.Barrier(ctx)
		before := served(rs)
		if _, err := db.FindUserByID(anon, u.ID); err != nil {
			t.Fatalf("an anonymous read after the barrier missed the write: %v", err)
		}
		if served(rs) != before {
			t.Errorf("a replica behind the barrier served a read")
		}
		pause.Exec(`SELECT pg_wal_replay_resume()`)
		waitFor(t, 5*time.Second, "the replica to catch up again", func() bool {
			rs.Check(ctx)
			before := served(rs)
			_, err := db.FindUserByID(anon, u.ID)
			return err == nil && served(rs) > before
		})
	})

	t.Run("StoppedReplicaDropped", func(t *testing.T) {
		standby.Stop()
		stopped := time.Now()
		waitFor(t, 5*time.Second, "the stopped replica to leave the rotation", func() bool {
			return !rs.Stats()[0].Healthy
		})
		t.Logf("replica out of rotation %v after it stopped", time.Since(stopped).Round(time.Millisecond))
		for range 5 {
			if _, err := db.FindUserByID(anon, user.ID); err != nil {
				t.Fatalf("anonymous read with the replica gone: %v", err)
			}
		}
		standby.Start()
		waitFor(t, 10*time.Second, "the restarted replica to rejoin", func() bool {
			return rs.Stats()[0].Healthy
		})
	})
}

func mustSQL(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
	}
}
