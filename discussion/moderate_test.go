package discussion_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/discussion"
	"communique/sqlstore"
	"communique/storetest"
)

// recorder is a notifier and cache that write down what they hear.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
}

func (r *recorder) CommentPosted(_ context.Context, c *communique.Comment) {
	r.add("posted " + string(c.Status) + " " + c.AuthorName)
}

func (r *recorder) CommentApproved(_ context.Context, c *communique.Comment) {
	r.add("approved " + c.AuthorName)
}

func (r *recorder) Subscribe(_ context.Context, email string, articleID int64, comments, posts bool) error {
	r.add("subscribe " + email)
	return nil
}

func (r *recorder) invalidate(tags ...string) { r.add("drop " + tags[0]) }

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// listen makes the service report to a fresh recorder.
func (e *env) listen() *recorder {
	r := &recorder{}
	e.svc.Notify, e.svc.Subscribe, e.svc.Invalidate = r, r, r.invalidate
	return r
}

// held posts a comment that waits for moderation.
func (e *env) held(t *testing.T, name string) *communique.Comment {
	t.Helper()
	c := e.mustPost(t, settings(t, "comment_moderation", "true"), e.person(name))
	if c.Status != communique.CommentPending {
		t.Fatalf("%s's comment is %s, want it held", name, c.Status)
	}
	return c
}

func TestModeratorActions(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		author := storetest.MustCreateUser(t, e.db, "writer", communique.RoleAuthor)
		editor := storetest.MustCreateUser(t, e.db, "editor", communique.RoleEditor)
		article := "drop article:" + strconv.FormatInt(e.article.ID, 10)
		tests := []struct {
			name       string
			by         *communique.User
			act        func(ctx context.Context, by *communique.User, id int64) error
			wantCode   string
			wantStatus communique.CommentStatus // "" when deleted
			wantEvents []string
			wantCounts [2]int64 // classifier totals learned: spam, ham
		}{
			{"ApproveOK", editor, e.svc.Approve, "", communique.CommentApproved, []string{article, "approved ApproveOK"}, [2]int64{0, 1}},
			{"ApproveAsSystemOK", communique.System(), e.svc.Approve, "", communique.CommentApproved, []string{article, "approved ApproveAsSystemOK"}, [2]int64{0, 1}},
			{"ErrApproveForbiddenToAuthors", author, e.svc.Approve, communique.EFORBIDDEN, communique.CommentPending, nil, [2]int64{}},
			{"ErrApproveForbiddenToNobody", nil, e.svc.Approve, communique.EFORBIDDEN, communique.CommentPending, nil, [2]int64{}},
			{"SpamOK", editor, e.svc.Spam, "", communique.CommentSpam, []string{article}, [2]int64{1, 0}},
			{"TrashOK", editor, e.svc.Trash, "", communique.CommentTrash, []string{article}, [2]int64{}},
			{"UnapproveOK", editor, e.svc.Unapprove, "", communique.CommentPending, []string{article}, [2]int64{}},
			{"ErrSpamForbiddenToAuthors", author, e.svc.Spam, communique.EFORBIDDEN, communique.CommentPending, nil, [2]int64{}},
			{"DeleteOK", editor, e.svc.Delete, "", "", []string{article}, [2]int64{}},
			{"ErrDeleteForbiddenToAuthors", author, e.svc.Delete, communique.EFORBIDDEN, communique.CommentPending, nil, [2]int64{}},
			{"ErrUnknownStatus", editor, func(ctx context.Context, by *communique.User, id int64) error {
				return e.svc.Moderate(ctx, by, id, "published")
			}, communique.EINVALID, communique.CommentPending, nil, [2]int64{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := e.held(t, tt.name)
				before, err := e.db.SpamCounts(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				rec := e.listen()
				defer func() { e.svc.Notify, e.svc.Subscribe, e.svc.Invalidate = nil, nil, nil }()
				err = tt.act(ctx, tt.by, c.ID)
				if code := communique.ErrorCode(err); err != nil && code != tt.wantCode || err == nil && tt.wantCode != "" {
					t.Fatalf("err = %v, want code %q", err, tt.wantCode)
				}
				got, err := e.db.FindCommentByID(ctx, c.ID)
				switch {
				case tt.wantStatus == "" && communique.ErrorCode(err) != communique.ENOTFOUND:
					t.Errorf("the comment is still there (%v)", err)
				case tt.wantStatus != "" && err != nil:
					t.Fatal(err)
				case tt.wantStatus != "" && got.Status != tt.wantStatus:
					t.Errorf("status = %s, want %s", got.Status, tt.wantStatus)
				}
				if events := rec.take(); !slices.Equal(events, tt.wantEvents) {
					t.Errorf("side effects = %q, want %q", events, tt.wantEvents)
				}
				after, err := e.db.SpamCounts(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if learned := [2]int64{after.Spam - before.Spam, after.Ham - before.Ham}; learned != tt.wantCounts {
					t.Errorf("classifier learned (spam, ham) %v, want %v", learned, tt.wantCounts)
				}
			})
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			if err := e.svc.Approve(ctx, editor, 999999); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("approving an unknown comment: %v, want ENOTFOUND", err)
			}
		})
	})
}

