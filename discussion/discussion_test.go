package discussion_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
)

// start is where every test's clock begins.
var start = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// clock is the one clock of the store, the rules and the form tokens.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a store with two open articles, a closed one and an old one, and
// the discussion rules on it, all on one fixed clock.
type env struct {
	db      *sqlstore.DB
	svc     *discussion.Service
	clock   *clock
	author  *communique.User
	article *communique.Article
	other   *communique.Article
	closed  *communique.Article
	old     *communique.Article // published ten days before start
	n       int                 // numbers commenters so each test has its own
}

func newEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	c := &clock{now: start}
	db.Now = c.Now
	tokens := formtoken.NewSigner([]byte("test token key"))
	tokens.Now = c.Now
	svc := discussion.New(db, avatar.New([]byte("test avatar key")), tokens)
	svc.Now = c.Now
	e := &env{db: db, svc: svc, clock: c}
	e.author = storetest.MustCreateUser(t, db, "desk", communique.RoleEditor)
	e.article = storetest.MustCreateArticle(t, db, e.author, "Harbour bridge reopens", "Body.")
	e.other = storetest.MustCreateArticle(t, db, e.author, "Ferry timetable", "Body.")
	e.closed = &communique.Article{Title: "Closed to comments", Source: "Body.", AuthorID: e.author.ID, Status: communique.StatusPublished}
	e.old = &communique.Article{Title: "Old news", Source: "Body.", AuthorID: e.author.ID, Status: communique.StatusPublished,
		CommentsOpen: true, PublishedAt: start.Add(-10 * 24 * time.Hour)}
	for _, a := range []*communique.Article{e.closed, e.old} {
		if err := newsroom.New(db).Create(context.Background(), newsroom.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// settings are the site settings with defaults and the given overrides,
// each checked as `settings set` would.
func settings(t *testing.T, kv ...string) *communique.Settings {
	t.Helper()
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := communique.ValidateSetting(kv[i], kv[i+1]); err != nil {
			t.Fatalf("setting %s=%q: %v", kv[i], kv[i+1], err)
		}
		m[kv[i]] = kv[i+1]
	}
	return communique.ParseSettings(m)
}

// person returns a valid submission from a new commenter on the article,
// with an IP, email and browser key of their own and no token yet.
func (e *env) person(name string) discussion.Submission {
	e.n++
	return discussion.Submission{
		ArticleID: e.article.ID,
		Author:    name,
		Email:     strings.ToLower(strings.ReplaceAll(name, " ", ".")) + fmt.Sprintf("+%d@example.com", e.n),
		URL:       "",
		Text:      fmt.Sprintf("%s thinks the bridge story is well told (%d).", name, e.n),
		IP:        fmt.Sprintf("192.0.2.%d", e.n%250+1),
		UserAgent: "TestBrowser/1.0",
		OwnerKey:  fmt.Sprintf("owner-key-%d", e.n),
	}
}

// post issues the form for sub's article, lets wait pass, then posts.
func (e *env) postAfter(st *communique.Settings, sub discussion.Submission, wait time.Duration) (*communique.Comment, error) {
	sub.Token = e.svc.IssueToken(sub.ArticleID)
	e.clock.Add(wait)
	return e.svc.Post(context.Background(), st, sub)
}

// post posts like a person who read the form for 20 seconds: past the
// minimum fill time and past the flood interval of the last comment.
func (e *env) post(st *communique.Settings, sub discussion.Submission) (*communique.Comment, error) {
	return e.postAfter(st, sub, 20*time.Second)
}

func (e *env) mustPost(t *testing.T, st *communique.Settings, sub discussion.Submission) *communique.Comment {
	t.Helper()
	c, err := e.post(st, sub)
	if err != nil {
		t.Fatalf("post %q: %v", sub.Text, err)
	}
	return c
}

// approved posts sub and approves it as a moderator would.
func (e *env) approved(t *testing.T, st *communique.Settings, sub discussion.Submission) *communique.Comment {
	t.Helper()
	c := e.mustPost(t, st, sub)
	if err := e.svc.Moderate(context.Background(), communique.System(), c.ID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	c.Status = communique.CommentApproved
	return c
}

func (e *env) total(t *testing.T) int {
	t.Helper()
	_, n, err := e.db.FindComments(context.Background(), communique.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) find(t *testing.T, id int64) *communique.Comment {
	t.Helper()
	c, err := e.db.FindCommentByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantRefused checks err is a refusal of kind, with msg as its message or
// field message when given, and that nothing was stored.
func wantRefused(t *testing.T, e *env, before int, c *communique.Comment, err error, kind, field, msg string) {
	t.Helper()
	r := discussion.AsError(err)
	if r == nil {
		t.Fatalf("got comment %+v, err %v; want a %s refusal", c, err, kind)
	}
	if r.Kind != kind {
		t.Errorf("refusal kind = %q (%s), want %q", r.Kind, r.Message, kind)
	}
	if field != "" {
		if r.Fields[field] == "" {
			t.Errorf("no message for field %q (fields %v)", field, r.Fields)
		}
		if msg != "" && r.Fields[field] != msg {
			t.Errorf("field %q message = %q, want %q", field, r.Fields[field], msg)
		}
	} else if msg != "" && r.Message != msg {
		t.Errorf("message = %q, want %q", r.Message, msg)
	}
	if c != nil {
		t.Errorf("a refused post returned a comment: %+v", c)
	}
	if n := e.total(t); n != before {
		t.Errorf("%d comments after a refusal, want %d: nothing may be stored", n, before)
	}
}

// TestPostRefusals goes through every rule that refuses a comment outright.
func TestPostRefusals(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		def := settings(t)
		// Parents to reply to: an approved comment, a held one, a spam one,
		// and an approved one under another article.
		approvedParent := e.approved(t, def, e.person("Parent Approved"))
		heldParent := e.mustPost(t, def, e.person("Parent Held"))
		spamParent := e.mustPost(t, def, e.person("Parent Spam"))
		if err := e.svc.Moderate(ctx, communique.System(), spamParent.ID, communique.CommentSpam); err != nil {
			t.Fatal(err)
		}
		otherSub := e.person("Parent Elsewhere")
		otherSub.ArticleID = e.other.ID
		otherParent := e.approved(t, def, otherSub)

		long := func(n int) string { return strings.Repeat("x", n) }
		tests := []struct {
			name     string
			settings []string
			mod      func(s *discussion.Submission)
			// send posts the submission; nil means e.post.
			send  func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error)
			kind  string
			field string
			msg   string
		}{
			// The form token: minimum fill time, forgery, scope, expiry.
			{name: "TooFast", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				return e.postAfter(st, s, 2900*time.Millisecond)
			}, kind: discussion.KindTooFast, msg: discussion.MsgTooFast},
			{name: "TooFastInstantly", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				return e.postAfter(st, s, 0)
			}, kind: discussion.KindTooFast, msg: discussion.MsgTooFast},
			{name: "TooFastWithTenSecondMinimum", settings: []string{"comment_min_seconds", "10"},
				send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
					return e.postAfter(st, s, 9*time.Second)
				}, kind: discussion.KindTooFast, msg: discussion.MsgTooFast},
			{name: "MissingToken", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				e.clock.Add(20 * time.Second)
				return e.svc.Post(ctx, st, s)
			}, kind: discussion.KindToken, msg: discussion.MsgToken},
			{name: "ForgedToken", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				e.clock.Add(20 * time.Second)
				s.Token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				return e.svc.Post(ctx, st, s)
			}, kind: discussion.KindToken, msg: discussion.MsgToken},
			{name: "TokenFromAnotherKey", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				other := formtoken.NewSigner([]byte("somebody else's key"))
				other.Now = e.clock.Now
				s.Token = other.Issue(discussion.TokenScope(s.ArticleID))
				e.clock.Add(20 * time.Second)
				return e.svc.Post(ctx, st, s)
			}, kind: discussion.KindToken, msg: discussion.MsgToken},
			{name: "TamperedToken", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				tok := []byte(e.svc.IssueToken(s.ArticleID))
				tok[len(tok)/2] ^= 1
				s.Token = string(tok)
				e.clock.Add(20 * time.Second)
				return e.svc.Post(ctx, st, s)
			}, kind: discussion.KindToken, msg: discussion.MsgToken},
			{name: "TokenOfAnotherArticle", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				s.Token = e.svc.IssueToken(e.other.ID)
				e.clock.Add(20 * time.Second)
				return e.svc.Post(ctx, st, s)
			}, kind: discussion.KindToken, msg: discussion.MsgToken},
			{name: "ExpiredToken", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				return e.postAfter(st, s, 8*24*time.Hour)
			}, kind: discussion.KindToken, msg: discussion.MsgToken},

			// The honeypot people cannot see.
			{name: "Honeypot", mod: func(s *discussion.Submission) { s.Honeypot = "http://cheap.example" },
				kind: discussion.KindRejected},

			// Every field limit, with WordPress's numbers.
			{name: "NameMissing", mod: func(s *discussion.Submission) { s.Author = "  " },
				kind: discussion.KindInvalid, field: "author", msg: "Please enter your name."},
			{name: "NameTooLong", mod: func(s *discussion.Submission) { s.Author = long(246) },
				kind: discussion.KindInvalid, field: "author", msg: "Your name is too long (at most 245 characters)."},
			{name: "NameOnTwoLines", mod: func(s *discussion.Submission) { s.Author = "Ann\nSmith" },
				kind: discussion.KindInvalid, field: "author"},
			{name: "EmailMissing", mod: func(s *discussion.Submission) { s.Email = "" },
				kind: discussion.KindInvalid, field: "email", msg: "Please enter your email address. It will not be published."},
			{name: "EmailTooLong", mod: func(s *discussion.Submission) { s.Email = long(89) + "@example.com" },
				kind: discussion.KindInvalid, field: "email", msg: "Your email address is too long (at most 100 characters)."},
			{name: "EmailInvalid", mod: func(s *discussion.Submission) { s.Email = "ann-at-example.com" },
				kind: discussion.KindInvalid, field: "email", msg: "Please enter a valid email address, such as name@example.com."},
			{name: "EmailWithoutDomainDot", mod: func(s *discussion.Submission) { s.Email = "ann@localhost" },
				kind: discussion.KindInvalid, field: "email"},
			{name: "EmailWithName", mod: func(s *discussion.Submission) { s.Email = "Ann <ann@example.com>" },
				kind: discussion.KindInvalid, field: "email"},
			{name: "URLInvalid", mod: func(s *discussion.Submission) { s.URL = "not a website" },
				kind: discussion.KindInvalid, field: "url", msg: "Please enter a website address starting with http:// or https://, or leave it empty."},
			{name: "URLJavaScript", mod: func(s *discussion.Submission) { s.URL = "javascript:alert(1)" },
				kind: discussion.KindInvalid, field: "url"},
			{name: "URLWithQuote", mod: func(s *discussion.Submission) { s.URL = `https://ann.example/"onmouseover="x` },
				kind: discussion.KindInvalid, field: "url"},
			{name: "URLTooLong", mod: func(s *discussion.Submission) { s.URL = "https://example.com/" + long(181) },
				kind: discussion.KindInvalid, field: "url", msg: "Your website address is too long (at most 200 characters)."},
			{name: "CommentEmpty", mod: func(s *discussion.Submission) { s.Text = "" },
				kind: discussion.KindInvalid, field: "comment", msg: "Please type your comment."},
			{name: "CommentBlank", mod: func(s *discussion.Submission) { s.Text = " \n\t " },
				kind: discussion.KindInvalid, field: "comment", msg: "Please type your comment."},
			{name: "CommentTooLong", mod: func(s *discussion.Submission) { s.Text = long(65526) },
				kind: discussion.KindInvalid, field: "comment", msg: "Your comment is too long (at most 65,525 characters)."},
			{name: "CommentInvalidUTF8", mod: func(s *discussion.Submission) { s.Text = "bad \xff byte" },
				kind: discussion.KindInvalid, field: "comment"},
			{name: "CommentNulByte", mod: func(s *discussion.Submission) { s.Text = "nul \x00 byte" },
				kind: discussion.KindInvalid, field: "comment"},

			// Articles that take no comments.
			{name: "ClosedArticle", mod: func(s *discussion.Submission) { s.ArticleID = e.closed.ID },
				kind: discussion.KindClosed, msg: discussion.MsgClosed},
			{name: "AutoClosedOldArticle", settings: []string{"close_comments_days_old", "7"},
				mod:  func(s *discussion.Submission) { s.ArticleID = e.old.ID },
				kind: discussion.KindClosed, msg: discussion.MsgClosed},
			{name: "UnknownArticle", mod: func(s *discussion.Submission) { s.ArticleID = 999999 },
				kind: discussion.KindClosed},

			// Replies only to approved comments of the same article.
			{name: "ParentPending", mod: func(s *discussion.Submission) { s.ParentID = heldParent.ID },
				kind: discussion.KindInvalid, field: "comment_parent"},
			{name: "ParentSpam", mod: func(s *discussion.Submission) { s.ParentID = spamParent.ID },
				kind: discussion.KindInvalid, field: "comment_parent"},
			{name: "ParentOnOtherArticle", mod: func(s *discussion.Submission) { s.ParentID = otherParent.ID },
				kind: discussion.KindInvalid, field: "comment_parent"},
			{name: "ParentUnknown", mod: func(s *discussion.Submission) { s.ParentID = 999999 },
				kind: discussion.KindInvalid, field: "comment_parent"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st := settings(t, tt.settings...)
				sub := e.person("Refused " + tt.name)
				if tt.mod != nil {
					tt.mod(&sub)
				}
				send := tt.send
				if send == nil {
					send = e.post
				}
				before := e.total(t)
				c, err := send(st, sub)
				wantRefused(t, e, before, c, err, tt.kind, tt.field, tt.msg)
			})
		}

		// The same kinds of input one step inside the limits pass.
		accepted := []struct {
			name     string
			settings []string
			mod      func(s *discussion.Submission)
			send     func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error)
		}{
			{name: "FiveSeconds", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				return e.postAfter(st, s, 5*time.Second)
			}},
			{name: "ThreeSeconds", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				return e.postAfter(st, s, 3*time.Second)
			}},
			{name: "NoMinimum", settings: []string{"comment_min_seconds", "0"}, send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				return e.postAfter(st, s, 0)
			}},
			{name: "SkipTokenForTrustedCallers", send: func(st *communique.Settings, s discussion.Submission) (*communique.Comment, error) {
				e.clock.Add(20 * time.Second)
				s.SkipToken = true
				return e.svc.Post(ctx, st, s)
			}},
			{name: "NameAtLimit", mod: func(s *discussion.Submission) { s.Author = long(245) }},
			{name: "EmailAtLimit", mod: func(s *discussion.Submission) { s.Email = long(88) + "@example.com" }},
			{name: "URLAtLimit", mod: func(s *discussion.Submission) { s.URL = "https://example.com/" + long(180) }},
			{name: "URLWithoutScheme", mod: func(s *discussion.Submission) { s.URL = "ann.example" }},
			{name: "CommentAtLimit", mod: func(s *discussion.Submission) { s.Text = long(65525) }},
			{name: "NoNameOrEmailWhenNotRequired", settings: []string{"comment_require_name_email", "false"},
				mod: func(s *discussion.Submission) { s.Author, s.Email = "", "" }},
			{name: "OldArticleWithoutAutoClose", mod: func(s *discussion.Submission) { s.ArticleID = e.old.ID }},
			{name: "OldArticleYoungerThanLimit", settings: []string{"close_comments_days_old", "365"},
				mod: func(s *discussion.Submission) { s.ArticleID = e.old.ID }},
			{name: "ReplyToApproved", mod: func(s *discussion.Submission) { s.ParentID = approvedParent.ID }},
		}
		for _, tt := range accepted {
			t.Run("OK"+tt.name, func(t *testing.T) {
				st := settings(t, tt.settings...)
				sub := e.person("Accepted " + tt.name)
				if tt.mod != nil {
					tt.mod(&sub)
				}
				send := tt.send
				if send == nil {
					send = e.post
				}
				c, err := send(st, sub)
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				got := e.find(t, c.ID)
				if got.Status != communique.CommentPending {
					t.Errorf("status = %q, want pending (a first comment)", got.Status)
				}
				if got.Text != strings.TrimSpace(sub.Text) || got.ArticleID != sub.ArticleID || got.ParentID != sub.ParentID {
					t.Errorf("stored %+v, want the submission %+v", got, sub)
				}
				if got.AuthorIP != sub.IP || got.UserAgent != sub.UserAgent || got.OwnerKey != sub.OwnerKey {
					t.Errorf("stored ip %q agent %q key %q", got.AuthorIP, got.UserAgent, got.OwnerKey)
				}
				if len(got.AvatarHash) != 32 || strings.Contains(got.AvatarHash, "@") {
					t.Errorf("avatar hash = %q, want 32 hex characters", got.AvatarHash)
				}
			})
		}

		t.Run("ModeratorRepliesToHeld", func(t *testing.T) {
			// A moderator may answer a held comment (WordPress lets them,
			// as they approve it); spam stays out of reach for them too.
			sub := e.person("Desk Reply")
			sub.By, sub.ParentID, sub.SkipToken = e.author, heldParent.ID, true
			c, err := e.svc.Post(ctx, settings(t), sub)
			if err != nil {
				t.Fatalf("moderator reply to a held comment refused: %v", err)
			}
			if got := e.find(t, c.ID); got.ParentID != heldParent.ID {
				t.Errorf("reply parent = %d, want the held comment %d", got.ParentID, heldParent.ID)
			}
			sub.ParentID, sub.Text = spamParent.ID, "To the spam."
			before := e.total(t)
			c, err = e.svc.Post(ctx, settings(t), sub)
			wantRefused(t, e, before, c, err, discussion.KindInvalid, "comment_parent", "")
		})
		t.Run("URLNormalized", func(t *testing.T) {
			sub := e.person("Site Owner")
			sub.URL = "  ann.example/blog  "
			c := e.mustPost(t, settings(t), sub)
			if got := e.find(t, c.ID).AuthorURL; got != "http://ann.example/blog" {
				t.Errorf("stored url = %q, want http://ann.example/blog", got)
			}
		})
		t.Run("AvatarIsKeyedNotTheEmail", func(t *testing.T) {
			sub := e.person("Avatar Owner")
			c := e.mustPost(t, settings(t), sub)
			again := sub
			again.Email = "  " + strings.ToUpper(sub.Email) + " "
			again.Text = "A second thought."
			c2 := e.mustPost(t, settings(t), again)
			if c.AvatarHash != c2.AvatarHash {
				t.Errorf("the same email in other case got another avatar: %s, %s", c.AvatarHash, c2.AvatarHash)
			}
			if want := avatar.New([]byte("test avatar key")).Hash(sub.Email); c.AvatarHash != want {
				t.Errorf("avatar hash = %s, want the keyed hash %s", c.AvatarHash, want)
			}
		})
	})
}

