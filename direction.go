package communique

import (
	"strings"

	"golang.org/x/text/language"
)

// Text directions, as HTML's dir attribute names them.
const (
	DirLTR = "ltr"
	DirRTL = "rtl"
)

// rtlScripts are the ISO 15924 scripts written right to left that a
// language tag's likely script can be: Arabic (ar, fa, ur, ps, sd, ug,
// ckb…), Hebrew (he, yi), Thaana (dv), Syriac, N'Ko, Adlam, Hanifi
// Rohingya, Mandaic, Samaritan.
var rtlScripts = map[string]bool{"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true, "Aran": true}

// TextDirection returns the direction of a BCP 47 language tag's script:
// DirRTL for Arabic, Hebrew, Persian, Urdu and the others written right
// to left, DirLTR for the rest and for a tag that does not parse. An
// explicit script wins ("az-Arab" is rtl, "ku-Latn" ltr); otherwise the
// likely script of the language decides (CLDR's likely subtags).
func TextDirection(tag string) string {
	t, err := language.Parse(strings.TrimSpace(tag))
	if err != nil {
		return DirLTR
	}
	script, conf := t.Script()
	if conf == language.No {
		return DirLTR
	}
	if rtlScripts[script.String()] {
		return DirRTL
	}
	return DirLTR
}

// isBidiControl reports whether r is one of Unicode's explicit
// directional formatting characters: embeddings and overrides
// (U+202A–U+202E), isolates (U+2066–U+2069), and the marks LRM, RLM and
// ALM (U+200E, U+200F, U+061C).
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// StripBidiControls removes the directional formatting characters from s.
// A name needs none of them to display right (the page isolates it), and
// an override left open in one would reverse the text around it.
func StripBidiControls(s string) string {
	if strings.IndexFunc(s, isBidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}
