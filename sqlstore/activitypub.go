package sqlstore

import (
	"context"
	"fmt"
	"time"

	"communique"
)

// Federation is the fediverse aggregate: followers of the site's actors,
// the remote actors it heard from, and the queue of received activities.
type Federation struct{ *core }

var _ communique.FederationStore = (*Federation)(nil)

const followerColumns = `id, local_actor, actor_id, inbox, shared_inbox, follow_id, status, created_at`

// SaveFollower records a follower, or updates the one already known for
// the same local and remote actor (a Follow sent again).
func (db *Federation) SaveFollower(ctx context.Context, f *communique.Follower) error {
	if f.LocalActor == "" || f.ActorID == "" || f.Inbox == "" {
		return communique.Errorf(communique.EINVALID, "A follower needs a local actor, an actor and an inbox.")
	}
	if f.Status == "" {
		f.Status = communique.FollowerAccepted
	}
	if f.Status != communique.FollowerAccepted && f.Status != communique.FollowerPending {
		return communique.Errorf(communique.EINVALID, "Unknown follower status %q.", f.Status)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	err = w.row(ctx, `INSERT INTO ap_followers (local_actor, actor_id, inbox, shared_inbox, follow_id, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (local_actor, actor_id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
			follow_id = excluded.follow_id, status = excluded.status
		RETURNING id, created_at`,
		f.LocalActor, f.ActorID, f.Inbox, f.SharedInbox, f.FollowID, f.Status, w.t(tx.now)).Scan(&f.ID, scanTime{&f.CreatedAt})
	if err != nil {
		return db.wrap(err, "Follower")
	}
	return tx.Commit()
}

// RemoveFollower forgets a follower; ENOTFOUND when it was not one.
func (db *Federation) RemoveFollower(ctx context.Context, localActor, actorID string) error {
	res, err := db.wr().exec(ctx, `DELETE FROM ap_followers WHERE local_actor = ? AND actor_id = ?`, localActor, actorID)
	if err != nil {
		return db.wrap(err, "Follower")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Follower not found.")
	}
	return nil
}

// FindFollowers lists the followers of localActor ("" for every local
// actor), oldest first.
func (db *Federation) FindFollowers(ctx context.Context, localActor string) ([]*communique.Follower, error) {
	rows, err := db.primary().query(ctx, `SELECT `+followerColumns+` FROM ap_followers
		WHERE local_actor = ? OR ? = '' ORDER BY created_at, id`, localActor, localActor)
	if err != nil {
		return nil, fmt.Errorf("find followers: %w", err)
	}
	defer rows.Close()
	var list []*communique.Follower
	for rows.Next() {
		f := &communique.Follower{}
		if err := rows.Scan(&f.ID, &f.LocalActor, &f.ActorID, &f.Inbox, &f.SharedInbox, &f.FollowID, &f.Status, scanTime{&f.CreatedAt}); err != nil {
			return nil, fmt.Errorf("scan follower: %w", err)
		}
		list = append(list, f)
	}
	return list, rows.Err()
}

// CountFollowers counts the accepted followers of localActor.
func (db *Federation) CountFollowers(ctx context.Context, localActor string) (int, error) {
	var n int
	err := db.r().row(ctx, `SELECT COUNT(*) FROM ap_followers WHERE local_actor = ? AND status = 'accepted'`, localActor).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count followers: %w", err)
	}
	return n, nil
}

