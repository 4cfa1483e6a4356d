package admin

import (
	"context"
	"net/url"

	"communique"
)

// discussionFields is the editor's Discussion fieldset: the thread's
// mode (open, read-only, closed), pre-moderation, the message above the
// reply form and Q&A. Open and read-only are the article's
// comments_open; the rest are the discussion service's per-article
// settings, saved after the article.
type discussionFields struct {
	Mode        string
	Premoderate bool
	QA          bool
	Message     string
	Error       string
}

// settings is the fieldset as the discussion service keeps it.
func (d *discussionFields) settings(articleID int64) *communique.ArticleDiscussion {
	return &communique.ArticleDiscussion{ArticleID: articleID, Hidden: d.Mode == communique.DiscussionClosed,
		Premoderate: d.Premoderate, Message: d.Message, QA: d.QA}
}

// formDiscussion reads the fieldset. Its mode, when sent, decides
// comments_open; a form without it (an older page) keeps the checkbox.
func formDiscussion(f url.Values, data *editorPage) {
	d := &data.Discussion
	switch mode := f.Get("discussion_mode"); mode {
	case communique.DiscussionOpen, communique.DiscussionReadOnly, communique.DiscussionClosed:
		d.Mode = mode
		data.CommentsOpen = mode == communique.DiscussionOpen
	default:
		d.Mode = communique.DiscussionReadOnly
		if data.CommentsOpen {
			d.Mode = communique.DiscussionOpen
		}
	}
	d.Premoderate, d.QA, d.Message = f.Get("discussion_premoderate") != "", f.Get("discussion_qa") != "", f.Get("discussion_message")
	if err := d.settings(0).Validate(); err != nil {
		d.Error = communique.ErrorMessage(err)
		data.Errors["discussion"] = d.Error
	}
}

// fillDiscussion shows a saved article's settings, or a new article's
// default, unless the form already holds what was typed.
func (s *Server) fillDiscussion(ctx context.Context, data *editorPage) {
	if data.Discussion.Mode != "" {
		return
	}
	data.Discussion.Mode = communique.DiscussionReadOnly
	if data.CommentsOpen {
		data.Discussion.Mode = communique.DiscussionOpen
	}
	if data.ID == 0 || s.discussion == nil {
		return
	}
	ad, err := s.discussion.ArticleDiscussion(ctx, data.ID)
	if err != nil {
		return // the fieldset shows the article's own switch
	}
	data.Discussion.Mode = ad.Mode(data.CommentsOpen)
	data.Discussion.Premoderate, data.Discussion.QA, data.Discussion.Message = ad.Premoderate, ad.QA, ad.Message
}

// saveDiscussion saves the fieldset for a saved article.
func (s *Server) saveDiscussion(ctx context.Context, rq *request, articleID int64, d *discussionFields) error {
	if s.discussion == nil {
		return nil
	}
	return s.discussion.SetArticleDiscussion(ctx, rq.User, d.settings(articleID))
}
