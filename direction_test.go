package communique_test

import (
	"testing"

	"communique"
)

func TestTextDirection(t *testing.T) {
	for _, tt := range []struct{ tag, want string }{
		{"ar", "rtl"}, {"ar-EG", "rtl"}, {"he", "rtl"}, {"fa", "rtl"}, {"ur", "rtl"}, {"ps", "rtl"},
		{"sd", "rtl"}, {"ug", "rtl"}, {"yi", "rtl"}, {"dv", "rtl"}, {"ckb", "rtl"}, {"az-Arab", "rtl"},
		{"en", "ltr"}, {"fr", "ltr"}, {"pt-BR", "ltr"}, {"zh", "ltr"}, {"ja", "ltr"}, {"ru", "ltr"},
		{"az", "ltr"}, {"ku-Latn", "ltr"}, {"", "ltr"}, {"not a tag!", "ltr"},
	} {
		if got := communique.TextDirection(tt.tag); got != tt.want {
			t.Errorf("TextDirection(%q) = %q, want %q", tt.tag, got, tt.want)
		}
	}
}

func TestStripBidiControls(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ada", "Ada"},
		{"\u202eevil\u202c", "evil"},
		{"\u2067שרה\u2069 Cohen", "שרה Cohen"},
		{"ليلى\u200f\u200e\u061c", "ليلى"},
		{"a\u202ab\u202bc\u202dd\u2066e\u2068f", "abcdef"},
	} {
		if got := communique.StripBidiControls(tt.in); got != tt.want {
			t.Errorf("StripBidiControls(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
