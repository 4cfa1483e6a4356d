package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/discussion"
	"communique/webmention"
)

// Webmention (W3C Recommendation). Other sites POST source and target
// to /webmention, which every page advertises (a Link header and a
// <link rel="webmention">). The request is checked at once (the target
// must be one of our open articles) and answered 201 with a status URL;
// the source is fetched in the background to check that it links to the
// target, and the mention is then held for a moderator like a comment, or
// refused with the reason. Approved mentions show beside the comments.
//
// Sending: SendRecentWebmentions notifies the pages that recently
// published articles link to, once per link.

const (
	webmentionPath = "/webmention"
	// webmentionVerifiers bounds verifications running at once: each
	// fetches a stranger's page. webmentionBacklog bounds those waiting;
	// past it, senders are asked to come back later.
	webmentionVerifiers = 4
	webmentionBacklog   = 256
	// sendWindow is how recently an article must have been published for
	// SendRecentWebmentions to notify its links.
	sendWindow = 48 * time.Hour
)

// mentionView is an approved webmention as the article page shows it.
type mentionView struct {
	URL, Title, AuthorName, AuthorURL, Excerpt string
	Date, DateISO                              string
}

// webmentionRefusal is the message a sender reads for a refused mention.
func webmentionRefusal(err error) string {
	for _, known := range []error{webmention.ErrNoLink, webmention.ErrNotHTML, webmention.ErrGone, webmention.ErrUnreachable} {
		if errors.Is(err, known) {
			return known.Error()
		}
	}
	return "the source could not be verified"
}

// handleWebmention receives a Webmention.
func (s *Server) handleWebmention(w http.ResponseWriter, r *http.Request) {
	refuse := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintln(w, msg)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		refuse(http.StatusBadRequest, "The request could not be read: send source and target, form-encoded.")
		return
	}
	source, target := strings.TrimSpace(r.PostFormValue("source")), strings.TrimSpace(r.PostFormValue("target"))
	switch {
	case source == "" || target == "":
		refuse(http.StatusBadRequest, "Both source and target are required.")
		return
	case !webmention.ValidURL(source) || !webmention.ValidURL(target):
		refuse(http.StatusBadRequest, "Source and target must be absolute http or https URLs.")
		return
	}
	st, err := s.loadSite(r)
	if err != nil {
		s.logger.Error("webmention", "err", err)
		refuse(http.StatusInternalServerError, "The site could not take the webmention now; please try again later.")
		return
	}
	su, _ := url.Parse(source)
	tu, _ := url.Parse(target)
	base, _ := url.Parse(st.base)
	switch {
	case strings.EqualFold(su.Host, tu.Host) && su.Path == tu.Path && su.RawQuery == tu.RawQuery:
		refuse(http.StatusBadRequest, "The source and the target are the same page.")
		return
	case !strings.EqualFold(tu.Host, base.Host):
		refuse(http.StatusBadRequest, "The target is not on this site.")
		return
	}
	a := s.articleAt(r.Context(), st, tu.Path)
	if a == nil {
		refuse(http.StatusBadRequest, "The target is not an article of this site.")
		return
	}
	if !discussion.CommentsOpen(a, st.settings, s.Now()) {
		refuse(http.StatusBadRequest, "The target article does not take comments or mentions.")
		return
	}
	if s.verifying.Load() >= webmentionBacklog {
		w.Header().Set("Retry-After", "60")
		refuse(http.StatusTooManyRequests, "Too many webmentions are waiting to be verified; please send it again later.")
		return
	}
	m := &communique.Webmention{ArticleID: a.ID, Source: source, Target: target}
	if err := s.store.ReceiveWebmention(r.Context(), m); err != nil {
		s.logger.Error("webmention", "err", err)
		refuse(http.StatusInternalServerError, "The site could not take the webmention now; please try again later.")
		return
	}
	s.verifying.Add(1)
	go s.verifyWebmention(m)
	status := webmentionPath + "/" + strconv.FormatInt(m.ID, 10)
	w.Header().Set("Location", status)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, "Webmention received. The source will be checked for a link to the target, then the mention is held for moderation.\nStatus: %s%s\n", st.base, status)
}

// articleAt returns the public article or page at path, or nil.
func (s *Server) articleAt(ctx context.Context, st *site, path string) *communique.Article {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if path == "/" || !safeSegments(segs) {
		return nil
	}
	var a *communique.Article
	if m, ok := st.settings.Permalink.Match(segs); ok {
		a = s.findPost(ctx, m)
	}
	if a == nil {
		a = s.findPage(ctx, segs)
	}
	if a == nil || !a.IsPublic(s.Now()) || s.articleURL(ctx, st, a) != "/"+strings.Join(segs, "/")+"/" {
		return nil
	}
	return a
}

