package markup

import (
	"html"
	"path"
	"regexp"
	"strings"
)

// Audio and video players play the site's own files only (/media/…, the
// library): a player of another site's file would have every reader's
// browser fetch it from there, telling that site who reads what. A
// player of anything else becomes what it played as a link (or its own
// fallback content), so nothing is dropped unseen.

var (
	player      = regexp.MustCompile(`(?is)<(audio|video)\b([^>]*)>(.*?)</(?:audio|video)\s*>`)
	playerSrc   = regexp.MustCompile(`(?is)\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
	sourceTag   = regexp.MustCompile(`(?is)<(?:source|track)\b[^>]*>(?:\s*</(?:source|track)>)?`)
	localMedia  = regexp.MustCompile(`^/media/[0-9a-f]{32}\.[a-z0-9]+$`)
	localPoster = regexp.MustCompile(`^/media/[0-9a-f]{32}\.[a-z0-9]+(?:/[0-9]+)?$`)
	linkable    = regexp.MustCompile(`^(?i:https?://|//|/)`)
)

// localPlayers replaces the players of other sites' files by links.
func localPlayers(s string) string {
	if !strings.Contains(s, "<audio") && !strings.Contains(s, "<video") && !strings.Contains(s, "<AUDIO") && !strings.Contains(s, "<VIDEO") {
		return s
	}
	return player.ReplaceAllStringFunc(s, func(m string) string {
		g := player.FindStringSubmatch(m)
		kind, attrs, inner := strings.ToLower(g[1]), g[2], g[3]
		srcs := []string{attrValue(playerSrc.FindStringSubmatch(attrs))}
		for _, tag := range sourceTag.FindAllString(inner, -1) {
			srcs = append(srcs, attrValue(playerSrc.FindStringSubmatch(tag)))
		}
		first, local := "", false
		for _, src := range srcs {
			src = strings.TrimSpace(html.UnescapeString(src))
			if src == "" {
				continue
			}
			if first == "" {
				first = src
			}
			local = local || localMedia.MatchString(src)
		}
		if local {
			return m
		}
		if fallback := strings.TrimSpace(sourceTag.ReplaceAllString(inner, "")); fallback != "" {
			return fallback
		}
		if first == "" || !linkable.MatchString(first) {
			return "" // javascript:, data: and the like are nothing to show
		}
		label := "Listen: "
		if kind == "video" {
			label = "Watch: "
		}
		name := path.Base(strings.SplitN(strings.SplitN(first, "?", 2)[0], "#", 2)[0])
		return `<a href="` + html.EscapeString(first) + `">` + html.EscapeString(label+name) + `</a>`
	})
}

func attrValue(g []string) string {
	if g == nil {
		return ""
	}
	return g[1] + g[2] + g[3]
}