// TestFlood checks the interval between two comments of one commenter
// (the same email or the same browser) and the looser limit per address.
func TestFlood(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		st := settings(t, "comment_flood_address_limit", "3", "comment_min_seconds", "0")
		first := e.person("Fast Typist")
		e.mustPost(t, st, first) // at T0; the flood interval is 15 s
		refused := func(t *testing.T, sub discussion.Submission, after, wantWait time.Duration) {
			t.Helper()
			before := e.total(t)
			c, err := e.postAfter(st, sub, after)
			wantRefused(t, e, before, c, err, discussion.KindFlood, "", "")
			r := discussion.AsError(err)
			if r == nil {
				return
			}
			secs := int(wantWait / time.Second)
			if want := fmt.Sprintf("Please wait %d seconds", secs); !strings.HasPrefix(r.Message, discussion.MsgFlood) || !strings.Contains(r.Message, want) {
				t.Errorf("message = %q, want %q and %q", r.Message, discussion.MsgFlood, want)
			}
			if r.RetryAfter != wantWait {
				t.Errorf("RetryAfter = %v, want %v", r.RetryAfter, wantWait)
			}
		}
		accepted := func(t *testing.T, sub discussion.Submission, after time.Duration) {
			t.Helper()
			if _, err := e.postAfter(st, sub, after); err != nil {
				t.Fatalf("%s was refused: %v", sub.Author, err)
			}
		}
		sameDesk := func(name string) discussion.Submission {
			sub := e.person(name)
			sub.IP = first.IP
			return sub
		}
		t.Run("SameEmailOtherAddressAndBrowser", func(t *testing.T) {
			sub := e.person("Fast Typist")
			sub.Email = strings.ToUpper(first.Email)
			refused(t, sub, 5*time.Second, 10*time.Second) // T0+5
		})
		t.Run("SameBrowserOtherEmail", func(t *testing.T) {
			sub := e.person("Fast Typist Again")
			sub.OwnerKey = first.OwnerKey
			refused(t, sub, time.Second, 9*time.Second) // T0+6
		})
		t.Run("OthersAtTheSameAddress", func(t *testing.T) {
			accepted(t, sameDesk("Same Desk"), time.Second)                // T0+7: 2 from the address
			accepted(t, sameDesk("Next Desk"), time.Second)                // T0+8: 3 from the address
			refused(t, sameDesk("Third Desk"), time.Second, 6*time.Second) // T0+9: the 4th waits for T0+15
		})
		t.Run("OtherAddressMeanwhile", func(t *testing.T) {
			accepted(t, e.person("Someone Else"), time.Second) // T0+10
		})
		t.Run("AfterTheInterval", func(t *testing.T) {
			accepted(t, sameDesk("Third Desk"), 6*time.Second) // T0+16: T0 left the window
			sub := e.person("Fast Typist")
			sub.Email, sub.OwnerKey, sub.Text = first.Email, first.OwnerKey, "A second thought, later."
			accepted(t, sub, 0)
		})
		t.Run("TrustedSkipFlood", func(t *testing.T) {
			sub := sameDesk("Editor")
			sub.Trusted = true
			accepted(t, sub, 0)
		})
		t.Run("FloodOff", func(t *testing.T) {
			if _, err := e.postAfter(settings(t, "comment_flood_seconds", "0", "comment_min_seconds", "0"), sameDesk("No Limits"), 0); err != nil {
				t.Fatalf("refused with flood control off: %v", err)
			}
		})
	})
}

