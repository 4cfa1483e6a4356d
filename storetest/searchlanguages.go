package storetest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// testSearchLanguages proves that search follows the search_language
// setting on both stores: another form of a word finds it (Snowball's
// stemmers), accents fold, the language's stop words are not required,
// a query of stop words alone finds nothing without an error, and
// snippets mark the words as written. Articles written before a change
// are indexed again in the new language; those written after it are
// indexed in it.
func testSearchLanguages(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	fixedClock(db, searchNow)
	ada := MustCreateUser(t, db, "ada", communique.RoleEditor)
	fr := MustCreateArticle(t, db, ada, "Les chevaux de la ferme", "Les chevaux galopaient dans les prés enneigés.")
	de := MustCreateArticle(t, db, ada, "Alte Häuser am Hafen", "Die Häuser der Fischer wurden gestrichen.")
	en := MustCreateArticle(t, db, ada, "Running the harbour", "Fishermen were running to their boats.")
	ar := MustCreateArticle(t, db, ada, "الكتاب الجديد", "افتتحت المكتبة أبوابها للقراء.")
	type query struct {
		q    string
		want []*communique.Article
		mark string // a word the first hit's snippet or title marks
	}
	for _, lang := range []struct {
		name    string
		queries []query
		later   func() (*communique.Article, string) // written after the change, and a query that finds it
	}{
		{"english", []query{
			{"run", []*communique.Article{en}, "running"},
			{"harbours", []*communique.Article{en}, "harbour"},
			{"the harbour", []*communique.Article{en}, ""}, // "the" is a stop word, not required
			{"the", nil, ""},
		}, func() (*communique.Article, string) {
			return MustCreateArticle(t, db, ada, "Bridges", "The bridges were flooded."), "flood"
		}},
		{"french", []query{
			{"cheval", []*communique.Article{fr}, "chevaux"},
			{"galoper", []*communique.Article{fr}, "galopaient"},
			{"enneige", []*communique.Article{fr}, "enneigés"}, // accents fold
			{"la ferme", []*communique.Article{fr}, "ferme"},
			{"la", nil, ""},
			{"chevaux -ferme", nil, ""},
		}, func() (*communique.Article, string) {
			return MustCreateArticle(t, db, ada, "Presse", "Les journaux nationaux sont parus."), "journal"
		}},
		{"german", []query{
			{"Haus", []*communique.Article{de}, "Häuser"},
			{"Fischers", []*communique.Article{de}, "Fischer"},
			{"haeuser hafen", nil, ""}, // no transliteration: ä is not ae
			{"die Häuser", []*communique.Article{de}, ""},
			{"die", nil, ""},
		}, func() (*communique.Article, string) {
			return MustCreateArticle(t, db, ada, "Kinder", "Den Kindern gefällt der Strand."), "Kind"
		}},
		{"arabic", []query{
			{"كتاب", []*communique.Article{ar}, "الكتاب"},
			{"جديدة", []*communique.Article{ar}, "الجديد"},
		}, func() (*communique.Article, string) {
			return MustCreateArticle(t, db, ada, "الأخبار", "وصلت السفينة إلى الميناء."), "سفينة"
		}},
	} {
		t.Run(lang.name, func(t *testing.T) {
			if err := db.SetSetting(ctx, "search_language", lang.name); err != nil {
				t.Fatal(err)
			}
			later, q := lang.later()
			queries := append(lang.queries, query{q, []*communique.Article{later}, ""})
			for _, tc := range queries {
				hits, total, err := db.SearchArticles(ctx, communique.SearchFilter{Query: tc.q})
				if err != nil {
					t.Fatalf("%s %q: %v", lang.name, tc.q, err)
				}
				ids := make([]int64, len(hits))
				for i, h := range hits {
					ids[i] = h.Article.ID
				}
				if !sameIDs(ids, tc.want...) || total != len(tc.want) {
					t.Errorf("%s %q found %q (total %d), want %d articles", lang.name, tc.q, titles(hits), total, len(tc.want))
					continue
				}
				if tc.mark != "" && !strings.Contains(hits[0].Title+" "+hits[0].Snippet, highlighted(tc.mark)) {
					t.Errorf("%s %q: title %q, snippet %q, want %q marked", lang.name, tc.q, hits[0].Title, hits[0].Snippet, tc.mark)
				}
			}
		})
	}
}

// testSearchFollowsSiteLanguage: search follows the site's language while
// its language is the site's, and keeps one chosen apart from it.
func testSearchFollowsSiteLanguage(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	fixedClock(db, searchNow)
	ada := MustCreateUser(t, db, "ada", communique.RoleEditor)
	fr := MustCreateArticle(t, db, ada, "Les chevaux", "Les chevaux galopaient.")
	searchLanguage := func() string {
		v, err := db.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return communique.ParseSettings(v).SearchLanguage
	}
	for _, step := range []struct {
		key, value, want string
		finds            bool // "cheval" finds "chevaux"
	}{
		{"language", "fr-CA", "french", true},
		{"language", "ja", "simple", false},
		{"language", "fr", "french", true},
		{"search_language", "german", "german", false}, // chosen apart from the site's
		{"language", "es", "german", false},
		{"search_language", "spanish", "spanish", false},
		{"language", "fr", "french", true}, // Spanish was the site's again: it follows
	} {
		if err := db.SetSetting(ctx, step.key, step.value); err != nil {
			t.Fatal(err)
		}
		if got := searchLanguage(); got != step.want {
			t.Errorf("%s=%s: search language %q, want %q", step.key, step.value, got, step.want)
		}
		_, ids, _ := (&searchFixture{db: db}).search(t, communique.SearchFilter{Query: "cheval"})
		if found := sameIDs(ids, fr); found != step.finds {
			t.Errorf("%s=%s: cheval found %v, want found = %v", step.key, step.value, ids, step.finds)
		}
	}
}

// BenchSearchLanguages loads the search corpus (COMMUNIQUE_BENCH_ARTICLES
// articles, 5,000 by default here) and, for English, French and German,
// measures re-indexing every article in the language (what changing
// search_language costs) and searches of inflected words, each English
// the reference in the same run: go test ./sqlite -run '^$' -bench
// SearchLanguages -benchtime 1x
func BenchSearchLanguages(b *testing.B, open Opener) {
	ctx := context.Background()
	db := open(b)
	n := 5000
	if os.Getenv("COMMUNIQUE_BENCH_ARTICLES") != "" {
		n = BenchmarkArticles()
	}
	loadSearchCorpus(b, db, n)
	queries := []string{"harbours", "voting council", "rescued farmers", "floods -storm", "teacher OR nurses"}
	if err := db.SetSetting(ctx, "search_language", "simple"); err != nil {
		b.Fatal(err)
	}
	for _, lang := range []string{"english", "french", "german"} {
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				if err := db.SetSetting(ctx, "search_language", lang); err != nil {
					b.Fatal(err)
				}
				reindex := time.Since(start)
				start = time.Now()
				const rounds = 40
				for range rounds {
					for _, q := range queries {
						if _, _, err := db.SearchArticles(ctx, communique.SearchFilter{Query: q, Limit: 10}); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(reindex.Milliseconds()), "reindex-ms")
				b.ReportMetric(float64(time.Since(start).Microseconds())/float64(rounds*len(queries))/1000, "search-ms")
				// Back to whole words, so each language's re-index starts alike.
				if err := db.SetSetting(ctx, "search_language", "simple"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
