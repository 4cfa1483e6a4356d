package markup_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"communique/markup"
)

func TestSanitizeLimitsDepth(t *testing.T) {
	for _, tc := range []struct {
		name, in string
	}{
		{"Bold", strings.Repeat("<b>", 20000) + "deep" + strings.Repeat("</b>", 20000)},
		{"Unclosed", strings.Repeat("<em>", 5000) + "deep"},
		{"Quotes", strings.Repeat("<blockquote>", 3000) + "deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := markup.Sanitize(tc.in)
			if !strings.Contains(out, "deep") {
				t.Errorf("the text was lost: %.200q", out)
			}
			// The page around it adds a few levels; it must still parse.
			page := "<!doctype html><html><body><main><article><div>" + out + "</div></article></main></body></html>"
			if _, err := html.Parse(strings.NewReader(page)); err != nil {
				t.Errorf("the sanitized body does not parse: %v", err)
			}
		})
	}
	t.Run("DeepMarkdownQuotes", func(t *testing.T) {
		out, err := markup.RenderBody(markup.FormatMarkdown, strings.Repeat("> ", 5000)+"deep")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := html.Parse(strings.NewReader("<div>" + out + "</div>")); err != nil || !strings.Contains(out, "deep") {
			t.Errorf("deep quotes: %v", err)
		}
	})
	t.Run("LongListUnchanged", func(t *testing.T) {
		// Items a browser closes by themselves are not levels.
		in := "<ul>" + strings.Repeat("<li>item", 1000) + "</ul>"
		if out := markup.Sanitize(in); strings.Count(out, "<li>") != 1000 {
			t.Errorf("%d of 1000 items kept their tags", strings.Count(out, "<li>"))
		}
	})
	t.Run("ShallowUnchanged", func(t *testing.T) {
		in := "<p>A <strong>bold <em>claim</em></strong>.</p><ul><li>one</li><li>two</li></ul>"
		if out := markup.Sanitize(in); out != in {
			t.Errorf("Sanitize(%q) = %q", in, out)
		}
	})
}
