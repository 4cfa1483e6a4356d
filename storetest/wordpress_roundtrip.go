package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"

	"communique/wxr"
)

// itemIdentity names an item by what it is: its type, title and slug,
// and for a menu item (whose slug is its id) its menu and position.
func itemIdentity(r *wxr.Item) string {
	if r.Type == "nav_menu_item" {
		menu := ""
		for _, t := range r.Terms {
			if t.Domain == wxr.TaxonomyNavMenu {
				menu = t.Nicename
			}
		}
		return fmt.Sprintf("nav_menu_item %s #%d %s", menu, r.MenuOrder, r.Title)
	}
	return r.Type + " " + r.Title + " (" + r.Name + ")"
}

var idLink = regexp.MustCompile(`([?&](?:p|page_id|attachment_id)=)[0-9]+`)

// exportLines are an export's records as sorted lines per kind (author,
// term, item, comment), free of the ids one site gives and another does
// not: an item, a term or a comment another refers to (parent, featured
// image, menu target, menu parent, reply) is named by what it is.
func exportLines(t *testing.T, doc []byte) map[string][]string {
	t.Helper()
	var records []any
	rd := wxr.NewReader(bytes.NewReader(doc))
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading the export: %v", err)
		}
		records = append(records, rec)
	}
	items, terms, comments := map[string]string{}, map[string]string{}, map[string]string{}
	var current *wxr.Item
	for _, rec := range records {
		switch r := rec.(type) {
		case *wxr.Item:
			current = r
			items[fmt.Sprint(r.ID)] = itemIdentity(r)
		case *wxr.Term:
			terms[fmt.Sprint(r.ID)] = r.Taxonomy + " " + r.Slug
		case *wxr.Comment:
			comments[fmt.Sprint(r.ID)] = items[fmt.Sprint(current.ID)] + " " + r.Author + " " + r.DateGMT
		}
	}
	name := func(m map[string]string, id string) string {
		if id == "" || id == "0" {
			return ""
		}
		if n, ok := m[id]; ok {
			return n
		}
		return "unknown " + id
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	// A link by id (?p=, ?page_id=, ?attachment_id=, for items without a
	// permalink) names each site's own number.
	link := func(s string) string { return idLink.ReplaceAllString(s, "${1}N") }
	out := map[string][]string{}
	for _, rec := range records {
		switch r := rec.(type) {
		case *wxr.Author:
			out["author"] = append(out["author"], strings.Join([]string{r.Login, r.Email, r.DisplayName, r.FirstName, r.LastName}, " | "))
		case *wxr.Term:
			out["term"] = append(out["term"], strings.Join([]string{r.Taxonomy, r.Slug, r.Name, r.Parent, r.Description}, " | "))
		case *wxr.Item:
			var tt, meta []string
			for _, it := range r.Terms {
				tt = append(tt, it.Domain+":"+it.Nicename+":"+it.Name)
			}
			for _, m := range r.Meta {
				v := m.Value
				switch m.Key {
				case "_thumbnail_id", "_menu_item_menu_item_parent":
					v = name(items, v)
				case "_menu_item_object_id":
					if r.MetaValue("_menu_item_type") == "taxonomy" {
						v = name(terms, v)
					} else {
						v = name(items, v)
					}
				}
				meta = append(meta, m.Key+"="+v)
			}
			sort.Strings(tt)
			sort.Strings(meta)
			slug := r.Name
			if r.Type == "nav_menu_item" {
				slug = "" // WordPress names menu items by their id
			}
			out["item"] = append(out["item"], strings.Join([]string{itemIdentity(r), slug, link(r.Link), r.Creator, r.Date, r.DateGMT,
				r.Status, r.CommentStatus, name(items, fmt.Sprint(r.Parent)), fmt.Sprint(r.MenuOrder, r.Sticky), r.Password,
				r.AttachmentURL, norm(r.Content), norm(r.Excerpt), strings.Join(tt, ","), strings.Join(meta, ",")}, " | "))
		case *wxr.Comment:
			out["comment"] = append(out["comment"], strings.Join([]string{comments[fmt.Sprint(r.ID)], r.AuthorEmail, r.AuthorURL, r.AuthorIP,
				r.Date, r.Approved, r.Type, norm(r.Content), "reply to " + name(comments, fmt.Sprint(r.Parent))}, " | "))
		}
	}
	for _, lines := range out {
		sort.Strings(lines)
	}
	return out
}
