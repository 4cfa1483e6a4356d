package activitypub_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/internal/nodetest"
	"communique/sqlstore"
	"communique/storetest"
)

// fedify is the running Fedify peer.
type fedify struct {
	t   *testing.T
	URL string
}

func startFedify(t *testing.T) *fedify {
	node, modules := nodetest.Modules(t, "the Fedify interoperability test", "@fedify/fedify@1.10")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "fedify-peer.mjs"))
	cmd.Env = append(os.Environ(), "COMMUNIQUE_NODE_MODULES="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("fedify peer's errors:\n%s", stderr.String())
		}
	})
	var hello struct{ Port int }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || json.Unmarshal([]byte(line), &hello) != nil || hello.Port == 0 {
		t.Fatalf("fedify peer did not start: %q %v\n%s", line, err, stderr.String())
	}
	return &fedify{t: t, URL: "http://127.0.0.1:" + strconv.Itoa(hello.Port)}
}

// do asks the peer to act, and decodes its answer into out.
func (p *fedify) do(cmd string, args map[string]any, out any) {
	p.t.Helper()
	body, _ := json.Marshal(args)
	res, err := http.Post(p.URL+"/control/"+cmd, "application/json", bytes.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(res.Body)
	if res.StatusCode != 200 {
		p.t.Fatalf("fedify %s: %s\n%s", cmd, res.Status, raw.String())
	}
	if out != nil {
		if err := json.Unmarshal(raw.Bytes(), out); err != nil {
			p.t.Fatal(err)
		}
	}
}

// received is what Fedify accepted in its inboxes (it verified each).
func (p *fedify) received() []map[string]any {
	var list []map[string]any
	p.do("received", nil, &list)
	return list
}

// eventually waits up to 20 seconds for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("gave up waiting: %s", what)
}

// TestFedifyInterop runs the scenario list real integration suites use
// against Fedify: WebFinger lookup, follow and a verified Accept, a
// published article received and verified as Create(Article), a reply
// held then approved, the newsroom's answer received as a verified
// Create(Note) and resolved by its id, the reply's edit, a like and a boost, its deletion, and
// the unfollow; on both stores.
func TestFedifyInterop(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		peer := startFedify(t)
		s := newSite(t, db)
		s.worker.Poll, s.worker.Gather = 50*time.Millisecond, 0
		s.fed.Wake = s.worker.Wake
		go s.worker.Run(ctx)
		go s.fed.RunInbox(ctx)
		s.publish(t, "First story")
		authorID := s.srv.URL + "/author/ada/"
		admin := storetest.MustCreateUser(t, db, "root", communique.RoleAdministrator)

		var found struct{ Subject, ID, Name, Inbox string }
		peer.do("lookup", map[string]any{"resource": authorID}, &found)
		if found.ID != authorID || found.Name != "Ada" || found.Subject != "acct:ada@"+strings.TrimPrefix(s.srv.URL, "http://") {
			t.Fatalf("Fedify found %+v", found)
		}

		peer.do("follow", map[string]any{"actor": authorID}, nil)
		eventually(t, "the follower is kept", func() bool { list, _ := db.FindFollowers(ctx, ""); return len(list) == 1 })
		eventually(t, "Fedify verified the Accept", func() bool { return hasType(peer.received(), "Accept") })

		a := s.publish(t, "Harbour freezes")
		st := communique.ParseSettings(map[string]string{"site_url": s.srv.URL})
		articleURL := s.srv.URL + communique.ArticlePath(a, st, nil)
		eventually(t, "Fedify verified the Create(Article)", func() bool {
			for _, act := range peer.received() {
				if obj, _ := act["object"].(map[string]any); act["type"] == "Create" && obj["type"] == "Article" && obj["id"] == articleURL {
					return true
				}
			}
			return false
		})

		peer.do("reply", map[string]any{"actor": authorID, "id": "/notes/1", "inReplyTo": articleURL, "content": "<p>Seen from the ferry too.</p>"}, nil)
		var rc *communique.RemoteComment
		eventually(t, "the reply is a comment", func() bool {
			var err error
			rc, err = db.FindRemoteComment(ctx, peer.URL+"/notes/1")
			return err == nil
		})
		if c, _ := db.FindCommentByID(ctx, rc.CommentID); c.Status != communique.CommentPending || c.AuthorName != "Alice Fedify" {
			t.Fatalf("reply = %+v", c)
		}
		if err := s.talk.Approve(ctx, admin, rc.CommentID); err != nil {
			t.Fatal(err)
		}
		if _, body := get(t, articleURL, "text/html"); !strings.Contains(body, "Seen from the ferry too.") {
			t.Error("the approved reply is not on the article's page")
		}

		// The newsroom answers her reply: with federation_comments on, the
		// answer reaches her as a verified Create(Note) replying to her
		// Note, and its id resolves to the Note.
		if err := db.SetSetting(ctx, "federation_comments", "true"); err != nil {
			t.Fatal(err)
		}
		answer, err := s.talk.Reply(ctx, communique.ParseSettings(nil), admin, rc.CommentID, "Thank you, Alice.", "127.0.0.1", "fedify test")
		if err != nil {
			t.Fatal(err)
		}
		answerID := s.srv.URL + "/activitypub/comments/" + strconv.FormatInt(answer.ID, 10)
		eventually(t, "Fedify verified the Create(Note) answering its reply", func() bool {
			for _, act := range peer.received() {
				if obj, _ := act["object"].(map[string]any); act["type"] == "Create" && obj["type"] == "Note" &&
					obj["id"] == answerID && obj["inReplyTo"] == peer.URL+"/notes/1" {
					return true
				}
			}
			return false
		})
		var looked map[string]any
		peer.do("object", map[string]any{"id": answerID}, &looked)
		if content, _ := looked["content"].(string); looked["type"] != "Note" || looked["id"] != answerID || !strings.Contains(content, "Thank you, Alice.") {
			t.Errorf("Fedify resolved the answer's id to %+v", looked)
		}

		peer.do("update", map[string]any{"actor": authorID, "id": "/notes/1", "inReplyTo": articleURL, "content": "<p>Seen from the night ferry.</p>"}, nil)
		eventually(t, "the edit", func() bool {
			c, _ := db.FindCommentByID(ctx, rc.CommentID)
			return strings.Contains(c.HTML, "night ferry")
		})

		peer.do("like", map[string]any{"actor": authorID, "object": articleURL}, nil)
		peer.do("announce", map[string]any{"actor": authorID, "object": articleURL}, nil)
		eventually(t, "the like and the boost", func() bool {
			n, _ := db.CountRemoteReactions(ctx, a.ID)
			return n[communique.ReactionLike] == 1 && n[communique.ReactionAnnounce] == 1
		})

		peer.do("delete", map[string]any{"actor": authorID, "id": "/notes/1"}, nil)
		eventually(t, "the deletion", func() bool { c, _ := db.FindCommentByID(ctx, rc.CommentID); return c.Status == communique.CommentTrash })

		peer.do("unfollow", map[string]any{"actor": authorID}, nil)
		eventually(t, "the unfollow", func() bool { list, _ := db.FindFollowers(ctx, ""); return len(list) == 0 })
	})
}

func hasType(list []map[string]any, typ string) bool {
	for _, act := range list {
		if act["type"] == typ {
			return true
		}
	}
	return false
}
