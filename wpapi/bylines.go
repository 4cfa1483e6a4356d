package wpapi

import (
	"encoding/json"
	"strconv"

	"communique"
)

// bylineJSON is one person credited on a post: a user (id is the user's)
// or a guest contributor without a login (id is the guest's).
type bylineJSON struct {
	ID   int64  `json:"id"`
	Type string `json:"type"` // "user" or "guest"
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// bylinesOut lists who is credited: the bylines, or the author alone.
func bylinesOut(a *communique.Article) []bylineJSON {
	out := []bylineJSON{}
	for _, b := range a.Bylines {
		if b.UserID != 0 {
			out = append(out, bylineJSON{ID: b.UserID, Type: "user", Name: b.Name, Slug: b.Slug})
		} else {
			out = append(out, bylineJSON{ID: b.GuestID, Type: "guest", Name: b.Name, Slug: b.Slug})
		}
	}
	if len(out) == 0 && a.Author != nil {
		out = append(out, bylineJSON{ID: a.AuthorID, Type: "user", Name: a.Author.Name(), Slug: a.Author.Slug})
	}
	return out
}

// readBylines reads authors: an array whose items are user ids, or
// objects {"id": N, "type": "user"|"guest"} or {"name": "…"} for a guest
// credited by name (made the first time). Nil when absent.
func readBylines(in *input, bad invalid) *[]communique.Byline {
	raw, ok := in.get("authors")
	if !ok {
		return nil
	}
	items, ok := raw.([]any)
	if s, one := raw.(string); one {
		items, ok = []any{s}, true // authors=3 in a form or a query
	}
	if !ok {
		bad["authors"] = "authors is not of type array."
		return nil
	}
	list := []communique.Byline{}
	for _, it := range items {
		b, ok := bylineIn(it)
		if !ok {
			bad["authors"] = `authors[] must be a user id, {"id": N, "type": "user" or "guest"} or {"name": "…"}.`
			return nil
		}
		list = append(list, b)
	}
	if err := communique.ValidateBylines(list); err != nil {
		bad["authors"] = "authors: " + communique.ErrorMessage(err)
		return nil
	}
	return &list
}

func bylineIn(it any) (communique.Byline, bool) {
	switch v := it.(type) {
	case json.Number, string:
		id, ok := positiveID(v)
		return communique.Byline{UserID: id}, ok
	case map[string]any:
		id, hasID := positiveID(v["id"])
		kind, _ := v["type"].(string)
		name, _ := v["name"].(string)
		switch {
		case hasID && (kind == "user" || kind == ""):
			return communique.Byline{UserID: id}, true
		case hasID && kind == "guest":
			return communique.Byline{GuestID: id}, true
		case v["id"] == nil && name != "":
			return communique.Byline{Name: name}, true
		}
	}
	return communique.Byline{}, false
}

// positiveID reads an id given as a JSON number or as text.
func positiveID(v any) (int64, bool) {
	var text string
	switch n := v.(type) {
	case json.Number:
		text = n.String()
	case string:
		text = n
	default:
		return 0, false
	}
	id, err := strconv.ParseInt(text, 10, 64)
	return id, err == nil && id > 0
}
