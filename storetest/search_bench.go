package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// BenchmarkArticles is the corpus size of BenchSearch:
// COMMUNIQUE_BENCH_ARTICLES, else 20,000 (100,000 is the target size, but
// takes minutes to load).
func BenchmarkArticles() int {
	if n, err := strconv.Atoi(os.Getenv("COMMUNIQUE_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// benchWords is a vocabulary shaped like news English for Zipf picks:
// function words take the top ranks (as in any English text; PostgreSQL
// drops them as stop words), inflected content words (so stemming has
// work to do) are spread over the next ranks, and made-up words fill the
// long tail.
func benchWords(r *rand.Rand) []string {
	words := strings.Fields(`the of and to a in is that for it as was with on he be by at from his
		have an are they this not but had which she or were one we all their has her been there when would
		who will more no if out so said what up its about into than them can only other new some could time
		these two may then do first any my now such like our over man me even most made after also did many
		before must through back years where much your way well down should because each just those people`)
	stems := []string{"harbour", "council", "budget", "election", "storm", "bridge", "school", "market", "river", "train",
		"festival", "hospital", "library", "museum", "police", "court", "farmer", "fisher", "teacher", "nurse",
		"vote", "build", "close", "open", "plan", "report", "protest", "rescue", "repair", "flood"}
	suffixes := []string{"", "s", "ed", "ing", "er", "ers"}
	var content []string
	for _, s := range stems {
		for _, x := range suffixes {
			content = append(content, s+x)
		}
	}
	syll := []string{"ka", "lo", "mi", "ren", "tor", "vea", "sul", "din", "por", "gha", "zel", "quo", "bri", "nas", "fet"}
	made := func() string {
		var b strings.Builder
		for i, n := 0, 2+r.IntN(3); i < n; i++ {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		return b.String()
	}
	for len(words) < 6000 {
		// Every tenth rank from 100 on is a content word, while they last.
		if i := (len(words) - 100) / 10; len(words) >= 100 && len(words)%10 == 0 && i < len(content) {
			words = append(words, content[i])
		} else {
			words = append(words, made())
		}
	}
	return words
}

// BenchSearch loads a corpus of BenchmarkArticles() published articles
// into a store from open and measures SearchArticles over a fixed set of
// queries, reporting the 50th, 95th and 99th percentile latencies.
func BenchSearch(b *testing.B, open Opener) {
	ctx := context.Background()
	db := open(b)
	n := BenchmarkArticles()
	start := time.Now()
	words, authors, cats, epoch := loadSearchCorpus(b, db, n)
	if err := db.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: loaded %d articles in %s", db.Dialect(), n, time.Since(start).Round(time.Second))
	benchQueries(b, db, n, words, authors, cats, epoch)
}

// loadSearchCorpus imports n generated articles, in batches as the
// WordPress import does.
func loadSearchCorpus(b testing.TB, db *sqlstore.DB, n int) (words []string, authors []*communique.User, cats []int64, epoch time.Time) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	words = benchWords(r)
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	sentence := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = words[zipf.Uint64()]
		}
		w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
		return strings.Join(w, " ") + "."
	}

	for i := 0; i < 5; i++ {
		authors = append(authors, MustCreateUser(b, db, "writer"+strconv.Itoa(i), communique.RoleAuthor))
	}
	for i := 0; i < 10; i++ {
		c := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Section " + strconv.Itoa(i)}
		if err := db.CreateTerm(ctx, c); err != nil {
			b.Fatal(err)
		}
		cats = append(cats, c.ID)
	}
	epoch = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 500
	for done := 0; done < n; {
		ib := &communique.ImportBatch{Source: "https://bench.example.com"}
		for i := 0; i < batch && done < n; i, done = i+1, done+1 {
			body := sentence(12+r.IntN(10)) + " " + sentence(10+r.IntN(10)) + "\n\n" + sentence(15+r.IntN(15)) + " " + sentence(8+r.IntN(10)) +
				"\n\n" + sentence(12+r.IntN(20)) + " " + sentence(10+r.IntN(10))
			ib.Articles = append(ib.Articles, &communique.ImportedArticle{
				Article: &communique.Article{Type: communique.TypePost, Title: strings.TrimSuffix(sentence(4+r.IntN(6)), ".") + " " + strconv.Itoa(done),
					Source: body, Format: communique.FormatMarkdown, AuthorID: authors[r.IntN(len(authors))].ID, Status: communique.StatusPublished,
					PublishedAt: epoch.Add(time.Duration(r.Int64N(int64(5 * 365 * 24 * time.Hour))))},
				SourceID:    int64(done + 1),
				CategoryIDs: []int64{cats[r.IntN(len(cats))]},
			})
		}
		if err := newsroom.New(db).ImportBatch(ctx, ib); err != nil {
			b.Fatalf("load corpus: %v", err)
		}
	}
	return words, authors, cats, epoch
}

// benchQueries measures SearchArticles over a fixed mix of queries.
func benchQueries(b *testing.B, db *sqlstore.DB, n int, words []string, authors []*communique.User, cats []int64, epoch time.Time) {
	ctx := context.Background()
	// Queries a reader might type: one to three words from the middle of
	// the distribution, some phrases, exclusions and stemmed forms, some
	// with filters or on page two.
	var queries []communique.SearchFilter
	qr := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		pick := func() string { return words[100+qr.IntN(3000)] }
		common := func() string { return words[100+10*qr.IntN(180)] } // an inflected content word
		var q string
		switch i % 10 {
		case 0, 1, 2, 3:
			q = pick()
		case 4, 5:
			q = pick() + " " + pick()
		case 6:
			q = `"` + common() + " " + pick() + `"`
		case 7:
			q = common() + " -" + pick()
		case 8:
			q = pick() + " OR " + pick()
		case 9:
			q = common() // many matches
		}
		f := communique.SearchFilter{Query: q, Limit: 10}
		switch i % 7 {
		case 1:
			f.AuthorID = &authors[qr.IntN(len(authors))].ID
		case 2:
			f.CategoryID = &cats[qr.IntN(len(cats))]
		case 3:
			from := epoch.AddDate(qr.IntN(4), 0, 0)
			to := from.AddDate(1, 0, 0)
			f.PublishedFrom, f.PublishedTo = &from, &to
		case 4:
			f.Offset = 10
		}
		queries = append(queries, f)
	}
	for _, f := range queries[:20] { // warm caches
		if _, _, err := db.SearchArticles(ctx, f); err != nil && communique.ErrorCode(err) != communique.EINVALID {
			b.Fatal(err)
		}
	}

	b.Run(fmt.Sprintf("%s/%d", db.Dialect(), n), func(b *testing.B) {
		durations := make([]time.Duration, 0, b.N)
		slowest := make([]time.Duration, len(queries)) // by query, for the log
		hits := 0
		cpu0 := processCPU()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			f := queries[i%len(queries)]
			t0 := time.Now()
			list, _, err := db.SearchArticles(ctx, f)
			took := time.Since(t0)
			durations = append(durations, took)
			slowest[i%len(queries)] = max(slowest[i%len(queries)], took)
			if err != nil && communique.ErrorCode(err) != communique.EINVALID {
				b.Fatal(err)
			}
			hits += len(list)
		}
		b.StopTimer()
		// This process's CPU time per search: on a machine shared with
		// other work, wall-clock latency measures the queue as much as the
		// search. (For PostgreSQL the server's CPU is not included.)
		b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
		pct := func(p float64) time.Duration { return durations[min(len(durations)-1, int(float64(len(durations))*p))] }
		b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(0.95).Microseconds())/1000, "p95-ms")
		b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		// The slowest queries, to tune by (shown with -v).
		order := make([]int, len(queries))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return slowest[order[i]] > slowest[order[j]] })
		for _, i := range order[:min(8, len(order))] {
			f := queries[i]
			b.Logf("%8s  %q author=%v category=%v from=%v offset=%d", slowest[i].Round(10*time.Microsecond), f.Query,
				f.AuthorID != nil, f.CategoryID != nil, f.PublishedFrom != nil, f.Offset)
		}
	})
}
