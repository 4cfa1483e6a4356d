package discussion

import (
	"context"
	"sort"

	"communique"
)

// LiveLimit bounds how many comments a live thread follows: the newest.
const LiveLimit = 2000

// LiveComments returns an article's comments as every reader sees them,
// for live updates of open pages: approved ones (none for a hidden
// thread, only answered questions in Q&A), each with its depth, badge
// and reactions, parents before replies. A node calls it once per
// change of the article, whatever the number of readers.
func (s *Service) LiveComments(ctx context.Context, st *communique.Settings, articleID int64) ([]*communique.Comment, *communique.ArticleDiscussion, error) {
	ad, err := s.ArticleDiscussion(ctx, articleID)
	if err != nil || ad.Hidden {
		return nil, ad, err
	}
	list, _, err := s.Store.FindComments(ctx, communique.CommentFilter{ArticleID: &articleID,
		Status: []communique.CommentStatus{communique.CommentApproved}, Newest: true, Limit: LiveLimit})
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]bool{}
	for _, c := range list {
		byID[c.ID] = true
	}
	var roots, replies []*communique.Comment
	for _, c := range list {
		if c.ParentID == 0 || !byID[c.ThreadID] {
			roots = append(roots, c)
		} else {
			replies = append(replies, c)
		}
	}
	sort.SliceStable(roots, func(i, j int) bool { return roots[i].CreatedAt.Before(roots[j].CreatedAt) })
	assemble(roots, replies, st.ThreadCommentsDepth)
	if err := s.decorate(ctx, &Page{}, articleID, list); err != nil {
		return nil, nil, err
	}
	if err := s.countReactions(ctx, list); err != nil {
		return nil, nil, err
	}
	if ad.QA {
		roots = answered(roots)
	}
	var out []*communique.Comment
	var walk func(cs []*communique.Comment)
	walk = func(cs []*communique.Comment) {
		for _, c := range cs {
			out = append(out, c)
			walk(c.Replies)
		}
	}
	walk(roots)
	return out, ad, nil
}
