package web

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"time"

	"communique"
	"communique/feed"
)

// Corrections and updates in the open (issue 22): dated notes the desk
// appends to a published article, shown at its end (corrections also at
// its top), in its JSON-LD, in feeds, and on /corrections/.

// noteStore is a store that keeps articles' corrections and updates.
type noteStore interface {
	FindArticleNotes(ctx context.Context, articleIDs []int64) ([]*communique.ArticleNote, error)
	FindCorrections(ctx context.Context, limit int) ([]*communique.ArticleNote, error)
}

// noteView is a correction or update as pages show it.
type noteView struct {
	Kind, Label, Text string
	Date, DateISO     string
	Article           *articleView // on the corrections page
}

// correctionsShown is how many corrections /corrections/ lists.
const correctionsShown = 100

func (s *Server) noteView(st *site, n *communique.ArticleNote) noteView {
	t := n.CreatedAt.In(st.settings.Location)
	label := st.words.T("corrections.update")
	if n.Kind == communique.NoteCorrection {
		label = st.words.T("corrections.correction")
	}
	return noteView{Kind: n.Kind, Label: label, Text: n.Text, DateISO: t.Format(time.RFC3339),
		Date: communique.FormatDateIn(t, st.settings.DateFormat+" "+st.settings.TimeFormat, st.words)}
}

// notesOf returns the notes of the articles by article, for pages and
// feeds; a store without notes has none. A failed read leaves the page
// without them, once, uncached.
func (s *Server) notesOf(ctx context.Context, st *site, ids []int64) map[int64][]noteView {
	ns, ok := s.store.(noteStore)
	if !ok || len(ids) == 0 {
		return nil
	}
	notes, err := ns.FindArticleNotes(ctx, ids)
	if err != nil {
		s.logger.Error("article notes", "err", err)
		incomplete(ctx)
		return nil
	}
	out := map[int64][]noteView{}
	for _, n := range notes {
		out[n.ArticleID] = append(out[n.ArticleID], s.noteView(st, n))
	}
	return out
}

// correctionLD is the article's corrections as schema.org wants them in
// a NewsArticle's correction property.
func correctionLD(notes []noteView) []map[string]any {
	var out []map[string]any
	for _, n := range notes {
		if n.Kind == communique.NoteCorrection {
			out = append(out, map[string]any{"@type": "CorrectionComment", "text": n.Text, "datePublished": n.DateISO})
		}
	}
	return out
}

// notesInFeed adds an article's corrections and updates to its feed item,
// so a reader of the feed sees what changed beside the new updated date.
func notesInFeed(it *feed.Item, notes []noteView) {
	for _, n := range notes {
		it.Summary += " — " + n.Label + " (" + n.Date + "): " + n.Text
		if it.ContentHTML != "" {
			it.ContentHTML += `<p class="article-note"><strong>` + html.EscapeString(n.Label) + " (" + html.EscapeString(n.Date) + "):</strong> " + html.EscapeString(n.Text) + "</p>"
		}
	}
}

type correctionsPage struct {
	pageData
	Notes []noteView
}

// corrections is the site-wide corrections page: every correction of a
// public article, newest first, linking to the article.
func (s *Server) corrections(w http.ResponseWriter, r *http.Request, st *site) {
	ctx := r.Context()
	data := correctionsPage{}
	if ns, ok := s.store.(noteStore); ok {
		notes, err := ns.FindCorrections(ctx, correctionsShown)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, n := range notes {
			v := s.noteView(st, n)
			v.Article = s.view(ctx, st, n.Article)
			data.Notes = append(data.Notes, v)
			tagPage(r, "article:"+strconv.FormatInt(n.ArticleID, 10))
		}
	}
	data.Description = st.words.T("corrections.description", st.settings.Title)
	s.fillPageFrom(r, st, &data.pageData, st.words.T("corrections.title"), "/corrections/")
	s.render(w, r, http.StatusOK, "corrections_page", data)
}

// handlePreviewLink shows an unpublished article to whoever holds its
// secret preview link, while the link is usable: never cached, never
// indexed, never in a sitemap or feed, and the token never sent on as a
// referrer. A wrong, expired or revoked link is the site's 404.
func (s *Server) handlePreviewLink(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Referrer-Policy", "no-referrer")
	if s.articles == nil {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a, err := s.articles.OpenPreview(ctx, r.PathValue("token"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.view(ctx, st, a)
	s.attachImages(ctx, []*articleView{v})
	v.Notes = s.notesOf(ctx, st, []int64{a.ID})[a.ID]
	data := articlePage{Article: v}
	data.NoIndex = true
	s.fillPageFrom(r, st, &data.pageData, "Preview: "+a.Title, "")
	view := "article"
	if a.Type == communique.TypePage {
		view = "page"
	}
	s.render(w, r, http.StatusOK, view, data)
}
