package activitypub

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
)

// The site's own comments on the fediverse (federation_comments): once a
// comment is approved it is sent as a Note replying to the article (or
// to the comment it answers), by the actor that federated the article,
// so the fediverse sees the whole discussion. Commenters have no actors:
// the Note names them in its words, never by their email. An edit sends
// Update, leaving the public (unapproved, spam, trash, deleted) Delete.

// commentPath is where a comment's ActivityStreams object lives: an id
// that answers content negotiation (a fragment of the article's URL
// would fetch the article).
const commentPath = "/activitypub/comments/"

func commentID(x *site, id int64) string {
	return x.base + commentPath + strconv.FormatInt(id, 10)
}

// federatesComment reports whether a comment is one of the site's own:
// written in the form or by the newsroom, not a fediverse reply (its
// server federates it), a pingback or a trackback.
func federatesComment(c *communique.Comment) bool {
	return c.Type == "" || c.Type == communique.CommentTypeComment
}

// CommentChanged federates a change to one of the site's comments (the
// discussion service calls it after every change): becoming approved
// sends Create, an edit of an approved comment Update, leaving approval
// Delete. before is nil for a new comment, after nil for one deleted.
func (s *Service) CommentChanged(ctx context.Context, before, after *communique.Comment) {
	c := after
	if c == nil {
		c = before
	}
	if c == nil || !federatesComment(c) {
		return
	}
	x, on := s.enabled(ctx)
	if !on || !x.st.FederationComments {
		return
	}
	was := before != nil && before.Status == communique.CommentApproved
	is := after != nil && after.Status == communique.CommentApproved
	kind := ""
	switch {
	case is && !was:
		kind = "Create"
	case is && before.HTML != after.HTML:
		kind = "Update"
	case was && !is:
		kind = "Delete"
	default:
		return
	}
	if err := s.sendComment(ctx, x, kind, c); err != nil {
		s.Logger.Error("activitypub: federate comment", "comment", c.ID, "err", err)
	}
}

// thread is what a comment's Note needs to know of where it stands.
type thread struct {
	article *communique.Article
	by      local  // the actor that federated the article, who speaks for its comments
	parent  string // the AS id the comment answers
	// The remote author the comment answers, when it answers a reply
	// from the fediverse: mentioned, and sent the Note.
	remote *communique.RemoteActor
	handle string
}

// threadOf finds the article and the parent of c; ok is false when the
// article is not public or does not federate.
func (s *Service) threadOf(ctx context.Context, x *site, c *communique.Comment) (*thread, bool) {
	a, err := s.Store.FindArticleByID(ctx, c.ArticleID)
	if err != nil || !a.IsPublic(s.now()) || !federates(x.st, a) {
		return nil, false
	}
	t := &thread{article: a, by: s.commentActor(ctx, x, a), parent: articleURL(x, a)}
	if c.ParentID == 0 {
		return t, true
	}
	parent, err := s.Store.FindCommentByID(ctx, c.ParentID)
	if err != nil {
		return t, true // the parent went: the comment answers the article
	}
	if parent.Type != communique.CommentTypeActivityPub {
		t.parent = commentID(x, parent.ID)
		return t, true
	}
	if rc, err := s.Store.FindRemoteCommentOf(ctx, parent.ID); err == nil {
		t.parent, t.handle = rc.ObjectID, rc.Handle
		if ra, err := s.Store.FindRemoteActor(ctx, rc.ActorID); err == nil {
			t.remote = ra
		}
	}
	return t, true
}

// commentActor is who speaks for the comments under a: the site's actor,
// unless the site federates as its authors only.
func (s *Service) commentActor(ctx context.Context, x *site, a *communique.Article) local {
	if usesSite(x.st) {
		return local{}
	}
	return s.author(ctx, x, a)
}