func TestReply(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		editor := storetest.MustCreateUser(t, e.db, "editor", communique.RoleEditor)
		author := storetest.MustCreateUser(t, e.db, "writer", communique.RoleAuthor)
		st := settings(t, "comment_moderation", "true")
		t.Run("OKApprovesTheHeldParent", func(t *testing.T) {
			parent := e.held(t, "Held Parent")
			rec := e.listen()
			e.clock.Add(time.Minute)
			reply, err := e.svc.Reply(ctx, st, editor, parent.ID, "Thanks, we checked.", "192.0.2.9", "Browser")
			if err != nil {
				t.Fatal(err)
			}
			if reply.Status != communique.CommentApproved || reply.UserID != editor.ID || reply.AuthorName != editor.Name() ||
				reply.AuthorEmail != editor.Email || reply.ParentID != parent.ID {
				t.Errorf("reply = %+v", reply)
			}
			if got := e.find(t, parent.ID).Status; got != communique.CommentApproved {
				t.Errorf("parent is %s, want approved", got)
			}
			article := "drop article:" + strconv.FormatInt(e.article.ID, 10)
			want := []string{article, "approved Held Parent", "posted approved " + editor.Name(), article}
			if events := rec.take(); !slices.Equal(events, want) {
				t.Errorf("side effects = %q, want %q", events, want)
			}
		})
		t.Run("ErrEmptyReplyLeavesTheParentHeld", func(t *testing.T) {
			parent := e.held(t, "Still Held")
			rec := e.listen()
			before := e.total(t)
			_, err := e.svc.Reply(ctx, st, editor, parent.ID, "   ", "192.0.2.9", "Browser")
			if communique.ErrorCode(err) != communique.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if got := e.find(t, parent.ID).Status; got != communique.CommentPending {
				t.Errorf("parent is %s, want it still held", got)
			}
			if events := rec.take(); len(events) != 0 || e.total(t) != before {
				t.Errorf("a refused reply raised %q or stored a comment", events)
			}
		})
		t.Run("ErrDuplicateReplyUndoesTheApproval", func(t *testing.T) {
			first := e.held(t, "First Held")
			if _, err := e.svc.Reply(ctx, st, editor, first.ID, "We said this once.", "192.0.2.9", "Browser"); err != nil {
				t.Fatal(err)
			}
			parent := e.held(t, "Second Held")
			rec := e.listen()
			_, err := e.svc.Reply(ctx, st, editor, parent.ID, "We said this once.", "192.0.2.9", "Browser")
			if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindDuplicate {
				t.Fatalf("err = %v, want a duplicate refusal", err)
			}
			if got := e.find(t, parent.ID).Status; got != communique.CommentPending {
				t.Errorf("parent is %s, want it held again", got)
			}
			if events := rec.take(); len(events) != 0 {
				t.Errorf("a refused reply raised %q", events)
			}
		})
		t.Run("ErrForbiddenToAuthors", func(t *testing.T) {
			parent := e.held(t, "Held For Author")
			if _, err := e.svc.Reply(ctx, st, author, parent.ID, "I may not.", "", ""); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Errorf("err = %v, want EFORBIDDEN", err)
			}
			if got := e.find(t, parent.ID).Status; got != communique.CommentPending {
				t.Errorf("parent is %s", got)
			}
		})
	})
}

