package pgtest_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"communique/internal/pgtest"
)

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRestartKeepsData(t *testing.T) {
	s := pgtest.Start(t, pgtest.Options{})
	db := open(t, s.DSN("postgres"))
	if _, err := db.Exec(`CREATE TABLE kept (n INT); INSERT INTO kept VALUES (7)`); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := db.Ping(); err == nil {
		t.Fatal("the stopped server still answers")
	}
	s.Start()
	var n int
	if err := db.QueryRow(`SELECT n FROM kept`).Scan(&n); err != nil || n != 7 {
		t.Fatalf("after restart: n = %d, %v", n, err)
	}
}

func TestReplicaFollowsPrimary(t *testing.T) {
	primary := pgtest.Start(t, pgtest.Options{})
	replica := pgtest.Start(t, pgtest.Options{Primary: primary})
	p, r := open(t, primary.DSN("postgres")), open(t, replica.DSN("postgres"))
	if _, err := p.Exec(`CREATE TABLE news (title TEXT); INSERT INTO news VALUES ('streamed')`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var title string
		err := r.QueryRowContext(context.Background(), `SELECT title FROM news`).Scan(&title)
		if err == nil && title == "streamed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not follow: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := r.Exec(`INSERT INTO news VALUES ('refused')`); err == nil {
		t.Error("the replica accepted a write")
	}
}
