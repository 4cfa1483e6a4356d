package wpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBodyBytes bounds JSON and form bodies (an article is at most 4 MiB).
const maxBodyBytes = 8 << 20

// input is a request's parameters as WordPress merges them: the JSON or
// form body first, then the query string. Query keys written as arrays
// ("categories[]=1&categories[]=2", "tags[0]=3") count as their name.
type input struct {
	query url.Values
	body  map[string]any
}

// queryInput reads the query string alone.
func queryInput(r *http.Request) *input {
	in := &input{query: url.Values{}, body: map[string]any{}}
	for k, vs := range r.URL.Query() {
		if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
			base := k[:i]
			sub, _, _ := strings.Cut(k[i+1:], "]")
			if taxParams[base] && sub != "" && strings.Trim(sub, "0123456789") != "" {
				// A taxonomy's object form: categories[terms][]=3 is
				// "categories.terms".
				k = base + "." + sub
			} else {
				k = base
			}
		}
		in.query[k] = append(in.query[k], vs...)
	}
	return in
}

// taxParams are the posts' (and menu items') list parameters that take WordPress's object
// form ({terms, include_children, operator}) beside a list of ids.
var taxParams = map[string]bool{"categories": true, "tags": true, "categories_exclude": true, "tags_exclude": true,
	"menus": true, "menus_exclude": true}

// taxQuery is a taxonomy parameter of a list of posts: term ids, and
// whether all of them are needed and categories bring their children.
type taxQuery struct {
	ids      []int64
	all      bool
	children bool
}

// taxQuery reads name as a list of ids, or as the object form
// name[terms], name[include_children], name[operator] (AND or OR).
func (in *input) taxQuery(name string, bad invalid) (taxQuery, bool) {
	var q taxQuery
	object := false
	for _, sub := range []string{"terms", "include_children", "operator"} {
		object = object || in.has(name+"."+sub)
	}
	if !object {
		ids, ok := in.ints(name, bad)
		q.ids = ids
		return q, ok
	}
	q.ids, _ = in.ints(name+".terms", bad)
	// As WordPress's schema: categories take include_children, and the
	// inclusive forms an operator.
	if strings.HasPrefix(name, "categories") {
		q.children, _ = in.boolean(name+".include_children", bad)
	} else if in.has(name + ".include_children") {
		bad[name] = "include_children is not a valid property of Object."
	}
	if !strings.HasSuffix(name, "_exclude") {
		op, _ := in.choice(name+".operator", bad, "OR", "AND")
		q.all = op == "AND"
	} else if in.has(name + ".operator") {
		bad[name] = "operator is not a valid property of Object."
	}
	if bad[name+".terms"] != "" || bad[name+".include_children"] != "" || bad[name+".operator"] != "" {
		bad[name] = name + " is not of type object, array."
	}
	return q, true
}

// readInput reads the query and a JSON or form body.
func readInput(w http.ResponseWriter, r *http.Request) (*input, error) {
	in := queryInput(r)
	if r.Body == nil {
		return in, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	switch ct {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, badRequest("rest_invalid_param", "The form body could not be read (is it too large?).")
		}
		for k, vs := range r.PostForm {
			if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
				k = k[:i]
			}
			if len(vs) == 1 {
				in.body[k] = vs[0]
			} else {
				in.body[k] = append(toAny(in.body[k]), toAny(vs)...)
			}
		}
	case "application/json", "":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, badRequest("rest_invalid_json", "The body could not be read (is it too large?).")
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return in, nil
		}
		if ct == "" && !json.Valid(b) {
			return in, nil // not JSON, and not said to be: nothing to read
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&in.body); err != nil || in.body == nil {
			return nil, badRequest("rest_invalid_json", "Invalid JSON body passed.")
		}
	}
	return in, nil
}

func toAny(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	return []any{v}
}

func (in *input) get(k string) (any, bool) {
	if v, ok := in.body[k]; ok {
		return v, true
	}
	if vs, ok := in.query[k]; ok {
		if len(vs) == 1 {
			return vs[0], true
		}
		return toAny(vs), true
	}
	return nil, false
}

