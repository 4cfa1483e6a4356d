package httpkit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// Assets are a door's static files, read once at start and served under
// one URL prefix with their content hash in the URL, so that a browser
// may keep them for a year and still get a new version the moment it
// changes (the page links the new hash).
type Assets struct {
	prefix string
	files  map[string]asset
}

type asset struct {
	body        []byte
	hash        string
	contentType string
}

// LoadAssets reads every file of the folder dir of fsys, to be served at
// prefix + its name (prefix ends with a slash: "/static/").
func LoadAssets(fsys fs.FS, dir, prefix string) (*Assets, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	a := &Assets{prefix: prefix, files: make(map[string]asset, len(entries))}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("assets: %w", err)
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[e.Name()] = asset{body: b, hash: hex.EncodeToString(sum[:6]), contentType: ct}
	}
	return a, nil
}

// URL is the address of the file name with its hash, for templates'
// "asset" function: an unknown name is an error, which fails the render
// rather than linking nothing.
func (a *Assets) URL(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return a.prefix + name + "?v=" + f.hash, nil
}

// ServeHTTP answers with the file the route's {name} names. Only the URL
// with the current hash may be cached for good; others (an old hash, none)
// for a few minutes.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	// ServeContent answers If-None-Match from the ETag, ranges, HEAD and
	// Content-Length.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
