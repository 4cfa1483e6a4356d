package stem_test

import (
	"strings"
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

// BenchmarkText stems a 1,000-word French article, beside splitting it
// into words alone (the reference, measured in the same run).
func BenchmarkText(b *testing.B) {
	body := strings.Repeat("Les chevaux galopaient dans les prés enneigés pendant que les journaux nationaux paraissaient. ", 100)
	b.Run("Fields", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			_ = strings.Fields(strings.ToLower(body))
		}
	})
	b.Run("French", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			_ = stem.Text("french", body)
		}
	})
}
