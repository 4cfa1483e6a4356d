package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"communique"
	"communique/discussion"

	"golang.org/x/net/html"
)

// Discussion is the comment service replies go through, with the same
// rules as the reply form (discussion.Service).
type Discussion interface {
	Post(ctx context.Context, st *communique.Settings, sub discussion.Submission) (*communique.Comment, error)
	EditRemote(ctx context.Context, st *communique.Settings, id int64, text string) (*communique.Comment, error)
	WithdrawRemote(ctx context.Context, id int64) error
	Report(ctx context.Context, st *communique.Settings, sub discussion.ReportSubmission) (*discussion.ReportResult, error)
}

// note is what the site reads of a reply.
type note struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Content   string          `json:"content"`
	InReplyTo json.RawMessage `json:"inReplyTo"`
}

func parseNote(raw json.RawMessage) (note, bool) {
	var n note
	if json.Unmarshal(raw, &n) != nil || n.ID == "" || (n.Type != "Note" && n.Type != "Article") {
		return n, false
	}
	return n, true
}

// reply turns a Create of a Note (or Article) that answers one of the
// site's articles, or a comment under one, into a comment in that
// article's thread.
func (s *Service) reply(ctx context.Context, x *site, signer string, act *activity) error {
	n, ok := parseNote(act.Object)
	if !ok || s.Discussion == nil {
		return errIgnored
	}
	if _, err := s.Store.FindRemoteComment(ctx, n.ID); err == nil {
		return nil // delivered again: already a comment
	}
	articleID, parentID, ok := s.target(ctx, x, idOf(n.InReplyTo))
	if !ok {
		return errIgnored // not a reply to the site
	}
	who, err := s.Store.FindRemoteActor(ctx, signer)
	if err != nil {
		return err
	}
	s.refreshAvatar(ctx, who) // before the comment, so its first page shows it
	name := strings.TrimSpace(who.Name)
	if name == "" {
		name = who.PreferredUsername
	}
	c, err := s.Discussion.Post(ctx, x.st, discussion.Submission{ArticleID: articleID, ParentID: parentID,
		Author: name, URL: who.URL, Text: remoteText(n.Content), SkipToken: true, Remote: true})
	if refusal := discussion.AsError(err); refusal != nil {
		return errors.Join(errIgnored, err) // closed, a duplicate, invalid: as the form would refuse it
	} else if err != nil {
		return err
	}
	handle := ""
	if who.PreferredUsername != "" {
		handle = "@" + who.PreferredUsername + "@" + hostOf(who.ID)
	}
	return s.Store.SaveRemoteComment(ctx, &communique.RemoteComment{CommentID: c.ID, ObjectID: n.ID, ActorID: signer, Handle: handle})
}

// editReply follows an Update of a reply by its author.
func (s *Service) editReply(ctx context.Context, x *site, signer string, act *activity) error {
	n, ok := parseNote(act.Object)
	if !ok || s.Discussion == nil {
		return errIgnored
	}
	rc, err := s.Store.FindRemoteComment(ctx, n.ID)
	if err != nil || rc.ActorID != signer {
		return errIgnored
	}
	_, err = s.Discussion.EditRemote(ctx, x.st, rc.CommentID, remoteText(n.Content))
	if discussion.AsError(err) != nil {
		return errors.Join(errIgnored, err)
	}
	return err
}

// deleteReply follows a Delete of a reply by its author.
func (s *Service) deleteReply(ctx context.Context, signer string, act *activity) error {
	rc, err := s.Store.FindRemoteComment(ctx, idOf(act.Object))
	if err != nil || rc.ActorID != signer || s.Discussion == nil {
		return errIgnored
	}
	return s.Discussion.WithdrawRemote(ctx, rc.CommentID)
}

// react counts a Like or an Announce of one of the site's articles.
func (s *Service) react(ctx context.Context, x *site, signer, kind string, act *activity) error {
	articleID, parentID, ok := s.target(ctx, x, idOf(act.Object))
	if !ok || parentID != 0 {
		return errIgnored
	}
	return s.Store.SaveRemoteReaction(ctx, articleID, signer, kind, act.ID)
}