// noteObject is a comment as an ActivityStreams Note.
func (s *Service) noteObject(x *site, c *communique.Comment, t *thread) map[string]any {
	name := strings.TrimSpace(c.AuthorName)
	if name == "" {
		name = "A reader"
	}
	content := "<p><strong>" + html.EscapeString(name) + "</strong> wrote:</p>"
	var tags []map[string]string
	cc := []string{t.by.collection(x, "followers")}
	if t.remote != nil {
		profile := t.remote.URL
		if profile == "" {
			profile = t.remote.ID
		}
		content = `<p><span class="h-card"><a href="` + html.EscapeString(profile) + `" class="u-url mention">` +
			html.EscapeString(t.handle) + `</a></span></p>` + content
		tags = append(tags, map[string]string{"type": "Mention", "href": t.remote.ID, "name": t.handle})
		cc = append(cc, t.remote.ID)
	}
	obj := map[string]any{
		"id":           commentID(x, c.ID),
		"type":         "Note",
		"attributedTo": t.by.id(x),
		"inReplyTo":    t.parent,
		"content":      content + absolute(x, c.HTML),
		"mediaType":    "text/html",
		"url":          articleURL(x, t.article) + "#comment-" + strconv.FormatInt(c.ID, 10),
		"published":    c.CreatedAt.UTC().Format(time.RFC3339),
		"to":           []string{public},
		"cc":           cc,
	}
	if !c.EditedAt.IsZero() {
		obj["updated"] = c.EditedAt.UTC().Format(time.RFC3339)
	}
	if len(tags) > 0 {
		obj["tag"] = tags
	}
	return obj
}

// sendComment queues an activity about c to the followers of the actors
// who saw its article, and to the remote author it answers.
func (s *Service) sendComment(ctx context.Context, x *site, kind string, c *communique.Comment) error {
	t, ok := s.threadOf(ctx, x, c)
	if !ok {
		return nil
	}
	obj := s.noteObject(x, c, t)
	act := map[string]any{
		"@context":  "https://www.w3.org/ns/activitystreams",
		"id":        obj["id"].(string) + "#" + kind + "-" + strconv.FormatInt(s.now().UnixNano(), 36),
		"type":      kind,
		"actor":     t.by.id(x),
		"published": s.now().UTC().Format(time.RFC3339),
		"to":        obj["to"],
		"cc":        obj["cc"],
		"object":    obj,
	}
	if kind == "Delete" {
		act["object"] = map[string]any{"id": obj["id"], "type": "Tombstone", "formerType": "Note"}
	}
	actors := []local{t.by}
	if author := s.author(ctx, x, t.article); author.name() != t.by.name() {
		actors = append(actors, author) // the article's readers see its discussion
	}
	inboxes, err := s.inboxes(ctx, actors...)
	if err != nil {
		return err
	}
	if t.remote != nil && !s.blocked(ctx, t.remote.ID) {
		in := t.remote.SharedInbox
		if in == "" {
			in = t.remote.Inbox
		}
		if in != "" && !containsString(inboxes, in) {
			inboxes = append(inboxes, in)
		}
	}
	if len(inboxes) == 0 {
		return nil
	}
	return s.queue(ctx, t.by, kind, inboxes, act)
}

func containsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// handleComment answers a comment's id: its Note to a client asking for
// ActivityStreams, a redirect to its place on the article's page to a
// browser. Only approved comments of the site on federated articles are
// there.
func (s *Service) handleComment(w http.ResponseWriter, r *http.Request) {
	x, on := s.enabled(r.Context())
	if !on || !x.st.FederationComments {
		notFound(w)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		notFound(w)
		return
	}
	c, err := s.Store.FindCommentByID(r.Context(), id)
	if err != nil || c.Status != communique.CommentApproved || !federatesComment(c) {
		notFound(w)
		return
	}
	t, ok := s.threadOf(r.Context(), x, c)
	if !ok {
		notFound(w)
		return
	}
	obj := s.noteObject(x, c, t)
	if !Wants(r) {
		w.Header().Add("Vary", "Accept")
		http.Redirect(w, r, obj["url"].(string), http.StatusSeeOther)
		return
	}
	obj["@context"] = "https://www.w3.org/ns/activitystreams"
	writeJSON(w, r, http.StatusOK, ContentType, obj)
}

// localComment finds the site's comment whose Note id is u.
func (s *Service) localComment(ctx context.Context, x *site, u string) (*communique.Comment, bool) {
	rest, ok := strings.CutPrefix(u, x.base+commentPath)
	if !ok {
		return nil, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return nil, false
	}
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil || c.Status != communique.CommentApproved {
		return nil, false
	}
	if _, ok := s.threadOf(ctx, x, c); !ok {
		return nil, false
	}
	return c, true
}
