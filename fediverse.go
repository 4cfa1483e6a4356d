package communique

import (
	"context"
	"time"
)

// MessageActivityPub is an outbox message carrying one signed ActivityPub
// delivery: Sender names the local actor that signs it ("site" or
// "user:ID"), Recipient is the remote inbox, Body the activity's JSON.
const MessageActivityPub = "activitypub"

// Follower is a remote actor following one of the site's actors.
type Follower struct {
	ID int64 `json:"id"`
	// LocalActor is "site" or "user:ID".
	LocalActor string `json:"follows"`
	// ActorID is the follower's actor URL; Inbox and SharedInbox where
	// deliveries to it go (SharedInbox when its server has one).
	ActorID     string `json:"actor"`
	Inbox       string `json:"inbox"`
	SharedInbox string `json:"shared_inbox,omitempty"`
	// FollowID is the id of the Follow activity, which Accept and Undo name.
	FollowID  string    `json:"follow_id"`
	Status    string    `json:"status"` // FollowerAccepted or FollowerPending
	CreatedAt time.Time `json:"created_at"`
}

// Follower statuses.
const (
	FollowerAccepted = "accepted"
	FollowerPending  = "pending"
)

// DeliveryInbox is where one delivery goes: a shared inbox, or an inbox.
func (f *Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// RemoteActor is what the site keeps of a fediverse actor it heard from:
// its key, to verify signatures without fetching it every time, and what
// a page or the newsroom shows of it.
type RemoteActor struct {
	ID                string    `json:"id"` // the actor's URL
	KeyID             string    `json:"key_id"`
	PublicKeyPEM      string    `json:"public_key"`
	Inbox             string    `json:"inbox"`
	SharedInbox       string    `json:"shared_inbox,omitempty"`
	PreferredUsername string    `json:"username"`
	Name              string    `json:"name"`
	URL               string    `json:"profile_url"`        // its profile page
	IconURL           string    `json:"icon_url,omitempty"` // its avatar, which the site fetches and serves itself
	FetchedAt         time.Time `json:"fetched_at"`
}

// RemoteAvatar is a fediverse actor's picture as the site serves it: a
// small PNG made from the actor's icon, at /fediverse/avatars/{Token}.
// Data is empty when the icon could not be used; FetchedAt says when to
// try again.
type RemoteAvatar struct {
	ActorID   string
	Token     string
	IconURL   string
	Data      []byte
	FetchedAt time.Time
}

// RemoteAvatarStore keeps remote actors' pictures.
type RemoteAvatarStore interface {
	SaveRemoteAvatar(ctx context.Context, a *RemoteAvatar) error
	// FindRemoteAvatar finds an actor's avatar by the actor's id, or by
	// its token; ENOTFOUND.
	FindRemoteAvatar(ctx context.Context, actorIDOrToken string) (*RemoteAvatar, error)
	// FindRemoteAvatars returns the tokens of the avatars (those with a
	// picture) of the authors of those of comment ids that came from the
	// fediverse.
	FindRemoteAvatars(ctx context.Context, commentIDs []int64) (map[int64]string, error)
}

// InboxItem is a signed activity received and waiting to be processed.
type InboxItem struct {
	ID         int64
	Body       string
	Signer     string // the verified key's actor
	Attempts   int
	ClaimToken string
	ReceivedAt time.Time
}

// FederationStore keeps the fediverse's state: followers, known remote
// actors and the queue of received activities.
type FederationStore interface {
	SaveFollower(ctx context.Context, f *Follower) error
	RemoveFollower(ctx context.Context, localActor, actorID string) error
	FindFollowers(ctx context.Context, localActor string) ([]*Follower, error)
	CountFollowers(ctx context.Context, localActor string) (int, error)

	SaveRemoteActor(ctx context.Context, a *RemoteActor) error
	FindRemoteActor(ctx context.Context, idOrKeyID string) (*RemoteActor, error)

	EnqueueInbox(ctx context.Context, item *InboxItem) error
	ClaimInbox(ctx context.Context, limit int, lease time.Duration) ([]*InboxItem, error)
	FinishInbox(ctx context.Context, id int64, claimToken, failure string, retryAt time.Time) error
}

// RemoteBlock is a remote actor, or a whole domain, the site refuses.
type RemoteBlock struct {
	ID        int64
	Kind      string // BlockActor or BlockDomain
	Value     string // the actor's URL, or the host in lower case
	CreatedAt time.Time
}

// Kinds of block.
const (
	BlockActor  = "actor"
	BlockDomain = "domain"
)

// FederationBlocks keeps the actors and domains the site refuses.
type FederationBlocks interface {
	// BlockRemote stores a block and, in the same transaction, removes
	// the followers it covers; it returns how many it removed.
	BlockRemote(ctx context.Context, b *RemoteBlock) (int, error)
	UnblockRemote(ctx context.Context, id int64) error
	FindRemoteBlocks(ctx context.Context) ([]*RemoteBlock, error)
	// IsRemoteBlocked reports whether the actor, or its host, is blocked.
	IsRemoteBlocked(ctx context.Context, actorID, host string) (bool, error)
}

// RemoteComment ties a comment to the fediverse object it came from, so
// that the object's Update and Delete find it.
type RemoteComment struct {
	CommentID int64
	ObjectID  string
	ActorID   string
	Handle    string // @user@host
}

// Kinds of remote reactions to an article.
const (
	ReactionLike     = "like"
	ReactionAnnounce = "announce"
)

// RemoteCommentStore keeps the fediverse's replies and reactions.
type RemoteCommentStore interface {
	SaveRemoteComment(ctx context.Context, rc *RemoteComment) error
	FindRemoteComment(ctx context.Context, objectID string) (*RemoteComment, error)
	// FindRemoteCommentOf finds the fediverse object a comment came from
	// (ENOTFOUND for the site's own comments): what a local reply to it
	// answers.
	FindRemoteCommentOf(ctx context.Context, commentID int64) (*RemoteComment, error)
	// FindRemoteHandles returns the handles of those of ids that came
	// from the fediverse.
	FindRemoteHandles(ctx context.Context, ids []int64) (map[int64]string, error)
	// SaveRemoteReaction counts a Like or an Announce once per actor.
	SaveRemoteReaction(ctx context.Context, articleID int64, actorID, kind, activityID string) error
	RemoveRemoteReaction(ctx context.Context, actorID, activityID string) error
	CountRemoteReactions(ctx context.Context, articleID int64) (map[string]int, error)
}

// ActorData is everything the site keeps about one fediverse actor, for
// a privacy request: what the site knows of them, their follows, their
// replies and their reactions.
type ActorData struct {
	Actor     *RemoteActor
	Follows   []*Follower
	Comments  []*Comment // Private: with everything stored
	Reactions []ActorReaction
}

// ActorReaction is one Like or Announce an actor made.
type ActorReaction struct {
	ArticleID int64     `json:"article_id"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

// ActorErasure counts what erasing an actor removed.
type ActorErasure struct {
	Comments, Follows, Reactions int
}

// FederationPrivacy finds and erases an actor's data.
type FederationPrivacy interface {
	FindActorData(ctx context.Context, actorID string) (*ActorData, error)
	// EraseActorData deletes the actor's replies, follows, reactions and
	// the copy of their profile, in one transaction.
	EraseActorData(ctx context.Context, actorID string) (*ActorErasure, error)
}
