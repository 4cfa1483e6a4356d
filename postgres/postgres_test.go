package postgres_test

import (
	"context"
	"testing"

	"communique/postgres"
	"communique/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.PostgreSQL.Open)
}

func TestConcurrentMigrate(t *testing.T) {
	// Nodes starting together must migrate once and all come up.
	dsn := storetest.PostgresDSN(t)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
}
