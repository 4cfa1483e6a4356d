package discussion

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"communique"
)

// Moderating people: a commenter's standing (trusted, always held,
// suspended until a time, banned, alone or with their whole email
// domain) applies on every door that posts through the service; the
// importer, which records the past, is exempt. Every moderator action is
// written to the audit log.

// KindBanned refuses a banned or suspended commenter: 403, with the
// reason, never a silent drop.
const KindBanned = "banned"

// StandingNotifier hears of a suspension or a ban, to tell the commenter
// by email. The Notifier may implement it.
type StandingNotifier interface {
	CommenterSanctioned(ctx context.Context, email string, s *communique.CommenterStanding)
}

// standingOf returns the standing that applies to email now: a ban of
// the address or its domain, then a running suspension, then the
// address's own standing. Nil when none.
func (s *Service) standingOf(ctx context.Context, email string) (*communique.CommenterStanding, error) {
	key := communique.CommenterKey(email)
	if s.Community == nil || key == "" {
		return nil, nil
	}
	subjects := []string{key}
	if d := communique.DomainKey(key); d != "" {
		subjects = append(subjects, d)
	}
	list, err := s.Community.FindCommenterStandings(ctx, subjects)
	if err != nil {
		return nil, err
	}
	var best *communique.CommenterStanding
	rank := map[communique.Standing]int{communique.StandingBanned: 4, communique.StandingSuspended: 3, communique.StandingPremoderated: 2, communique.StandingTrusted: 1}
	for _, st := range list {
		if !st.ActiveAt(s.Now()) || st.Subject != key && st.Standing != communique.StandingBanned {
			continue // a domain carries only bans
		}
		if best == nil || rank[st.Standing] > rank[best.Standing] {
			best = st
		}
	}
	return best, nil
}

// refusal is the message a refused commenter reads.
func standingRefusal(st *communique.CommenterStanding) error {
	msg := "Your comments are no longer accepted on this site."
	if st.Standing == communique.StandingSuspended {
		msg = "You are suspended from commenting until " + st.Until.UTC().Format("2 January 2006 15:04 UTC") + "."
	}
	if st.Reason != "" {
		msg += " Reason: " + st.Reason
	}
	return refuse(KindBanned, msg)
}

// checkStanding refuses a banned or suspended commenter and returns the
// standing that stays for judging (trusted, always held).
func (s *Service) checkStanding(ctx context.Context, email string) (communique.Standing, error) {
	st, err := s.standingOf(ctx, email)
	if err != nil || st == nil {
		return communique.StandingNone, err
	}
	if st.Standing == communique.StandingBanned || st.Standing == communique.StandingSuspended {
		return st.Standing, standingRefusal(st)
	}
	return st.Standing, nil
}

// MaxStandingReason bounds a suspension's or ban's reason.
const MaxStandingReason = 1000

// SetStanding gives a commenter (an email address, or "@domain" for a
// ban of a whole domain) a standing. A suspension needs a future end and
// a reason; a ban a reason. The commenter is told of a suspension or a
// ban by email when the notifier can. EFORBIDDEN, EINVALID.
func (s *Service) SetStanding(ctx context.Context, by *communique.User, subject string, standing communique.Standing, until time.Time, reason string) error {
	if err := mayModerate(by); err != nil {
		return err
	}
	if s.Community == nil {
		return communique.Errorf(communique.EINTERNAL, "commenter standings are not kept by this store")
	}
	subject, reason = communique.CommenterKey(subject), strings.TrimSpace(reason)
	domain := strings.HasPrefix(subject, "@")
	switch {
	case !standing.Valid():
		return communique.Errorf(communique.EINVALID, "Unknown standing %q.", standing)
	case domain && (standing != communique.StandingBanned && standing != communique.StandingNone || !strings.Contains(subject, ".")):
		return communique.Errorf(communique.EINVALID, "A whole domain such as @example.com can only be banned.")
	case !domain && !communique.ValidEmail(subject):
		return communique.Errorf(communique.EINVALID, "Please give the commenter's email address.")
	case standing == communique.StandingSuspended && !until.After(s.Now()):
		return communique.Errorf(communique.EINVALID, "A suspension needs an end in the future.")
	case (standing == communique.StandingSuspended || standing == communique.StandingBanned) && reason == "":
		return communique.Errorf(communique.EINVALID, "Please give the reason: the commenter is told.")
	case utf8.RuneCountInString(reason) > MaxStandingReason:
		return communique.Errorf(communique.EINVALID, "The reason is too long (at most 1,000 characters).")
	}
	if standing != communique.StandingSuspended {
		until = time.Time{}
	}
	st := &communique.CommenterStanding{Subject: subject, Standing: standing, Reason: reason, Until: until, By: userID(by)}
	if err := s.Community.SetCommenterStanding(ctx, st); err != nil {
		return err
	}
	detail := reason
	if !until.IsZero() {
		detail = "until " + until.UTC().Format(time.RFC3339) + ": " + reason
	}
	action := string(standing)
	if standing == communique.StandingNone {
		action = "standing cleared"
	}
	if err := s.audit(ctx, by, action, 0, subject, detail); err != nil {
		return err
	}
	if tell, ok := s.Notify.(StandingNotifier); ok && !domain && (standing == communique.StandingSuspended || standing == communique.StandingBanned) {
		tell.CommenterSanctioned(ctx, subject, st)
	}
	return nil
}

// MaxNoteLength bounds a moderator's note.
const MaxNoteLength = 5000

