package communique

import (
	"context"
	"time"
)

// AnonymousName is the author of an anonymised comment.
const AnonymousName = "Anonymous"

// DefaultIPRetentionDays is how long commenters' IP addresses and
// browsers are kept unless the ip_retention_days setting says otherwise.
const DefaultIPRetentionDays = 30

// PersonalData is everything the store keeps that is keyed by one email
// address: what a person may ask to see, and to have erased.
type PersonalData struct {
	Email string
	// Comments carry their private fields (email, IP, browser).
	Comments []*Comment
	// CommentRevisions are the earlier texts of those comments.
	CommentRevisions []*CommentRevision
	// Subscriber is the address's subscription record; nil when none.
	Subscriber    *Subscriber
	Subscriptions []*Subscription
	// Emails are outbox messages sent to the address or naming it (the
	// moderators' notice of a held comment shows the commenter's email).
	Emails []*OutboxMessage
	// Users are newsroom accounts with the address. Erasing personal data
	// leaves them: an administrator deletes accounts in the newsroom.
	Users []*User
	// SignInFailures counts failed sign-ins that typed the address.
	SignInFailures int
	// CommentDrafts are refused comments that typed the address, kept an
	// hour for their writer to correct.
	CommentDrafts []*CommentDraft
}

// Erasure says how ErasePersonalData treats comments.
type Erasure struct {
	// Anonymise keeps the comments, so conversations stay readable, but
	// removes who wrote them: the name becomes AnonymousName, the email,
	// website, IP and browser are blanked. Otherwise comments are deleted
	// (their replies move up, as when a moderator deletes one).
	Anonymise bool
	// AvatarHash is the avatar anonymised comments show.
	AvatarHash string
}

// ErasureResult counts what an erasure changed.
type ErasureResult struct {
	Comments      int `json:"comments"`
	Subscriptions int `json:"subscriptions"`
	Emails        int `json:"emails"`
	// CommentDrafts are refused comments kept for their writer.
	CommentDrafts int `json:"refused_comments"`
	// Users are the newsroom accounts with the address, which are kept.
	Users int `json:"users_kept"`
}

// PrivacyService finds and erases personal data. Emails are matched
// without regard to case.
type PrivacyService interface {
	// FindPersonalData returns what the store holds about email (empty
	// lists when nothing). EINVALID without an address.
	FindPersonalData(ctx context.Context, email string) (*PersonalData, error)
	// ErasePersonalData deletes or anonymises the address's comments and
	// deletes its subscriptions, the emails naming it and its failed
	// sign-ins, in one transaction. EINVALID without an address.
	ErasePersonalData(ctx context.Context, email string, e Erasure) (*ErasureResult, error)
	// ForgetCommenterIPs blanks the IP address and browser of comments
	// made before a time, and drops older failed sign-ins, and returns
	// the number of comments changed.
	ForgetCommenterIPs(ctx context.Context, before time.Time) (int, error)
}
