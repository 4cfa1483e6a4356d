package discussion

import (
	"context"
	"time"

	"communique"
)

// Reactions: one appreciation per reader per comment, counted without
// accounts (the door's signed cookie names the reader) and limited per
// reader and per address, so a flood from one place stays small.

// Thread orders readers choose by a link.
const (
	SortOldest    = "oldest"
	SortNewest    = "newest"
	SortReactions = "reactions"
	SortReplies   = "replies"
)

// Sorts lists the orders in the order the page offers them.
var Sorts = []string{SortOldest, SortNewest, SortReactions, SortReplies}

// ValidSort reports whether s is an order readers may choose.
func ValidSort(s string) bool {
	for _, v := range Sorts {
		if s == v {
			return true
		}
	}
	return false
}

// Reaction limits: generous for a reader going down a thread, small
// enough that one address cannot lift a comment alone.
const (
	reactionsPerReader  = 200
	reactionsPerAddress = 300
	reactionWindow      = time.Hour
)

// MsgReactionFlood is shown to a reader over the limits.
const MsgReactionFlood = "You have reacted to many comments in a short time. Please try again later."

// ReactionSubmission is a reader's reaction.
type ReactionSubmission struct {
	ArticleID int64
	CommentID int64
	ReaderKey string
	IP        string
}

// React counts a reader's appreciation of an approved comment once and
// reports whether it was new. A comment that is not shown on that
// article is ENOTFOUND; too many reactions KindFlood; no reader key
// KindForbidden.
func (s *Service) React(ctx context.Context, sub ReactionSubmission) (bool, error) {
	if s.Reactions == nil {
		return false, communique.Errorf(communique.EINTERNAL, "reactions are not kept by this store")
	}
	if sub.ReaderKey == "" {
		return false, refuse(KindForbidden, "Your browser must accept this site's cookies to react to a comment.")
	}
	c, err := s.reportable(ctx, ReportSubmission{ArticleID: sub.ArticleID, CommentID: sub.CommentID})
	if err != nil {
		return false, err
	}
	if s.Limits != nil {
		for _, l := range []struct {
			key   string
			limit int
		}{{"react:reader:" + sub.ReaderKey, reactionsPerReader}, {"react:ip:" + sub.IP, reactionsPerAddress}} {
			ok, _, err := s.Limits.RateLimit(ctx, l.key, l.limit, reactionWindow)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, refuse(KindFlood, MsgReactionFlood)
			}
		}
	}
	created, err := s.Reactions.CreateCommentReaction(ctx, c.ID, sub.ReaderKey, sub.IP)
	if err != nil {
		return false, err
	}
	if created {
		s.changed(c.ArticleID)
	}
	return created, nil
}

// countReactions fills the reaction counts of a page's comments.
func (s *Service) countReactions(ctx context.Context, all []*communique.Comment) error {
	if s.Reactions == nil || len(all) == 0 {
		return nil
	}
	ids := make([]int64, len(all))
	for i, c := range all {
		ids[i] = c.ID
	}
	counts, err := s.Reactions.CountCommentReactions(ctx, ids)
	if err != nil {
		return err
	}
	for _, c := range all {
		c.Reactions = counts[c.ID]
	}
	return nil
}