// TestDuplicate refuses the same words twice from the same commenter, with
// WordPress's message.
func TestDuplicate(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		st := settings(t)
		sub := e.person("Repeater")
		sub.Text = "  I said this once.  "
		e.mustPost(t, st, sub)
		before := e.total(t)
		c, err := e.post(st, sub)
		wantRefused(t, e, before, c, err, discussion.KindDuplicate, "",
			"Duplicate comment detected; it looks as though you’ve already said that!")
		if discussion.MsgDuplicate != "Duplicate comment detected; it looks as though you’ve already said that!" {
			t.Errorf("MsgDuplicate = %q", discussion.MsgDuplicate)
		}

		t.Run("SameWordsOnAnotherArticle", func(t *testing.T) {
			s := sub
			s.ArticleID = e.other.ID
			if _, err := e.post(st, s); err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
		t.Run("SameWordsFromSomeoneElse", func(t *testing.T) {
			s := e.person("Echo")
			s.Text = sub.Text
			if _, err := e.post(st, s); err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
	})
}

// TestModeration checks which status each rule gives a new comment.
func TestModeration(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		def := settings(t)

		t.Run("FirstHeldThenPreviouslyApproved", func(t *testing.T) {
			sub := e.person("Regular Reader")
			first := e.mustPost(t, def, sub)
			if first.Status != communique.CommentPending {
				t.Fatalf("first comment status = %q, want pending", first.Status)
			}
			second := sub
			second.Text = "A second comment before the first is approved."
			if c := e.mustPost(t, def, second); c.Status != communique.CommentPending {
				t.Errorf("second comment before approval = %q, want pending", c.Status)
			}
			if err := e.svc.Moderate(ctx, communique.System(), first.ID, communique.CommentApproved); err != nil {
				t.Fatal(err)
			}
			third := sub
			third.Text = "Now I am a regular."
			third.IP = "198.51.100.77" // from another place, same name and email
			if c := e.mustPost(t, def, third); c.Status != communique.CommentApproved {
				t.Errorf("comment after an approved one = %q, want approved", c.Status)
			}
			caseEmail := sub
			caseEmail.Email = strings.ToUpper(sub.Email)
			caseEmail.Text = "Shouting my address."
			if c := e.mustPost(t, def, caseEmail); c.Status != communique.CommentApproved {
				t.Errorf("same email in capitals = %q, want approved", c.Status)
			}
			otherName := sub
			otherName.Author = "Impostor"
			otherName.Text = "Same email, another name."
			if c := e.mustPost(t, def, otherName); c.Status != communique.CommentPending {
				t.Errorf("same email with another name = %q, want pending", c.Status)
			}
			// As in WordPress, with the rule off nobody needs an approved
			// comment first: a newcomer goes straight through.
			if c := e.mustPost(t, settings(t, "comment_previously_approved", "false"), e.person("Newcomer")); c.Status != communique.CommentApproved {
				t.Errorf("a newcomer with comment_previously_approved off = %q, want approved", c.Status)
			}
		})

		// A regular reader, so a hold comes from the rule under test.
		regular := e.person("Trusted Regular")
		e.approved(t, def, regular)
		say := func(text string) discussion.Submission {
			s := regular
			s.Text = text
			return s
		}
		tests := []struct {
			name     string
			settings []string
			sub      discussion.Submission
			want     communique.CommentStatus
		}{
			{"RegularApproved", nil, say("Plain words."), communique.CommentApproved},
			{"TwoLinksApproved", nil, say("See https://a.example/1 and https://b.example/2 please."), communique.CommentApproved},
			{"ThreeLinksHeld", nil, say("See https://a.example/1 and https://b.example/2 and https://c.example/3."), communique.CommentPending},
			{"ThreeAnchorsHeld", nil, say(`<a href="https://a.example">a</a> <a href="https://b.example">b</a> <a href="https://c.example">c</a>`), communique.CommentPending},
			{"LinkLimitZero", []string{"comment_max_links", "0"}, say("Only https://a.example/ here."), communique.CommentPending},
			{"ModerationWordHeld", []string{"moderation_keys", "casino\nlottery"}, say("Fancy the LOTTERY tonight?"), communique.CommentPending},
			{"ModerationWordInName", []string{"moderation_keys", "regular"}, say("Innocent text."), communique.CommentPending},
			{"ModerationWordInEmail", []string{"moderation_keys", "@example.com"}, say("Innocent text again."), communique.CommentPending},
			{"ModerationIP", []string{"moderation_keys", regular.IP}, say("From a watched address."), communique.CommentPending},
			{"ModerationWordAbsent", []string{"moderation_keys", "casino"}, say("Nothing to see."), communique.CommentApproved},
			{"DisallowedToTrash", []string{"disallowed_keys", "viagra"}, say("Cheap Viagra here."), communique.CommentTrash},
			{"DisallowedToSpam", []string{"disallowed_keys", "viagra", "disallowed_status", "spam"}, say("More viagra here."), communique.CommentSpam},
			{"DisallowedBeatsModeration", []string{"disallowed_keys", "pills", "moderation_keys", "pills"}, say("Some pills."), communique.CommentTrash},
			{"HoldEverything", []string{"comment_moderation", "true"}, say("Held although I am a regular."), communique.CommentPending},
			{"TrustedUserApproved", []string{"comment_moderation", "true"}, func() discussion.Submission {
				s := e.person("Staff Writer")
				s.Trusted = true
				return s
			}(), communique.CommentApproved},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := e.mustPost(t, settings(t, tt.settings...), tt.sub)
				if c.Status != tt.want {
					t.Errorf("status = %q, want %q", c.Status, tt.want)
				}
				if got := e.find(t, c.ID).Status; got != tt.want {
					t.Errorf("stored status = %q, want %q", got, tt.want)
				}
			})
		}

		t.Run("ModerateErrNotFound", func(t *testing.T) {
			if err := e.svc.Moderate(ctx, communique.System(), 999999, communique.CommentApproved); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("Moderate(unknown) = %v, want ENOTFOUND", err)
			}
		})
	})
}

