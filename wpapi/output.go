package wpapi

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// What every resource's JSON shares: WordPress's date strings, rendered
// fields, hypermedia links, pagination headers and _embed.

// Contexts select fields: view for readers, edit for those who may
// change the item (raw text, private fields), embed inside another item.
const (
	contextView  = "view"
	contextEdit  = "edit"
	contextEmbed = "embed"
)

// readContext reads ?context=.
func readContext(in *input, bad invalid) string {
	if !in.has("context") {
		return contextView
	}
	ctx, _ := in.choice("context", bad, contextView, contextEmbed, contextEdit)
	return ctx
}

// wpDate is WordPress's date: no offset, in loc ("date" in the site's
// zone, "date_gmt" in UTC).
func wpDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02T15:04:05")
}

// wpDateGMT is the UTC date, or null when there is none.
func wpDateGMT(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := wpDate(t, time.UTC)
	return &s
}

// rendered is {"rendered": "…"} with "raw" in edit context.
type rendered struct {
	Raw       *string `json:"raw,omitempty"`
	Rendered  string  `json:"rendered"`
	Protected *bool   `json:"protected,omitempty"`
	// BlockVersion is in edit context: 0, as bodies here hold no blocks.
	BlockVersion *int `json:"block_version,omitempty"`
}

func rawIf(edit bool, s string) *string {
	if !edit {
		return nil
	}
	return &s
}

var falseValue, trueValue = false, true

// noMeta is "meta": [] — WordPress's meta with no keys registered.
var noMeta = &[]any{}

// link is one hypermedia link of an item's _links.
type link struct {
	Href       string `json:"href"`
	Embeddable bool   `json:"embeddable,omitempty"`
	Taxonomy   string `json:"taxonomy,omitempty"`
	Name       string `json:"name,omitempty"`
	Templated  bool   `json:"templated,omitempty"`
	Count      *int   `json:"count,omitempty"`
	PostType   string `json:"post_type,omitempty"`
}

// links are an item's _links by relation.
type links map[string][]link

func (c *caller) api(path string) string { return c.Base + "/wp-json" + path }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// paging reads page, per_page and offset as WordPress does.
type paging struct {
	Page, PerPage, Offset int
}

func readPaging(in *input, bad invalid) paging {
	p := paging{Page: 1, PerPage: 10}
	if n, ok := in.int("page", bad); ok {
		if n < 1 || n > 1_000_000 {
			bad["page"] = "page must be greater than or equal to 1"
		} else {
			p.Page = int(n)
		}
	}
	if n, ok := in.int("per_page", bad); ok {
		if n < 1 || n > 100 {
			bad["per_page"] = "per_page must be between 1 (inclusive) and 100 (inclusive)"
		} else {
			p.PerPage = int(n)
		}
	}
	if n, ok := in.int("offset", bad); ok {
		if n < 0 || n > 10_000_000 {
			bad["offset"] = "offset must be greater than or equal to 0"
		} else {
			p.Offset = int(n)
		}
	}
	return p
}

// start is the index of the page's first item.
func (p paging) start() int { return p.Offset + (p.Page-1)*p.PerPage }

// setPaging sets X-WP-Total, X-WP-TotalPages and the Link header with
// the previous and next pages. An out-of-range page is an error where
// WordPress makes it one (pageErr), else an empty list.
func setPaging(w http.ResponseWriter, r *http.Request, c *caller, p paging, total int, pageErr string) error {
	pages := int(math.Ceil(float64(max(total-p.Offset, 0)) / float64(p.PerPage)))
	if pageErr != "" && total > 0 && p.Page > pages {
		return badRequest(pageErr, "The page number requested is larger than the number of pages available.")
	}
	h := w.Header()
	h.Set("X-WP-Total", strconv.Itoa(total))
	h.Set("X-WP-TotalPages", strconv.Itoa(pages))
	pageURL := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return c.Base + r.URL.Path + "?" + q.Encode()
	}
	var rels []string
	if p.Page > 1 && pages > 0 {
		rels = append(rels, "<"+pageURL(min(p.Page-1, pages))+`>; rel="prev"`)
	}
	if p.Page < pages {
		rels = append(rels, "<"+pageURL(p.Page+1)+`>; rel="next"`)
	}
	if len(rels) > 0 {
		h.Set("Link", strings.Join(rels, ", "))
	}
	return nil
}

// embedding is what an item contributes to _embed: its links, and the
// field to fill.
type embedding interface {
	linksOf() links
	setEmbedded(map[string]any)
}

// wantEmbed reads ?_embed: every embeddable relation ("_embed" or
// "_embed=1"), a list of them, or none.
func wantEmbed(r *http.Request) map[string]bool {
	q := r.URL.Query()
	vs, ok := q["_embed"]
	if !ok {
		return nil
	}
	want := map[string]bool{}
	for _, v := range vs {
		for _, rel := range strings.Split(v, ",") {
			if rel = strings.TrimSpace(rel); rel != "" && rel != "1" && rel != "true" {
				want[rel] = true
			}
		}
	}
	if len(want) == 0 {
		want["*"] = true
	}
	return want
}

// embed fills _embedded as WordPress does: each embeddable link is
// fetched through the API itself, as the same caller, in embed context,
// so embedded items obey the same rules as direct requests (an author
// the caller may not see is embedded as the error the caller would get).
// Items sharing a link fetch it once.
// pathID reads the route's {id}: a positive integer, or not ok.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// writeList answers a list of items, with the relations ?_embed asks
// for embedded in each.
func writeList[T embedding](s *Server, w http.ResponseWriter, r *http.Request, out []T) {
	items := make([]embedding, len(out))
	for i, o := range out {
		items[i] = o
	}
	s.embed(r, items)
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) embed(r *http.Request, items []embedding) {
	want := wantEmbed(r)
	if want == nil || r.URL.Query().Get("context") == contextEmbed {
		return
	}
	c := callerFrom(r.Context())
	fetched := map[string]json.RawMessage{}
	for _, it := range items {
		out := map[string]any{}
		for rel, ls := range it.linksOf() {
			if !want["*"] && !want[rel] {
				continue
			}
			var got []json.RawMessage
			for _, l := range ls {
				if !l.Embeddable {
					continue
				}
				body, ok := fetched[l.Href]
				if !ok {
					body = s.fetch(r, c, l.Href)
					fetched[l.Href] = body
				}
				if body != nil {
					got = append(got, body)
				}
			}
			if len(got) > 0 {
				out[rel] = got
			}
		}
		if len(out) > 0 {
			it.setEmbedded(out)
		}
	}
}

// fetch answers a GET of one of the API's own URLs internally.
func (s *Server) fetch(r *http.Request, c *caller, href string) json.RawMessage {
	u, err := url.Parse(href)
	if err != nil || !strings.HasPrefix(href, c.Base+"/wp-json/") {
		return nil
	}
	q := u.Query()
	q.Set("context", contextEmbed)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u.RequestURI(), nil)
	if err != nil {
		return nil
	}
	rec := &recorder{header: http.Header{}}
	s.routes.ServeHTTP(rec, req)
	if !json.Valid(rec.body.Bytes()) {
		return nil
	}
	return rec.body.Bytes()
}

// recorder keeps an internal answer.
type recorder struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
