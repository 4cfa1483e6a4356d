package httpkit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Overlay is a theme folder over embedded files: a file the folder has
// replaces the embedded one of the same name, and a folder lists the
// files of both. It is read once, at start, by ParseViews and LoadAssets.
type Overlay struct {
	top, base fs.FS
}

// NewOverlay lays the folder dir over base. An empty dir gives base
// alone; a dir that is not a folder is an error, so a mistyped --theme
// fails the boot instead of serving the default theme unnoticed.
func NewOverlay(dir string, base fs.FS) (fs.FS, error) {
	if dir == "" {
		return base, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("theme: %s is not a folder", dir)
	}
	return Overlay{top: os.DirFS(dir), base: base}, nil
}

// Open opens name from the folder, or from base when the folder lacks it.
func (o Overlay) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return o.base.Open(name)
	}
	return f, err
}

// ReadDir lists the entries of both, the folder's winning a name they
// share.
func (o Overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, errTop := fs.ReadDir(o.top, name)
	if errTop != nil && !errors.Is(errTop, fs.ErrNotExist) {
		return nil, errTop
	}
	base, errBase := fs.ReadDir(o.base, name)
	if errBase != nil && !errors.Is(errBase, fs.ErrNotExist) {
		return nil, errBase
	}
	if errTop != nil && errBase != nil {
		return nil, errBase
	}
	seen := make(map[string]bool, len(top))
	for _, e := range top {
		seen[e.Name()] = true
	}
	all := top
	for _, e := range base {
		if !seen[e.Name()] {
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return all, nil
}