// TestDepth checks replies deeper than thread_comments_depth attach to the
// deepest allowed comment.
func TestDepth(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		def := settings(t)
		reply := func(parent int64, name string) discussion.Submission {
			s := e.person(name)
			s.ParentID, s.Trusted = parent, true
			return s
		}
		root := e.mustPost(t, def, reply(0, "Level One"))
		two := e.mustPost(t, def, reply(root.ID, "Level Two"))
		three := e.mustPost(t, def, reply(two.ID, "Level Three"))
		tests := []struct {
			name       string
			depth      string
			parent     int64
			wantParent int64
		}{
			{"WithinDepth", "5", three.ID, three.ID},
			{"ClampedToDepth3", "3", three.ID, two.ID},
			{"ClampedToDepth2", "2", three.ID, root.ID},
			{"NoThreading", "1", three.ID, 0},
			{"ReplyToRootWithoutThreading", "1", root.ID, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := e.mustPost(t, settings(t, "thread_comments_depth", tt.depth), reply(tt.parent, "Depth "+tt.name))
				if c.ParentID != tt.wantParent {
					t.Errorf("parent = %d, want %d", c.ParentID, tt.wantParent)
				}
				wantThread := root.ID
				if tt.wantParent == 0 {
					wantThread = c.ID
				}
				if got := e.find(t, c.ID); got.ParentID != tt.wantParent || got.ThreadID != wantThread {
					t.Errorf("stored parent %d thread %d, want %d and %d", got.ParentID, got.ThreadID, tt.wantParent, wantThread)
				}
			})
		}
	})
}

