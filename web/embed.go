package web

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// Embeds (YouTube, Vimeo, X/Twitter, Instagram, any oEmbed provider) are
// stored in WordPress's embed block shape, a figure holding the URL:
//
//	<figure class="wp-block-embed is-type-video is-provider-youtube …">
//	<div class="wp-block-embed__wrapper">URL</div><figcaption>…</figcaption></figure>
//
// The public site shows each as a placeholder: the provider, a title and
// a thumbnail served by this site, linking to the provider. Nothing is
// requested from the provider until the reader clicks, so pages load
// nothing from elsewhere and tell no third party who reads them.

// embedFigure matches one stored embed: its classes, the URL (as a link
// or as text) and the caption.
var embedFigure = regexp.MustCompile(`(?s)<figure class="([^"]*\bwp-block-embed\b[^"]*)">\s*<div class="wp-block-embed__wrapper">\s*` +
	`(?:<a href="([^"]+)"[^>]*>.*?</a>|([^\s<]+))\s*</div>\s*(?:<figcaption[^>]*>(.*?)</figcaption>)?\s*</figure>`)

var providerClass = regexp.MustCompile(`\bis-provider-([a-z0-9-]+)`)

// providerNames name the providers by the slug WordPress gives them.
var providerNames = map[string]string{
	"youtube": "YouTube", "vimeo": "Vimeo", "twitter": "X (Twitter)", "x": "X (Twitter)", "instagram": "Instagram",
	"facebook": "Facebook", "wordpress-tv": "WordPress.tv", "soundcloud": "SoundCloud", "spotify": "Spotify",
	"tiktok": "TikTok", "flickr": "Flickr", "dailymotion": "Dailymotion",
}

// providerHosts find the provider of an embed whose classes do not say.
var providerHosts = map[string]string{
	"youtube.com": "youtube", "youtu.be": "youtube", "vimeo.com": "vimeo", "twitter.com": "twitter", "x.com": "twitter",
	"instagram.com": "instagram", "facebook.com": "facebook", "wordpress.tv": "wordpress-tv",
}

// embedPlaceholders replaces every stored embed of an article's HTML
// (sanitized before storage) by its click-to-load placeholder; thumb is
// the site's own thumbnail image.
func embedPlaceholders(body, thumb string) string {
	if !strings.Contains(body, "wp-block-embed") {
		return body
	}
	return embedFigure.ReplaceAllStringFunc(body, func(m string) string {
		g := embedFigure.FindStringSubmatch(m)
		classes, raw, caption := g[1], g[2], g[4]
		if raw == "" {
			raw = g[3]
		}
		target := html.UnescapeString(strings.TrimSpace(raw))
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return m
		}
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		slug := ""
		if p := providerClass.FindStringSubmatch(classes); p != nil {
			slug = p[1]
		} else {
			slug = providerHosts[host]
		}
		provider := providerNames[slug]
		if provider == "" {
			provider = host
		}
		kind := "Post"
		if strings.Contains(classes, "is-type-video") || slug == "youtube" || slug == "vimeo" {
			kind = "Video"
		}
		var b strings.Builder
		b.WriteString(`<figure class="` + html.EscapeString(classes) + ` embed-placeholder">`)
		b.WriteString(`<a class="embed-placeholder__link" href="` + html.EscapeString(target) + `" rel="noopener">`)
		b.WriteString(`<img class="embed-placeholder__thumb" src="` + html.EscapeString(thumb) + `" alt="" width="640" height="360">`)
		b.WriteString(`<span class="embed-placeholder__text"><span class="embed-placeholder__title">` + kind + ` on ` + html.EscapeString(provider) + `</span>`)
		b.WriteString(`<span class="embed-placeholder__note">Opens ` + html.EscapeString(host) + `. Nothing is loaded from it until you click.</span></span></a>`)
		if strings.TrimSpace(caption) != "" {
			b.WriteString(`<figcaption>` + caption + `</figcaption>`)
		}
		b.WriteString(`</figure>`)
		return b.String()
	})
}
