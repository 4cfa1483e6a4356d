// Package discussion holds the rules of the comment section: validation,
// spam defence, moderation, threading and commenters' second thoughts. It
// knows no store and no HTTP, so the rules are written once for SQLite and
// PostgreSQL and shared by the site, the CLI and the APIs.
package discussion

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/avatar"
	"communique/formtoken"
	"communique/markup"
	"communique/spam"
)

// Store is what the discussion needs from a store.
type Store interface {
	communique.CommentStore
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
}

// Notifier hears about comments once they are stored (emails, webhooks).
// It must return quickly: it only queues what it sends.
type Notifier interface {
	// CommentPosted follows a new comment, whatever its status.
	CommentPosted(ctx context.Context, c *communique.Comment)
	// CommentApproved follows a held comment approved by a moderator.
	CommentApproved(ctx context.Context, c *communique.Comment)
}

// Messenger, when the Notifier also is one, writes a new comment's
// notifications in the comment's own transaction, so they are never lost
// between two commits nor paid for with a second one.
type Messenger interface {
	// CommentMessages reads what the messages about c need and returns
	// what builds them once c has its id (inside the transaction, with
	// no store calls), or nil when nobody is to hear of it.
	CommentMessages(ctx context.Context, c *communique.Comment) func(*communique.Comment) []*communique.OutboxMessage
	// MessagesQueued follows the commit, so a worker sends at once.
	MessagesQueued()
}