// verifyWebmention fetches the source and stores the verdict. It runs
// after the request has been answered, so it has its own time limit.
func (s *Server) verifyWebmention(m *communique.Webmention) {
	defer s.verifying.Add(-1)
	s.verifiers <- struct{}{}
	defer func() { <-s.verifiers }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info, err := s.Webmention.Verify(ctx, m.Source, m.Target)
	if err != nil {
		m.Status, m.Refusal = communique.WebmentionRefused, webmentionRefusal(err)
		s.logger.Info("webmention refused", "source", m.Source, "target", m.Target, "reason", err)
	} else {
		m.Status, m.Title, m.AuthorName, m.AuthorURL, m.Excerpt = communique.WebmentionPending, info.Title, info.AuthorName, info.AuthorURL, info.Excerpt
		if m.Title == "" {
			m.Title = m.Source
		}
	}
	if err := s.store.VerifiedWebmention(ctx, m); err != nil {
		s.logger.Error("webmention verified", "id", m.ID, "err", err)
	}
}

// handleWebmentionStatus tells a sender what became of a mention.
func (s *Server) handleWebmentionStatus(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var list []*communique.Webmention
	if err == nil {
		list, _, err = s.store.FindWebmentions(r.Context(), communique.WebmentionFilter{ID: &id, Limit: 1})
	}
	if err != nil || len(list) == 0 {
		http.Error(w, "No such webmention.", http.StatusNotFound)
		return
	}
	m := list[0]
	msg := map[communique.WebmentionStatus]string{
		communique.WebmentionVerifying: "verifying: the source is being checked for a link to the target",
		communique.WebmentionRefused:   "refused: " + m.Refusal,
		communique.WebmentionPending:   "pending: verified, held for moderation",
		communique.WebmentionApproved:  "approved: shown on the target article",
		communique.WebmentionSpam:      "not shown",
		communique.WebmentionTrash:     "not shown",
	}[m.Status]
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "source: %s\ntarget: %s\nstatus: %s\n", m.Source, m.Target, msg)
}

// mentionsFor returns an article's approved webmentions.
func (s *Server) mentionsFor(ctx context.Context, st *site, a *communique.Article) []mentionView {
	list, _, err := s.store.FindWebmentions(ctx, communique.WebmentionFilter{ArticleID: &a.ID,
		Status: []communique.WebmentionStatus{communique.WebmentionApproved}, Limit: 200})
	if err != nil {
		s.logger.Error("webmentions", "article", a.ID, "err", err)
		incomplete(ctx)
		return nil
	}
	var out []mentionView
	for _, m := range list {
		v := mentionView{URL: m.Source, Title: m.Title, AuthorName: m.AuthorName, AuthorURL: m.AuthorURL, Excerpt: m.Excerpt,
			Date:    communique.FormatDateIn(m.CreatedAt.In(st.settings.Location), st.settings.DateFormat, st.words),
			DateISO: m.CreatedAt.UTC().Format(time.RFC3339)}
		if v.Title == "" {
			v.Title = m.Source
		}
		out = append(out, v)
	}
	return out
}

// SendRecentWebmentions notifies the pages that articles published in
// the last two days link to, each link once, and returns how many were
// sent. It needs the site_url setting: without a request there is no
// other way to know the articles' absolute URLs. Run it every minute or
// so beside the server.
func (s *Server) SendRecentWebmentions(ctx context.Context) (int, error) {
	values, err := s.store.Settings(ctx)
	if err != nil {
		return 0, err
	}
	settings := communique.ParseSettings(values)
	if settings.SiteURL == "" {
		return 0, nil
	}
	st := &site{settings: settings, base: settings.SiteURL, cats: map[int64]*communique.Term{}, words: s.messages.For(settings.Language)}
	since := s.Now().Add(-sendWindow)
	post := communique.TypePost
	list, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, PublishedFrom: &since, Limit: 100})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range list {
		if !a.IsPublic(s.Now()) {
			continue
		}
		n, err := s.sendWebmentions(ctx, st, a)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// sendWebmentions notifies the targets of one article's links that it
// has not notified yet.
func (s *Server) sendWebmentions(ctx context.Context, st *site, a *communique.Article) (int, error) {
	source := st.base + s.articleURL(ctx, st, a)
	done, err := s.store.WebmentionsSent(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	own, _ := url.Parse(st.base)
	sent := 0
	for _, target := range webmention.Links(a.HTML, source) {
		if u, err := url.Parse(target); err != nil || strings.EqualFold(u.Host, own.Host) || done[target] != "" {
			continue // our own pages, or already notified
		}
		status := "sent"
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		endpoint, err := s.Webmention.Discover(tctx, target)
		switch {
		case err != nil:
			status = "unreachable"
		case endpoint == "":
			status = "no endpoint"
		default:
			if err := s.Webmention.Send(tctx, endpoint, source, target); err != nil {
				status = "failed"
				s.logger.Info("webmention not sent", "source", source, "target", target, "err", err)
			} else {
				sent++
			}
		}
		cancel()
		if err := s.store.RecordWebmentionSent(ctx, a.ID, target, status); err != nil {
			return sent, err
		}
	}
	return sent, nil
}
