package sqlstore

import (
	"context"
	"math/rand/v2"
	"time"
)

// maxAttempts bounds how often a transaction is run when the database
// keeps aborting it for a deadlock or a serialization failure: such an
// abort says "run me again", and a writer should not see it, but a
// transaction that loses every time should end with an error rather than
// hold its request forever.
const maxAttempts = 5

// retry runs fn, which begins, does and commits one whole transaction,
// again when the database aborted it for a reason the dialect calls
// transient, after a short pause that grows and is jittered so that the
// two transactions that collided do not collide again. Anything fn
// changes outside the database must be reset by fn itself.
func (db *core) retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == maxAttempts || db.dialect.IsTransient == nil || !db.dialect.IsTransient(err) {
			return err
		}
		db.Retries.Add(1)
		pause := time.Duration(attempt*attempt)*5*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// lockTerms locks the terms whose ids the query selects, in id order,
// for the rest of tx (where the dialect has row locks): an article's
// write changes its terms' stored counts, and two writers that take the
// same term rows in one order cannot deadlock, whatever order their
// triggers then update them in.
func (tx *Tx) lockTerms(ctx context.Context, cond string, args ...any) error {
	lock := tx.db.dialect.LockForUpdate
	if lock == "" {
		return nil // one writer at a time: SQLite locks the whole file
	}
	rows, err := tx.w().query(ctx, `SELECT id FROM terms WHERE `+cond+` ORDER BY id`+lock, args...)
	if err != nil {
		return err
	}
	return rows.Close()
}

// lockArticleTerms locks, in id order, the terms an article has now and
// the ones it is given.
func (tx *Tx) lockArticleTerms(ctx context.Context, articleID int64, more ...[]int64) error {
	cond, args := `id IN (SELECT term_id FROM article_terms WHERE article_id = ?)`, []any{articleID}
	var ids []int64
	for _, m := range more {
		ids = append(ids, m...)
	}
	if len(ids) > 0 {
		cond += ` OR id IN (` + Placeholders(len(ids)) + `)`
		args = append(args, Int64Args(ids)...)
	}
	return tx.lockTerms(ctx, cond, args...)
}