// Service applies the discussion rules. Every door that changes a
// comment (the public form, the newsroom, the REST API, the command line,
// the importer) goes through it, so each change raises its side effects
// here, once: notifications, the classifier's training, cache drops.
type Service struct {
	Store   Store
	Avatars *avatar.Generator
	Tokens  *formtoken.Signer
	// Notify, when set, hears about new and approved comments.
	Notify Notifier
	// Writer, when set, commits new comments in groups; New sets it when
	// the store writes in groups.
	Writer *Writer
	// Subscribe, when set, takes the follow-up subscriptions commenters
	// ask for in the form.
	Subscribe Subscriber
	// Invalidate, when set, drops cached pages carrying these tags after
	// a change; other nodes learn of it through the store's cache tags.
	Invalidate func(tags ...string)
	// Reports, when the store keeps them, takes readers' reports.
	Reports communique.ReportStore
	// Community, when the store keeps them, holds commenters' standings,
	// moderators' notes and the audit log.
	Community communique.CommunityStore
	// Features, when the store keeps them, holds editors' picks.
	Features communique.FeatureStore
	// Reactions, when the store keeps them, counts readers' reactions.
	Reactions communique.ReactionStore
	// Remote, when the store keeps fediverse replies, names their authors.
	Remote RemoteHandles
	// Federate, when set, hears every change to a comment's visibility
	// or words (activitypub.Service sends the site's own comments to the
	// fediverse as replies, when the site wants it).
	Federate Federator
	// Discussions, when the store keeps them, holds per-article
	// discussion settings.
	Discussions communique.ArticleDiscussionStore
	// HoldReasons, when the store keeps them, records why the rules
	// held a comment, for the moderation queue's labels.
	HoldReasons communique.HoldReasonStore
	// Limits, when set, counts reports per reader and address.
	Limits communique.RateLimitService
	// Logger hears of side effects that failed after a change stood.
	Logger *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Federator hears a comment change: before is nil for a new comment,
// after nil for one deleted for good; otherwise they are the comment
// before and after the change.
type Federator interface {
	CommentChanged(ctx context.Context, before, after *communique.Comment)
}

// federate tells the Federator of a change, if there is one.
func (s *Service) federate(ctx context.Context, before, after *communique.Comment) {
	if s.Federate != nil {
		s.Federate.CommentChanged(ctx, before, after)
	}
}

// RemoteHandles names the authors of fediverse replies (@user@host).
type RemoteHandles interface {
	FindRemoteHandles(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Subscriber records a commenter's wish to hear about follow-ups.
type Subscriber interface {
	Subscribe(ctx context.Context, email string, articleID int64, comments, posts bool) error
}

// New returns a Service.
func New(store Store, avatars *avatar.Generator, tokens *formtoken.Signer) *Service {
	s := &Service{Store: store, Avatars: avatars, Tokens: tokens, Now: time.Now}
	// A SQL store keeps reports and counts limits; a fake may not.
	s.Reports, _ = store.(communique.ReportStore)
	s.Limits, _ = store.(communique.RateLimitService)
	s.Community, _ = store.(communique.CommunityStore)
	s.Features, _ = store.(communique.FeatureStore)
	s.Reactions, _ = store.(communique.ReactionStore)
	s.Remote, _ = store.(RemoteHandles)
	s.Discussions, _ = store.(communique.ArticleDiscussionStore)
	s.HoldReasons, _ = store.(communique.HoldReasonStore)
	if bs, ok := store.(communique.CommentBatchStore); ok {
		s.Writer = &Writer{Store: bs}
	}
	return s
}

// Refusal kinds, which the web layer maps to statuses.
const (
	KindInvalid   = "invalid"   // a field is wrong: 400
	KindClosed    = "closed"    // the article takes no comments: 403
	KindToken     = "token"     // missing, forged or expired form token: 400
	KindTooFast   = "too_fast"  // posted faster than a person types: 400
	KindFlood     = "flood"     // too soon after the last comment: 429
	KindDuplicate = "duplicate" // said already: 409
	KindRejected  = "rejected"  // the honeypot was filled: 400
	KindForbidden = "forbidden" // not this browser's comment, or too late to edit: 403
)

// Error is a refused comment: a message for the whole form and one per
// field, so the form can be shown again with everything the reader typed.
type Error struct {
	Kind    string
	Message string
	Fields  map[string]string
	// RetryAfter, for a flood refusal, is how long until the same
	// comment would be taken.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return "discussion: " + e.Kind + ": " + e.Message }

func refuse(kind, msg string) *Error { return &Error{Kind: kind, Message: msg} }

// AsError returns the refusal inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Messages shown to commenters; the duplicate one is WordPress's own words.
const (
	MsgDuplicate = "Duplicate comment detected; it looks as though you’ve already said that!"
	MsgFlood     = "You are posting comments too quickly. Slow down."
	MsgClosed    = "Comments are closed."
	MsgTooFast   = "That was quick! Please take a few seconds to read your comment, then post it again."
	MsgToken     = "This form has expired or did not come from this site. Please post your comment again."
)

// Submission is a comment as posted through the form or an API.
type Submission struct {
	ArticleID int64
	ParentID  int64
	Author    string
	Email     string
	URL       string
	Text      string
	// Token is the signed token issued with the form; Honeypot is the
	// field people cannot see and bots fill.
	Token    string
	Honeypot string
	// SkipToken is for callers that authenticate otherwise (the CLI, the
	// REST API with credentials).
	SkipToken bool
	IP        string
	UserAgent string
	// OwnerKey is the hashed key of the posting browser.
	OwnerKey string
	// By is the signed-in user posting, nil for a reader: the comment is
	// theirs, under their name and address, and moderators skip
	// moderation, flood and spam checks.
	By *communique.User
	// Trusted vouches for a submission without a user (tests of the
	// rules); doors set By instead.
	Trusted bool
	// Status, when By may moderate, replaces the status the rules give
	// (the REST API's status field).
	Status communique.CommentStatus
	// AsGiven, when By may moderate and Author is set, keeps the given
	// name, email and address rather than By's: importers and sync tools
	// post others' comments. Date, when By may moderate, is the comment's
	// time rather than now.
	AsGiven bool
	Date    time.Time
	// SubscribeComments and SubscribePosts are the form's boxes: follow
	// this article's comments, follow new articles.
	SubscribeComments, SubscribePosts bool
	// Remote is a reply from the fediverse (package activitypub): no
	// email, address or form token, its author known by their actor
	// (blocked there, not by standing). Every other rule applies as to
	// the form: word lists, links, the classifier, moderation.
	Remote bool
}

// TokenScope binds a form token to one article.
func TokenScope(articleID int64) string { return "comment:" + strconv.FormatInt(articleID, 10) }

// IssueToken returns the token to embed in an article's comment form.
func (s *Service) IssueToken(articleID int64) string { return s.Tokens.Issue(TokenScope(articleID)) }

// tokenMaxAge is how long a served form stays valid.
const tokenMaxAge = 7 * 24 * time.Hour

// CommentsOpen reports whether an article takes comments now: its own
// switch, and the site's rule closing old articles.
func CommentsOpen(a *communique.Article, st *communique.Settings, now time.Time) bool {
	if !a.CommentsOpen || !a.IsPublic(now) {
		return false
	}
	if days := st.CloseCommentsDaysOld; days > 0 && now.Sub(a.PublishedAt) > time.Duration(days)*24*time.Hour {
		return false
	}
	return true
}

// Post checks a submission against every rule and stores it with the
// status the rules give. Refusals are *Error; nothing is stored then.
// Followers, moderators and webhooks hear of it as its status says.
func (s *Service) Post(ctx context.Context, st *communique.Settings, sub Submission) (*communique.Comment, error) {
	c, notified, err := s.create(ctx, st, sub)
	if err != nil {
		return nil, err
	}
	s.posted(ctx, c, sub, notified)
	return c, nil
}

// posted raises the side effects of a stored comment; notified says its
// messages were written with it.
func (s *Service) posted(ctx context.Context, c *communique.Comment, sub Submission, notified bool) {
	if s.Notify != nil && !notified {
		s.Notify.CommentPosted(ctx, c)
	}
	// Spam and trash subscribe nobody: they are nobody's conversation.
	if s.Subscribe != nil && (sub.SubscribeComments || sub.SubscribePosts) &&
		c.Status != communique.CommentSpam && c.Status != communique.CommentTrash {
		if err := s.Subscribe.Subscribe(ctx, c.AuthorEmail, c.ArticleID, sub.SubscribeComments, sub.SubscribePosts); err != nil {
			// The comment stands; the subscription can be asked again.
			s.logger().Error("subscribe commenter", "comment", c.ID, "err", err)
		}
	}
	s.changed(c.ArticleID)
	s.staffReplied(ctx, c, sub.By)
	s.federate(ctx, nil, c)
}

// staffReplied tells the reader a newsroom member answered.
func (s *Service) staffReplied(ctx context.Context, c *communique.Comment, by *communique.User) {
	tell, ok := s.Notify.(StaffReplyNotifier)
	if !ok || by == nil || Badge(by.Role) == "" || c.ParentID == 0 || c.Status != communique.CommentApproved {
		return
	}
	parent, err := s.Store.FindCommentByID(ctx, c.ParentID)
	if err != nil || parent.UserID == by.ID || !communique.ValidEmail(parent.AuthorEmail) {
		return
	}
	tell.StaffReplied(ctx, c, parent)
}

// changed drops the cached pages that show an article's comments.
func (s *Service) changed(articleID int64) {
	if s.Invalidate != nil {
		s.Invalidate("article:"+strconv.FormatInt(articleID, 10), "comments")
	}
}

// create applies the rules and stores the comment, without side effects
// but the notifications it may write with the comment (notified).
func (s *Service) create(ctx context.Context, st *communique.Settings, sub Submission) (*communique.Comment, bool, error) {
	now := s.Now()
	trusted, userID := sub.Trusted, int64(0)
	moderator := communique.Can(sub.By, communique.ActionModerateComment, nil)
	if sub.By != nil && !(sub.AsGiven && moderator && strings.TrimSpace(sub.Author) != "") {
		// A signed-in commenter is who they signed in as.
		userID, sub.Author, sub.Email = sub.By.ID, sub.By.Name(), sub.By.Email
	}
	trusted = trusted || moderator
	switch {
	case sub.Status == "":
	case !communique.Can(sub.By, communique.ActionModerateComment, nil):
		return nil, false, communique.Errorf(communique.EFORBIDDEN, "Sorry, you are not allowed to set the status of comments.")
	case !sub.Status.Valid():
		return nil, false, communique.Errorf(communique.EINVALID, "Unknown comment status %q.", sub.Status)
	}
	sub.Trusted = trusted
	a, err := s.Store.FindArticleByID(ctx, sub.ArticleID)
	if err != nil {
		if communique.ErrorCode(err) == communique.ENOTFOUND {
			return nil, false, refuse(KindClosed, "That article does not exist.")
		}
		return nil, false, err
	}
	if !CommentsOpen(a, st, now) {
		return nil, false, refuse(KindClosed, MsgClosed)
	}
	ad, err := s.ArticleDiscussion(ctx, a.ID)
	if err != nil {
		return nil, false, err
	} else if ad.Hidden {
		return nil, false, refuse(KindClosed, MsgClosed)
	}
	c := &communique.Comment{
		ArticleID: a.ID, ParentID: sub.ParentID, UserID: userID,
		// A name's direction controls go: the page isolates each name,
		// and an override left open would reverse the words around it.
		AuthorName: strings.TrimSpace(communique.StripBidiControls(sub.Author)), AuthorEmail: strings.TrimSpace(sub.Email),
		AuthorURL: strings.TrimSpace(sub.URL), Text: strings.TrimSpace(sub.Text),
		AuthorIP: sub.IP, UserAgent: truncate(sub.UserAgent, 255), OwnerKey: sub.OwnerKey,
		Type: communique.CommentTypeComment,
	}
	if sub.Remote {
		c.Type = communique.CommentTypeActivityPub
	}
	if moderator && !sub.Date.IsZero() {
		c.CreatedAt = sub.Date.UTC()
	}
	if fields := c.Validate(st.CommentRequireNameEmail && !sub.Trusted && !sub.Remote); len(fields) > 0 {
		return nil, false, &Error{Kind: KindInvalid, Message: "Please check the highlighted fields.", Fields: fields}
	}
	c.AuthorURL = communique.NormalizeWebsite(c.AuthorURL)
	standing := communique.StandingNone
	if !trusted && !sub.Remote {
		// Banned and suspended commenters are refused with the reason
		// before anything else is checked or stored.
		var err error
		if standing, err = s.checkStanding(ctx, c.AuthorEmail); err != nil {
			return nil, false, err
		}
	}
	if sub.Honeypot != "" {
		return nil, false, refuse(KindRejected, "Your comment could not be accepted.")
	}
	if !sub.SkipToken {
		min := time.Duration(st.CommentMinSeconds) * time.Second
		if _, err := s.Tokens.Check(sub.Token, TokenScope(a.ID), min, tokenMaxAge); errors.Is(err, formtoken.ErrTooFast) {
			return nil, false, refuse(KindTooFast, MsgTooFast)
		} else if err != nil {
			return nil, false, refuse(KindToken, MsgToken)
		}
	}
	if err := s.checkParent(ctx, st, c, moderator); err != nil {
		return nil, false, err
	}
	// A remote reply has no address or email to pace by; its server
	// paces it, and blocks stop it.
	if !sub.Trusted && !sub.Remote {
		if err := s.checkPace(ctx, st, c, now); err != nil {
			return nil, false, err
		}
	}
	if dup, err := s.Store.IsDuplicateComment(ctx, a.ID, c.AuthorName, c.AuthorEmail, c.Text); err != nil {
		return nil, false, err
	} else if dup {
		return nil, false, refuse(KindDuplicate, MsgDuplicate)
	}
	c.HTML = markup.Comment(c.Text)
	c.AvatarHash = s.avatarHash(c)
	var why []string
	if c.Status, c.SpamScore, why, err = s.judge(ctx, st, c, sub.Trusted, standing); err != nil {
		return nil, false, err
	}
	if !sub.Trusted {
		c.Status, why = held(ad, c.Status, why)
	}
	judged := c.Status
	if sub.Status != "" {
		c.Status = sub.Status
	}
	notified, err := s.store(ctx, c)
	if err != nil {
		return nil, false, err
	}
	if c.Status == judged {
		s.keepReasons(ctx, c.ID, c.Status, why)
	}
	if c.Status != judged {
		// A moderator overruled the rules: that is a verdict to learn from.
		if err := s.train(ctx, c, c.Status); err != nil {
			return nil, false, err
		}
	}
	return c, notified, nil
}

// store writes a judged comment: through the group-committing Writer
// with its notifications in the same transaction when the store and the
// notifier allow, else on its own. notified says the messages went with it.
func (s *Service) store(ctx context.Context, c *communique.Comment) (notified bool, err error) {
	if s.Writer == nil {
		return false, s.Store.CreateComment(ctx, c)
	}
	cw := communique.CommentWrite{Comment: c}
	m, ok := s.Notify.(Messenger)
	if ok {
		cw.Messages = m.CommentMessages(ctx, c)
	}
	if err := s.Writer.Write(ctx, cw); err != nil {
		return false, err
	}
	if ok && cw.Messages != nil {
		m.MessagesQueued()
	}
	return ok, nil
}

// checkPace is flood control: a commenter (the same email or the same
// browser) waits comment_flood_seconds between two comments, and one IP
// address may post comment_flood_address_limit comments in that time, so
// readers sharing an office or mobile-carrier address do not block each
// other while a flood from one address is still held back.
func (s *Service) checkPace(ctx context.Context, st *communique.Settings, c *communique.Comment, now time.Time) error {
	flood := time.Duration(st.CommentFloodSeconds) * time.Second
	if flood <= 0 {
		return nil
	}
	p, err := s.Store.CommentPace(ctx, c.AuthorIP, c.AuthorEmail, c.OwnerKey, now.Add(-flood))
	if err != nil {
		return err
	}
	var wait time.Duration
	if !p.LastByCommenter.IsZero() {
		wait = p.LastByCommenter.Add(flood).Sub(now)
	}
	if p.FromAddress >= max(1, st.CommentFloodAddressLimit) && !p.FirstFromAddress.IsZero() {
		wait = max(wait, p.FirstFromAddress.Add(flood).Sub(now))
	}
	if wait <= 0 {
		return nil
	}
	return FloodError(wait)
}

// FloodError is the refusal of a comment posted too soon, saying how long
// to wait in whole seconds.
func FloodError(wait time.Duration) *Error {
	secs := int((wait + time.Second - 1) / time.Second)
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return &Error{Kind: KindFlood, RetryAfter: time.Duration(secs) * time.Second,
		Message: MsgFlood + " Please wait " + strconv.Itoa(secs) + " " + unit + ", then post your comment again."}
}

func (s *Service) avatarHash(c *communique.Comment) string {
	if c.AuthorEmail != "" {
		return s.Avatars.Hash(c.AuthorEmail)
	}
	return s.Avatars.Hash("name:" + c.AuthorName)
}

// checkParent accepts only an approved comment of the same article (or,
// from a moderator, one held for moderation: WordPress lets them answer
// what they are about to approve), and attaches replies past the deepest
// level to the deepest allowed comment.
func (s *Service) checkParent(ctx context.Context, st *communique.Settings, c *communique.Comment, moderator bool) error {
	if c.ParentID == 0 {
		return nil
	}
	bad := &Error{Kind: KindInvalid, Message: "The comment you are replying to is not available.", Fields: map[string]string{"comment_parent": "Not a comment you can reply to."}}
	depth := 1
	id := c.ParentID
	var chain []int64
	for id != 0 && depth <= 64 {
		p, err := s.Store.FindCommentByID(ctx, id)
		if err != nil || p.ArticleID != c.ArticleID {
			return bad
		}
		if replyable := p.Status == communique.CommentApproved || moderator && p.Status == communique.CommentPending; depth == 1 && !replyable {
			return bad
		}
		chain = append(chain, p.ID)
		id = p.ParentID
		depth++
	}
	// chain[0] is the parent at level len(chain); a reply may sit at most
	// at maxDepth, so climb until it fits.
	maxDepth := st.ThreadCommentsDepth
	for len(chain)+1 > maxDepth && len(chain) > 0 {
		chain = chain[1:]
	}
	if len(chain) == 0 {
		c.ParentID = 0
	} else {
		c.ParentID = chain[0]
	}
	return nil
}

// judge decides the status of a new or edited comment with WordPress's
// rules, then the classifier's score.
//
// A commenter's standing weighs after the word lists and the classifier:
// always-held holds, trusted skips pre-moderation, neither overrules a
// disallowed word or spam.
func (s *Service) judge(ctx context.Context, st *communique.Settings, c *communique.Comment, trusted bool, standing communique.Standing) (communique.CommentStatus, float64, []string, error) {
	score, err := s.score(ctx, c)
	if err != nil {
		return "", 0, nil, err
	}
	if trusted {
		return communique.CommentApproved, score, nil, nil
	}
	fields := []string{c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Text, c.AuthorIP, c.UserAgent}
	if matchesAny(st.DisallowedKeys, fields) {
		return communique.CommentStatus(st.DisallowedStatus), score, []string{ReasonDisallowed}, nil
	}
	if threshold := st.SpamThreshold; threshold < 1 && score >= threshold {
		return communique.CommentSpam, score, []string{ReasonSpamScore(score)}, nil
	}
	switch standing {
	case communique.StandingPremoderated:
		return communique.CommentPending, score, []string{ReasonCommenterHeld}, nil
	case communique.StandingTrusted:
		return communique.CommentApproved, score, nil, nil
	}
	var why []string
	if st.CommentModeration {
		why = append(why, ReasonModerateAll)
	}
	if links := strings.Count(c.HTML, "<a "); links > st.CommentMaxLinks {
		why = append(why, ReasonLinks(links))
	}
	if matchesAny(st.ModerationKeys, fields) {
		why = append(why, ReasonWordList)
	}
	if len(why) == 0 && st.CommentPreviouslyApproved && c.Type == communique.CommentTypeActivityPub {
		// Known by name alone, a remote author could pass for anyone.
		why = append(why, ReasonRemote)
	} else if len(why) == 0 && st.CommentPreviouslyApproved {
		ok, err := s.Store.HasApprovedComment(ctx, c.AuthorName, c.AuthorEmail)
		if err != nil {
			return "", 0, nil, err
		}
		if !ok {
			why = append(why, ReasonFirstComment)
		}
	}
	if len(why) > 0 {
		return communique.CommentPending, score, why, nil
	}
	return communique.CommentApproved, score, nil, nil
}

func matchesAny(words, fields []string) bool {
	for _, w := range words {
		w = strings.ToLower(w)
		for _, f := range fields {
			if strings.Contains(strings.ToLower(f), w) {
				return true
			}
		}
	}
	return false
}

func document(c *communique.Comment) spam.Document {
	return spam.Document{Author: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Text: c.Text, IP: c.AuthorIP}
}

// score asks the classifier how likely c is spam.
func (s *Service) score(ctx context.Context, c *communique.Comment) (float64, error) {
	tokens := spam.Tokens(document(c))
	counts, err := s.Store.SpamCounts(ctx, tokens)
	if err != nil {
		return 0, err
	}
	m := make(map[string]spam.TokenCounts, len(counts.Tokens))
	for tok, n := range counts.Tokens {
		m[tok] = spam.TokenCounts{Spam: n[0], Ham: n[1]}
	}
	return spam.Score(spam.Counts{Spam: counts.Spam, Ham: counts.Ham}, tokens, m), nil
}

// DraftKeep is how long a refused comment is kept for its writer.
const DraftKeep = time.Hour

// KeepRefused keeps a refused comment's form, in the door's own encoding,
// for the browser with ownerKey, and returns the id it is found by.
func (s *Service) KeepRefused(ctx context.Context, articleID int64, ownerKey, data string) (string, error) {
	d := &communique.CommentDraft{ID: rand.Text(), OwnerKey: ownerKey, ArticleID: articleID, Data: data}
	if err := s.Store.SaveCommentDraft(ctx, d, s.Now().Add(-DraftKeep)); err != nil {
		return "", err
	}
	return d.ID, nil
}

// Refused returns a refused comment kept for the browser with ownerKey.
// ENOTFOUND for anyone else (it holds an email address), and once it is
// older than DraftKeep.
func (s *Service) Refused(ctx context.Context, id, ownerKey string) (*communique.CommentDraft, error) {
	notFound := communique.Errorf(communique.ENOTFOUND, "That comment is no longer kept.")
	if id == "" || len(id) > 64 || ownerKey == "" {
		return nil, notFound
	}
	d, err := s.Store.FindCommentDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(d.OwnerKey), []byte(ownerKey)) != 1 || s.Now().Sub(d.CreatedAt) > DraftKeep {
		return nil, notFound
	}
	return d, nil
}

// CanEdit reports whether the browser with ownerKey may still edit or
// delete c.
func CanEdit(c *communique.Comment, ownerKey string, st *communique.Settings, now time.Time) bool {
	window := time.Duration(st.CommentEditMinutes) * time.Minute
	return ownerKey != "" && c.OwnerKey == ownerKey && window > 0 && now.Sub(c.CreatedAt) < window &&
		(c.Status == communique.CommentApproved || c.Status == communique.CommentPending)
}

// Edit replaces the text of the browser's own recent comment. The edit
// goes through moderation and the spam rules again: spammers edit links
// into comments once they are approved.
func (s *Service) Edit(ctx context.Context, st *communique.Settings, id int64, ownerKey, text string) (*communique.Comment, error) {
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanEdit(c, ownerKey, st, s.Now()) {
		return nil, refuse(KindForbidden, "This comment can no longer be edited from this browser.")
	}
	return s.edit(ctx, st, c, text)
}

// edit replaces a comment's text and judges it again.
func (s *Service) edit(ctx context.Context, st *communique.Settings, c *communique.Comment, text string) (*communique.Comment, error) {
	id := c.ID
	before := *c
	c.Text = strings.TrimSpace(text)
	if fields := c.Validate(false); fields["comment"] != "" {
		return nil, &Error{Kind: KindInvalid, Message: "Please check your comment.", Fields: map[string]string{"comment": fields["comment"]}}
	}
	c.HTML = markup.Comment(c.Text)
	standing := communique.StandingNone
	if c.Type != communique.CommentTypeActivityPub { // remote authors are blocked by actor instead
		var err error
		if standing, err = s.checkStanding(ctx, c.AuthorEmail); err != nil {
			return nil, err
		}
	}
	status, score, why, err := s.judge(ctx, st, c, false, standing)
	if err != nil {
		return nil, err
	}
	if c.Status == communique.CommentPending && status == communique.CommentApproved {
		status = communique.CommentPending // an edit never approves a held comment
	}
	ad, err := s.ArticleDiscussion(ctx, c.ArticleID)
	if err != nil {
		return nil, err
	}
	status, why = held(ad, status, why)
	if c.Status == communique.CommentApproved && status != communique.CommentApproved {
		why = append([]string{ReasonEdited}, why...)
	}
	if err := s.Store.UpdateCommentText(ctx, id, c.Text, c.HTML, status, score); err != nil {
		return nil, err
	}
	s.keepReasons(ctx, id, status, why)
	s.changed(c.ArticleID)
	after, err := s.Store.FindCommentByID(ctx, id)
	if err == nil {
		s.federate(ctx, &before, after)
	}
	return after, err
}

// Withdraw lets a commenter delete their own recent comment: it goes to
// the trash, where moderators can still see it.
func (s *Service) Withdraw(ctx context.Context, st *communique.Settings, id int64, ownerKey string) error {
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return err
	}
	if !CanEdit(c, ownerKey, st, s.Now()) {
		return refuse(KindForbidden, "This comment can no longer be deleted from this browser.")
	}
	if err := s.Store.SetCommentStatus(ctx, id, communique.CommentTrash); err != nil {
		return err
	}
	s.changed(c.ArticleID)
	s.federate(ctx, c, withStatus(c, communique.CommentTrash))
	return nil
}

// withStatus is a copy of c with another status, for a change's after.
func withStatus(c *communique.Comment, status communique.CommentStatus) *communique.Comment {
	after := *c
	after.Status = status
	return &after
}

// Page is one page of an article's discussion.
type Page struct {
	Threads []*communique.Comment // top-level comments with Replies filled
	Page    int
	Pages   int
	// Featured are the article's editors' picks, shown above the thread.
	Featured   []*communique.Comment
	TopLevel   int // approved top-level comments on all pages
	Visible    int // comments shown on this page
	OwnPending int // this browser's held comments on this page
	// Discussion is the article's own settings: a hidden thread has
	// no comments; a Q&A thread only answered questions.
	Discussion *communique.ArticleDiscussion
}

// Thread loads one page of an article's threads: approved comments, plus
// the browser's own held ones.
func (s *Service) Thread(ctx context.Context, st *communique.Settings, articleID int64, page int, ownerKey string) (*Page, error) {
	return s.SortedThread(ctx, st, articleID, page, ownerKey, "")
}

// SortedThread is Thread in the order a reader chose (see Sorts; "" is
// the site's comment_order). Replies stay oldest first under their
// thread.
func (s *Service) SortedThread(ctx context.Context, st *communique.Settings, articleID int64, page int, ownerKey, order string) (*Page, error) {
	per := st.CommentsPerPage
	newest, by := st.CommentOrder == "desc", ""
	switch order {
	case SortOldest:
		newest = false
	case SortNewest:
		newest = true
	case SortReactions, SortReplies:
		newest, by = false, order
	}
	if page < 1 {
		page = 1
	}
	ad, err := s.ArticleDiscussion(ctx, articleID)
	if err != nil {
		return nil, err
	}
	if ad.Hidden {
		return &Page{Page: 1, Pages: 1, Discussion: ad}, nil
	}
	visible := []communique.CommentStatus{communique.CommentApproved}
	f := communique.CommentFilter{ArticleID: &articleID, Status: visible, OwnerKey: ownerKey, Newest: newest, Sort: by, Offset: (page - 1) * per, Limit: per}
	roots, replies, total, counted, err := s.threadPage(ctx, f)
	if err != nil {
		return nil, err
	}
	p := &Page{Page: page, Pages: max(1, (total+per-1)/per), TopLevel: total, Threads: roots, Discussion: ad}
	if len(roots) == 0 {
		return p, s.decorate(ctx, p, articleID, nil)
	}
	assemble(roots, replies, st.ThreadCommentsDepth)
	all := append(append([]*communique.Comment{}, roots...), replies...)
	if err := s.decorate(ctx, p, articleID, all); err != nil {
		return nil, err
	}
	uncounted := p.Featured
	if !counted {
		uncounted = append(all, p.Featured...)
	} else if s.Reactions == nil {
		for _, c := range all {
			c.Reactions = 0 // a service without reactions shows none
		}
	}
	if err := s.countReactions(ctx, uncounted); err != nil {
		return nil, err
	}
	if ad.QA {
		p.Threads = answered(roots)
		roots, replies = p.Threads, flatten(p.Threads)
	}
	for _, c := range append(roots, replies...) {
		p.Visible++
		if c.Status == communique.CommentPending {
			p.OwnPending++
		}
	}
	return p, nil
}

// threadReader is a store that reads a page of a thread, its replies and
// their reaction counts in one round trip (sqlstore.FindThreadPage).
type threadReader interface {
	FindThreadPage(ctx context.Context, f communique.CommentFilter) (roots, replies []*communique.Comment, topLevel int, err error)
}

// threadPage reads the page's top-level comments (f's page) and the
// replies in their threads; counted says the reactions came with them.
func (s *Service) threadPage(ctx context.Context, f communique.CommentFilter) (roots, replies []*communique.Comment, total int, counted bool, err error) {
	if tr, ok := s.Store.(threadReader); ok {
		roots, replies, total, err = tr.FindThreadPage(ctx, f)
		return roots, replies, total, true, err
	}
	top := f
	top.TopLevel = true
	if roots, total, err = s.Store.FindComments(ctx, top); err != nil || len(roots) == 0 {
		return roots, nil, total, false, err
	}
	ids := make([]int64, len(roots))
	for i, r := range roots {
		ids[i] = r.ID
	}
	replies, _, err = s.Store.FindComments(ctx, communique.CommentFilter{
		ArticleID: f.ArticleID, Status: f.Status, OwnerKey: f.OwnerKey, ThreadIDs: ids,
	})
	return roots, replies, total, false, err
}

// assemble hangs replies under their parents, oldest first. A reply whose
// parent is not shown (held or removed) hangs under its thread's root.
func assemble(roots, replies []*communique.Comment, maxDepth int) {
	byID := map[int64]*communique.Comment{}
	for _, r := range roots {
		r.Depth = 1
		byID[r.ID] = r
	}
	for _, c := range replies {
		byID[c.ID] = c
	}
	sort.SliceStable(replies, func(i, j int) bool { return replies[i].CreatedAt.Before(replies[j].CreatedAt) })
	for _, c := range replies {
		parent := byID[c.ParentID]
		if parent == nil {
			parent = byID[c.ThreadID]
		}
		if parent != nil {
			parent.Replies = append(parent.Replies, c)
		}
	}
	var walk func(c *communique.Comment, depth int)
	walk = func(c *communique.Comment, depth int) {
		c.Depth = min(depth, maxDepth)
		for _, r := range c.Replies {
			walk(r, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 1)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
