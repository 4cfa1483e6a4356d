package postgres_test

import (
	"testing"

	"communique/storetest"
)

// BenchmarkSearch measures full-text search over a generated corpus
// (COMMUNIQUE_BENCH_ARTICLES articles, 20,000 by default) and reports the
// latency percentiles: go test ./postgres -run '^$' -bench Search -benchtime 2000x
func BenchmarkSearch(b *testing.B) {
	storetest.BenchSearch(b, storetest.PostgreSQL.Open)
}

// BenchmarkSearchLanguages: go test ./postgres -run '^$' -bench SearchLanguages -benchtime 1x
func BenchmarkSearchLanguages(b *testing.B) {
	storetest.BenchSearchLanguages(b, storetest.PostgreSQL.Open)
}
