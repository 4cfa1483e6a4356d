package sqlite

import (
	"context"
	"database/sql/driver"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"

	"communique"
	"communique/sqlstore"
	"communique/stem"
)

// FTS5 has one stemmer, porter, for English. The other languages are
// stemmed in Go with Snowball's stemmers (those PostgreSQL uses): the
// search_stem function, which the view articles_fts_source calls, writes
// the stems of the words into the index (migration 0040), and a query's
// words are stemmed the same way. The index then holds stems, not the
// text, so snippets are cut from the articles in Go.

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("search_stem", 2, searchStem)
}

// searchStem is search_stem(language, text): text as the index keeps it
// in that language.
func searchStem(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	lang, _ := args[0].(string)
	var text string
	switch v := args[1].(type) {
	case nil:
		return nil, nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return v, nil
	}
	if !stemsInGo(lang) {
		return text, nil
	}
	return stem.Text(lang, text), nil
}

// stemsInGo reports whether the index holds Go's stems for a language:
// every Snowball language but English, which FTS5's porter stems.
func stemsInGo(language string) bool { return language != "english" && stem.Supported(language) }

// queryTerms returns the terms as the index holds their words: without
// the language's stop words (outside phrases, where they keep the words
// apart), stemmed when the index holds stems. It is empty when only stop
// words were asked for.
func queryTerms(terms []communique.SearchTerm, language string) []communique.SearchTerm {
	var out []communique.SearchTerm
	positive := false
	for _, t := range terms {
		if len(t.Words) == 1 && stem.IsStopWord(language, t.Words[0]) {
			continue
		}
		if stemsInGo(language) {
			words := make([]string, len(t.Words))
			for i, w := range t.Words {
				words[i] = stem.Word(language, w)
			}
			t.Words = words
		}
		if len(out) == 0 {
			t.Or = false
		}
		positive = positive || !t.Exclude
		out = append(out, t)
	}
	if !positive {
		return nil
	}
	return out
}

// goSnippets cuts snippets from the articles' own text, marking the
// words whose stems the query asked for.
func (s search) goSnippets(ctx context.Context, ids []int64) (map[int64]sqlstore.SearchSnippet, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, title, excerpt, COALESCE(body_text, html) FROM articles
		WHERE id IN (`+sqlstore.Placeholders(len(ids))+`)`, sqlstore.Int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, t := range s.terms {
		if !t.Exclude {
			for _, w := range t.Words {
				want[fold(w)] = true
			}
		}
	}
	m := map[int64]sqlstore.SearchSnippet{}
	matched := map[string]bool{} // a word is stemmed once for all the snippets
	match := func(w string) bool {
		is, ok := matched[w]
		if !ok {
			is = want[fold(stem.Word(s.lang, w))]
			matched[w] = is
		}
		return is
	}
	for rows.Next() {
		var id int64
		var title, excerpt, body string
		if err := rows.Scan(&id, &title, &excerpt, &body); err != nil {
			return nil, err
		}
		m[id] = sqlstore.SearchSnippet{Title: markWords(title, match, 0),
			Excerpt: markWords(excerpt, match, snippetWords), Body: markWords(body, match, snippetWords)}
	}
	return m, rows.Err()
}

// markWords marks the matching words of s. With a limit, it keeps about
// that many words around the first match (the opening without one), with
// an ellipsis where it cut, as FTS5's snippet does.
func markWords(s string, match func(string) bool, limit int) string {
	type span struct{ start, end int }
	var words []span
	start := -1
	for i, r := range s + " " {
		switch {
		case stem.IsWordRune(r) && start < 0:
			start = i
		case !stem.IsWordRune(r) && start >= 0:
			words, start = append(words, span{start, i}), -1
		}
	}
	from, to := 0, len(s)
	if limit > 0 && len(words) > limit {
		first := 0
		for i, w := range words {
			if match(s[w.start:w.end]) {
				first = i
				break
			}
		}
		lo := max(0, min(first-limit/4, len(words)-limit))
		to = words[lo+limit-1].end
		if lo > 0 {
			from = words[lo].start
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, w := range words {
		if w.start < from || w.end > to || !match(s[w.start:w.end]) {
			continue
		}
		b.WriteString(s[at:w.start])
		b.WriteString(communique.HighlightStart + s[w.start:w.end] + communique.HighlightEnd)
		at = w.end
	}
	b.WriteString(s[at:to])
	if to < len(s) {
		b.WriteString("…")
	}
	return b.String()
}

// fold removes accents, as the index's remove_diacritics does.
func fold(w string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), w)
	if err != nil {
		return w
	}
	return out
}
