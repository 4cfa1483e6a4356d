package wpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// WordPress's global parameters, applied to every route's answer:
// ?_fields= keeps the named fields (nested ones as "title.rendered"), and
// ?_envelope puts status and headers into the body for clients that
// cannot read them.

// shaped reports whether a request asks for its answer to be reshaped.
func shaped(r *http.Request) bool {
	q := r.URL.Query()
	return r.Method != http.MethodHead && (q.Has("_envelope") || q.Get("_fields") != "")
}

// buffered holds an answer until it is reshaped; headers go straight to
// the real writer.
type buffered struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (b *buffered) WriteHeader(status int)      { b.status = status }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }

// serveShaped answers through next, then applies _fields and _envelope.
func serveShaped(w http.ResponseWriter, r *http.Request, next http.Handler) {
	b := &buffered{ResponseWriter: w, status: http.StatusOK}
	next.ServeHTTP(b, r)
	var data any
	if err := json.Unmarshal(b.body.Bytes(), &data); err != nil {
		w.WriteHeader(b.status) // not JSON: as it was
		w.Write(b.body.Bytes())
		return
	}
	q := r.URL.Query()
	if fields := q.Get("_fields"); fields != "" && b.status < 400 {
		data = keepFields(data, fieldTree(fields))
	}
	status := b.status
	if q.Has("_envelope") {
		headers := map[string]string{}
		for _, name := range []string{"Allow", "Link", "Location", "X-WP-Total", "X-WP-TotalPages"} {
			if v := w.Header().Values(name); len(v) > 0 {
				headers[name] = strings.Join(v, ", ")
			}
		}
		if aw, ok := w.(*allowWriter); ok {
			if b.status < 400 {
				headers["Allow"] = aw.allow()
			}
			if headers["Link"] == "" {
				headers["Link"] = "<" + aw.index + `>; rel="https://api.w.org/"`
			}
		}
		data = map[string]any{"body": data, "status": b.status, "headers": headers}
		status = http.StatusOK
	}
	writeJSON(w, status, data)
}

// fieldTree turns "id,title.rendered,_links" into nested sets; a nil
// node keeps the whole value.
func fieldTree(list string) map[string]any {
	tree := map[string]any{}
	for _, f := range strings.Split(list, ",") {
		node := tree
		parts := strings.Split(strings.TrimSpace(f), ".")
		for i, p := range parts {
			if p == "" {
				break
			}
			if i == len(parts)-1 {
				node[p] = nil // the whole value, whatever was asked below it
				break
			}
			child, ok := node[p].(map[string]any)
			if !ok {
				if v, exists := node[p]; exists && v == nil {
					break // already kept whole
				}
				child = map[string]any{}
				node[p] = child
			}
			node = child
		}
	}
	return tree
}

// keepFields keeps the tree's fields of an item, or of each item of a
// list.
func keepFields(v any, tree map[string]any) any {
	switch v := v.(type) {
	case []any:
		for i, item := range v {
			v[i] = keepFields(item, tree)
		}
		return v
	case map[string]any:
		out := map[string]any{}
		for k, sub := range tree {
			val, ok := v[k]
			if !ok {
				continue
			}
			if subtree, nested := sub.(map[string]any); nested {
				if m, isObject := val.(map[string]any); isObject {
					val = keepFields(m, subtree)
				}
			}
			out[k] = val
		}
		return out
	}
	return v
}

// WithRESTRoute serves ?rest_route=/wp/v2/posts on any path as
// /wp-json/wp/v2/posts, WordPress's address of the API for sites without
// pretty links, and hands everything else to next.
func (s *Server) WithRESTRoute(next http.Handler) http.Handler {
	api := s.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		route := q.Get("rest_route")
		if !q.Has("rest_route") || r.URL.Path != "/" {
			next.ServeHTTP(w, r)
			return
		}
		if !strings.HasPrefix(route, "/") {
			route = "/" + route
		}
		q.Del("rest_route")
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath, r2.URL.RawQuery = "/wp-json"+route, "", q.Encode()
		r2.RequestURI = r2.URL.RequestURI()
		api.ServeHTTP(w, r2)
	})
}
