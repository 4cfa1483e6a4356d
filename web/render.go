package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"communique"
	"communique/discussion"
	"communique/health"
)

//go:embed templates static
var embedded embed.FS

// pageViews are the templates each page is made of, besides the layout.
// They are parsed at start so a missing or broken view fails the boot.
var pageViews = []string{"list", "article", "page", "notfound", "error", "setup", "comment_edit", "search", "subscription"}

// partialViews are templates shared by several pages.
var partialViews = []string{"discussion", "webmentions"}

// views holds parsed templates and static assets with their hashes.
type views struct {
	pages  map[string]*template.Template
	static map[string]asset
}

type asset struct {
	body        []byte
	hash        string
	contentType string
}

// overlay reads a file from the theme folder when it has it, else from
// the embedded default theme.
type overlay struct {
	dir string
	fs  fs.FS
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if o.dir != "" {
		b, err := os.ReadFile(filepath.Join(o.dir, filepath.FromSlash(name)))
		if err == nil {
			return b, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return fs.ReadFile(o.fs, name)
}

func loadViews(themeDir string) (*views, error) {
	if themeDir != "" {
		if st, err := os.Stat(themeDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("theme: %s is not a folder", themeDir)
		}
	}
	o := overlay{dir: themeDir, fs: embedded}
	v := &views{pages: map[string]*template.Template{}, static: map[string]asset{}}

	names, err := fs.Glob(embedded, "static/*")
	if err != nil {
		return nil, err
	}
	if themeDir != "" {
		extra, _ := filepath.Glob(filepath.Join(themeDir, "static", "*"))
		for _, e := range extra {
			names = append(names, "static/"+filepath.Base(e))
		}
	}
	for _, name := range names {
		b, err := o.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		v.static[path.Base(name)] = asset{body: b, hash: hex.EncodeToString(sum[:])[:12], contentType: ct}
	}

	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := v.static[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return "/static/" + name + "?v=" + a.hash, nil
		},
		"trusted": func(s string) template.HTML { return template.HTML(s) }, // only for HTML sanitized before storage
		"year":    func() int { return time.Now().Year() },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}
	layout, err := o.ReadFile("templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	// Partials are shared by several pages.
	for _, name := range partialViews {
		b, err := o.ReadFile("templates/" + name + ".html")
		if err != nil {
			return nil, fmt.Errorf("theme: partial %s: %w", name, err)
		}
		layout = append(append(layout, '\n'), b...)
	}
	for _, name := range pageViews {
		body, err := o.ReadFile("templates/" + name + ".html")
		if err != nil {
			return nil, fmt.Errorf("theme: view %s: %w", name, err)
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.New(name).Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("theme: view %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so a template error becomes
// a clean error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := s.views.pages[name].ExecuteTemplate(buf, "layout", data); err != nil {
		s.logger.Error("render", "view", name, "err", err)
		if name != "error" {
			s.renderError(w, r, err)
		} else {
			http.Error(w, "Internal error", http.StatusInternalServerError)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The length even for a HEAD, which gets no body: it must say what a
	// GET would get.
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// statusOf maps error codes to HTTP statuses.
var statusOf = map[string]int{
	communique.ECONFLICT:     http.StatusConflict,
	communique.EINVALID:      http.StatusBadRequest,
	communique.ENOTFOUND:     http.StatusNotFound,
	communique.EUNAUTHORIZED: http.StatusUnauthorized,
	communique.EFORBIDDEN:    http.StatusForbidden,
	communique.EINTERNAL:     http.StatusInternalServerError,
}

type errorPage struct {
	pageData
	Status  int
	Message string
}

// renderError shows an error page. Internal errors are logged and shown
// with a generic message; their text never reaches the reader.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if refusal := discussion.AsError(err); refusal != nil {
		data := errorPage{Status: statusOfRefusal[refusal.Kind], Message: refusal.Message}
		s.fillPage(r, &data.pageData, http.StatusText(data.Status))
		data.NoIndex = true
		s.render(w, r, data.Status, "error", data)
		return
	}
	code := communique.ErrorCode(err)
	status := statusOf[code]
	if code == communique.ENOTFOUND {
		s.notFound(w, r)
		return
	}
	if status == http.StatusInternalServerError {
		// A store that is out of reach is an outage, not a bug: 503 with
		// Retry-After, and a page that needs nothing from the store.
		if s.health.Unavailable(r.Context(), err) {
			s.logger.Debug("store unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
			health.WriteUnavailable(w, r)
			return
		}
		s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	data := errorPage{Status: status, Message: communique.ErrorMessage(err)}
	s.fillPage(r, &data.pageData, http.StatusText(status))
	data.NoIndex = true
	s.render(w, r, status, "error", data)
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.views.static[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", `"`+a.hash+`"`)
	// The URL carries the content hash, so a matching one never changes.
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if strings.Contains(r.Header.Get("If-None-Match"), a.hash) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