// TestClassifier trains the classifier through moderation decisions only
// and checks it then sends an obviously spammy comment to spam.
func TestClassifier(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		def := settings(t)
		spammy := func(i int) discussion.Submission {
			return discussion.Submission{ArticleID: e.article.ID, Author: "Cheap Pills Online",
				Email: fmt.Sprintf("deals%d@pharma-deals.example", i), URL: "http://pharma-deals.example",
				Text: fmt.Sprintf("Buy cheap viagra pills online, best casino bonus, free money now!!! http://pharma-deals.example/offer/%d", i),
				IP:   fmt.Sprintf("203.0.113.%d", i+1), SkipToken: true, Trusted: true}
		}
		hammy := func(i int) discussion.Submission {
			names := []string{"Ann", "Bob", "Carla", "Dev", "Emil", "Fatima", "Gus", "Hana", "Ivo", "Jules", "Kim", "Lea"}
			return discussion.Submission{ArticleID: e.article.ID, Author: names[i%len(names)] + " Local",
				Email: fmt.Sprintf("reader%d@example.org", i),
				Text:  fmt.Sprintf("Thanks for the reporting on the harbour bridge; the new ferry schedule (%d) makes my commute easier.", i),
				IP:    fmt.Sprintf("198.51.100.%d", i+1), SkipToken: true, Trusted: true}
		}
		counts := map[bool]int{}
		for i := 0; i < 10; i++ {
			for _, isSpam := range []bool{true, false} {
				sub, status := hammy(i), communique.CommentApproved
				if isSpam {
					sub, status = spammy(i), communique.CommentSpam
				}
				e.clock.Add(time.Second)
				c, err := e.svc.Post(ctx, def, sub)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.svc.Moderate(ctx, communique.System(), c.ID, status); err != nil {
					t.Fatal(err)
				}
				counts[isSpam]++
			}
		}
		learned, err := e.db.SpamCounts(ctx, nil)
		if err != nil || learned.Spam != 10 || learned.Ham != 10 {
			t.Fatalf("learned totals = %+v (%v), want 10 spam and 10 ham", learned, err)
		}

		spamSub := discussion.Submission{ArticleID: e.article.ID, Author: "Cheap Pills Online", Email: "new@pharma-deals.example",
			URL: "http://pharma-deals.example", Text: "Cheap viagra pills and casino bonus, free money online now!!! http://pharma-deals.example/new",
			IP: "203.0.113.200", UserAgent: "bot", OwnerKey: "spammer"}
		c, err := e.post(def, spamSub)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != communique.CommentSpam {
			t.Errorf("spammy comment status = %q (score %.3f), want spam", c.Status, c.SpamScore)
		}
		if got := e.find(t, c.ID); got.SpamScore < 0.9 || got.SpamScore > 1 || got.SpamScore != c.SpamScore {
			t.Errorf("stored spam score = %v (returned %v), want the score from 0.9 to 1 recorded", got.SpamScore, c.SpamScore)
		}

		hamSub := discussion.Submission{ArticleID: e.article.ID, Author: "Nora Local", Email: "nora@example.org",
			Text: "The harbour bridge reporting was clear; thanks for the ferry schedule details.",
			IP:   "198.51.100.200", OwnerKey: "nora"}
		h, err := e.post(def, hamSub)
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != communique.CommentPending || h.SpamScore >= 0.5 {
			t.Errorf("ordinary first comment: status %q score %.3f, want pending under 0.5", h.Status, h.SpamScore)
		}
		if got := e.find(t, h.ID).SpamScore; got != h.SpamScore {
			t.Errorf("stored score %v, returned %v", got, h.SpamScore)
		}

		t.Run("ThresholdOne", func(t *testing.T) {
			s := spamSub
			s.Email, s.IP, s.Text = "other@pharma-deals.example", "203.0.113.201", s.Text+" Again!"
			c, err := e.post(settings(t, "spam_threshold", "1"), s)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status == communique.CommentSpam {
				t.Errorf("spam_threshold 1 still sent a comment to spam (score %.3f)", c.SpamScore)
			}
		})
		t.Run("RetrainMovesCounts", func(t *testing.T) {
			// A moderator rescues the comment: it counts as ham now, once.
			if err := e.svc.Moderate(ctx, communique.System(), c.ID, communique.CommentApproved); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Moderate(ctx, communique.System(), h.ID, communique.CommentSpam); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Moderate(ctx, communique.System(), h.ID, communique.CommentSpam); err != nil {
				t.Fatal(err)
			}
			got, err := e.db.SpamCounts(ctx, nil)
			if err != nil || got.Spam != 11 || got.Ham != 11 {
				t.Errorf("totals = %+v (%v), want 11 spam and 11 ham", got, err)
			}
		})
	})
}

