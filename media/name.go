package media

import (
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds a kept file name; longer ones are cut before the
// extension.
const maxNameBytes = 120

// CleanFilename returns the name to keep as metadata for an upload named
// name. Names no browser sends — with a path separator or a control
// character such as NUL, CR or LF, or not UTF-8 — are refused with
// ErrBadName. Otherwise invisible formatting characters (bidi overrides
// that make "gpj.exe" read as "exe.jpg"), characters that are special in
// file systems or headers, and leading dots are removed, and the name is
// shortened. The result is never used as a path: storage keys are made up
// by the site.
func CleanFilename(name string) (string, error) {
	if !utf8.ValidString(name) || strings.ContainsAny(name, `/\`) {
		return "", ErrBadName
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", ErrBadName
		}
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			// dropped
		case strings.ContainsRune(`<>:"|?*;%`, r), unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	clean := strings.Join(strings.Fields(b.String()), " ")
	clean = strings.TrimLeft(clean, ". ")
	clean = strings.TrimRight(clean, ". ")
	if len(clean) > maxNameBytes {
		ext := path.Ext(clean)
		if len(ext) > 10 {
			ext = ""
		}
		base := clean[:maxNameBytes-len(ext)]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
		clean = strings.TrimRight(base, ". ") + ext
	}
	return clean, nil
}

// withExt replaces the extension of a cleaned name by the one of the
// format found, so a PNG called photo.jpg is kept as photo.png.
func withExt(name, ext string) string {
	base := strings.TrimSuffix(name, path.Ext(name))
	if base == "" {
		base = "image"
	}
	return base + "." + ext
}

// DownloadName is the file name to offer for a stored image or one of its
// renditions: the kept name with the extension of what is served, and the
// width of a rendition.
func DownloadName(name string, width int, f Format) string {
	base := strings.TrimSuffix(name, path.Ext(name))
	if base == "" {
		base = "image"
	}
	if width > 0 {
		base += "-" + strconv.Itoa(width)
	}
	return base + "." + f.Ext()
}