func TestAmend(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		editor := storetest.MustCreateUser(t, e.db, "editor", communique.RoleEditor)
		author := storetest.MustCreateUser(t, e.db, "writer", communique.RoleAuthor)
		c := e.held(t, "Typo Writer")
		t.Run("OK", func(t *testing.T) {
			got, err := e.svc.Amend(ctx, editor, c.ID, "  Fixed the **typo**.  ")
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != "Fixed the **typo**." || got.Status != communique.CommentPending || got.EditedAt.IsZero() {
				t.Errorf("amended = %+v", got)
			}
			revs, err := e.db.FindCommentRevisions(ctx, c.ID)
			if err != nil || len(revs) != 1 || revs[0].Text != c.Text {
				t.Errorf("revisions = %+v, %v; want the original text kept", revs, err)
			}
		})
		t.Run("OKUnchangedKeepsNoRevision", func(t *testing.T) {
			if _, err := e.svc.Amend(ctx, editor, c.ID, "Fixed the **typo**."); err != nil {
				t.Fatal(err)
			}
			if revs, _ := e.db.FindCommentRevisions(ctx, c.ID); len(revs) != 1 {
				t.Errorf("an unchanged text added a revision: %d", len(revs))
			}
		})
		t.Run("ErrEmpty", func(t *testing.T) {
			_, err := e.svc.Amend(ctx, editor, c.ID, " ")
			if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindInvalid || r.Fields["comment"] == "" {
				t.Errorf("err = %v, want an invalid comment field", err)
			}
		})
		t.Run("ErrForbiddenToAuthors", func(t *testing.T) {
			if _, err := e.svc.Amend(ctx, author, c.ID, "Mine now."); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Errorf("err = %v, want EFORBIDDEN", err)
			}
			if e.find(t, c.ID).Text != "Fixed the **typo**." {
				t.Error("a refused amendment changed the text")
			}
		})
	})
}

func TestPostBy(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		editor := storetest.MustCreateUser(t, e.db, "editor", communique.RoleEditor)
		author := storetest.MustCreateUser(t, e.db, "writer", communique.RoleAuthor)
		st := settings(t, "comment_moderation", "true")
		t.Run("OKModeratorSetsStatus", func(t *testing.T) {
			rec := e.listen()
			sub := e.person("Ignored Name")
			sub.By, sub.Status, sub.SkipToken = editor, communique.CommentPending, true
			c, err := e.post(st, sub)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != communique.CommentPending || c.AuthorName != editor.Name() || c.UserID != editor.ID {
				t.Errorf("comment = %+v", c)
			}
			// Held by choice: followers hear nothing, moderators the usual.
			if events := rec.take(); !slices.Contains(events, "posted pending "+editor.Name()) || slices.ContainsFunc(events, func(s string) bool { return s == "posted approved "+editor.Name() }) {
				t.Errorf("side effects = %q", events)
			}
		})
		t.Run("OKModeratorPostsAsGiven", func(t *testing.T) {
			sub := e.person("Imported Reader")
			when := time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC)
			sub.By, sub.AsGiven, sub.Date, sub.SkipToken, sub.URL = editor, true, when, true, "https://reader.example"
			c, err := e.post(st, sub)
			if err != nil {
				t.Fatal(err)
			}
			if c.AuthorName != "Imported Reader" || c.AuthorEmail != sub.Email || c.UserID != 0 || !c.CreatedAt.Equal(when) || c.Status != communique.CommentApproved {
				t.Errorf("comment = %+v, want the given author and date, approved", c)
			}
		})
		t.Run("OKAuthorCannotPostAsGiven", func(t *testing.T) {
			sub := e.person("Pretend Reader")
			sub.By, sub.AsGiven, sub.Date, sub.SkipToken = author, true, time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC), true
			c, err := e.post(st, sub)
			if err != nil {
				t.Fatal(err)
			}
			if c.AuthorName != author.Name() || c.UserID != author.ID || c.CreatedAt.Year() == 2020 {
				t.Errorf("an author posted as someone else or backdated: %+v", c)
			}
		})
		t.Run("OKAuthorIsNotTrusted", func(t *testing.T) {
			sub := e.person("Also Ignored")
			sub.By, sub.SkipToken = author, true
			c, err := e.post(st, sub)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != communique.CommentPending || c.UserID != author.ID || c.AuthorName != author.Name() {
				t.Errorf("an author's comment = %+v, want it held under their name", c)
			}
		})
		t.Run("ErrStatusForbiddenToAuthors", func(t *testing.T) {
			sub := e.person("No Status")
			sub.By, sub.Status, sub.SkipToken = author, communique.CommentApproved, true
			before := e.total(t)
			if _, err := e.post(st, sub); communique.ErrorCode(err) != communique.EFORBIDDEN || e.total(t) != before {
				t.Errorf("err = %v, want EFORBIDDEN and nothing stored", err)
			}
		})
		t.Run("ErrUnknownStatus", func(t *testing.T) {
			sub := e.person("Odd Status")
			sub.By, sub.Status, sub.SkipToken = editor, "published", true
			if _, err := e.post(st, sub); communique.ErrorCode(err) != communique.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
		t.Run("OKSubscribesOnlyWhenShown", func(t *testing.T) {
			rec := e.listen()
			sub := e.person("Follower")
			sub.SubscribeComments = true
			if _, err := e.post(settings(t), sub); err != nil {
				t.Fatal(err)
			}
			if events := rec.take(); !slices.Contains(events, "subscribe "+sub.Email) {
				t.Errorf("side effects = %q, want the subscription", events)
			}
			rec = e.listen()
			spammy := e.person("Spammer")
			spammy.SubscribeComments, spammy.Text = true, "casino casino"
			if _, err := e.post(settings(t, "disallowed_keys", "casino"), spammy); err != nil {
				t.Fatal(err)
			}
			if events := rec.take(); slices.Contains(events, "subscribe "+spammy.Email) {
				t.Errorf("a comment sent to the trash subscribed: %q", events)
			}
		})
		e.svc.Notify, e.svc.Subscribe, e.svc.Invalidate = nil, nil, nil
	})
}

