package communique_test

import (
	"fmt"
	"strings"
	"testing"

	"communique"
)

func TestParseSearchQuery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // terms as words joined by +, "-" for excluded, "|" before an OR
	}{
		{"harbour", "harbour"},
		{"  Harbour   FREEZES ", "harbour freezes"},
		{`"harbour froze" midnight`, "harbour+froze midnight"},
		{`"unclosed phrase`, "unclosed+phrase"},
		{"harbour -council", "harbour -council"},
		{"council OR parks", "council |parks"},
		{"council | parks", "council |parks"},
		{"OR council", "council"},
		{"council or parks", "council or parks"}, // lowercase or is a word, as in websearch_to_tsquery
		{"title:harbour", "title harbour"},
		{"harbour* AND (froze)", "harbour and froze"},
		{"e-mail", "e mail"},
		{"'; DROP TABLE articles; --", "drop table articles"},
		{"Café naïve", "café naïve"},
		{"5 < 6", "5 6"},
		{`""`, ""},
		{"---", ""},
		{strings.Repeat("w ", 40), strings.TrimSpace(strings.Repeat("w ", communique.MaxSearchTerms))},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var parts []string
			for _, term := range communique.ParseSearchQuery(tc.in) {
				p := strings.Join(term.Words, "+")
				if term.Exclude {
					p = "-" + p
				}
				if term.Or {
					p = "|" + p
				}
				parts = append(parts, p)
			}
			if got := strings.Join(parts, " "); got != tc.want {
				t.Errorf("ParseSearchQuery(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSearchQueryError(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"harbour", true},
		{"harbour -council", true},
		{"", false},
		{"-council", false},
		{"***", false},
		{strings.Repeat("é", communique.MaxSearchQuery), true},
		{strings.Repeat("é", communique.MaxSearchQuery+1), false},
		{"\xff", false},
	} {
		err := communique.SearchQueryError(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("SearchQueryError(%.20q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
		if err != nil && communique.ErrorCode(err) != communique.EINVALID {
			t.Errorf("SearchQueryError(%.20q) code = %s", tc.in, communique.ErrorCode(err))
		}
	}
}

func TestSearchLanguageSetting(t *testing.T) {
	for _, lang := range communique.SearchLanguages {
		if err := communique.ValidateSetting("search_language", lang); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
	if err := communique.ValidateSetting("search_language", "english'; --"); err == nil {
		t.Error("unknown language accepted")
	}
	s := communique.ParseSettings(nil)
	if got := fmt.Sprintf("%s %v %d", s.SearchLanguage, s.FeedFullText, s.FeedItems); got != "english true 10" {
		t.Errorf("defaults = %s", got)
	}
}

func TestSearchLanguageFor(t *testing.T) {
	for _, tt := range []struct{ tag, want string }{
		{"en", "english"}, {"en-GB", "english"}, {"fr-CA", "french"}, {"de", "german"}, {"pt-BR", "portuguese"},
		{"nb", "norwegian"}, {"ar", "arabic"}, {"es_MX", "spanish"}, {"he", "simple"}, {"ja", "simple"}, {"", "simple"},
	} {
		if got := communique.SearchLanguageFor(tt.tag); got != tt.want {
			t.Errorf("SearchLanguageFor(%q) = %q, want %q", tt.tag, got, tt.want)
		}
	}
	for _, l := range communique.SearchLanguages {
		if communique.ValidateSetting("search_language", l) != nil {
			t.Errorf("%s is not a valid search language", l)
		}
	}
}
