package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"communique"
)

// Timing of the inbox worker.
const (
	inboxBatch       = 10
	inboxLease       = 5 * time.Minute
	inboxPoll        = 5 * time.Second
	inboxMaxAttempts = 8
)

// errIgnored marks an activity the site does not act on: processed, and
// dropped without a retry.
var errIgnored = errors.New("ignored")

func (s *Service) initWake() chan struct{} {
	ch, _ := s.inboxWake.LoadOrStore("wake", make(chan struct{}, 1))
	return ch.(chan struct{})
}

func (s *Service) wakeInbox() {
	select {
	case s.initWake() <- struct{}{}:
	default:
	}
}

// RunInbox processes received activities until ctx ends.
func (s *Service) RunInbox(ctx context.Context) {
	wake := s.initWake()
	for {
		n, err := s.ProcessInbox(ctx)
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("activitypub: inbox claim", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		t := time.NewTimer(inboxPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// ProcessInbox claims one batch of received activities and acts on them;
// it returns how many it handled. Each is claimed by one worker however
// many nodes run one.
func (s *Service) ProcessInbox(ctx context.Context) (int, error) {
	items, err := s.Store.ClaimInbox(ctx, inboxBatch, inboxLease)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		err := s.process(ctx, it)
		failure, retryAt := "", time.Time{}
		switch {
		case errors.Is(err, errIgnored):
			s.Logger.Debug("activitypub: ignored", "item", it.ID, "err", err)
		case err != nil:
			failure = err.Error()
			if it.Attempts < inboxMaxAttempts {
				retryAt = s.now().Add(time.Duration(1<<it.Attempts) * time.Minute)
			}
			s.Logger.Warn("activitypub: processing failed", "item", it.ID, "attempt", it.Attempts, "err", err)
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if err := s.Store.FinishInbox(rctx, it.ID, it.ClaimToken, failure, retryAt); err != nil {
			s.Logger.Error("activitypub: finish", "item", it.ID, "err", err)
		}
		cancel()
	}
	return len(items), nil
}

// process acts on one verified activity.
func (s *Service) process(ctx context.Context, it *communique.InboxItem) error {
	var act activity
	if err := json.Unmarshal([]byte(it.Body), &act); err != nil {
		return errors.Join(errIgnored, err)
	}
	x, on := s.enabled(ctx)
	if !on || s.blocked(ctx, it.Signer) {
		return errIgnored
	}
	switch act.Type {
	case "Follow":
		return s.follow(ctx, x, it.Signer, &act, []byte(it.Body))
	case "Undo":
		return s.undo(ctx, x, it.Signer, &act)
	case "Create":
		return s.reply(ctx, x, it.Signer, &act)
	case "Update":
		return s.editReply(ctx, x, it.Signer, &act)
	case "Delete":
		return s.deleteReply(ctx, it.Signer, &act)
	case "Like":
		return s.react(ctx, x, it.Signer, communique.ReactionLike, &act)
	case "Announce":
		return s.react(ctx, x, it.Signer, communique.ReactionAnnounce, &act)
	case "Flag":
		return s.flag(ctx, x, it.Signer, &act, []byte(it.Body))
	}
	return errIgnored
}

// follow accepts a Follow of one of the site's actors: the follower is
// kept, and a signed Accept is queued to its inbox. While the site
// approves its followers (federation_approve_follows), a new follower is
// kept pending and nothing is sent until the newsroom answers; one
// already accepted stays so and hears the Accept again.
func (s *Service) follow(ctx context.Context, x *site, signer string, act *activity, raw []byte) error {
	l, ok := s.localByID(ctx, x, idOf(act.Object))
	if !ok {
		return errIgnored
	}
	remote, err := s.Store.FindRemoteActor(ctx, signer)
	if err != nil {
		return err
	}
	if remote.Inbox == "" {
		return errors.Join(errIgnored, errors.New("the follower has no inbox"))
	}
	status := communique.FollowerAccepted
	if x.st.FederationApproveFollows && !s.isAccepted(ctx, l.name(), signer) {
		status = communique.FollowerPending
	}
	f := &communique.Follower{LocalActor: l.name(), ActorID: signer, Inbox: remote.Inbox, SharedInbox: remote.SharedInbox,
		FollowID: act.ID, Status: status}
	if err := s.Store.SaveFollower(ctx, f); err != nil {
		return err
	}
	if status == communique.FollowerPending {
		return nil
	}
	return s.answerFollow(ctx, x, l, "Accept", act.ID, json.RawMessage(raw), remote.Inbox)
}

// isAccepted reports whether actorID already follows the local actor.
func (s *Service) isAccepted(ctx context.Context, localActor, actorID string) bool {
	f, err := s.findFollower(ctx, localActor, actorID)
	return err == nil && f.Status == communique.FollowerAccepted
}

func (s *Service) findFollower(ctx context.Context, localActor, actorID string) (*communique.Follower, error) {
	list, err := s.Store.FindFollowers(ctx, localActor)
	if err != nil {
		return nil, err
	}
	for _, f := range list {
		if f.ActorID == actorID {
			return f, nil
		}
	}
	return nil, communique.Errorf(communique.ENOTFOUND, "That account does not follow (or ask to follow) this actor.")
}

// answerFollow queues a signed Accept or Reject of a Follow to inbox;
// follow is the Follow as received, or rebuilt from what was kept.
func (s *Service) answerFollow(ctx context.Context, x *site, l local, kind, followID string, follow any, inbox string) error {
	word := map[string]string{"Accept": "#accepts/", "Reject": "#rejects/"}[kind]
	answer := map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       l.id(x) + word + activityToken(followID),
		"type":     kind,
		"actor":    l.id(x),
		"object":   follow,
	}
	return s.queue(ctx, l, kind, []string{inbox}, answer)
}

// undo handles Undo of a Follow: the follower is forgotten.
func (s *Service) undo(ctx context.Context, x *site, signer string, act *activity) error {
	inner, full := embedded(act.Object)
	if err := s.Store.RemoveRemoteReaction(ctx, signer, idOf(act.Object)); err == nil {
		return nil // an unliked or unboosted article
	} else if communique.ErrorCode(err) != communique.ENOTFOUND {
		return err
	}
	if full && inner.Type != "Follow" {
		return errIgnored
	}
	followers, err := s.Store.FindFollowers(ctx, "")
	if err != nil {
		return err
	}
	target := ""
	if full {
		if l, ok := s.localByID(ctx, x, idOf(inner.Object)); ok {
			target = l.name()
		}
	}
	undoneID := idOf(act.Object)
	removed := false
	for _, f := range followers {
		if f.ActorID != signer || (target != "" && f.LocalActor != target) || (target == "" && f.FollowID != undoneID) {
			continue
		}
		if err := s.Store.RemoveFollower(ctx, f.LocalActor, f.ActorID); err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
			return err
		}
		removed = true
	}
	if !removed {
		return errIgnored
	}
	return nil
}
