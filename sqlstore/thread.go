package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"communique"
)

// FindThreadPage reads a page of an article's thread in one round trip,
// where a page view used to need four (the top-level page, its count,
// the replies and the reaction counts): the page's top-level comments in
// order, every visible reply in their threads (oldest first), each with
// its reaction count, and how many top-level comments the thread holds.
// It honours the filter's
// ArticleID, Status, OwnerKey, Newest, Sort, Offset and Limit exactly as
// FindComments does for the top-level page (TopLevel) and for the replies
// (ThreadIDs); other fields are not allowed.
func (db *Comments) FindThreadPage(ctx context.Context, f communique.CommentFilter) (roots, replies []*communique.Comment, topLevel int, err error) {
	if f.ArticleID == nil || f.ID != nil || f.Email != nil || f.CreatedBefore != nil || f.TopLevel || f.ThreadIDs != nil ||
		f.ParentIDs != nil || f.Types != nil || f.PublishedOnly || f.Private {
		return nil, nil, 0, communique.Errorf(communique.EINVALID, "A thread page is chosen by article, status, owner, order and page only.")
	}
	where, args := []string{"c.article_id = ?"}, []any{*f.ArticleID}
	if len(f.Status) > 0 {
		cond, condArgs := statusCondition(f.Status, f.OwnerKey)
		where, args = append(where, cond), append(args, condArgs...)
	}
	cond := strings.Join(where, " AND ")
	order := "c.created_at, c.id"
	if f.Newest {
		order = "c.created_at DESC, c.id DESC"
	}
	switch f.Sort {
	case "reactions":
		order = "(SELECT COUNT(*) FROM comment_reactions x WHERE x.comment_id = c.id) DESC, " + order
	case "replies":
		order = "(SELECT COUNT(*) FROM comments x WHERE x.thread_id = c.id AND x.id <> c.id AND x.status = 'approved') DESC, " + order
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	// The statement starts from the page (the same index scan as
	// FindComments) and reaches the replies through the thread index, so
	// a long thread's other pages are never read. Rows come in the page's
	// order; the roots keep it and the replies are put oldest first.
	query := `WITH page AS (
		SELECT c.id FROM comments c WHERE ` + cond + ` AND c.parent_id IS NULL
		ORDER BY ` + order + ` LIMIT ? OFFSET ?),
	shown AS (
		SELECT id FROM page
		UNION ALL
		SELECT c.id FROM page p JOIN comments c ON c.thread_id = p.id
		WHERE c.parent_id IS NOT NULL AND ` + cond + `)
	SELECT ` + commentPublicColumns + `,
		(SELECT COUNT(*) FROM comment_reactions x WHERE x.comment_id = c.id),
		(SELECT COUNT(*) FROM comments c WHERE ` + cond + ` AND c.parent_id IS NULL)
	FROM shown s JOIN comments c ON c.id = s.id
	ORDER BY ` + order
	all := append(append(append(append([]any{}, args...), limit, max(f.Offset, 0)), args...), args...)
	rows, err := db.r().query(ctx, query, all...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("find thread page: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var reactions int
		c, err := scanComment(rows, false, &reactions, &topLevel)
		if err != nil {
			return nil, nil, 0, err
		}
		c.Reactions = reactions
		if c.ParentID == 0 {
			roots = append(roots, c)
		} else {
			replies = append(replies, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	sort.Slice(replies, func(i, j int) bool {
		a, b := replies[i], replies[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.ID < b.ID
	})
	if len(roots) == 0 && f.Offset > 0 {
		// A page past the last still says how many there are.
		if err := db.r().row(ctx, `SELECT COUNT(*) FROM comments c WHERE `+cond+` AND c.parent_id IS NULL`, args...).Scan(&topLevel); err != nil {
			return nil, nil, 0, fmt.Errorf("count comments: %w", err)
		}
	}
	return roots, replies, topLevel, nil
}
