package httpkit

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
)

// Views are the pages of one door, each parsed once, at start, with the
// door's layout and partials.
type Views struct {
	pages map[string]*template.Template
	// localize gives a language's template functions (t, tn, …); nil
	// when the door speaks one language.
	localize func(lang string) template.FuncMap
	mu       sync.Mutex
	langs    sync.Map // language → map[string]*template.Template
}

// ParseViews reads templates/layout.html, then templates/<name>.html for
// each partial (shared by every page) and each page, from fsys. A page
// is executed through its "layout" template. Any view missing or broken
// is an error, so it fails the boot and never a request.
func ParseViews(fsys fs.FS, funcs template.FuncMap, partials, pages []string) (*Views, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(fsys, "templates/"+name+".html")
		if err != nil {
			return "", fmt.Errorf("view %s: %w", name, err)
		}
		return string(b), nil
	}
	layout, err := read("layout")
	if err != nil {
		return nil, err
	}
	common, err := template.New("layout").Funcs(funcs).Parse(layout)
	if err != nil {
		return nil, fmt.Errorf("view layout: %w", err)
	}
	for _, name := range partials {
		body, err := read(name)
		if err != nil {
			return nil, err
		}
		if _, err := common.New(name).Parse(body); err != nil {
			return nil, fmt.Errorf("view %s: %w", name, err)
		}
	}
	v := &Views{pages: make(map[string]*template.Template, len(pages))}
	for _, name := range pages {
		body, err := read(name)
		if err != nil {
			return nil, err
		}
		// Each page on its own copy: pages define the same blocks
		// ("content") differently.
		t, err := common.Clone()
		if err == nil {
			_, err = t.New(name).Parse(body)
		}
		if err != nil {
			return nil, fmt.Errorf("view %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Localize has each language's pages use the functions funcs gives it,
// which replace those of the same name the views were parsed with. A
// language's pages are copies of the parsed ones, made the first time
// it is asked for; the parsed ones are never executed, so they can be
// copied at any time.
func (v *Views) Localize(funcs func(lang string) template.FuncMap) {
	v.localize = funcs
}

// pagesIn are the pages of lang.
func (v *Views) pagesIn(lang string) (map[string]*template.Template, error) {
	if v.localize == nil {
		return v.pages, nil
	}
	if p, ok := v.langs.Load(lang); ok {
		return p.(map[string]*template.Template), nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if p, ok := v.langs.Load(lang); ok {
		return p.(map[string]*template.Template), nil
	}
	funcs := v.localize(lang)
	pages := make(map[string]*template.Template, len(v.pages))
	for name, t := range v.pages {
		c, err := t.Clone()
		if err != nil {
			return nil, fmt.Errorf("view %s in %s: %w", name, lang, err)
		}
		pages[name] = c.Funcs(funcs)
	}
	v.langs.Store(lang, pages)
	return pages, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render executes the page name with data and answers with it. The page
// is made whole first: when it fails, nothing is written and the error
// is returned, for the door to answer with its error page instead of
// half a page. Content-Length is stated even to a HEAD, which gets no
// body, so it learns what a GET would bring.
func (v *Views) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	return v.RenderIn("", w, r, status, name, data)
}

// RenderIn is Render in the language lang (see Localize).
func (v *Views) RenderIn(lang string, w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	pages, err := v.pagesIn(lang)
	if err != nil {
		return err
	}
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("render: no view %q", name)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	write(w, status, "text/html; charset=utf-8", buf.Bytes(), r.Method == http.MethodHead)
	return nil
}

// Execute runs one template of page's set, such as a partial's single
// comment, for a fragment sent outside a page (a live update).
func (v *Views) Execute(w io.Writer, page, name string, data any) error {
	return v.ExecuteIn("", w, page, name, data)
}

// ExecuteIn is Execute in the language lang (see Localize).
func (v *Views) ExecuteIn(lang string, w io.Writer, page, name string, data any) error {
	pages, err := v.pagesIn(lang)
	if err != nil {
		return err
	}
	t, ok := pages[page]
	if !ok {
		return fmt.Errorf("execute: no view %q", page)
	}
	return t.ExecuteTemplate(w, name, data)
}

// write answers with a whole body, stating its length; head leaves the
// body out.
func write(w http.ResponseWriter, status int, contentType string, body []byte, head bool) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if !head {
		w.Write(body)
	}
}
