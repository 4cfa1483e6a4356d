package markup

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlugLen keeps slugs well inside common URL and index limits.
const maxSlugLen = 200

// slugFolds spells out Latin letters that have no canonical decomposition,
// so NFKD alone would drop them ("Łódź" would become "odz").
var slugFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d",
	'ð': "d", 'Ð': "d",
	'þ': "th", 'Þ': "th",
	'ħ': "h", 'Ħ': "h",
	'ı': "i",
	'ĸ': "k",
	'ł': "l", 'Ł': "l",
	'ŋ': "ng", 'Ŋ': "ng",
}

// Slugify turns a title into a URL slug: lower-case ASCII letters and
// digits separated by single hyphens, with accents folded ("é" becomes
// "e"), at most 200 bytes and without leading or trailing hyphens.
// Apostrophes vanish rather than split words ("Don't" becomes "dont").
// It returns "" when nothing is left, for example for a title in a
// non-Latin script; the caller picks a fallback.
func Slugify(s string) string {
	var b strings.Builder
	// hyphen is set after a separator and written only before the next
	// letter or digit, which gives single inner hyphens and none at the
	// ends.
	hyphen := false
	emit := func(r rune) {
		if hyphen && b.Len() > 0 {
			b.WriteByte('-')
		}
		hyphen = false
		b.WriteRune(r)
	}
	// NFKD splits "é" into "e" and a combining accent, and compatibility
	// forms such as "ﬁ" or "²" into plain letters and digits.
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			emit(r)
		case r >= 'A' && r <= 'Z':
			emit(r + 'a' - 'A')
		case unicode.Is(unicode.Mn, r):
			// Combining accent left by NFKD.
		case r == '\'' || r == '’' || r == 'ʼ' || r == '·':
			// Inside words: "don't", "l’homme", Catalan "l·l".
		default:
			if fold, ok := slugFolds[r]; ok {
				for _, f := range fold {
					emit(f)
				}
				continue
			}
			hyphen = true
		}
		if b.Len() >= maxSlugLen {
			break
		}
	}
	slug := b.String()
	if len(slug) > maxSlugLen {
		slug = slug[:maxSlugLen]
	}
	return strings.TrimRight(slug, "-")
}