// AddNote keeps a private moderator's note on a commenter. EFORBIDDEN,
// EINVALID.
func (s *Service) AddNote(ctx context.Context, by *communique.User, email, text string) error {
	if err := mayModerate(by); err != nil {
		return err
	}
	subject, text := communique.CommenterKey(email), strings.TrimSpace(text)
	switch {
	case s.Community == nil:
		return communique.Errorf(communique.EINTERNAL, "notes are not kept by this store")
	case !communique.ValidEmail(subject):
		return communique.Errorf(communique.EINVALID, "Please give the commenter's email address.")
	case text == "":
		return communique.Errorf(communique.EINVALID, "The note is empty.")
	case utf8.RuneCountInString(text) > MaxNoteLength:
		return communique.Errorf(communique.EINVALID, "The note is too long (at most 5,000 characters).")
	}
	if err := s.Community.CreateCommenterNote(ctx, &communique.CommenterNote{Subject: subject, Text: text, By: userID(by)}); err != nil {
		return err
	}
	return s.audit(ctx, by, "note", 0, subject, "")
}

// RemoveAll moves every comment of a commenter to the trash and returns
// how many moved. EFORBIDDEN, EINVALID.
func (s *Service) RemoveAll(ctx context.Context, by *communique.User, email string) (int, error) {
	if err := mayModerate(by); err != nil {
		return 0, err
	}
	subject := communique.CommenterKey(email)
	if !communique.ValidEmail(subject) {
		return 0, communique.Errorf(communique.EINVALID, "Please give the commenter's email address.")
	}
	list, _, err := s.Store.FindComments(ctx, communique.CommentFilter{Email: &subject, Private: true,
		Status: []communique.CommentStatus{communique.CommentApproved, communique.CommentPending, communique.CommentSpam}})
	if err != nil {
		return 0, err
	}
	articles := map[int64]bool{}
	for _, c := range list {
		if err := s.Store.SetCommentStatus(ctx, c.ID, communique.CommentTrash); err != nil {
			return 0, err
		}
		s.federate(ctx, c, withStatus(c, communique.CommentTrash))
		articles[c.ArticleID] = true
	}
	for id := range articles {
		s.changed(id)
	}
	return len(list), s.audit(ctx, by, "remove all", 0, subject, strconv.Itoa(len(list))+" comments to the trash")
}

// CommenterRecord is everything moderators know of one commenter.
type CommenterRecord struct {
	Email    string
	Comments []*communique.Comment // newest first, every status, every article
	Total    int
	Counts   map[string]int // by status
	// Standing is the address's own; DomainBan a ban of its domain.
	Standing  *communique.CommenterStanding
	DomainBan *communique.CommenterStanding
	Notes     []*communique.CommenterNote
	// ReportsAgainst are the reports on their comments; ReportsBy those
	// they sent with their address.
	ReportsAgainst []*communique.CommentReport
	ReportsBy      []*communique.CommentReport
	Log            []*communique.ModerationEntry
}

// Commenter returns a commenter's record. EFORBIDDEN, EINVALID.
func (s *Service) Commenter(ctx context.Context, by *communique.User, email string) (*CommenterRecord, error) {
	if err := mayModerate(by); err != nil {
		return nil, err
	}
	key := communique.CommenterKey(email)
	if !communique.ValidEmail(key) {
		return nil, communique.Errorf(communique.EINVALID, "Please give the commenter's email address.")
	}
	rec := &CommenterRecord{Email: key, Counts: map[string]int{}}
	var err error
	if rec.Comments, rec.Total, err = s.Store.FindComments(ctx, communique.CommentFilter{Email: &key, Private: true, Newest: true, Limit: 200}); err != nil {
		return nil, err
	}
	all, _, err := s.Store.FindComments(ctx, communique.CommentFilter{Email: &key, Limit: 10000})
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		rec.Counts[string(c.Status)]++
	}
	if s.Community == nil {
		return rec, nil
	}
	standings, err := s.Community.FindCommenterStandings(ctx, []string{key, communique.DomainKey(key)})
	if err != nil {
		return nil, err
	}
	for _, st := range standings {
		if st.Subject == key {
			rec.Standing = st
		} else if st.Standing == communique.StandingBanned {
			rec.DomainBan = st
		}
	}
	if rec.Notes, err = s.Community.FindCommenterNotes(ctx, key); err != nil {
		return nil, err
	}
	if rec.ReportsAgainst, rec.ReportsBy, err = s.Community.FindCommenterReports(ctx, key); err != nil {
		return nil, err
	}
	rec.Log, _, err = s.Community.FindModerationLog(ctx, key, 0, 100)
	return rec, err
}

// ModerationLog returns the audit log, newest first, for administrators.
// EFORBIDDEN.
func (s *Service) ModerationLog(ctx context.Context, by *communique.User, offset, limit int) ([]*communique.ModerationEntry, int, error) {
	if !communique.Can(by, communique.ActionManageSettings, nil) {
		return nil, 0, communique.Errorf(communique.EFORBIDDEN, "Sorry, only administrators may read the moderation log.")
	}
	if s.Community == nil {
		return nil, 0, nil
	}
	return s.Community.FindModerationLog(ctx, "", offset, limit)
}

// audit writes a moderator's action to the log.
func (s *Service) audit(ctx context.Context, by *communique.User, action string, commentID int64, subject, detail string) error {
	if s.Community == nil {
		return nil
	}
	if err := s.Community.LogModeration(ctx, &communique.ModerationEntry{UserID: userID(by), Action: action, CommentID: commentID,
		Subject: subject, Detail: truncate(detail, 2000)}); err != nil {
		return fmt.Errorf("moderation log: %w", err)
	}
	return nil
}

func userID(u *communique.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}
