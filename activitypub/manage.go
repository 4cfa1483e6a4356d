package activitypub

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"

	"communique"
)

// The newsroom's side of the fediverse: who follows the site's actors,
// removing a follower, and blocking an actor or a whole domain. Each
// asks for the right to manage settings.

// FollowerView is a follower as the newsroom lists it.
type FollowerView struct {
	*communique.Follower
	Local   string // the followed actor's handle, @news or @slug
	Handle  string // @user@host, when known
	Profile string // the follower's profile page
}

func allowed(by *communique.User) error {
	if !communique.Can(by, communique.ActionManageSettings, nil) {
		return communique.Errorf(communique.EFORBIDDEN, "Sorry, you are not allowed to manage the fediverse.")
	}
	return nil
}

// Followers lists every follower of the site's actors.
func (s *Service) Followers(ctx context.Context, by *communique.User) ([]*FollowerView, error) {
	if err := allowed(by); err != nil {
		return nil, err
	}
	list, err := s.Store.FindFollowers(ctx, "")
	if err != nil {
		return nil, err
	}
	views := make([]*FollowerView, 0, len(list))
	for _, f := range list {
		v := &FollowerView{Follower: f, Local: "@" + SiteActor, Profile: f.ActorID}
		if l, err := s.localByName(ctx, f.LocalActor); err == nil {
			v.Local = "@" + l.username()
		}
		if a, err := s.Store.FindRemoteActor(ctx, f.ActorID); err == nil {
			v.Profile = a.URL
			if a.PreferredUsername != "" {
				v.Handle = "@" + a.PreferredUsername + "@" + hostOf(a.ID)
			}
		}
		views = append(views, v)
	}
	return views, nil
}

// RemoveFollower removes a follower and tells its server with a Reject
// of its Follow, so it stops showing the follow.
func (s *Service) RemoveFollower(ctx context.Context, by *communique.User, localActor, actorID string) error {
	if err := allowed(by); err != nil {
		return err
	}
	var removed *communique.Follower
	list, err := s.Store.FindFollowers(ctx, localActor)
	if err != nil {
		return err
	}
	for _, f := range list {
		if f.ActorID == actorID {
			removed = f
		}
	}
	if removed == nil {
		return communique.Errorf(communique.ENOTFOUND, "That follower is not following.")
	}
	if err := s.Store.RemoveFollower(ctx, localActor, actorID); err != nil {
		return err
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	l, err := s.localByName(ctx, localActor)
	if err != nil {
		return err
	}
	return s.answerFollow(ctx, x, l, "Reject", removed.FollowID+actorID, keptFollow(x, l, removed), removed.Inbox)
}

// keptFollow rebuilds the Follow an answer names from what was kept.
func keptFollow(x *site, l local, f *communique.Follower) map[string]any {
	return map[string]any{"id": f.FollowID, "type": "Follow", "actor": f.ActorID, "object": l.id(x)}
}

// AcceptFollower accepts a follow request held for approval: the
// follower starts receiving articles and its server a signed Accept.
func (s *Service) AcceptFollower(ctx context.Context, by *communique.User, localActor, actorID string) error {
	if err := allowed(by); err != nil {
		return err
	}
	f, err := s.findFollower(ctx, localActor, actorID)
	if err != nil {
		return err
	}
	if f.Status == communique.FollowerAccepted {
		return nil // accepted already (another tab, another moderator)
	}
	f.Status = communique.FollowerAccepted
	if err := s.Store.SaveFollower(ctx, f); err != nil {
		return err
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	l, err := s.localByName(ctx, localActor)
	if err != nil {
		return err
	}
	return s.answerFollow(ctx, x, l, "Accept", f.FollowID, keptFollow(x, l, f), f.Inbox)
}

// RejectFollower refuses a follow request (or ends a follow): the
// request is forgotten and its server hears a signed Reject.
func (s *Service) RejectFollower(ctx context.Context, by *communique.User, localActor, actorID string) error {
	return s.RemoveFollower(ctx, by, localActor, actorID)
}

// hostPattern is what a blocked domain may be: a host name, with a port.
var hostPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$`)

// Block blocks an actor (given by its URL) or a whole domain (given by
// its name); their followings end and their deliveries are refused. It
// returns how many followers it removed.
func (s *Service) Block(ctx context.Context, by *communique.User, what string) (int, error) {
	if err := allowed(by); err != nil {
		return 0, err
	}
	what = strings.TrimSpace(what)
	b := &communique.RemoteBlock{Kind: communique.BlockDomain, Value: strings.ToLower(strings.TrimPrefix(what, "@"))}
	if u, err := url.Parse(what); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		b = &communique.RemoteBlock{Kind: communique.BlockActor, Value: what}
	} else if !hostPattern.MatchString(b.Value) {
		return 0, communique.Errorf(communique.EINVALID, "Give an actor's address (https://…) or a domain such as social.example.")
	}
	return s.Store.BlockRemote(ctx, b)
}

// Unblock lifts a block.
func (s *Service) Unblock(ctx context.Context, by *communique.User, id int64) error {
	if err := allowed(by); err != nil {
		return err
	}
	return s.Store.UnblockRemote(ctx, id)
}

// Blocks lists the blocks.
func (s *Service) Blocks(ctx context.Context, by *communique.User) ([]*communique.RemoteBlock, error) {
	if err := allowed(by); err != nil {
		return nil, err
	}
	return s.Store.FindRemoteBlocks(ctx)
}

// blocked reports whether an actor or its server is blocked; a store
// that cannot tell counts as blocked, so nothing slips through.
func (s *Service) blocked(ctx context.Context, actorID string) bool {
	b, err := s.Store.IsRemoteBlocked(ctx, actorID, hostOf(actorID))
	return err != nil || b
}

// ActorExport is the copy of what the site keeps about a fediverse
// actor, written as JSON for a privacy request.
type ActorExport struct {
	Actor      string                     `json:"actor"`
	ExportedAt time.Time                  `json:"exported_at"`
	Profile    *communique.RemoteActor    `json:"profile,omitempty"`
	Follows    []*communique.Follower     `json:"follows"`
	Comments   []*communique.Comment      `json:"comments"`
	Reactions  []communique.ActorReaction `json:"reactions"`
}

// ExportActor returns what the site keeps about an actor (by its URL).
func (s *Service) ExportActor(ctx context.Context, actorID string) (*ActorExport, error) {
	d, err := s.Store.FindActorData(ctx, strings.TrimSpace(actorID))
	if err != nil {
		return nil, err
	}
	return &ActorExport{Actor: actorID, ExportedAt: s.now().UTC(), Profile: d.Actor, Follows: d.Follows,
		Comments: d.Comments, Reactions: d.Reactions}, nil
}

// EraseActor deletes what the site keeps about an actor: their replies
// (as a deleted comment goes), follows, reactions and profile copy.
func (s *Service) EraseActor(ctx context.Context, actorID string) (*communique.ActorErasure, error) {
	return s.Store.EraseActorData(ctx, strings.TrimSpace(actorID))
}