func TestImport(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		const source = "https://old.example.com"
		batch := func(comments ...*communique.ImportedComment) *communique.ImportBatch {
			a := &communique.Article{Type: communique.TypePost, Title: "Old story", Format: communique.FormatHTML, AuthorID: e.author.ID,
				Status: communique.StatusPublished, PublishedAt: start.Add(-time.Hour), Source: "<p>Old.</p>"}
			return &communique.ImportBatch{Source: source, Articles: []*communique.ImportedArticle{{Article: a, SourceID: 501}},
				Comments: comments}
		}
		imported := func(id int64, status communique.CommentStatus, typ string) *communique.ImportedComment {
			return &communique.ImportedComment{SourceID: id, ArticleSourceID: 501, Comment: &communique.Comment{
				AuthorName: "Old Reader", AuthorEmail: "old@example.com", Text: "Said long ago " + strconv.FormatInt(id, 10) + ".",
				Status: status, Type: typ, CreatedAt: start.Add(-time.Hour)}}
		}
		tests := []struct {
			name       string
			comments   []*communique.ImportedComment
			opt        discussion.ImportOptions
			wantCode   string
			wantEvents []string
		}{
			{"OKSilent", []*communique.ImportedComment{imported(1, communique.CommentApproved, ""), imported(2, communique.CommentPending, "pingback")}, discussion.ImportOptions{}, "", nil},
			{"OKNotify", []*communique.ImportedComment{imported(3, communique.CommentApproved, "comment")}, discussion.ImportOptions{Notify: true}, "", []string{"posted approved Old Reader"}},
			{"ErrUnknownStatus", []*communique.ImportedComment{imported(4, "published", "")}, discussion.ImportOptions{}, communique.EINVALID, nil},
			{"ErrUnknownType", []*communique.ImportedComment{imported(5, communique.CommentApproved, "tweet")}, discussion.ImportOptions{}, communique.EINVALID, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec := &recorder{}
				e.svc.Notify = rec
				defer func() { e.svc.Notify = nil }()
				before := e.total(t)
				err := e.svc.Import(ctx, batch(tt.comments...), tt.opt)
				if code := communique.ErrorCode(err); err != nil && code != tt.wantCode || err == nil && tt.wantCode != "" {
					t.Fatalf("err = %v, want code %q", err, tt.wantCode)
				}
				if events := rec.take(); !slices.Equal(events, tt.wantEvents) {
					t.Errorf("side effects = %q, want %q", events, tt.wantEvents)
				}
				want := before + len(tt.comments)
				if tt.wantCode != "" {
					want = before
				}
				if got := e.total(t); got != want {
					t.Errorf("%d comments stored, want %d", got, want)
				}
				for _, ic := range tt.comments {
					if tt.wantCode == "" && (ic.Comment.HTML == "" || ic.Comment.AvatarHash == "" || ic.Comment.Type == "") {
						t.Errorf("imported comment not completed: %+v", ic.Comment)
					}
				}
			})
		}
	})
}
