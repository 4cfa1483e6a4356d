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
		statuses := make([]any, len(f.Status))
		for i, s := range f.Status {
			statuses[i] = string(s)
		}
		listed := "c.status IN (" + Placeholders(len(statuses)) + ")"
		if f.OwnerKey == "" {
			where, args = append(where, listed), append(args, statuses...)
		} else {
			// As FindComments: the owner's held comments too.
			where = append(where, "c.status IN ("+Placeholders(len(statuses)+1)+") AND ("+listed+" OR c.owner_key = ?)")
			args = append(args, statuses...)
			args = append(args, string(communique.CommentPending))
			args = append(args, statuses...)
			args = append(args, f.OwnerKey)
		}
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
	// The page's roots are ranked in their order; replies carry rank 0
	// and come after, oldest first.
	query := `WITH page AS (
		SELECT c.id, ROW_NUMBER() OVER (ORDER BY ` + order + `) AS n
		FROM comments c WHERE ` + cond + ` AND c.parent_id IS NULL
		ORDER BY ` + order + ` LIMIT ? OFFSET ?)
	SELECT ` + commentPublicColumns + `, COALESCE(p.n, 0),
		(SELECT COUNT(*) FROM comment_reactions x WHERE x.comment_id = c.id),
		(SELECT COUNT(*) FROM comments c WHERE ` + cond + ` AND c.parent_id IS NULL)
	FROM comments c LEFT JOIN page p ON p.id = c.id
	WHERE ` + cond + ` AND (p.id IS NOT NULL OR (c.parent_id IS NOT NULL AND c.thread_id IN (SELECT id FROM page)))
	ORDER BY COALESCE(p.n, 0), c.created_at, c.id`
	all := append(append(append(append([]any{}, args...), limit, max(f.Offset, 0)), args...), args...)
	rows, err := db.r().query(ctx, query, all...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("find thread page: %w", err)
	}
	defer rows.Close()
	type ranked struct {
		c *communique.Comment
		n int64
	}
	var page []ranked
	for rows.Next() {
		var n int64
		var reactions int
		c, err := scanComment(rows, false, &n, &reactions, &topLevel)
		if err != nil {
			return nil, nil, 0, err
		}
		c.Reactions = reactions
		if n > 0 {
			page = append(page, ranked{c, n})
		} else {
			replies = append(replies, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	sort.Slice(page, func(i, j int) bool { return page[i].n < page[j].n })
	for _, r := range page {
		roots = append(roots, r.c)
	}
	if len(roots) == 0 && f.Offset > 0 {
		// A page past the last still says how many there are.
		if err := db.r().row(ctx, `SELECT COUNT(*) FROM comments c WHERE `+cond+` AND c.parent_id IS NULL`, args...).Scan(&topLevel); err != nil {
			return nil, nil, 0, fmt.Errorf("count comments: %w", err)
		}
	}
	return roots, replies, topLevel, nil
}
