package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"communique"
)

var _ communique.PrivacyService = (*Privacy)(nil)

// likeEscape quotes LIKE's wildcards so s matches only itself (with
// ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindPersonalData returns what the store holds about an email address.
func (db *Privacy) FindPersonalData(ctx context.Context, email string) (*communique.PersonalData, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, communique.Errorf(communique.EINVALID, "An email address is required.")
	}
	pd := &communique.PersonalData{Email: email}
	var err error
	if pd.Comments, _, err = db.comments().FindComments(ctx, communique.CommentFilter{Email: &email, Private: true, Limit: 10000,
		Status: []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash}}); err != nil {
		return nil, err
	}
	for _, c := range pd.Comments {
		revs, err := db.comments().FindCommentRevisions(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		pd.CommentRevisions = append(pd.CommentRevisions, revs...)
	}
	r := db.r()
	sub, err := scanSubscriber(r.row(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE email = ?`, email))
	if err == nil {
		pd.Subscriber = sub
		if pd.Subscriptions, err = db.outbox().FindSubscriptions(ctx, communique.SubscriptionFilter{SubscriberID: sub.ID}); err != nil {
			return nil, err
		}
	} else if communique.ErrorCode(db.wrap(err, "Subscriber")) != communique.ENOTFOUND {
		return nil, err
	}
	rows, err := r.query(ctx, `SELECT `+outboxColumns+`, body FROM outbox
		WHERE kind = 'email' AND (LOWER(recipient) = ? OR LOWER(body) LIKE ? ESCAPE '\') ORDER BY id`, email, "%"+likeEscape(email)+"%")
	if err != nil {
		return nil, fmt.Errorf("personal data: outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		m, err := scanOutbox(rows, &body)
		if err != nil {
			return nil, err
		}
		m.Body = body
		pd.Emails = append(pd.Emails, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if pd.Users, err = db.people().FindUsers(ctx, communique.UserFilter{Email: &email}); err != nil {
		return nil, err
	}
	if err := r.row(ctx, `SELECT COUNT(*) FROM login_failures WHERE LOWER(login) = ?`, email).Scan(&pd.SignInFailures); err != nil {
		return nil, fmt.Errorf("personal data: sign-in failures: %w", err)
	}
	// A refused comment is kept as the form was typed, address included.
	drafts, err := r.query(ctx, `SELECT id, owner_key, article_id, data, created_at FROM comment_drafts
		WHERE LOWER(data) LIKE ? ESCAPE '\' ORDER BY created_at`, "%"+likeEscape(email)+"%")
	if err != nil {
		return nil, fmt.Errorf("personal data: refused comments: %w", err)
	}
	defer drafts.Close()
	for drafts.Next() {
		d := &communique.CommentDraft{}
		if err := drafts.Scan(&d.ID, &d.OwnerKey, &d.ArticleID, &d.Data, scanTime{&d.CreatedAt}); err != nil {
			return nil, err
		}
		pd.CommentDrafts = append(pd.CommentDrafts, d)
	}
	return pd, drafts.Err()
}

// ErasePersonalData deletes or anonymises an address's comments and
// deletes its subscriptions, the emails naming it and its failed sign-ins.
func (db *Privacy) ErasePersonalData(ctx context.Context, email string, e communique.Erasure) (*communique.ErasureResult, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil, communique.Errorf(communique.EINVALID, "An email address is required.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	res := &communique.ErasureResult{}
	rows, err := w.query(ctx, `SELECT id, article_id FROM comments WHERE LOWER(author_email) = ? ORDER BY id DESC`, email)
	if err != nil {
		return nil, fmt.Errorf("erase: %w", err)
	}
	var ids []int64
	articles := map[int64]bool{}
	for rows.Next() {
		var id, article int64
		if err := rows.Scan(&id, &article); err != nil {
			rows.Close()
			return nil, err
		}
		ids, articles[article] = append(ids, id), true
	}
	rows.Close()
	res.Comments = len(ids)
	if e.Anonymise {
		if _, err := w.exec(ctx, `UPDATE comments SET author_name = ?, author_email = '', author_url = '', author_ip = '',
			user_agent = '', avatar_hash = ?, owner_key = '' WHERE LOWER(author_email) = ?`, communique.AnonymousName, e.AvatarHash, email); err != nil {
			return nil, fmt.Errorf("anonymise comments: %w", err)
		}
	} else {
		for _, id := range ids {
			if _, err := tx.deleteComment(ctx, id); err != nil {
				return nil, fmt.Errorf("erase comment %d: %w", id, err)
			}
		}
		list := make([]int64, 0, len(articles))
		for id := range articles {
			list = append(list, id)
		}
		sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
		for _, id := range list {
			if err := tx.refreshCommentCount(ctx, id); err != nil {
				return nil, err
			}
		}
	}
	if err := w.row(ctx, `SELECT COUNT(*) FROM subscriptions WHERE subscriber_id IN (SELECT id FROM subscribers WHERE email = ?)`, email).Scan(&res.Subscriptions); err != nil {
		return nil, err
	}
	if _, err := w.exec(ctx, `DELETE FROM subscriptions WHERE subscriber_id IN (SELECT id FROM subscribers WHERE email = ?)`, email); err != nil {
		return nil, fmt.Errorf("erase subscriptions: %w", err)
	}
	if _, err := w.exec(ctx, `DELETE FROM subscribers WHERE email = ?`, email); err != nil {
		return nil, fmt.Errorf("erase subscriber: %w", err)
	}
	out, err := w.exec(ctx, `DELETE FROM outbox WHERE kind = 'email' AND (LOWER(recipient) = ? OR LOWER(body) LIKE ? ESCAPE '\')`, email, "%"+likeEscape(email)+"%")
	if err != nil {
		return nil, fmt.Errorf("erase emails: %w", err)
	}
	n, _ := out.RowsAffected()
	res.Emails = int(n)
	if _, err := w.exec(ctx, `DELETE FROM login_failures WHERE LOWER(login) = ?`, email); err != nil {
		return nil, fmt.Errorf("erase sign-in failures: %w", err)
	}
	drafts, err := w.exec(ctx, `DELETE FROM comment_drafts WHERE LOWER(data) LIKE ? ESCAPE '\'`, "%"+likeEscape(email)+"%")
	if err != nil {
		return nil, fmt.Errorf("erase refused comments: %w", err)
	}
	n, _ = drafts.RowsAffected()
	res.CommentDrafts = int(n)
	// Reports stay (a decision's record), without the reporter's address;
	// moderators' notes about the person go.
	if _, err := w.exec(ctx, `UPDATE comment_reports SET notify_email = '' WHERE LOWER(notify_email) = ?`, email); err != nil {
		return nil, fmt.Errorf("erase report addresses: %w", err)
	}
	if _, err := w.exec(ctx, `DELETE FROM commenter_notes WHERE subject = ?`, email); err != nil {
		return nil, fmt.Errorf("erase commenter notes: %w", err)
	}
	if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE LOWER(email) = ?`, email).Scan(&res.Users); err != nil {
		return nil, err
	}
	return res, tx.Commit()
}

// ForgetCommenterIPs blanks the IP and browser of comments older than
// before, and drops failed sign-ins older than before.
func (db *Privacy) ForgetCommenterIPs(ctx context.Context, before time.Time) (int, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	w := tx.w()
	res, err := w.exec(ctx, `UPDATE comments SET author_ip = '', user_agent = ''
		WHERE created_at < ? AND (author_ip <> '' OR user_agent <> '')`, w.t(before))
	if err != nil {
		return 0, fmt.Errorf("forget IPs: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := w.exec(ctx, `UPDATE comment_reports SET reporter_ip = '' WHERE created_at < ? AND reporter_ip <> ''`, w.t(before)); err != nil {
		return 0, fmt.Errorf("forget reporters' IPs: %w", err)
	}
	if _, err := w.exec(ctx, `DELETE FROM login_failures WHERE created_at < ?`, w.t(before)); err != nil {
		return 0, fmt.Errorf("forget sign-in failures: %w", err)
	}
	return int(n), tx.Commit()
}
