package storeops

import (
	"context"
	"fmt"
)

// consistencyChecks are the rules the store keeps between rows, each a
// query that returns the rows breaking it (at most a few).
var consistencyChecks = []struct {
	rule, query string
}{
	{"a reply belongs to its parent's article and thread",
		`SELECT c.id FROM comments c JOIN comments p ON p.id = c.parent_id
		WHERE p.article_id <> c.article_id OR p.thread_id <> c.thread_id LIMIT 5`},
	{"a comment's thread is a top-level comment of the same article",
		`SELECT c.id FROM comments c LEFT JOIN comments t ON t.id = c.thread_id
		WHERE t.id IS NULL OR t.article_id <> c.article_id OR t.parent_id IS NOT NULL LIMIT 5`},
	{"an article's comment count is its number of approved comments",
		`SELECT a.id FROM articles a WHERE a.comment_count <>
		(SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved') LIMIT 5`},
	{"a revision belongs to an existing article",
		`SELECT r.id FROM revisions r LEFT JOIN articles a ON a.id = r.article_id WHERE a.id IS NULL LIMIT 5`},
}

// CheckIntegrity returns the problems found in the store, none when it
// is sound: the database's own checks of its file where it has them
// (SQLite), and on both the rules rows keep between them. It changes
// nothing, so it may run beside a serving site.
func CheckIntegrity(ctx context.Context, s Store) ([]string, error) {
	problems, err := s.Engine().CheckFile(ctx, s.WritePool(), s.ReadPool())
	if err != nil {
		return nil, err
	}
	for _, c := range consistencyChecks {
		rows, err := s.ReadPool().QueryContext(ctx, c.query)
		if err != nil {
			return nil, fmt.Errorf("check %q: %w", c.rule, err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) > 0 {
			problems = append(problems, fmt.Sprintf("%s: broken by rows %v", c.rule, ids))
		}
	}
	return problems, nil
}
