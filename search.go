package communique

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Highlight delimiters around matched words in search snippets. They are
// private-use characters, which no reader types, so the web layer can
// escape a snippet as text and only then turn them into <mark> elements.
const (
	HighlightStart = "\uE000"
	HighlightEnd   = "\uE001"
)

// Limits on search queries.
const (
	MaxSearchQuery = 500 // characters
	MaxSearchTerms = 16  // words and phrases; the rest are ignored
	// MaxSearchResults is how many matches a search counts and returns:
	// the newest MaxSearchResults, the most recent of them ordered by
	// relevance, the rest by date. Ranking every article that mentions a
	// common word would take longer than a reader waits; a total of
	// MaxSearchResults means "at least that many".
	MaxSearchResults = 1000
	// SearchRankWindow is how many of the newest matches are ordered by
	// relevance; older matches follow them, newest first.
	SearchRankWindow = 300
)

// SearchLanguages are the languages full-text search can stem, named as
// PostgreSQL's text search configurations. Both stores stem each with
// Snowball's algorithm and leave out Snowball's stop words (Arabic has
// none); SQLite stems English with FTS5's porter. "simple" turns
// stemming off.
var SearchLanguages = []string{"arabic", "danish", "dutch", "english", "finnish", "french", "german", "hungarian",
	"italian", "norwegian", "portuguese", "romanian", "russian", "simple", "spanish", "swedish", "turkish"}

// searchLanguageOf names the search language of each language, by its
// ISO 639 code.
var searchLanguageOf = map[string]string{"ar": "arabic", "da": "danish", "nl": "dutch", "en": "english",
	"fi": "finnish", "fr": "french", "de": "german", "hu": "hungarian", "it": "italian", "nb": "norwegian",
	"nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
	"es": "spanish", "sv": "swedish", "tr": "turkish"}

// SearchLanguageFor returns the search language of a BCP 47 language tag
// ("fr-CA" is french), or "simple" (whole words) for a language search
// cannot stem.
func SearchLanguageFor(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	if l, ok := searchLanguageOf[base]; ok {
		return l
	}
	return "simple"
}

// SearchFilter selects published articles and pages by words.
type SearchFilter struct {
	Query string
	// Type limits the search to posts or pages; nil searches both.
	Type       *string
	CategoryID *int64 // with its descendants
	AuthorID   *int64
	// IDs keeps only these articles; ExcludeIDs drops these.
	IDs, ExcludeIDs []int64
	// PublishedFrom (inclusive) and PublishedTo (exclusive) bound the
	// publication time.
	PublishedFrom *time.Time
	PublishedTo   *time.Time
	Offset        int
	Limit         int
}

// SearchHit is one article found, with the matched words marked by
// HighlightStart and HighlightEnd in Title and Snippet. Both are plain text
// otherwise and must be escaped before they go into a page.
type SearchHit struct {
	Article *Article
	Title   string
	Snippet string
	Rank    float64 // higher is better; comparable within one search only
}

// SearchService finds articles by their words.
type SearchService interface {
	// SearchArticles returns published articles and pages matching
	// f.Query, best first, and their total count (at most
	// MaxSearchResults). The query is read the way web search engines
	// read one ("quoted phrase", -excluded, OR); any other punctuation is
	// ignored, so no input is a syntax error. EINVALID when the query is
	// too long or has no word to look for.
	SearchArticles(ctx context.Context, f SearchFilter) ([]*SearchHit, int, error)
	// RebuildSearchIndex re-indexes every article in the search_language
	// setting's language, after that setting changes or after rows were
	// written without going through the store's article methods.
	RebuildSearchIndex(ctx context.Context) error
	// Optimize compacts the index and refreshes the query
	// planner's statistics; run it after bulk writes such as an import.
	Optimize(ctx context.Context) error
}

// SearchTerm is one part of a parsed query: a word or a quoted phrase.
type SearchTerm struct {
	Words []string // one word, or the words of a phrase
	// Exclude marks a term written with a leading minus.
	Exclude bool
	// Or joins the term to the one before it with OR instead of AND.
	Or bool
}

// ParseSearchQuery splits a reader's query into terms the way web search
// engines do: "quoted phrases", -excluded words, OR between alternatives,
// everything else an implicit AND. Punctuation separates words and is
// otherwise dropped, so the result is safe to turn into any engine's
// syntax. It returns at most MaxSearchTerms terms.
func ParseSearchQuery(q string) []SearchTerm {
	var terms []SearchTerm
	var pendingOr bool
	i := 0
	for i < len(q) && len(terms) < MaxSearchTerms {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '"':
			end := strings.IndexByte(q[i+1:], '"')
			var phrase string
			if end < 0 {
				phrase, i = q[i+1:], len(q)
			} else {
				phrase, i = q[i+1:i+1+end], i+1+end+1
			}
			if words := searchWords(phrase); len(words) > 0 {
				terms = append(terms, SearchTerm{Words: words, Or: pendingOr && len(terms) > 0})
				pendingOr = false
			}
			continue
		}
		// A bare token runs to the next space or quote.
		end := strings.IndexFunc(q[i:], func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
		if end < 0 {
			end = len(q) - i
		}
		tok := q[i : i+end]
		i += end
		if tok == "OR" || tok == "|" {
			pendingOr = true
			continue
		}
		exclude := strings.HasPrefix(tok, "-")
		for _, w := range searchWords(tok) {
			if len(terms) == MaxSearchTerms {
				break
			}
			terms = append(terms, SearchTerm{Words: []string{w}, Exclude: exclude, Or: pendingOr && len(terms) > 0 && !exclude})
			pendingOr = false
		}
	}
	return terms
}

// searchWords returns the runs of letters and digits in s, lowercased.
func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
}

// SearchQueryError returns a reader-facing error for a query that cannot
// be searched, or nil.
func SearchQueryError(q string) error {
	switch {
	case utf8.RuneCountInString(q) > MaxSearchQuery:
		return Errorf(EINVALID, "That search is too long. Please use at most %d characters: a few distinctive words work best.", MaxSearchQuery)
	case !utf8.ValidString(q):
		return Errorf(EINVALID, "That search contains characters that are not allowed.")
	}
	for _, t := range ParseSearchQuery(q) {
		if !t.Exclude {
			return nil
		}
	}
	return Errorf(EINVALID, "Please type at least one word to look for.")
}
