package notify

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"communique"
	"communique/mail"
)

// CommentPosted follows a new comment: a held one is for moderators, a
// visible one for the article's author and its followers; webhooks hear
// of both. Spam and trash tell nobody.
func (s *Service) CommentPosted(ctx context.Context, c *communique.Comment) {
	if build := s.CommentMessages(ctx, c); build != nil {
		s.fail("comment posted", s.enqueue(ctx, build(c)), "comment", c.ID)
	}
}

// CommentMessages reads what CommentPosted's messages need and returns
// what builds them once c has its id, so the discussion writes them in
// the comment's own transaction; nil when nobody hears of c.
func (s *Service) CommentMessages(ctx context.Context, c *communique.Comment) func(*communique.Comment) []*communique.OutboxMessage {
	if c.Status != communique.CommentPending && c.Status != communique.CommentApproved {
		return nil
	}
	// Read once for every message: a comment's POST waits for these.
	x, a, err := s.commentSite(ctx, c)
	if err != nil {
		s.fail("comment posted", err, "comment", c.ID)
		return nil
	}
	var builds []builder
	add := func(what string, b builder, err error) {
		s.fail(what, err, "comment", c.ID)
		if b != nil {
			builds = append(builds, b)
		}
	}
	if c.Status == communique.CommentPending {
		b, err := s.commentHeld(ctx, x, a, c)
		add("comment held", b, err)
	} else {
		b, err := s.commentVisible(ctx, x, a, c)
		add("comment visible", b, err)
	}
	b, err := s.commentEvent(ctx, x, a, communique.EventCommentCreated, c)
	add("webhook", b, err)
	return func(c *communique.Comment) []*communique.OutboxMessage {
		var msgs []*communique.OutboxMessage
		for _, b := range builds {
			m, err := b(c)
			s.fail("comment message", err, "comment", c.ID)
			msgs = append(msgs, m...)
		}
		return msgs
	}
}

// MessagesQueued wakes the worker after messages were written with a change.
func (s *Service) MessagesQueued() {
	if s.Wake != nil {
		s.Wake()
	}
}

// builder builds the messages about a comment once it is stored: the
// reading is done, so it calls no store.
type builder func(c *communique.Comment) ([]*communique.OutboxMessage, error)

// send builds and queues the messages about a stored comment.
func (s *Service) send(ctx context.Context, c *communique.Comment, b builder, err error) error {
	if err != nil || b == nil {
		return err
	}
	msgs, err := b(c)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, msgs)
}

// CommentApproved follows a held comment a moderator approved: now the
// author and the followers hear of it.
func (s *Service) CommentApproved(ctx context.Context, c *communique.Comment) {
	x, a, err := s.commentSite(ctx, c)
	if err != nil {
		s.fail("comment approved", err, "comment", c.ID)
		return
	}
	b, err := s.commentVisible(ctx, x, a, c)
	s.fail("comment approved", s.send(ctx, c, b, err), "comment", c.ID)
	b, err = s.commentEvent(ctx, x, a, communique.EventCommentApproved, c)
	s.fail("webhook", s.send(ctx, c, b, err), "comment", c.ID)
}

// commentSite reads the site and the comment's article, which every
// message about the comment needs.
func (s *Service) commentSite(ctx context.Context, c *communique.Comment) (*site, *communique.Article, error) {
	x, err := s.site(ctx)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.Store.FindArticleByID(ctx, c.ArticleID)
	if err != nil {
		return nil, nil, err
	}
	return x, a, nil
}

func commentName(c *communique.Comment) string {
	if n := oneLine(c.AuthorName); n != "" {
		return n
	}
	return "Anonymous"
}

func commentThread(x *site, c *communique.Comment) thread {
	return thread{id: "comment-" + strconv.FormatInt(c.ID, 10), references: []string{articleRef(x, c.ArticleID)}}
}

// commentHeld tells every user who may moderate, as WordPress's
// moderation notice does.
func (s *Service) commentHeld(ctx context.Context, x *site, a *communique.Article, c *communique.Comment) (builder, error) {
	if !x.st.NotifyModerators {
		return nil, nil
	}
	users, err := s.Store.FindUsers(ctx, communique.UserFilter{})
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.CountComments(ctx)
	if err != nil {
		return nil, err
	}
	waiting := counts[communique.CommentPending]
	if c.ID == 0 {
		waiting++ // counted before the comment is stored
	}
	articleURL := s.articleURL(ctx, x, a)
	return func(c *communique.Comment) ([]*communique.OutboxMessage, error) {
		t, title := x.t, oneLine(a.Title)
		body := content{
			Intro:   []string{t.T("mail.moderate_intro", title)},
			Quote:   c.Text,
			Details: []detail{{t.T("mail.author"), commentName(c)}, {t.T("mail.email"), c.AuthorEmail}, {t.T("mail.website"), c.AuthorURL}, {t.T("mail.ip"), c.AuthorIP}},
			Action:  link{t.T("mail.moderate_action"), x.url("/admin/comments", url.Values{"status": {"pending"}})},
			Links: []link{{t.T("mail.moderate_edit"), x.url("/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/edit", nil)},
				{t.T("mail.read_article"), articleURL}},
			Notes: []string{t.T("mail.moderate_waiting", waiting)},
		}
		var msgs []*communique.OutboxMessage
		for _, u := range users {
			if !communique.Can(u, communique.ActionModerateComment, nil) || !communique.ValidEmail(u.Email) {
				continue
			}
			b := body
			m, err := s.email(x, mail.Address{Name: u.Name(), Address: u.Email}, t.T("mail.moderate_subject", x.title, title), &b, commentThread(x, c), nil)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m)
		}
		return msgs, nil
	}, nil
}