// TestEdit covers a commenter's second thoughts: editing and withdrawing
// their own comment from the same browser within the window.
func TestEdit(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		def := settings(t)
		sub := e.person("Second Thoughts")
		sub.Text = "Teh bridge is open."
		c := e.approved(t, def, sub)

		t.Run("OK", func(t *testing.T) {
			e.clock.Add(time.Minute)
			edited, err := e.svc.Edit(ctx, def, c.ID, sub.OwnerKey, "  The bridge is open.  ")
			if err != nil {
				t.Fatal(err)
			}
			if edited.Text != "The bridge is open." || !strings.Contains(edited.HTML, "The bridge is open.") {
				t.Errorf("edited text %q html %q", edited.Text, edited.HTML)
			}
			if edited.Status != communique.CommentApproved {
				t.Errorf("status after a harmless edit = %q, want approved", edited.Status)
			}
			if !edited.EditedAt.Equal(e.clock.Now()) {
				t.Errorf("edited_at = %v, want %v", edited.EditedAt, e.clock.Now())
			}
			revs, err := e.db.FindCommentRevisions(ctx, c.ID)
			if err != nil || len(revs) != 1 || revs[0].Text != "Teh bridge is open." {
				t.Errorf("revisions = %+v (%v), want the old text", revs, err)
			}
		})
		t.Run("LinksHoldAgain", func(t *testing.T) {
			edited, err := e.svc.Edit(ctx, def, c.ID, sub.OwnerKey,
				"The bridge is open. https://a.example/1 https://b.example/2 https://c.example/3")
			if err != nil {
				t.Fatal(err)
			}
			if edited.Status != communique.CommentPending {
				t.Errorf("status after adding three links = %q, want pending", edited.Status)
			}
			if revs, _ := e.db.FindCommentRevisions(ctx, c.ID); len(revs) != 2 || revs[1].Text != "The bridge is open." {
				t.Errorf("revisions = %+v, want two, the latest the text before this edit", revs)
			}
		})
		t.Run("EditNeverApprovesHeld", func(t *testing.T) {
			edited, err := e.svc.Edit(ctx, def, c.ID, sub.OwnerKey, "The bridge is open, no links.")
			if err != nil {
				t.Fatal(err)
			}
			if edited.Status != communique.CommentPending {
				t.Errorf("a held comment edited into harmless text = %q, want still pending", edited.Status)
			}
		})
		t.Run("DisallowedWordTrashes", func(t *testing.T) {
			s := e.person("Sneaky")
			spam := e.approved(t, def, s)
			edited, err := e.svc.Edit(ctx, settings(t, "disallowed_keys", "casino"), spam.ID, s.OwnerKey, "Visit my casino.")
			if err != nil {
				t.Fatal(err)
			}
			if edited.Status != communique.CommentTrash {
				t.Errorf("status after editing in a disallowed word = %q, want trash", edited.Status)
			}
		})
		t.Run("ErrEmpty", func(t *testing.T) {
			_, err := e.svc.Edit(ctx, def, c.ID, sub.OwnerKey, "   ")
			r := discussion.AsError(err)
			if r == nil || r.Kind != discussion.KindInvalid || r.Fields["comment"] != "Please type your comment." {
				t.Errorf("empty edit: %v, want an invalid comment field", err)
			}
			if got := e.find(t, c.ID).Text; got != "The bridge is open, no links." {
				t.Errorf("text after a refused edit = %q", got)
			}
		})
		t.Run("ErrOtherBrowser", func(t *testing.T) {
			for _, key := range []string{"someone-else", ""} {
				_, err := e.svc.Edit(ctx, def, c.ID, key, "Hijacked.")
				if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindForbidden {
					t.Errorf("edit with key %q: %v, want forbidden", key, err)
				}
				if err := e.svc.Withdraw(ctx, def, c.ID, key); discussion.AsError(err) == nil || discussion.AsError(err).Kind != discussion.KindForbidden {
					t.Errorf("withdraw with key %q: %v, want forbidden", key, err)
				}
			}
			if got := e.find(t, c.ID); got.Text == "Hijacked." || got.Status == communique.CommentTrash {
				t.Errorf("another browser changed the comment: %+v", got)
			}
		})
		t.Run("ErrEditingOff", func(t *testing.T) {
			_, err := e.svc.Edit(ctx, settings(t, "comment_edit_minutes", "0"), c.ID, sub.OwnerKey, "Not allowed.")
			if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindForbidden {
				t.Errorf("edit with comment_edit_minutes=0: %v, want forbidden", err)
			}
		})
		t.Run("ErrAfterWindow", func(t *testing.T) {
			late := e.person("Late Editor")
			lc := e.approved(t, def, late)
			e.clock.Add(9*time.Minute + 59*time.Second)
			if !discussion.CanEdit(e.find(t, lc.ID), late.OwnerKey, def, e.clock.Now()) {
				t.Error("CanEdit is false just inside the 10 minutes")
			}
			e.clock.Add(2 * time.Second)
			_, err := e.svc.Edit(ctx, def, lc.ID, late.OwnerKey, "Too late.")
			if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindForbidden {
				t.Errorf("edit after 10 minutes: %v, want forbidden", err)
			}
			if err := e.svc.Withdraw(ctx, def, lc.ID, late.OwnerKey); discussion.AsError(err) == nil {
				t.Errorf("withdraw after 10 minutes: %v, want forbidden", err)
			}
			if _, err := e.svc.Edit(ctx, settings(t, "comment_edit_minutes", "30"), lc.ID, late.OwnerKey, "Within a longer window."); err != nil {
				t.Errorf("edit with a 30-minute window: %v", err)
			}
		})
		t.Run("Withdraw", func(t *testing.T) {
			w := e.person("Withdrawer")
			wc := e.mustPost(t, def, w)
			if err := e.svc.Withdraw(ctx, def, wc.ID, w.OwnerKey); err != nil {
				t.Fatal(err)
			}
			if got := e.find(t, wc.ID).Status; got != communique.CommentTrash {
				t.Errorf("withdrawn comment status = %q, want trash", got)
			}
			if _, err := e.svc.Edit(ctx, def, wc.ID, w.OwnerKey, "Back from the trash?"); discussion.AsError(err) == nil {
				t.Errorf("edit of a withdrawn comment: %v, want forbidden", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := e.svc.Edit(ctx, def, 999999, sub.OwnerKey, "x"); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("edit of a missing comment: %v, want ENOTFOUND", err)
			}
		})
	})
}

