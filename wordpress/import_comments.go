package wordpress

import (
	"communique"
	"communique/discussion"
	"communique/markup"
	"communique/wxr"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// commentStatuses maps WordPress's comment_approved.
var commentStatuses = map[string]communique.CommentStatus{
	"1": communique.CommentApproved, "approve": communique.CommentApproved, "approved": communique.CommentApproved,
	"0": communique.CommentPending, "hold": communique.CommentPending,
	"spam": communique.CommentSpam, "trash": communique.CommentTrash, "post-trashed": communique.CommentTrash,
}

// preparedComment is a comment made ready in the parsing goroutine:
// rendering and hashing are the costly part of a comment, and there they
// run beside the store's work.
type preparedComment struct {
	c     *wxr.Comment
	cm    *communique.Comment
	notes []string
}

// prepareComment builds the comment to store. It is safe to call from
// the parsing goroutine: it touches nothing of the run but Avatar.
func (im *Importer) prepareComment(c *wxr.Comment) *preparedComment {
	p := &preparedComment{c: c}
	status, ok := commentStatuses[strings.ToLower(strings.TrimSpace(c.Approved))]
	if !ok {
		status = communique.CommentPending
		p.notes = append(p.notes, fmt.Sprintf("comments with status %q held for moderation", c.Approved))
	}
	typ := communique.CommentTypeComment
	switch c.Type {
	case "", "comment":
	case "pingback", "trackback":
		typ = c.Type
	default:
		p.notes = append(p.notes, fmt.Sprintf("comments of type %q imported as comments", c.Type))
	}
	name := clip(plain(c.Author), communique.MaxCommentAuthor)
	email := strings.TrimSpace(c.AuthorEmail)
	if len(email) > communique.MaxCommentEmail {
		email = ""
	}
	text := strings.ToValidUTF8(strings.ReplaceAll(c.Content, "\x00", ""), "\uFFFD")
	if utf8.RuneCountInString(text) > communique.MaxCommentText {
		text = clip(text, communique.MaxCommentText)
		p.notes = append(p.notes, "comments cut to 65,525 characters")
	}
	identity := email
	if identity == "" {
		identity = "name:" + name
	}
	p.cm = &communique.Comment{
		AuthorName: name, AuthorEmail: email, AuthorURL: clip(communique.NormalizeWebsite(c.AuthorURL), communique.MaxCommentURL),
		AuthorIP: clip(strings.TrimSpace(c.AuthorIP), 100), AvatarHash: im.Avatar(identity),
		Type: typ, Text: text, HTML: markup.Comment(text), Status: status, CreatedAt: wpTime(c.DateGMT, c.Date),
		SpamScore: 0.5,
	}
	if status == communique.CommentSpam {
		p.cm.SpamScore = 1
	}
	return p
}

func (ru *run) comment(p *preparedComment) error {
	c := p.c
	if ru.current == 0 || c.PostID != ru.current {
		reason := ru.currentSkip
		if reason == "" {
			reason = "comments whose post was not imported"
		}
		ru.skip(reason)
		return nil
	}
	if c.ID == 0 {
		ru.skip("comments without a wp:comment_id")
		return nil
	}
	for _, n := range p.notes {
		ru.note(n)
	}
	ic := &communique.ImportedComment{Comment: p.cm, SourceID: c.ID, ArticleSourceID: c.PostID, ParentSourceID: c.Parent}
	ru.batch.Comments = append(ru.batch.Comments, ic)
	if err := ru.maybeFlush(); err != nil {
		return err
	}
	if ru.waitingCount > maxWaiting {
		return ru.releaseWaiting("replies whose parent came too late in the file imported as top-level comments")
	}
	return nil
}

func (ru *run) maybeFlush() error {
	if ru.batch.Len() >= ru.BatchSize {
		return ru.flush()
	}
	return nil
}

// flush stores the batch and sorts out its results: counts, parents to
// set later, replies waiting for their parent.
func (ru *run) flush() error {
	for ru.batch != nil && ru.batch.Len() > 0 {
		b := ru.batch
		ru.batch = &communique.ImportBatch{Source: ru.source}
		// Articles follow the article rules and comments the discussion
		// rules; the batch is then stored in one transaction. Old news
		// tells nobody.
		if ru.Comments == nil || ru.Articles == nil {
			return errors.New("wordpress: the importer needs an article and a discussion service (Importer.Articles, Importer.Comments)")
		}
		if err := ru.Articles.PrepareImport(ru.ctx, b); err != nil {
			return fmt.Errorf("storing a batch of %d records: %w", b.Len(), err)
		}
		if err := ru.Comments.Import(ru.ctx, b, discussion.ImportOptions{Notify: false}); err != nil {
			return fmt.Errorf("storing a batch of %d records: %w", b.Len(), err)
		}
		for _, ia := range b.Articles {
			kind := "posts"
			if ia.Article.Type == communique.TypePage {
				kind = "pages"
			}
			ru.sum.count(kind, ia.Created)
			ru.articleIDs = append(ru.articleIDs, ia.Article.ID)
			if ia.ParentMissing {
				ru.later(communique.KindArticle, ia.Article.ID, ia.ParentSourceID)
			}
		}
		for _, ia := range b.Attachments {
			ru.sum.count("attachments", ia.Created)
			ru.attachmentIDs = append(ru.attachmentIDs, ia.Attachment.SourceID)
			if ia.ParentMissing {
				ru.later(communique.KindAttachment, ia.Attachment.ID, ia.ArticleSourceID)
			}
		}
		for _, ic := range b.Comments {
			switch {
			case ic.ArticleMissing:
				ru.skip("comments whose post was not imported")
			case ic.ParentMissing:
				ru.waiting[ic.ParentSourceID] = append(ru.waiting[ic.ParentSourceID], ic)
				ru.waitingCount++
			default:
				ru.sum.count("comments", ic.Created)
				ru.commented[ic.Comment.ArticleID] = true
				if replies, ok := ru.waiting[ic.SourceID]; ok {
					delete(ru.waiting, ic.SourceID)
					ru.waitingCount -= len(replies)
					ru.batch.Comments = append(ru.batch.Comments, replies...)
				}
			}
		}
	}
	return nil
}
