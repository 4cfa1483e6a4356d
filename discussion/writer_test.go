package discussion_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/discussion"
	"communique/notify"
	"communique/sqlstore"
	"communique/storetest"
)

// gate is the real store with its first group held until release, so a
// test can line comments up behind it; it records each group's size.
type gate struct {
	*sqlstore.DB
	entered, release chan struct{}
	once             sync.Once
	mu               sync.Mutex
	groups           []int
}

func newGate(db *sqlstore.DB) *gate {
	return &gate{DB: db, entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) CreateComments(ctx context.Context, ws []communique.CommentWrite) error {
	g.once.Do(func() { close(g.entered); <-g.release })
	g.mu.Lock()
	g.groups = append(g.groups, len(ws))
	g.mu.Unlock()
	return g.DB.CreateComments(ctx, ws)
}

// waitPending waits until n comments queue behind the held group.
func waitPending(t *testing.T, w *discussion.Writer, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); w.Pending() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d comments queued, want %d", w.Pending(), n)
		}
	}
}

func TestGroupCommit(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := settings(t, "comment_flood_seconds", "0", "comment_previously_approved", "false")

		t.Run("OK", func(t *testing.T) {
			e := newEnv(t, db)
			notifier, err := notify.New(ctx, db, nil)
			if err != nil {
				t.Fatal(err)
			}
			e.svc.Notify = notifier
			g := newGate(db)
			e.svc.Writer = &discussion.Writer{Store: g}
			const behind = 10
			subs := make([]discussion.Submission, behind+1)
			for i := range subs {
				subs[i] = e.person("Reader")
				subs[i].Token = e.svc.IssueToken(subs[i].ArticleID)
			}
			e.clock.Add(20 * time.Second)
			got := make([]*communique.Comment, len(subs))
			errs := make([]error, len(subs))
			var wg sync.WaitGroup
			post := func(i int) {
				defer wg.Done()
				got[i], errs[i] = e.svc.Post(ctx, st, subs[i])
			}
			wg.Add(1)
			go post(0)
			<-g.entered
			for i := 1; i < len(subs); i++ {
				wg.Add(1)
				go post(i)
			}
			waitPending(t, e.svc.Writer, behind)
			close(g.release)
			wg.Wait()
			for i, c := range got {
				if errs[i] != nil {
					t.Fatalf("post %d: %v", i, errs[i])
				}
				stored, err := db.FindCommentByID(ctx, c.ID)
				if err != nil || stored.Text != subs[i].Text {
					t.Fatalf("comment %d not stored as posted: %v", c.ID, err)
				}
			}
			if len(g.groups) != 2 || g.groups[0] != 1 || g.groups[1] != behind {
				t.Errorf("groups %v, want [1 %d]: the comments that queued share one commit", g.groups, behind)
			}
			// The article's author hears of each comment, written with it.
			msgs, _, err := db.FindMessages(ctx, communique.OutboxFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != len(subs) {
				t.Errorf("%d outbox messages, want one per comment (%d)", len(msgs), len(subs))
			}
			if a, err := db.FindArticleByID(ctx, e.article.ID); err != nil || a.CommentCount != len(subs) {
				t.Errorf("article count %v (%v), want %d", a.CommentCount, err, len(subs))
			}
		})

		t.Run("ErrOneRefusedLeavesOthers", func(t *testing.T) {
			a := storetest.MustCreateArticle(t, db, storetest.MustCreateUser(t, db, "desk2", communique.RoleEditor), "Tides", "Body.")
			g := newGate(db)
			w := &discussion.Writer{Store: g}
			comment := func(parent int64, text string) *communique.Comment {
				return &communique.Comment{ArticleID: a.ID, ParentID: parent, AuthorName: "Bo", Text: text, HTML: "<p>" + text + "</p>",
					Status: communique.CommentApproved}
			}
			first := comment(0, "Holds the gate")
			list := []*communique.Comment{comment(0, "Good one"), comment(999999, "Reply to nothing"), comment(0, "Good two")}
			errs := make([]error, len(list))
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); w.Write(ctx, communique.CommentWrite{Comment: first}) }()
			<-g.entered
			for i, c := range list {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = w.Write(ctx, communique.CommentWrite{Comment: c}) }()
			}
			waitPending(t, w, len(list))
			close(g.release)
			wg.Wait()
			if communique.ErrorCode(errs[1]) != communique.EINVALID {
				t.Errorf("reply to nothing: %v, want EINVALID", errs[1])
			}
			for _, i := range []int{0, 2} {
				if errs[i] != nil {
					t.Fatalf("%q: %v", list[i].Text, errs[i])
				}
				if stored, err := db.FindCommentByID(ctx, list[i].ID); err != nil || stored.Text != list[i].Text {
					t.Errorf("%q not stored after its group failed: %v", list[i].Text, err)
				}
			}
			if got, err := db.FindArticleByID(ctx, a.ID); err != nil || got.CommentCount != 3 {
				t.Errorf("article count %v (%v), want 3: the refused reply is not stored", got.CommentCount, err)
			}
		})
	})
}