// TestCommentsOpen checks the switch per article and the auto-close rule.
func TestCommentsOpen(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		now := start
		tests := []struct {
			name string
			a    *communique.Article
			days string
			want bool
		}{
			{"Open", e.article, "0", true},
			{"ClosedSwitch", e.closed, "0", false},
			{"OldWithoutRule", e.old, "0", true},
			{"OldPastRule", e.old, "7", false},
			{"OldWithinRule", e.old, "11", true},
			{"NewWithRule", e.article, "1", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := discussion.CommentsOpen(tt.a, settings(t, "close_comments_days_old", tt.days), now); got != tt.want {
					t.Errorf("CommentsOpen = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("Scheduled", func(t *testing.T) {
			a := *e.article
			a.PublishedAt = now.Add(time.Hour)
			if discussion.CommentsOpen(&a, settings(t), now) {
				t.Error("an article not yet published takes comments")
			}
		})
	})
}

// TestThread checks the assembled discussion: threads, pages, order and
// the owner's held comments.
func TestThread(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		def := settings(t)
		add := func(name string, parent int64, trusted bool, key string) *communique.Comment {
			t.Helper()
			s := e.person(name)
			s.ParentID, s.Trusted, s.Text = parent, trusted, name+" says so."
			if key != "" {
				s.OwnerKey = key
			}
			return e.mustPost(t, def, s)
		}
		// r1 ─┬─ a ─── a1
		//     └─ (own pending reply)
		// r2, (own pending root), r3 ─── b, r4, r5, (spam root)
		r1 := add("R1", 0, true, "")
		a := add("A", r1.ID, true, "")
		add("A1", a.ID, true, "")
		ownReply := add("Own Reply", r1.ID, false, "own-key")
		r2 := add("R2", 0, true, "")
		ownRoot := add("Own Root", 0, false, "own-key")
		r3 := add("R3", 0, true, "")
		add("B", r3.ID, true, "")
		r4 := add("R4", 0, true, "")
		r5 := add("R5", 0, true, "")
		spamRoot := add("Spam Root", 0, true, "own-key")
		if err := e.svc.Moderate(ctx, communique.System(), spamRoot.ID, communique.CommentSpam); err != nil {
			t.Fatal(err)
		}
		if ownReply.Status != communique.CommentPending || ownRoot.Status != communique.CommentPending {
			t.Fatalf("own comments are %q and %q, want pending", ownReply.Status, ownRoot.Status)
		}

		// shape renders a page as "R1[A[A1]] R2" with each depth checked.
		var shape func(list []*communique.Comment, depth int) string
		shape = func(list []*communique.Comment, depth int) string {
			var parts []string
			for _, c := range list {
				if c.Depth != depth {
					t.Errorf("%s at depth %d, want %d", c.AuthorName, c.Depth, depth)
				}
				s := c.AuthorName
				if len(c.Replies) > 0 {
					s += "[" + shape(c.Replies, depth+1) + "]"
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, " ")
		}
		tests := []struct {
			name      string
			settings  []string
			page      int
			key       string
			want      string
			wantPages int
			wantTotal int
			wantOwn   int
		}{
			{"Page1", []string{"comments_per_page", "2"}, 1, "", "R1[A[A1]] R2", 3, 5, 0},
			{"Page2", []string{"comments_per_page", "2"}, 2, "", "R3[B] R4", 3, 5, 0},
			{"Page3", []string{"comments_per_page", "2"}, 3, "", "R5", 3, 5, 0},
			{"PageZeroIsFirst", []string{"comments_per_page", "2"}, 0, "", "R1[A[A1]] R2", 3, 5, 0},
			{"PastTheEnd", []string{"comments_per_page", "2"}, 4, "", "", 3, 5, 0},
			{"AllOnOnePage", nil, 1, "", "R1[A[A1]] R2 R3[B] R4 R5", 1, 5, 0},
			{"Newest", []string{"comments_per_page", "2", "comment_order", "desc"}, 1, "", "R5 R4", 3, 5, 0},
			{"NewestPage3", []string{"comments_per_page", "2", "comment_order", "desc"}, 3, "", "R1[A[A1]]", 3, 5, 0},
			{"OwnerSeesHeld", nil, 1, "own-key", "R1[A[A1] Own Reply] R2 Own Root R3[B] R4 R5", 1, 6, 2},
			{"OthersDoNot", nil, 1, "another-key", "R1[A[A1]] R2 R3[B] R4 R5", 1, 5, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := e.svc.Thread(ctx, settings(t, tt.settings...), e.article.ID, tt.page, tt.key)
				if err != nil {
					t.Fatal(err)
				}
				if got := shape(p.Threads, 1); got != tt.want {
					t.Errorf("threads = %q, want %q", got, tt.want)
				}
				if p.Pages != tt.wantPages || p.TopLevel != tt.wantTotal || p.OwnPending != tt.wantOwn {
					t.Errorf("pages %d top-level %d own pending %d, want %d %d %d", p.Pages, p.TopLevel, p.OwnPending, tt.wantPages, tt.wantTotal, tt.wantOwn)
				}
				for _, c := range p.Threads {
					if c.AuthorEmail != "" || c.AuthorIP != "" {
						t.Errorf("thread comment %d carries private fields", c.ID)
					}
				}
			})
		}

		t.Run("DepthShownAtMostTheSetting", func(t *testing.T) {
			// A1 sits at level 3; with threading cut to 2 levels it shows at 2.
			p, err := e.svc.Thread(ctx, settings(t, "thread_comments_depth", "2"), e.article.ID, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if d := p.Threads[0].Replies[0].Replies[0].Depth; d != 2 {
				t.Errorf("A1 shown at depth %d, want 2", d)
			}
		})
		t.Run("ReplyUnderHiddenParentShowsUnderRoot", func(t *testing.T) {
			if err := e.svc.Moderate(ctx, communique.System(), a.ID, communique.CommentPending); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { e.svc.Moderate(ctx, communique.System(), a.ID, communique.CommentApproved) })
			p, err := e.svc.Thread(ctx, settings(t, "comments_per_page", "1"), e.article.ID, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := shape(p.Threads, 1); got != "R1[A1]" {
				t.Errorf("threads = %q, want A1 under R1 while A is held", got)
			}
		})
		t.Run("OtherArticleEmpty", func(t *testing.T) {
			p, err := e.svc.Thread(ctx, def, e.other.ID, 1, "own-key")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Threads) != 0 || p.Pages != 1 || p.Visible != 0 {
				t.Errorf("empty discussion = %+v", p)
			}
		})
		ids := func(list []*communique.Comment) []int64 {
			var out []int64
			for _, c := range list {
				out = append(out, c.ID)
			}
			return out
		}
		t.Run("RootsOrderedByTime", func(t *testing.T) {
			p, err := e.svc.Thread(ctx, def, e.article.ID, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ids(p.Threads), []int64{r1.ID, r2.ID, r3.ID, r4.ID, r5.ID}; !slices.Equal(got, want) {
				t.Errorf("roots = %v, want %v", got, want)
			}
		})
	})
}
