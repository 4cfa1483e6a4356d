// Package stem reduces words to their stems with the Snowball stemmers
// (the same algorithms PostgreSQL's text search configurations use) and
// knows the Snowball stop words PostgreSQL ships, so a store without
// stemmers of its own can index and search a language the way
// PostgreSQL does.
package stem

import (
	"bufio"
	"embed"
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/arabic"
	"github.com/blevesearch/snowballstem/danish"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/finnish"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/hungarian"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/norwegian"
	"github.com/blevesearch/snowballstem/portuguese"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
	"github.com/blevesearch/snowballstem/swedish"
	"github.com/blevesearch/snowballstem/turkish"
)

// stemmers are Snowball's, by PostgreSQL's configuration name.
var stemmers = map[string]func(*snowballstem.Env) bool{
	"arabic": arabic.Stem, "danish": danish.Stem, "dutch": dutch.Stem, "english": english.Stem,
	"finnish": finnish.Stem, "french": french.Stem, "german": german.Stem, "hungarian": hungarian.Stem,
	"italian": italian.Stem, "norwegian": norwegian.Stem, "portuguese": portuguese.Stem,
	"romanian": romanian.Stem, "russian": russian.Stem, "spanish": spanish.Stem, "swedish": swedish.Stem,
	"turkish": turkish.Stem,
}

// The stop word lists are Snowball's, as PostgreSQL ships them in
// tsearch_data (BSD licence); a language without a file has none.
//
//go:embed stop/*.stop
var stopFiles embed.FS

var stopWords = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for lang := range stemmers {
		f, err := stopFiles.Open("stop/" + lang + ".stop")
		if err != nil {
			continue
		}
		set := map[string]bool{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" {
				set[w] = true
			}
		}
		f.Close()
		m[lang] = set
	}
	return m
}()

// Supported reports whether language names a stemmer.
func Supported(language string) bool { return stemmers[language] != nil }

// Word returns the stem of one word, lowercased; the word itself, lowercased,
// in a language without a stemmer.
func Word(language, word string) string {
	word = strings.ToLower(word)
	fn := stemmers[language]
	if fn == nil {
		return word
	}
	env := snowballstem.NewEnv(word)
	fn(env)
	return env.Current()
}

// IsStopWord reports whether a lowercased word is too common in the
// language to search for.
func IsStopWord(language, word string) bool { return stopWords[language][word] }

// IsWordRune reports whether r belongs to a word: letters, digits and the
// marks that combine with them. Everything else separates words.
func IsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// Text returns the stems of the words of s, in order, separated by
// spaces: what a store indexes so that a search for any form of a word,
// stemmed the same way, finds it.
func Text(language, s string) string {
	var b strings.Builder
	seen := map[string]string{} // an article says its words many times
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !IsWordRune(r) }) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		st, ok := seen[w]
		if !ok {
			st = Word(language, w)
			seen[w] = st
		}
		b.WriteString(st)
	}
	return b.String()
}
