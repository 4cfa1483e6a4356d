package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/feed"
)

// What search engines and sharing need in a page's <head>, beyond the
// title, description and canonical URL every page already has: feed
// autodiscovery links, Open Graph and Twitter card tags, and schema.org
// structured data as JSON-LD.

// headData is the head of a page; handlers add what is particular to the
// page, fillHead adds what every page has.
type headData struct {
	// Type is the Open Graph type: "website" unless a handler says
	// "article".
	Type   string
	Feeds  []feedLink
	Meta   []metaTag
	JSONLD any // marshalled into <script type="application/ld+json">
	// Image is the page's picture for sharing (a featured image); nil
	// for none.
	Image *shareImage
	// Webmention is the endpoint other sites notify of their links.
	Webmention string
}

// shareImage is a picture for Open Graph and Twitter cards.
type shareImage struct {
	URL           string // absolute
	Type, Alt     string
	Width, Height int
}

// feedLink is a <link rel="alternate"> to a feed. Format (feed.RSS,
// feed.Atom, feed.JSON) picks the media type in the template, where it is
// literal text: html/template would escape the "+" of a value.
type feedLink struct {
	Format, Title, URL string
}

// metaTag is a <meta> with a name (Twitter) or a property (Open Graph).
type metaTag struct {
	Name, Property, Content string
}

// maxDescription is about what search engines show of a description.
const maxDescription = 160

// fillHead completes the head from the page's title, description and
// canonical URL; fillPageFrom calls it last.
func (s *Server) fillHead(st *site, p *pageData) {
	site := st.settings.Title
	p.Head.Feeds = append([]feedLink{
		{feed.RSS, site + " » Feed", st.base + "/feed/"},
		{feed.Atom, site + " » Atom Feed", st.base + "/feed/atom/"},
		{feed.JSON, site + " » JSON Feed", st.base + "/feed/json/"},
		{feed.RSS, site + " » Comments Feed", st.base + "/comments/feed/"},
	}, p.Head.Feeds...)
	p.Description = shorten(strings.TrimSpace(p.Description), maxDescription)
	p.Head.Webmention = st.base + webmentionPath

	if p.Head.Type == "" {
		p.Head.Type = "website"
	}
	title := p.Title
	if title == "" {
		title = site
	}
	og := []metaTag{
		{Property: "og:site_name", Content: site},
		{Property: "og:type", Content: p.Head.Type},
		{Property: "og:title", Content: title},
	}
	if p.Description != "" {
		og = append(og, metaTag{Property: "og:description", Content: p.Description})
	}
	if p.Canonical != "" {
		og = append(og, metaTag{Property: "og:url", Content: p.Canonical})
	}
	if loc := ogLocale(st.settings.Language); loc != "" {
		og = append(og, metaTag{Property: "og:locale", Content: loc})
	}
	card := "summary"
	if img := p.Head.Image; img != nil {
		card = "summary_large_image"
		og = append(og, metaTag{Property: "og:image", Content: img.URL}, metaTag{Property: "og:image:type", Content: img.Type},
			metaTag{Property: "og:image:width", Content: strconv.Itoa(img.Width)}, metaTag{Property: "og:image:height", Content: strconv.Itoa(img.Height)})
		if img.Alt != "" {
			og = append(og, metaTag{Property: "og:image:alt", Content: img.Alt})
		}
	}
	og = append(og, metaTag{Name: "twitter:card", Content: card}, metaTag{Name: "twitter:title", Content: title})
	if p.Description != "" {
		og = append(og, metaTag{Name: "twitter:description", Content: p.Description})
	}
	if img := p.Head.Image; img != nil {
		og = append(og, metaTag{Name: "twitter:image", Content: img.URL})
		if img.Alt != "" {
			og = append(og, metaTag{Name: "twitter:image:alt", Content: img.Alt})
		}
	}
	p.Head.Meta = append(og, p.Head.Meta...)

	if p.Head.JSONLD == nil && p.Path == "/" && !p.NoIndex {
		// The front page says what the site is and how to search it.
		p.Head.JSONLD = map[string]any{
			"@context":    "https://schema.org",
			"@type":       "WebSite",
			"name":        site,
			"url":         st.base + "/",
			"description": st.settings.Tagline,
			"potentialAction": map[string]any{
				"@type":       "SearchAction",
				"target":      map[string]any{"@type": "EntryPoint", "urlTemplate": st.base + "/search?q={search_term_string}"},
				"query-input": "required name=search_term_string",
			},
		}
	}
}

