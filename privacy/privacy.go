// Package privacy answers a person's requests about their data: a copy of
// everything the site holds keyed by their email address, as JSON, and its
// erasure or anonymisation; and it forgets commenters' IP addresses once
// the site's retention period has passed. The command line and the
// newsroom share it, so both give the same answer.
package privacy

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"communique"
	"communique/avatar"
)

// Store is what the privacy tools need from a store.
type Store interface {
	communique.PrivacyService
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
}

// Service runs the privacy tools.
type Service struct {
	Store Store
	// Avatars makes the avatar an anonymised comment shows.
	Avatars *avatar.Generator
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a Service.
func New(store Store, avatars *avatar.Generator) *Service {
	return &Service{Store: store, Avatars: avatars, Now: time.Now}
}

// Export is the copy of a person's data, written as JSON. Field names
// say what each value is, so it reads without documentation.
type Export struct {
	Email          string         `json:"email"`
	ExportedAt     time.Time      `json:"exported_at"`
	Comments       []Comment      `json:"comments"`
	Subscriptions  []Subscription `json:"subscriptions"`
	Emails         []Email        `json:"emails"`
	Accounts       []Account      `json:"newsroom_accounts"`
	SignInFailures int            `json:"failed_sign_ins"`
	// RefusedComments are comments the rules refused, kept an hour as
	// they were typed so their writer could correct them.
	RefusedComments []RefusedComment `json:"refused_comments"`
}

// RefusedComment is a refused comment's form as its writer typed it.
type RefusedComment struct {
	ArticleID    int64           `json:"article_id"`
	ArticleTitle string          `json:"article_title,omitempty"`
	KeptAt       time.Time       `json:"kept_at"`
	Form         json.RawMessage `json:"form"`
}

// Comment is a comment with everything stored about its author.
type Comment struct {
	ID           int64      `json:"id"`
	ArticleID    int64      `json:"article_id"`
	ArticleTitle string     `json:"article_title,omitempty"`
	ParentID     int64      `json:"parent_id,omitempty"`
	Status       string     `json:"status"`
	AuthorName   string     `json:"author_name"`
	AuthorEmail  string     `json:"author_email"`
	AuthorURL    string     `json:"author_url,omitempty"`
	IP           string     `json:"ip_address,omitempty"`
	UserAgent    string     `json:"browser,omitempty"`
	Text         string     `json:"text"`
	CreatedAt    time.Time  `json:"created_at"`
	EditedAt     *time.Time `json:"edited_at,omitempty"`
	// EarlierTexts are the texts before each edit, oldest first.
	EarlierTexts []Revision `json:"earlier_texts,omitempty"`
}

// Revision is a comment's text before an edit.
type Revision struct {
	Text       string    `json:"text"`
	ReplacedAt time.Time `json:"replaced_at"`
}

// Subscription is a topic the address follows or asked to follow.
type Subscription struct {
	Topic        string     `json:"topic"`
	ArticleID    int64      `json:"article_id,omitempty"`
	ArticleTitle string     `json:"article_title,omitempty"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
}

// Email is a message sent to the address or naming it.
type Email struct {
	ID        int64      `json:"id"`
	Recipient string     `json:"recipient"`
	Subject   string     `json:"subject"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	Message   string     `json:"message"`
}

// Account is a newsroom account that uses the address.
type Account struct {
	Login       string    `json:"login"`
	DisplayName string    `json:"display_name"`
	Role        string    `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// Export returns everything the store holds about email. EINVALID when
// email is not an address.
func (s *Service) Export(ctx context.Context, email string) (*Export, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !communique.WellFormedEmail(email) {
		return nil, communique.Errorf(communique.EINVALID, "Please give a valid email address, such as name@example.com.")
	}
	pd, err := s.Store.FindPersonalData(ctx, email)
	if err != nil {
		return nil, err
	}
	x := &Export{Email: email, ExportedAt: s.Now().UTC().Truncate(time.Second), SignInFailures: pd.SignInFailures,
		Comments: []Comment{}, Subscriptions: []Subscription{}, Emails: []Email{}, Accounts: []Account{}, RefusedComments: []RefusedComment{}}
	titles := map[int64]string{}
	title := func(id int64) string {
		if t, ok := titles[id]; ok || id == 0 {
			return t
		}
		if a, err := s.Store.FindArticleByID(ctx, id); err == nil {
			titles[id] = a.Title
		}
		return titles[id]
	}
	revisions := map[int64][]Revision{}
	for _, r := range pd.CommentRevisions {
		revisions[r.CommentID] = append(revisions[r.CommentID], Revision{Text: r.Text, ReplacedAt: r.EditedAt.UTC()})
	}
	for _, c := range pd.Comments {
		x.Comments = append(x.Comments, Comment{ID: c.ID, ArticleID: c.ArticleID, ArticleTitle: title(c.ArticleID), ParentID: c.ParentID,
			Status: string(c.Status), AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, IP: c.AuthorIP,
			UserAgent: c.UserAgent, Text: c.Text, CreatedAt: c.CreatedAt.UTC(), EditedAt: optTime(c.EditedAt), EarlierTexts: revisions[c.ID]})
	}
	for _, sub := range pd.Subscriptions {
		x.Subscriptions = append(x.Subscriptions, Subscription{Topic: sub.Topic, ArticleID: sub.ArticleID, ArticleTitle: sub.ArticleTitle,
			Status: sub.Status, CreatedAt: sub.CreatedAt.UTC(), ConfirmedAt: optTime(sub.ConfirmedAt)})
	}
	for _, m := range pd.Emails {
		x.Emails = append(x.Emails, Email{ID: m.ID, Recipient: m.Recipient, Subject: m.Subject, Status: string(m.Status),
			CreatedAt: m.CreatedAt.UTC(), SentAt: optTime(m.SentAt), Message: m.Body})
	}
	for _, u := range pd.Users {
		x.Accounts = append(x.Accounts, Account{Login: u.Login, DisplayName: u.DisplayName, Role: string(u.Role), CreatedAt: u.CreatedAt.UTC()})
	}
	for _, d := range pd.CommentDrafts {
		form := json.RawMessage(d.Data)
		if !json.Valid(form) {
			form, _ = json.Marshal(d.Data) // a door that kept plain text
		}
		x.RefusedComments = append(x.RefusedComments, RefusedComment{ArticleID: d.ArticleID, ArticleTitle: title(d.ArticleID),
			KeptAt: d.CreatedAt.UTC(), Form: form})
	}
	return x, nil
}

// Erase deletes the address's comments (or, with anonymise, keeps them
// without anything that says who wrote them), its subscriptions, the
// emails naming it and its failed sign-ins. EINVALID when email is not an
// address.
func (s *Service) Erase(ctx context.Context, email string, anonymise bool) (*communique.ErasureResult, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !communique.WellFormedEmail(email) {
		return nil, communique.Errorf(communique.EINVALID, "Please give a valid email address, such as name@example.com.")
	}
	e := communique.Erasure{Anonymise: anonymise}
	if anonymise {
		e.AvatarHash = s.Avatars.Hash("name:" + communique.AnonymousName)
	}
	return s.Store.ErasePersonalData(ctx, email, e)
}

// ApplyRetention forgets the IP address and browser of comments older
// than the ip_retention_days setting (0 keeps them) and returns how many
// comments it changed.
func (s *Service) ApplyRetention(ctx context.Context, st *communique.Settings) (int, error) {
	days := st.IPRetentionDays
	if days <= 0 {
		return 0, nil
	}
	return s.Store.ForgetCommenterIPs(ctx, s.Now().Add(-time.Duration(days)*24*time.Hour))
}

// RetentionInterval is how often a server applies the retention rule.
const RetentionInterval = time.Hour
