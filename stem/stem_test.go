package stem_test

import (
	"testing"

	"communique/stem"
)

func TestWord(t *testing.T) {
	for _, tt := range []struct{ lang, a, b string }{
		{"english", "running", "run"},
		{"english", "Harbours", "harbour"},
		{"french", "chevaux", "cheval"},
		{"french", "Nationales", "national"},
		{"german", "Häuser", "Haus"},
		{"german", "Kindern", "Kinder"},
		{"spanish", "corriendo", "corren"},
		{"arabic", "الكتاب", "كتاب"},
	} {
		if a, b := stem.Word(tt.lang, tt.a), stem.Word(tt.lang, tt.b); a != b {
			t.Errorf("%s: %q stems to %q, %q to %q; want the same stem", tt.lang, tt.a, a, tt.b, b)
		}
	}
	if a, b := stem.Word("simple", "Horses"), stem.Word("simple", "horse"); a != "horses" || b != "horse" {
		t.Errorf("simple stems: %q %q", a, b)
	}
}

func TestStopWords(t *testing.T) {
	for _, tt := range []struct {
		lang, word string
		stop       bool
	}{
		{"english", "the", true}, {"english", "harbour", false},
		{"french", "la", true}, {"french", "cheval", false},
		{"german", "und", true}, {"german", "haus", false},
		{"arabic", "في", false}, // Snowball has no Arabic list
	} {
		if got := stem.IsStopWord(tt.lang, tt.word); got != tt.stop {
			t.Errorf("%s %q stop = %v, want %v", tt.lang, tt.word, got, tt.stop)
		}
	}
}

func TestText(t *testing.T) {
	if got := stem.Text("french", "Les chevaux, au galop!"); got != "le cheval au galop" {
		t.Errorf("Text = %q", got)
	}
}
