package wordpress_test

import (
	"strings"
	"testing"

	"communique/wordpress"
)

func TestConvertBody(t *testing.T) {
	images := map[int64]wordpress.Image{
		1: {URL: "https://old.example.com/a.jpg", Alt: "A", Caption: "First"},
		2: {URL: "https://old.example.com/b.jpg", Alt: "B"},
	}
	gallery := func(ids []int64) []wordpress.Image {
		if len(ids) == 0 {
			ids = []int64{2, 1}
		}
		var out []wordpress.Image
		for _, id := range ids {
			if img, ok := images[id]; ok {
				out = append(out, img)
			}
		}
		return out
	}
	tests := []struct {
		name    string
		in      string
		want    []string
		notWant []string
	}{
		{"AutoParagraphs", "One\nline\n\nTwo", []string{"<p>One<br />\nline</p>", "<p>Two</p>"}, nil},
		{"BlocksKeptAsIs", "<!-- wp:paragraph -->\n<p>One\nline</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:archives {\"showPostCounts\":true} /-->",
			[]string{"<p>One\nline</p>"}, []string{"wp:", "<br", "<p><p>"}},
		{"BlockEmbed", "<!-- wp:embed {\"url\":\"https://youtu.be/x\"} -->\n<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://youtu.be/x\n</div></figure>\n<!-- /wp:embed -->",
			[]string{`<a href="https://youtu.be/x">https://youtu.be/x</a>`}, []string{"wp:"}},
		// The block holds its URL as HTML: &amp; is one &, not escaped twice.
		{"BlockEmbedQuery", "<!-- wp:embed -->\n<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.instagram.com/p/B/?a=1&amp;b=2\n</div></figure>\n<!-- /wp:embed -->",
			[]string{`<a href="https://www.instagram.com/p/B/?a=1&amp;b=2">https://www.instagram.com/p/B/?a=1&amp;b=2</a>`}, []string{"&amp;amp;"}},
		{"Caption", `[caption id="attachment_5" align="alignright" width="300"]<a href="/x.jpg"><img src="/x.jpg" alt="X" /></a> A <em>fine</em> view[/caption]`,
			[]string{`<figure class="wp-caption alignright"><a href="/x.jpg"><img src="/x.jpg" alt="X" /></a><figcaption class="wp-caption-text">A <em>fine</em> view</figcaption></figure>`},
			[]string{"[caption", "<p><figure"}},
		{"CaptionAttribute", `[caption caption="Old style"]<img src="/y.jpg" />[/caption]`, []string{"<figcaption class=\"wp-caption-text\">Old style</figcaption>"}, nil},
		{"GalleryByIDs", `[gallery columns="2" ids="1,2,99"]`,
			[]string{`<div class="gallery gallery-columns-2">`, `<img src="https://old.example.com/a.jpg" alt="A"`, "First</figcaption>", `src="https://old.example.com/b.jpg"`},
			[]string{"[gallery", "99"}},
		{"GalleryOfThePost", "[gallery]", []string{`b.jpg" alt="B"`}, []string{"[gallery"}},
		{"EscapedShortcode", "Write [[gallery]] for a gallery.", []string{"Write [gallery] for a gallery."}, []string{"<div"}},
		{"UnknownShortcodeStays", "[contact-form-7 id=\"3\"] and [simple boat].", []string{`[contact-form-7 id="3"] and [simple boat].`}, nil},
		{"Embed", "[embed]https://vimeo.com/1[/embed]", []string{`<a href="https://vimeo.com/1">https://vimeo.com/1</a>`}, []string{"[embed"}},
		{"Audio", "[audio https://old.example.com/song.mp3]", []string{`<a href="https://old.example.com/song.mp3">Listen: song.mp3</a>`}, nil},
		{"AudioPlayer", "Hear it:\n\n[audio mp3=\"https://old.example.com/song.mp3\" loop=\"on\"][/audio]\n\nEnd.",
			[]string{`<figure class="wp-block-audio"><audio controls preload="metadata" src="https://old.example.com/song.mp3" loop>`, "</audio></figure>"},
			[]string{"<p><figure", "[/audio]"}},
		{"VideoPoster", `[video src="https://old.example.com/clip.mp4" poster="https://old.example.com/clip.jpg"]`,
			[]string{`<video controls preload="metadata" src="https://old.example.com/clip.mp4" poster="https://old.example.com/clip.jpg">`}, nil},
		{"VideoSrc", `[video mp4="https://old.example.com/clip.mp4"][/video]`, []string{`Watch: clip.mp4`}, []string{"[/video]"}},
		{"NoScriptURL", "[embed]javascript:alert(1)[/embed]", nil, []string{"javascript"}},
		// A provider's URL becomes an embed block, which the site shows as a
		// click-to-load placeholder; another URL a link.
		{"URLOnItsLine", "Look:\n\nhttps://www.youtube.com/watch?v=abc\n\nNice.", []string{`<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube">`,
			`<div class="wp-block-embed__wrapper"><a href="https://www.youtube.com/watch?v=abc">`}, []string{"<p><figure", "<p><a"}},
		{"OtherURLOnItsLine", "Look:\n\nhttps://news.example.com/a\n\nNice.", []string{`<p><a href="https://news.example.com/a">`}, []string{"<figure"}},
		{"PreKept", "<pre>a\n\nb</pre>\n\ntext", []string{"<pre>a\n\nb</pre>", "<p>text</p>"}, []string{"<pre>a<br"}},
		{"BlockElementsNotWrapped", "<h2>Title</h2>\nText under\n<ul>\n<li>one</li>\n</ul>", []string{"<h2>Title</h2>", "<p>Text under</p>", "<li>one</li>"}, []string{"<p><h2>", "<p><ul>"}},
		{"Blockquote", "<blockquote>Quoted\n\nTwice</blockquote>", []string{"<blockquote><p>Quoted</p>", "<p>Twice</p></blockquote>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wordpress.ConvertBody(tt.in, gallery)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("unwanted %q in\n%s", w, got)
				}
			}
		})
	}
}

// TestConvertIsStable: what ConvertBody made, exported and read again,
// comes back the same.
func TestConvertIsStable(t *testing.T) {
	for _, in := range []string{
		"One\nline\n\n[caption]<img src=\"/x.jpg\" /> Cap[/caption]\n\nWrite [[gallery]] here.\n\n<pre>a\n\n\nb</pre>",
		"<!-- wp:paragraph --><p>x [[[embed]]] y</p><!-- /wp:paragraph -->",
	} {
		once := wordpress.ConvertBody(in, nil)
		again := wordpress.ConvertBody("<!-- wp:html -->\n"+wordpress.EscapeShortcodes(once)+"\n<!-- /wp:html -->", nil)
		if again != once {
			t.Errorf("not stable:\n%q\n%q", once, again)
		}
	}
}
