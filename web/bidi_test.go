package web_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestMixedScriptsIsolated posts comments whose names and bodies mix
// Arabic, Hebrew and English, one name carrying direction overrides, on an
// Arabic site, and checks the page: right to left, each name in its own
// <bdi>, each body deciding its own direction, no override left in a name,
// and the article's title and a search's words isolated where they are
// quoted.
func TestMixedScriptsIsolated(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		MustSet(t, db, "language", "ar")
		ds := newDiscussionSite(t, db)
		cases := []struct {
			name, typed, wantName, body string
			reply                       bool
		}{
			{"ليلى حسن", "ليلى", "ليلى حسن", "The bridge opened at 9am, finally!", false},
			// An override left open would reverse everything after it.
			{"\u202eשרה כהן\u202c \u2067x\u2069", "sara", "שרה כהן x", "الجسر جميل جداً 2026", true},
			{"Ann Reader\u200f", "ann", "Ann Reader", "הגשר נפתח מחדש — great news.", false},
		}
		ids := make([]int64, len(cases))
		for i, c := range cases {
			r := ds.newReader(t)
			fields := person(c.name, c.typed+"@mail.example", "", c.body)
			if c.reply {
				fields.Set("comment_parent", strconv.FormatInt(ids[0], 10))
			}
			ids[i], _ = posted(t, r.write(t, ds.path, fields, nil))
			if got := ds.comment(t, ids[i]).AuthorName; got != c.wantName {
				t.Errorf("stored name = %q, want %q (direction controls removed)", got, c.wantName)
			}
			ds.moderate(t, ids[i], communique.CommentApproved)
		}

		res := ds.newReader(t).get(t, ds.path)
		doc := parseHTML(t, res.Body)
		root := findAll(doc, func(n *html.Node) bool { return n.Data == "html" })[0]
		if lang, _ := attr(root, "lang"); lang != "ar" {
			t.Errorf("html lang = %q, want ar", lang)
		}
		if dir, _ := attr(root, "dir"); dir != "rtl" {
			t.Errorf("html dir = %q, want rtl", dir)
		}
		items := commentItems(doc)
		for i, c := range cases {
			li := items[fmt.Sprintf("comment-%d", ids[i])]
			if li == nil {
				t.Fatalf("comment %d is not on the page", ids[i])
			}
			author := first(li, func(n *html.Node) bool { return hasClass(n, "comment-author") })
			bdi := first(author, func(n *html.Node) bool { return n.Data == "bdi" })
			if bdi == nil || text(bdi) != c.wantName {
				t.Errorf("%q: the name is not isolated in a <bdi>: %s", c.wantName, renderHTML(author))
			}
			if strings.IndexFunc(text(author), isDirectionControl) >= 0 {
				t.Errorf("%q: a direction control reached the page", c.wantName)
			}
			content := first(li, func(n *html.Node) bool { return hasClass(n, "comment-content") })
			if dir, _ := attr(content, "dir"); dir != "auto" || !strings.Contains(text(content), c.body) {
				t.Errorf("%q: the body does not set its own direction: %s", c.wantName, renderHTML(content))
			}
		}
		if nested := items[fmt.Sprintf("comment-%d", ids[0])]; first(nested, func(n *html.Node) bool {
			v, _ := attr(n, "id")
			return v == fmt.Sprintf("comment-%d", ids[1])
		}) == nil {
			t.Error("the reply is not threaded under its parent")
		}
		heading := byID(doc, "comments-title")
		if b := first(heading, func(n *html.Node) bool { return n.Data == "bdi" }); b == nil || text(b) != ds.article.Title {
			t.Errorf("the discussion heading does not isolate the title: %s", renderHTML(heading))
		}

		// A reader's words quoted back, and titles in a list.
		q := "جسر bridge"
		page := parseHTML(t, ds.newReader(t).get(t, "/search?q="+url.QueryEscape(q)).Body)
		h1 := first(page, func(n *html.Node) bool { return n.Data == "h1" })
		if b := first(h1, func(n *html.Node) bool { return n.Data == "bdi" }); b == nil || text(b) != q {
			t.Errorf("the search heading does not isolate the query: %s", renderHTML(h1))
		}
		front := parseHTML(t, ds.newReader(t).get(t, "/").Body)
		titled := findAll(front, func(n *html.Node) bool {
			dir, _ := attr(n, "dir")
			return n.Data == "a" && dir == "auto" && text(n) == ds.article.Title
		})
		if len(titled) == 0 {
			t.Error("the front page's link to the article does not isolate its title")
		}
	})
}

// first is the first node under n (n included) that matches, or nil.
func first(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n == nil {
		return nil
	}
	if list := findAll(n, match); len(list) > 0 {
		return list[0]
	}
	return nil
}

func isDirectionControl(r rune) bool {
	return communique.StripBidiControls(string(r)) == ""
}