// commentVisible tells the article's author and the readers who follow
// its comments, never the commenter about their own comment.
func (s *Service) commentVisible(ctx context.Context, x *site, a *communique.Article, c *communique.Comment) (builder, error) {
	var author *communique.User
	if x.st.NotifyAuthors {
		u, err := s.Store.FindUserByID(ctx, a.AuthorID)
		if err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
			return nil, err
		}
		author = u
	}
	followers, err := s.Store.FindSubscriptions(ctx, communique.SubscriptionFilter{
		Topic: communique.TopicComments, ArticleID: a.ID, Status: communique.SubscriptionActive})
	if err != nil {
		return nil, err
	}
	articleURL := s.articleURL(ctx, x, a)
	return func(c *communique.Comment) ([]*communique.OutboxMessage, error) {
		t, title := x.t, oneLine(a.Title)
		commentURL := articleURL + "#comment-" + strconv.FormatInt(c.ID, 10)
		told := map[string]bool{strings.ToLower(c.AuthorEmail): true}
		var msgs []*communique.OutboxMessage
		if author != nil && author.ID != c.UserID && communique.ValidEmail(author.Email) && !told[strings.ToLower(author.Email)] {
			told[strings.ToLower(author.Email)] = true
			body := content{
				Intro:   []string{t.T("mail.author_intro", commentName(c), title)},
				Quote:   c.Text,
				Details: []detail{{t.T("mail.author"), commentName(c)}, {t.T("mail.website"), c.AuthorURL}},
				Action:  link{t.T("mail.view_comment"), commentURL},
			}
			m, err := s.email(x, mail.Address{Name: author.Name(), Address: author.Email}, t.T("mail.author_subject", x.title, title), &body, commentThread(x, c), nil)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m)
		}
		for _, f := range followers {
			if told[strings.ToLower(f.Email)] || len(msgs) > maxRecipients {
				continue
			}
			told[strings.ToLower(f.Email)] = true
			body := content{
				Intro:  []string{t.T("mail.follow_intro", commentName(c), title)},
				Quote:  c.Text,
				Action: link{t.T("mail.view_comment"), commentURL},
			}
			m, err := s.subscriberEmail(x, f, t.T("mail.follow_subject", x.title, title), &body, commentThread(x, c))
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m)
		}
		return msgs, nil
	}, nil
}

// subscriberEmail is a message to a subscriber: with a one-click
// unsubscribe (RFC 8058) and a link to manage every subscription.
func (s *Service) subscriberEmail(x *site, sub *communique.Subscription, subject string, body *content, th thread) (*communique.OutboxMessage, error) {
	unsub := x.url("/subscriptions/unsubscribe", url.Values{"token": {s.UnsubscribeToken(sub)}})
	body.Unsubscribe = link{x.t.T("mail.unsubscribe"), unsub}
	body.Manage = link{x.t.T("mail.manage"), x.url("/subscriptions/manage", url.Values{"token": {s.manageToken(sub.SubscriberID, sub.ManageNonce)}})}
	body.Why = x.t.T("mail.why", x.title)
	list := sub.Topic + "." + x.domain()
	return s.email(x, mail.Address{Address: sub.Email}, subject, body, th, []mail.Field{
		{Name: "List-Id", Value: "<" + list + ">"},
		{Name: "List-Unsubscribe", Value: "<" + unsub + ">"},
		{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"},
	})
}

// ArticleSaved follows an article saved in the newsroom; before is how it
// was (nil for a new article). Going public is post.published, with an
// email to the readers who subscribed to new articles; a change to a
// public article is post.updated.
func (s *Service) ArticleSaved(ctx context.Context, before, after *communique.Article) {
	now := s.now()
	switch {
	case after.IsPublic(now) && (before == nil || !before.IsPublic(now)):
		s.articlePublished(ctx, after)
	case after.IsPublic(now):
		s.fail("webhook", s.articleEvent(ctx, communique.EventPostUpdated, after), "article", after.ID)
	}
}

// ArticlesPublished follows scheduled articles the clock published.
func (s *Service) ArticlesPublished(ctx context.Context, ids []int64) {
	for _, id := range ids {
		a, err := s.Store.FindArticleByID(ctx, id)
		if err != nil {
			s.fail("published article", err, "article", id)
			continue
		}
		s.articlePublished(ctx, a)
	}
}

func (s *Service) articlePublished(ctx context.Context, a *communique.Article) {
	s.fail("webhook", s.articleEvent(ctx, communique.EventPostPublished, a), "article", a.ID)
	if a.Type == communique.TypePost {
		s.fail("new article", s.tellSubscribers(ctx, a), "article", a.ID)
	}
}

func (s *Service) tellSubscribers(ctx context.Context, a *communique.Article) error {
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	subs, err := s.Store.FindSubscriptions(ctx, communique.SubscriptionFilter{Topic: communique.TopicPosts, Status: communique.SubscriptionActive})
	if err != nil {
		return err
	}
	t, title := x.t, oneLine(a.Title)
	th := thread{id: "article-" + strconv.FormatInt(a.ID, 10), references: []string{articleRef(x, a.ID)}}
	articleURL := s.articleURL(ctx, x, a)
	var msgs []*communique.OutboxMessage
	for i, sub := range subs {
		if i == maxRecipients {
			break
		}
		body := content{
			Intro:  []string{t.T("mail.post_intro", x.title), title},
			Quote:  a.Summary,
			Action: link{t.T("mail.read_article"), articleURL},
		}
		if a.Protected() {
			body.Quote = "" // its excerpt waits for the password too
		}
		m, err := s.subscriberEmail(x, sub, t.T("mail.post_subject", x.title, title), &body, th)
		if err != nil {
			return err
		}
		msgs = append(msgs, m)
	}
	return s.enqueue(ctx, msgs)
}