// SaveRemoteActor keeps (or refreshes) what the site knows of an actor.
func (db *Federation) SaveRemoteActor(ctx context.Context, a *communique.RemoteActor) error {
	if a.ID == "" || a.KeyID == "" || a.PublicKeyPEM == "" {
		return communique.Errorf(communique.EINVALID, "A remote actor needs an id and a public key.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	a.FetchedAt = tx.now
	_, err = w.exec(ctx, `INSERT INTO ap_actors (id, key_id, public_key_pem, inbox, shared_inbox, preferred_username, name, url, icon_url, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, public_key_pem = excluded.public_key_pem,
			inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, preferred_username = excluded.preferred_username,
			name = excluded.name, url = excluded.url, icon_url = excluded.icon_url, fetched_at = excluded.fetched_at`,
		a.ID, a.KeyID, a.PublicKeyPEM, a.Inbox, a.SharedInbox, a.PreferredUsername, a.Name, a.URL, a.IconURL, w.t(tx.now))
	if err != nil {
		return db.wrap(err, "Remote actor")
	}
	return tx.Commit()
}

// FindRemoteActor finds a known actor by its id or its key's id.
func (db *Federation) FindRemoteActor(ctx context.Context, idOrKeyID string) (*communique.RemoteActor, error) {
	a := &communique.RemoteActor{}
	err := db.primary().row(ctx, `SELECT id, key_id, public_key_pem, inbox, shared_inbox, preferred_username, name, url, icon_url, fetched_at
		FROM ap_actors WHERE id = ? OR key_id = ? ORDER BY fetched_at DESC LIMIT 1`, idOrKeyID, idOrKeyID).
		Scan(&a.ID, &a.KeyID, &a.PublicKeyPEM, &a.Inbox, &a.SharedInbox, &a.PreferredUsername, &a.Name, &a.URL, &a.IconURL, scanTime{&a.FetchedAt})
	if err != nil {
		return nil, db.wrap(err, "Remote actor")
	}
	return a, nil
}

// EnqueueInbox queues a verified activity for the inbox worker.
func (db *Federation) EnqueueInbox(ctx context.Context, item *communique.InboxItem) error {
	if item.Body == "" || item.Signer == "" {
		return communique.Errorf(communique.EINVALID, "An inbox item needs a body and a signer.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	item.ReceivedAt = tx.now
	if err := w.row(ctx, `INSERT INTO ap_inbox (body, signer, next_attempt_at, received_at) VALUES (?, ?, ?, ?) RETURNING id`,
		item.Body, item.Signer, w.t(tx.now), w.t(tx.now)).Scan(&item.ID); err != nil {
		return db.wrap(err, "Inbox item")
	}
	return tx.Commit()
}

// ClaimInbox claims due items as ClaimMessages claims the outbox's: each
// by one worker however many nodes run one; an item whose lease ended is
// due again.
func (db *Federation) ClaimInbox(ctx context.Context, limit int, lease time.Duration) ([]*communique.InboxItem, error) {
	if limit <= 0 {
		limit = 10
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	token := newClaimToken()
	rows, err := w.query(ctx, `UPDATE ap_inbox SET status = 'working', attempts = attempts + 1, claimed_until = ?, claim_token = ?
		WHERE id IN (SELECT id FROM ap_inbox
			WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'working' AND claimed_until <= ?)
			ORDER BY next_attempt_at, id LIMIT ?`+db.dialect.SkipLocked+`)
		RETURNING id, body, signer, attempts, claim_token, received_at`,
		w.t(tx.now.Add(lease)), token, w.t(tx.now), w.t(tx.now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim inbox: %w", err)
	}
	defer rows.Close()
	var list []*communique.InboxItem
	for rows.Next() {
		it := &communique.InboxItem{}
		if err := rows.Scan(&it.ID, &it.Body, &it.Signer, &it.Attempts, &it.ClaimToken, scanTime{&it.ReceivedAt}); err != nil {
			return nil, fmt.Errorf("scan inbox item: %w", err)
		}
		list = append(list, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim inbox: %w", err)
	}
	rows.Close()
	return list, tx.Commit()
}

// FinishInbox records an item's outcome: done when failure is empty,
// else due again at retryAt, or failed for good when retryAt is zero.
// Done items are deleted: the activity's effects are what the site keeps.
func (db *Federation) FinishInbox(ctx context.Context, id int64, claimToken, failure string, retryAt time.Time) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var query string
	var args []any
	switch {
	case failure == "":
		query = `DELETE FROM ap_inbox WHERE id = ? AND claim_token = ?`
		args = []any{id, claimToken}
	case retryAt.IsZero():
		query = `UPDATE ap_inbox SET status = 'failed', last_error = ?, claimed_until = NULL, claim_token = '' WHERE id = ? AND claim_token = ?`
		args = []any{truncateText(failure, 2000), id, claimToken}
	default:
		query = `UPDATE ap_inbox SET status = 'pending', last_error = ?, next_attempt_at = ?, claimed_until = NULL, claim_token = ''
			WHERE id = ? AND claim_token = ?`
		args = []any{truncateText(failure, 2000), w.t(retryAt), id, claimToken}
	}
	res, err := w.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("finish inbox item: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ECONFLICT, "The inbox item is no longer claimed by this worker.")
	}
	return tx.Commit()
}

var _ communique.FederationBlocks = (*Federation)(nil)

// BlockRemote stores a block and removes the followers it covers.
func (db *Federation) BlockRemote(ctx context.Context, b *communique.RemoteBlock) (int, error) {
	if (b.Kind != communique.BlockActor && b.Kind != communique.BlockDomain) || b.Value == "" {
		return 0, communique.Errorf(communique.EINVALID, "A block is of an actor or a domain, with its value.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	w := tx.w()
	b.CreatedAt = tx.now
	if err := w.row(ctx, `INSERT INTO ap_blocks (kind, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (kind, value) DO UPDATE SET kind = excluded.kind RETURNING id, created_at`,
		b.Kind, b.Value, w.t(tx.now)).Scan(&b.ID, scanTime{&b.CreatedAt}); err != nil {
		return 0, db.wrap(err, "Block")
	}
	// A domain's actors are the URLs on it, whatever the scheme; the
	// host was checked to hold no LIKE wildcard.
	res, err := w.exec(ctx, `DELETE FROM ap_followers WHERE actor_id = ? OR (? = 'domain' AND (actor_id LIKE ? OR actor_id LIKE ?))`,
		b.Value, b.Kind, "https://"+b.Value+"/%", "http://"+b.Value+"/%")
	if err != nil {
		return 0, fmt.Errorf("remove blocked followers: %w", err)
	}
	n, _ := res.RowsAffected()
	// Their past replies go with them, to the trash where moderators can
	// still see them; the reactions they counted too.
	match := `actor_id = ? OR (? = 'domain' AND (actor_id LIKE ? OR actor_id LIKE ?))`
	args := []any{b.Value, b.Kind, "https://" + b.Value + "/%", "http://" + b.Value + "/%"}
	rows, err := w.query(ctx, `UPDATE comments SET status = 'trash' WHERE status <> 'trash'
		AND id IN (SELECT comment_id FROM ap_comments WHERE `+match+`) RETURNING article_id`, args...)
	if err != nil {
		return 0, fmt.Errorf("remove blocked comments: %w", err)
	}
	articles := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("remove blocked comments: %w", err)
		}
		articles[id] = true
	}
	rows.Close()
	for id := range articles {
		if err := tx.refreshCommentCount(ctx, id); err != nil {
			return 0, err
		}
	}
	if _, err := w.exec(ctx, `DELETE FROM ap_reactions WHERE `+match, args...); err != nil {
		return 0, fmt.Errorf("remove blocked reactions: %w", err)
	}
	return int(n), tx.Commit()
}

// UnblockRemote lifts a block; ENOTFOUND when there is none.
func (db *Federation) UnblockRemote(ctx context.Context, id int64) error {
	res, err := db.wr().exec(ctx, `DELETE FROM ap_blocks WHERE id = ?`, id)
	if err != nil {
		return db.wrap(err, "Block")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Block not found.")
	}
	return nil
}

// FindRemoteBlocks lists the blocks, newest first.
func (db *Federation) FindRemoteBlocks(ctx context.Context) ([]*communique.RemoteBlock, error) {
	rows, err := db.primary().query(ctx, `SELECT id, kind, value, created_at FROM ap_blocks ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("find blocks: %w", err)
	}
	defer rows.Close()
	var list []*communique.RemoteBlock
	for rows.Next() {
		b := &communique.RemoteBlock{}
		if err := rows.Scan(&b.ID, &b.Kind, &b.Value, scanTime{&b.CreatedAt}); err != nil {
			return nil, fmt.Errorf("scan block: %w", err)
		}
		list = append(list, b)
	}
	return list, rows.Err()
}

// IsRemoteBlocked reports whether actorID or host is blocked.
func (db *Federation) IsRemoteBlocked(ctx context.Context, actorID, host string) (bool, error) {
	var n int
	err := db.primary().row(ctx, `SELECT COUNT(*) FROM ap_blocks WHERE (kind = 'actor' AND value = ?) OR (kind = 'domain' AND value = ?)`,
		actorID, host).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check block: %w", err)
	}
	return n > 0, nil
}

var _ communique.RemoteCommentStore = (*Federation)(nil)

// SaveRemoteComment ties a comment to its fediverse object.
func (db *Federation) SaveRemoteComment(ctx context.Context, rc *communique.RemoteComment) error {
	if rc.CommentID == 0 || rc.ObjectID == "" || rc.ActorID == "" {
		return communique.Errorf(communique.EINVALID, "A remote comment needs a comment, an object and an actor.")
	}
	_, err := db.wr().exec(ctx, `INSERT INTO ap_comments (comment_id, object_id, actor_id, handle) VALUES (?, ?, ?, ?)`,
		rc.CommentID, rc.ObjectID, rc.ActorID, rc.Handle)
	return db.wrap(err, "Remote comment")
}

// FindRemoteComment finds the comment an object became.
func (db *Federation) FindRemoteComment(ctx context.Context, objectID string) (*communique.RemoteComment, error) {
	rc := &communique.RemoteComment{}
	err := db.primary().row(ctx, `SELECT comment_id, object_id, actor_id, handle FROM ap_comments WHERE object_id = ?`, objectID).
		Scan(&rc.CommentID, &rc.ObjectID, &rc.ActorID, &rc.Handle)
	if err != nil {
		return nil, db.wrap(err, "Remote comment")
	}
	return rc, nil
}

// FindRemoteCommentOf finds the fediverse object comment commentID came from.
func (db *Federation) FindRemoteCommentOf(ctx context.Context, commentID int64) (*communique.RemoteComment, error) {
	rc := &communique.RemoteComment{}
	err := db.primary().row(ctx, `SELECT comment_id, object_id, actor_id, handle FROM ap_comments WHERE comment_id = ?`, commentID).
		Scan(&rc.CommentID, &rc.ObjectID, &rc.ActorID, &rc.Handle)
	if err != nil {
		return nil, db.wrap(err, "Remote comment")
	}
	return rc, nil
}

// FindRemoteHandles returns the handles of the fediverse's comments among ids.
func (db *Federation) FindRemoteHandles(ctx context.Context, ids []int64) (map[int64]string, error) {
	return db.commentStrings(ctx, "handles", `SELECT comment_id, handle FROM ap_comments WHERE comment_id IN (%s)`, ids)
}

// commentStrings runs query, whose %s takes the placeholders of ids, and
// maps each comment id it returns to its one text column.
func (db *Federation) commentStrings(ctx context.Context, what, query string, ids []int64) (map[int64]string, error) {
	m := map[int64]string{}
	if len(ids) == 0 {
		return m, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.r().query(ctx, fmt.Sprintf(query, Placeholders(len(ids))), args...)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("scan %s: %w", what, err)
		}
		m[id] = v
	}
	return m, rows.Err()
}

// SaveRemoteReaction counts a Like or an Announce, once per actor.
func (db *Federation) SaveRemoteReaction(ctx context.Context, articleID int64, actorID, kind, activityID string) error {
	if kind != communique.ReactionLike && kind != communique.ReactionAnnounce {
		return communique.Errorf(communique.EINVALID, "Unknown reaction %q.", kind)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO ap_reactions (article_id, actor_id, kind, activity_id, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (article_id, actor_id, kind) DO UPDATE SET activity_id = excluded.activity_id`,
		articleID, actorID, kind, activityID, w.t(tx.now)); err != nil {
		return db.wrap(err, "Reaction")
	}
	return tx.Commit()
}

// RemoveRemoteReaction forgets the reaction an activity made (its Undo).
func (db *Federation) RemoveRemoteReaction(ctx context.Context, actorID, activityID string) error {
	res, err := db.wr().exec(ctx, `DELETE FROM ap_reactions WHERE actor_id = ? AND activity_id = ?`, actorID, activityID)
	if err != nil {
		return db.wrap(err, "Reaction")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Reaction not found.")
	}
	return nil
}

// CountRemoteReactions counts an article's likes and announces.
func (db *Federation) CountRemoteReactions(ctx context.Context, articleID int64) (map[string]int, error) {
	rows, err := db.r().query(ctx, `SELECT kind, COUNT(*) FROM ap_reactions WHERE article_id = ? GROUP BY kind`, articleID)
	if err != nil {
		return nil, fmt.Errorf("count reactions: %w", err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("scan reactions: %w", err)
		}
		m[k] = n
	}
	return m, rows.Err()
}

var _ communique.FederationPrivacy = (*Federation)(nil)

// FindActorData returns what the store keeps about an actor.
func (db *Federation) FindActorData(ctx context.Context, actorID string) (*communique.ActorData, error) {
	if actorID == "" {
		return nil, communique.Errorf(communique.EINVALID, "An actor's address is required.")
	}
	d := &communique.ActorData{}
	if a, err := db.FindRemoteActor(ctx, actorID); err == nil && a.ID == actorID {
		d.Actor = a
	} else if err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
		return nil, err
	}
	all, err := db.FindFollowers(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		if f.ActorID == actorID {
			d.Follows = append(d.Follows, f)
		}
	}
	rows, err := db.primary().query(ctx, `SELECT comment_id FROM ap_comments WHERE actor_id = ? ORDER BY comment_id`, actorID)
	if err != nil {
		return nil, fmt.Errorf("find actor's comments: %w", err)
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
	for _, id := range ids {
		list, _, err := db.comments().FindComments(ctx, communique.CommentFilter{ID: &id, Private: true})
		if err != nil {
			return nil, err
		}
		d.Comments = append(d.Comments, list...)
	}
	rrows, err := db.primary().query(ctx, `SELECT article_id, kind, created_at FROM ap_reactions WHERE actor_id = ? ORDER BY id`, actorID)
	if err != nil {
		return nil, fmt.Errorf("find actor's reactions: %w", err)
	}
	defer rrows.Close()
	for rrows.Next() {
		var r communique.ActorReaction
		if err := rrows.Scan(&r.ArticleID, &r.Kind, scanTime{&r.CreatedAt}); err != nil {
			return nil, err
		}
		d.Reactions = append(d.Reactions, r)
	}
	return d, rrows.Err()
}

// EraseActorData deletes an actor's replies, follows, reactions and the
// kept copy of their profile, in one transaction.
func (db *Federation) EraseActorData(ctx context.Context, actorID string) (*communique.ActorErasure, error) {
	if actorID == "" {
		return nil, communique.Errorf(communique.EINVALID, "An actor's address is required.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	res := &communique.ActorErasure{}
	// Each reply goes as a deleted comment goes: its own replies move up.
	rows, err := w.query(ctx, `SELECT comment_id FROM ap_comments WHERE actor_id = ?`, actorID)
	if err != nil {
		return nil, fmt.Errorf("erase actor's comments: %w", err)
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
	articles := map[int64]bool{}
	for _, id := range ids {
		articleID, err := tx.deleteComment(ctx, id)
		if err != nil {
			return nil, err
		}
		articles[articleID] = true
		res.Comments++
	}
	for id := range articles {
		if err := tx.refreshCommentCount(ctx, id); err != nil {
			return nil, err
		}
	}
	for _, del := range []struct {
		query string
		n     *int
	}{
		{`DELETE FROM ap_followers WHERE actor_id = ?`, &res.Follows},
		{`DELETE FROM ap_reactions WHERE actor_id = ?`, &res.Reactions},
		{`DELETE FROM ap_avatars WHERE actor_id = ?`, new(int)},
		{`DELETE FROM ap_actors WHERE id = ?`, new(int)},
	} {
		r, err := w.exec(ctx, del.query, actorID)
		if err != nil {
			return nil, fmt.Errorf("erase actor: %w", err)
		}
		n, _ := r.RowsAffected()
		*del.n = int(n)
	}
	return res, tx.Commit()
}

var _ communique.RemoteAvatarStore = (*Federation)(nil)

// SaveRemoteAvatar keeps (or replaces) an actor's avatar.
func (db *Federation) SaveRemoteAvatar(ctx context.Context, a *communique.RemoteAvatar) error {
	if a.ActorID == "" || a.Token == "" {
		return communique.Errorf(communique.EINVALID, "An avatar needs an actor and a token.")
	}
	if a.Data == nil {
		a.Data = []byte{}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	a.FetchedAt = tx.now
	_, err = w.exec(ctx, `INSERT INTO ap_avatars (actor_id, token, icon_url, data, fetched_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (actor_id) DO UPDATE SET token = excluded.token, icon_url = excluded.icon_url, data = excluded.data,
			fetched_at = excluded.fetched_at`, a.ActorID, a.Token, a.IconURL, a.Data, w.t(tx.now))
	if err != nil {
		return db.wrap(err, "Avatar")
	}
	return tx.Commit()
}

// FindRemoteAvatar finds an avatar by its actor's id or by its token.
func (db *Federation) FindRemoteAvatar(ctx context.Context, actorIDOrToken string) (*communique.RemoteAvatar, error) {
	a := &communique.RemoteAvatar{}
	err := db.r().row(ctx, `SELECT actor_id, token, icon_url, data, fetched_at FROM ap_avatars WHERE actor_id = ? OR token = ? LIMIT 1`,
		actorIDOrToken, actorIDOrToken).Scan(&a.ActorID, &a.Token, &a.IconURL, &a.Data, scanTime{&a.FetchedAt})
	if err != nil {
		return nil, db.wrap(err, "Avatar")
	}
	return a, nil
}

// FindRemoteAvatars returns the avatar tokens of the fediverse's comments
// among ids, for those whose author's picture is kept.
func (db *Federation) FindRemoteAvatars(ctx context.Context, ids []int64) (map[int64]string, error) {
	return db.commentStrings(ctx, "avatars", `SELECT c.comment_id, a.token FROM ap_comments c JOIN ap_avatars a ON a.actor_id = c.actor_id
		WHERE c.comment_id IN (%s) AND length(a.data) > 0`, ids)
}
