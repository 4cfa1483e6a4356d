package communique

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s can be stored as text in either store:
// valid UTF-8 without NUL characters, which PostgreSQL refuses in text
// and which no person types.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
