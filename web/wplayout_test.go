package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestWordPressLayout imports the theme unit test export and checks that
// its layout comes across: alignment classes, galleries as grids with
// their column count, cover, columns, buttons, pull quotes and tables
// with their classes, embeds as click-to-load placeholders that load
// nothing from the provider, <!--nextpage--> as pages with page links
// and <!--more--> as the teaser.
func TestWordPressLayout(t *testing.T) {
	sample := storetest.WXRSample(t)
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		storetest.MustImportFile(t, db, sample)
		s := MustServe(t, db, "")
		page := func(slug, query string) (*communique.Article, response) {
			t.Helper()
			list, _, err := db.FindArticles(ctx, communique.ArticleFilter{Slug: &slug, Limit: 1})
			if err != nil || len(list) != 1 {
				t.Fatalf("article %s: %v", slug, err)
			}
			// The site keeps its UTC dated permalinks (the test importer keeps
			// settings).
			path := list[0].PublishedAt.UTC().Format("/2006/01/02/") + slug + "/"
			if list[0].Type == communique.TypePage {
				path = "/" + slug + "/"
			}
			return list[0], s.Get(t, path+query)
		}
		for _, tt := range []struct {
			slug  string
			wants []string
		}{
			{"markup-image-alignment", []string{`alignleft`, `alignright`, `aligncenter`, `wp-caption`}},
			{"post-format-gallery", []string{`class="gallery gallery-columns-`, `class="gallery-item"`}},
			{"media-category-blocks", []string{`wp-block-cover`, `wp-block-gallery`, `wp-block-image`}},
			{"design-category-blocks", []string{`wp-block-columns`, `wp-block-column`, `wp-block-button`}},
			{"text-category-blocks", []string{`wp-block-pullquote`, `wp-block-table`}},
		} {
			_, r := page(tt.slug, "")
			if r.Status != http.StatusOK {
				t.Errorf("%s = %d", tt.slug, r.Status)
				continue
			}
			for _, w := range tt.wants {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s lacks %s", tt.slug, w)
				}
			}
		}

		// Embeds: a placeholder each, a thumbnail of this site's, a link
		// to the provider and nothing loaded from it.
		_, r := page("blocks-embeds", "")
		if n := strings.Count(r.Body, `class="embed-placeholder__link"`); n < 4 {
			t.Errorf("blocks-embeds shows %d placeholders", n)
		}
		for _, w := range []string{`Video on YouTube`, `Post on X (Twitter)`, `Post on Instagram`, `href="https://youtu.be/ex8fMxXJDJw"`} {
			if !strings.Contains(r.Body, w) {
				t.Errorf("blocks-embeds lacks %s", w)
			}
		}
		for _, src := range regexp.MustCompile(`\b(?:src|srcset|data)="([^"]*)"`).FindAllStringSubmatch(r.Body, -1) {
			if strings.Contains(src[1], "//") {
				t.Errorf("blocks-embeds loads %s from elsewhere", src[1])
			}
		}
		if strings.Contains(r.Body, "<iframe") || strings.Contains(r.Body, "wp-block-embed__wrapper") {
			t.Errorf("blocks-embeds keeps an iframe or a bare embed")
		}
		thumb := regexp.MustCompile(`class="embed-placeholder__thumb" src="([^"]+)"`).FindStringSubmatch(r.Body)
		if thumb == nil || s.Get(t, thumb[1]).Status != http.StatusOK {
			t.Errorf("embed thumbnail %v not served", thumb)
		}

		// Page breaks: one page at a time, with page links.
		_, first := page("template-paginated", "")
		links := regexp.MustCompile(`<a href="([^"]*\?page=(\d+))">`).FindAllStringSubmatch(first.Body, -1)
		if !strings.Contains(first.Body, `class="page-links"`) || len(links) < 2 || strings.Contains(first.Body, "wp-block-nextpage") {
			t.Fatalf("paginated post's first page: %d page links", len(links))
		}
		second := s.Get(t, links[0][1])
		if second.Status != http.StatusOK || second.Body == first.Body || !strings.Contains(second.Body, `<span aria-current="page">2</span>`) {
			t.Errorf("page 2 = %d", second.Status)
		}
		if _, r := page("template-paginated", "?page=99"); r.Status != http.StatusNotFound {
			t.Errorf("page 99 = %d", r.Status)
		}

		// The teaser before <!--more--> is the excerpt lists show.
		a, _ := page("template-more-tag", "")
		if !strings.HasPrefix(a.Excerpt, "This content is before the") {
			t.Errorf("more tag's excerpt = %q", a.Excerpt)
		}
	}, atFixedNow)
}