// target finds what a reply answers: a reply from the fediverse already
// kept, a comment of the site (…#comment-N), or an article.
func (s *Service) target(ctx context.Context, x *site, u string) (articleID, parentID int64, ok bool) {
	if u == "" {
		return 0, 0, false
	}
	if rc, err := s.Store.FindRemoteComment(ctx, u); err == nil {
		if c, err := s.Store.FindCommentByID(ctx, rc.CommentID); err == nil {
			return c.ArticleID, c.ID, true
		}
	}
	if c, ok := s.localComment(ctx, x, u); ok {
		return c.ArticleID, c.ID, true
	}
	rest, found := strings.CutPrefix(u, x.base+"/")
	if !found {
		return 0, 0, false
	}
	path, frag, _ := strings.Cut(rest, "#")
	a := s.articleAt(ctx, x, strings.Split(strings.Trim(path, "/"), "/"))
	if a == nil {
		return 0, 0, false
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(frag, "comment-"), 10, 64); err == nil && strings.HasPrefix(frag, "comment-") {
		if c, err := s.Store.FindCommentByID(ctx, id); err == nil && c.ArticleID == a.ID {
			return a.ID, c.ID, true
		}
		return 0, 0, false
	}
	return a.ID, 0, true
}

// articleAt finds the published post at a path of the site.
func (s *Service) articleAt(ctx context.Context, x *site, segs []string) *communique.Article {
	m, ok := x.st.Permalink.Match(segs)
	if !ok {
		return nil
	}
	post := communique.TypePost
	f := communique.ArticleFilter{Type: &post, Status: []communique.Status{communique.StatusPublished}, Limit: 1, SkipTotal: true}
	if m.ID != 0 {
		f.ID = &m.ID
	} else {
		f.Slug = &m.Slug
	}
	list, _, err := s.Store.FindArticles(ctx, f)
	if err != nil || len(list) == 0 || !list[0].IsPublic(s.now()) {
		return nil
	}
	return list[0]
}

// remoteText turns a reply's HTML into what a reader would have typed in
// the form: paragraphs as blank lines, line breaks as newlines, links
// and the few tags comments allow kept, everything else reduced to its
// text. The discussion service then renders it with the comment
// allowlist, as every comment.
func remoteText(h string) string {
	var b strings.Builder
	var links []bool // whether each open <a> was written (it had an href)
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text()) // decoded: the comment renderer shows markup it does not allow as typed
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.Data {
			case "br":
				b.WriteString("\n")
			case "p":
				if b.Len() > 0 {
					b.WriteString("\n\n")
				}
			case "a":
				href := ""
				for _, a := range t.Attr {
					if a.Key == "href" {
						href = a.Val
					}
				}
				links = append(links, href != "")
				if href != "" {
					b.WriteString(`<a href="` + html.EscapeString(href) + `">`)
				}
			case "b", "strong", "em", "i", "code", "blockquote", "del", "s":
				b.WriteString("<" + t.Data + ">")
			}
		case html.EndTagToken:
			t := z.Token()
			switch t.Data {
			case "a":
				if n := len(links); n > 0 {
					if links[n-1] {
						b.WriteString("</a>")
					}
					links = links[:n-1]
				}
			case "b", "strong", "em", "i", "code", "blockquote", "del", "s":
				b.WriteString("</" + t.Data + ">")
			}
		}
	}
}

// flag turns a report (Flag) from another server into reports on the
// site's comments it names, in the newsroom's reported queue beside
// readers' reports: its server counts as one reader.
func (s *Service) flag(ctx context.Context, x *site, signer string, act *activity, raw []byte) error {
	if s.Discussion == nil {
		return errIgnored
	}
	var extra struct {
		Content string `json:"content"`
	}
	json.Unmarshal(raw, &extra)
	var objects []json.RawMessage
	if json.Unmarshal(act.Object, &objects) != nil {
		objects = []json.RawMessage{act.Object}
	}
	why := "Reported from " + hostOf(signer)
	if text := strings.TrimSpace(markupText(extra.Content)); text != "" {
		why += ": " + text
	}
	if r := []rune(why); len(r) > communique.MaxReportExplanation {
		why = string(r[:communique.MaxReportExplanation-1]) + "…"
	}
	reported := 0
	for _, o := range objects {
		articleID, commentID, ok := s.target(ctx, x, idOf(o))
		if !ok || commentID == 0 {
			continue
		}
		_, err := s.Discussion.Report(ctx, x.st, discussion.ReportSubmission{ArticleID: articleID, CommentID: commentID,
			Reason: communique.ReportOther, Explanation: why, ReporterKey: "activitypub:" + activityToken(signer), IP: "fediverse:" + hostOf(signer)})
		if err != nil && discussion.AsError(err) == nil && communique.ErrorCode(err) != communique.ENOTFOUND {
			return err
		}
		if err == nil {
			reported++
		}
	}
	if reported == 0 {
		return errIgnored
	}
	return nil
}

// markupText is the text of a report's HTML, for the moderators' queue.
func markupText(h string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}