// ogLocale turns a BCP 47 tag (en, fr-CA) into Open Graph's form (en,
// fr_CA).
func ogLocale(lang string) string {
	parts := strings.Split(strings.TrimSpace(lang), "-")
	if len(parts) == 0 || parts[0] == "" {
		return ""
	}
	out := strings.ToLower(parts[0])
	if len(parts) > 1 && len(parts[1]) == 2 {
		out += "_" + strings.ToUpper(parts[1])
	}
	return out
}

// articleHead adds an article's comment feed, its Open Graph article
// tags and its schema.org NewsArticle (WebPage for pages).
func (s *Server) articleHead(ctx context.Context, st *site, p *pageData, v *articleView) {
	a := v.Article
	url := st.base + v.URL
	if m := s.featuredImage(ctx, a); m != nil {
		p.Head.Image = &shareImage{URL: st.base + m.URL(), Type: m.MimeType, Alt: m.AltText, Width: m.Width, Height: m.Height}
	}
	p.Head.Feeds = append(p.Head.Feeds, feedLink{feed.RSS, st.settings.Title + " » " + a.Title + " Comments Feed", url + "feed/"})
	publisher := map[string]any{
		"@type": "Organization",
		"name":  st.settings.Title,
		"url":   st.base + "/",
	}
	if icon, err := s.assets.URL("icon.svg"); err == nil {
		publisher["logo"] = map[string]any{"@type": "ImageObject", "url": st.base + icon}
	}
	if a.Type == communique.TypePage {
		p.Head.JSONLD = map[string]any{
			"@context":    "https://schema.org",
			"@type":       "WebPage",
			"name":        a.Title,
			"url":         url,
			"description": shorten(a.Summary, maxDescription),
			"publisher":   publisher,
			"inLanguage":  articleLanguage(a, st),
		}
		return
	}
	p.Head.Type = "article"
	published := a.PublishedAt.UTC().Format(time.RFC3339)
	modified := a.ModifiedAt.UTC().Format(time.RFC3339)
	p.Head.Meta = append(p.Head.Meta,
		metaTag{Property: "article:published_time", Content: published},
		metaTag{Property: "article:modified_time", Content: modified})
	ld := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         shorten(a.Title, 110), // Google shows no more
		"datePublished":    published,
		"dateModified":     modified,
		"mainEntityOfPage": map[string]any{"@type": "WebPage", "@id": url},
		"url":              url,
		"description":      shorten(a.Summary, maxDescription),
		"publisher":        publisher,
		"inLanguage":       articleLanguage(a, st),
	}
	if img := p.Head.Image; img != nil {
		ld["image"] = []map[string]any{{"@type": "ImageObject", "url": img.URL, "width": img.Width, "height": img.Height}}
	}
	if len(v.Bylines) > 0 {
		var authors []map[string]any
		for _, b := range v.Bylines {
			author := st.base + b.URL
			authors = append(authors, map[string]any{"@type": "Person", "name": b.Label, "url": author})
			p.Head.Meta = append(p.Head.Meta, metaTag{Property: "article:author", Content: author})
		}
		ld["author"] = authors
	}
	if len(v.Categories) > 0 {
		ld["articleSection"] = v.Categories[0].Label
		p.Head.Meta = append(p.Head.Meta, metaTag{Property: "article:section", Content: v.Categories[0].Label})
	}
	if len(v.Tags) > 0 {
		var tags []string
		for _, t := range v.Tags {
			tags = append(tags, t.Label)
			p.Head.Meta = append(p.Head.Meta, metaTag{Property: "article:tag", Content: t.Label})
		}
		ld["keywords"] = tags
	}
	if c := correctionLD(v.Notes); c != nil {
		ld["correction"] = c
	}
	liveBlogLD(ld, v.Live, url)
	p.Head.JSONLD = ld
}

// archiveHead adds the feed of a category, tag or author archive.
func (s *Server) archiveHead(st *site, data *listPage, base string) {
	switch data.Kicker {
	case "Category", "Tag", "Author":
		data.Head.Feeds = append(data.Head.Feeds, feedLink{feed.RSS,
			st.settings.Title + " » " + data.Heading + " " + data.Kicker + " Feed", st.base + base + "feed/"})
	}
}

// articleLanguage is the language an article is written in: its own, or
// the site's.
func articleLanguage(a *communique.Article, st *site) string {
	if a.Lang != "" {
		return a.Lang
	}
	return st.settings.Language
}
