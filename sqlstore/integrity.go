package sqlstore

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
// is sound: on SQLite the file's own checks (integrity_check and
// foreign_key_check), on both the rules rows keep between them. It
// changes nothing, so it may run beside a serving site, whose writes wait
// while SQLite checks the file.
func (db *DB) CheckIntegrity(ctx context.Context) ([]string, error) {
	var problems []string
	r := db.r()
	if db.dialect.Name == "sqlite" {
		// Through the writer: a reader connection that searched before
		// another connection wrote checks the FTS5 index against the
		// structure it cached then, and reports a mismatch that is not
		// there. The check holds the write lock while it runs.
		rows, err := db.write.QueryContext(ctx, `PRAGMA integrity_check`)
		if err != nil {
			return nil, fmt.Errorf("integrity check: %w", err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return nil, err
			}
			if line != "ok" {
				problems = append(problems, "integrity_check: "+line)
			}
		}
		rows.Close()
		rows, err = db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return nil, fmt.Errorf("foreign key check: %w", err)
		}
		for rows.Next() {
			var table, parent string
			var rowid, fk any
			if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
				rows.Close()
				return nil, err
			}
			problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %v refers to a missing %s", table, rowid, parent))
		}
		rows.Close()
	}
	for _, c := range consistencyChecks {
		rows, err := r.query(ctx, c.query)
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