func (in *input) has(k string) bool {
	_, ok := in.get(k)
	return ok
}

// str reads a string, or the "raw" of an object such as WordPress's
// {"title": {"raw": "…"}}.
func (in *input) str(k string, bad invalid) (string, bool) {
	v, ok := in.get(k)
	if !ok {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case map[string]any:
		if raw, ok := v["raw"].(string); ok {
			return raw, true
		}
	}
	bad[k] = k + " is not of type string."
	return "", false
}

// int reads a whole number.
func (in *input) int(k string, bad invalid) (int64, bool) {
	v, ok := in.get(k)
	if !ok {
		return 0, false
	}
	if n, ok := toInt(v); ok {
		return n, true
	}
	bad[k] = k + " is not of type integer."
	return 0, false
}

func toInt(v any) (int64, bool) {
	switch v := v.(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// ints reads a list of ids: a JSON array, repeated keys, "1,2,3", or one.
func (in *input) ints(k string, bad invalid) ([]int64, bool) {
	v, ok := in.get(k)
	if !ok {
		return nil, false
	}
	var items []any
	switch v := v.(type) {
	case []any:
		items = v
	case string:
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				items = append(items, part)
			}
		}
	default:
		items = []any{v}
	}
	ids := []int64{}
	for _, it := range items {
		n, ok := toInt(it)
		if !ok || n < 0 {
			bad[k] = k + "[" + strconv.Itoa(len(ids)) + "] is not of type integer."
			return nil, false
		}
		ids = append(ids, n)
	}
	return ids, true
}

// strs reads a list of strings: a JSON array, repeated keys or "a,b".
func (in *input) strs(k string, bad invalid) ([]string, bool) {
	v, ok := in.get(k)
	if !ok {
		return nil, false
	}
	var out []string
	add := func(s string) {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	switch v := v.(type) {
	case string:
		add(v)
	case []any:
		for _, it := range v {
			s, ok := it.(string)
			if !ok {
				bad[k] = k + " is not of type array of strings."
				return nil, false
			}
			add(s)
		}
	default:
		bad[k] = k + " is not of type string."
		return nil, false
	}
	return out, true
}

// boolean reads true or false (also "1", "0", "true", "false").
func (in *input) boolean(k string, bad invalid) (bool, bool) {
	v, ok := in.get(k)
	if !ok {
		return false, false
	}
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			return b, true
		}
	case json.Number:
		if s := v.String(); s == "0" || s == "1" {
			return s == "1", true
		}
	}
	bad[k] = k + " is not of type boolean."
	return false, false
}

// choice reads one of the allowed strings.
func (in *input) choice(k string, bad invalid, allowed ...string) (string, bool) {
	s, ok := in.str(k, bad)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if s == a {
			return s, true
		}
	}
	bad[k] = k + " is not one of " + strings.Join(allowed, ", ") + "."
	return "", false
}

// date reads an ISO 8601 time; one without an offset is in loc, as
// WordPress reads "date" in the site's zone and "date_gmt" in UTC.
func (in *input) date(k string, loc *time.Location, bad invalid) (time.Time, bool) {
	s, ok := in.str(k, bad)
	if !ok {
		return time.Time{}, false
	}
	if t, err := parseDate(s, loc); err == nil {
		return t, true
	}
	bad[k] = "Invalid date."
	return time.Time{}, false
}

func parseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// unsupported refuses WordPress parameters this site does not implement,
// rather than ignoring them and answering more than was asked for.
func (in *input) unsupported(bad invalid, names ...string) {
	for _, k := range names {
		if in.has(k) {
			bad[k] = k + " is not supported by this site."
		}
	}
}

// readMeta checks "meta": an object (or PHP's empty array) whose keys
// are ignored, as WordPress ignores keys nobody registered; none are
// registered here.
func readMeta(in *input, bad invalid) {
	v, ok := in.get("meta")
	if !ok {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		return
	case []any:
		if len(v) == 0 {
			return
		}
	}
	bad["meta"] = "meta is not of type object."
}
