package activitypub

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"communique"
)

// articleURL is an article's public address, which is also its id.
func articleURL(x *site, a *communique.Article) string {
	return x.base + communique.ArticlePath(a, x.st, nil)
}

// federates reports whether a post goes to the fediverse: only posts, and
// only from the categories the site chose (all when it chose none).
func federates(st *communique.Settings, a *communique.Article) bool {
	if a == nil || a.Type != communique.TypePost || a.Protected() {
		// A protected article's body waits for its password: it never
		// leaves for other servers (private ones are not public at all).
		return false
	}
	if len(st.FederationCategories) == 0 {
		return true
	}
	for _, c := range a.Categories {
		if slices.Contains(st.FederationCategories, c.Slug) {
			return true
		}
	}
	return false
}

// author is the local actor an article is attributed to: its author's,
// unless the site federates as itself only.
func (s *Service) author(ctx context.Context, x *site, a *communique.Article) local {
	if !usesAuthors(x.st) {
		return local{}
	}
	u := a.Author
	if u == nil {
		var err error
		if u, err = s.Store.FindUserByID(ctx, a.AuthorID); err != nil {
			return local{}
		}
	}
	return local{user: u}
}

// articleObject is an article as an ActivityStreams Article.
func (s *Service) articleObject(ctx context.Context, x *site, a *communique.Article) map[string]any {
	by := s.author(ctx, x, a)
	u := articleURL(x, a)
	obj := map[string]any{
		"id":           u,
		"type":         "Article",
		"name":         a.Title,
		"summary":      a.Summary,
		"content":      absolute(x, a.HTML),
		"mediaType":    "text/html",
		"url":          u,
		"published":    a.PublishedAt.UTC().Format(time.RFC3339),
		"attributedTo": by.id(x),
		"to":           []string{public},
		"cc":           []string{by.collection(x, "followers")},
		"sensitive":    false,
	}
	if !a.ModifiedAt.IsZero() && a.ModifiedAt.After(a.PublishedAt) {
		obj["updated"] = a.ModifiedAt.UTC().Format(time.RFC3339)
	}
	var tags []map[string]string
	for _, t := range a.Tags {
		tags = append(tags, map[string]string{"type": "Hashtag", "href": x.base + "/tag/" + t.Slug + "/",
			"name": "#" + strings.ReplaceAll(t.Name, " ", "")})
	}
	if len(tags) > 0 {
		obj["tag"] = tags
	}
	if a.FeaturedMediaID != 0 {
		if m, err := s.Store.FindMediaByID(ctx, a.FeaturedMediaID); err == nil {
			obj["attachment"] = []map[string]any{{"type": "Image", "mediaType": m.MimeType, "url": x.base + m.URL(),
				"name": m.AltText, "width": m.Width, "height": m.Height}}
			obj["image"] = map[string]any{"type": "Image", "url": x.base + m.URL(), "name": m.AltText}
		}
	}
	return obj
}

// absolute makes the site's own links in an article's HTML absolute, so
// they work when another server shows it.
func absolute(x *site, h string) string {
	for _, attr := range []string{`src="/`, `href="/`, `srcset="/`} {
		h = strings.ReplaceAll(h, attr, attr[:len(attr)-1]+x.base+"/")
	}
	return strings.ReplaceAll(h, `, /media/`, `, `+x.base+`/media/`)
}

// ServeArticle answers an article's ActivityStreams object; false when
// federation is off or the article does not federate, so the caller
// serves its page.
func (s *Service) ServeArticle(w http.ResponseWriter, r *http.Request, a *communique.Article) bool {
	x, on := s.enabled(r.Context())
	if !on || !a.IsPublic(s.now()) || !federates(x.st, a) {
		return false
	}
	obj := s.articleObject(r.Context(), x, a)
	obj["@context"] = "https://www.w3.org/ns/activitystreams"
	writeJSON(w, r, http.StatusOK, ContentType, obj)
	return true
}
