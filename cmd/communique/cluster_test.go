package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"communique/internal/pgtest"
)

// node is a `communique serve` process of the real binary.
type node struct {
	URL string
	cmd *exec.Cmd
	log *syncBuffer
}

// startNode runs the binary's serve with args and waits for its URL.
func startNode(t *testing.T, bin string, args ...string) *node {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{cmd: cmd, log: &syncBuffer{}}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			n.log.Write([]byte(sc.Text() + "\n"))
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "communique is serving" {
				urls <- rec.URL
			}
		}
	}()
	select {
	case n.URL = <-urls:
	case <-time.After(30 * time.Second):
		t.Fatalf("node did not log its URL within 30s\n%s", n.log.String())
	}
	return n
}

// published sums the articles a node's log says it published.
func (n *node) published() int {
	total := 0
	for _, line := range strings.Split(n.log.String(), "\n") {
		var rec struct {
			Msg   string `json:"msg"`
			Count int    `json:"count"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "published scheduled articles" {
			total += rec.Count
		}
	}
	return total
}

var (
	csrfField    = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	replicaReads = regexp.MustCompile(`(?m)^communique_db_replica_reads_total\{replica="[^"]+"\} (\d+)`)
)

// TestCluster runs three nodes of the real binary on one PostgreSQL with a
// streaming replica attached to each: a comment posted through the first
// shows on the third's page within a second of its approval; a session
// made on one works on the others; a scheduled article publishes once;
// kill -9 of a node during a comment storm loses no acknowledged comment
// and the others keep answering; a reader who comments sees the comment
// at once while anonymous reads are served by the replica.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	primary := pgtest.Start(t, pgtest.Options{Settings: []string{"wal_level = replica", "max_wal_senders = 5", "max_connections = 200"}})
	standby := pgtest.Start(t, pgtest.Options{Primary: primary, Settings: []string{"hot_standby = on", "max_connections = 200"}})
	dsn := primary.DSN("postgres")
	store := []string{"--db", dsn, "--data", t.TempDir()}

	bin := filepath.Join(t.TempDir(), "communique")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	mustRun(t, nil, "correct horse battery\n", append([]string{"user", "create", "--login", "editor", "--email", "editor@example.com", "--role", "administrator", "--password-stdin"}, store...)...)
	article := strings.TrimSpace(mustCLI(t, store, "post", "create", "--title", "Shared news", "--author", "editor"))
	for k, v := range map[string]string{"comment_flood_seconds": "0", "comment_min_seconds": "0", "comment_moderation": "true"} {
		mustCLI(t, store, "settings", "set", k, v)
	}
	nodes := make([]*node, 3)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes[i] = startNode(t, bin, "--db", dsn, "--db-replica", standby.DSN("postgres"))
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	scheduled := strings.TrimSpace(mustCLI(t, store, "post", "create", "--title", "Scheduled news", "--author", "editor",
		"--date", time.Now().Add(2*time.Second).UTC().Format(time.RFC3339)))
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	t.Run("CommentShowsOnAnotherNode", func(t *testing.T) {
		get(t, nodes[2].URL, article) // in node 3's cache before the comment
		id := postComment(t, nodes[0].URL, article, "Ada", "ada@example.com", "Seen across the cluster.")
		mustCLI(t, store, "comment", "approve", strconv.FormatInt(id, 10))
		approved := time.Now()
		for {
			if _, page := get(t, nodes[2].URL, article); strings.Contains(page, "Seen across the cluster.") {
				t.Logf("on node 3 %v after approval", time.Since(approved).Round(time.Millisecond))
				break
			}
			if time.Since(approved) > time.Second {
				t.Fatalf("the approved comment was not on node 3's page within a second")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("SessionWorksOnEveryNode", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(nodes[0].URL + "/admin/login")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := csrfField.FindSubmatch(body)
		if m == nil {
			t.Fatalf("no csrf_token in the sign-in form")
		}
		res, err = c.PostForm(nodes[0].URL+"/admin/login", url.Values{"login": {"editor"}, "password": {"correct horse battery"}, "csrf_token": {string(m[1])}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var session *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == "communique_session" {
				session = ck
			}
		}
		if res.StatusCode != http.StatusSeeOther || session == nil {
			t.Fatalf("sign-in on node 1 = %d without a session cookie", res.StatusCode)
		}
		for i, n := range nodes {
			req, _ := http.NewRequest("GET", n.URL+"/admin/", nil)
			req.AddCookie(session)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Shared news") && !strings.Contains(string(body), "editor") {
				t.Errorf("node %d /admin/ with node 1's session = %d (Location %q)", i+1, res.StatusCode, res.Header.Get("Location"))
			}
		}
	})

	t.Run("ReaderSeesOwnCommentWhileAnonymousReadsUseReplica", func(t *testing.T) {
		n := nodes[1]
		// Right after a change the replica sits out until it has replayed
		// it (milliseconds): ask a few times.
		readsBefore, after := replicaReadCount(t, n.URL), 0
		for i := 0; i < 20 && after <= readsBefore; i++ {
			get(t, n.URL, "/search?q=news&n="+strconv.Itoa(i)) // not cached: the store answers
			after = replicaReadCount(t, n.URL)
			time.Sleep(50 * time.Millisecond)
		}
		if after <= readsBefore {
			t.Errorf("anonymous reads on node 2: replica reads %d before, %d after; want them served by the replica", readsBefore, after)
		}
		// A held comment shows only to its author (the fresh cookie): the
		// page right after posting reads the primary, which has it.
		jar, _ := cookiejar.New(nil)
		reader := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		_, page := get(t, n.URL, article)
		pid, tok := postIDField.FindStringSubmatch(page), tokenField.FindStringSubmatch(page)
		res, err := reader.PostForm(n.URL+"/comments", url.Values{"comment_post_ID": {pid[1]}, "comment_token": {tok[1]}, "comment_parent": {"0"},
			"author": {"Bea"}, "email": {"bea@example.com"}, "comment": {"My own words, at once."}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body) // the redirect followed: the article page
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "My own words, at once.") {
			t.Errorf("the commenter's next page = %d without their comment", res.StatusCode)
		}
	})

	t.Run("KillDuringCommentStorm", func(t *testing.T) {
		_, page := get(t, nodes[0].URL, article)
		pid, tok := postIDField.FindStringSubmatch(page), tokenField.FindStringSubmatch(page)
		type ack struct {
			node, status int
			id           int64
			err          error
		}
		var (
			mu   sync.Mutex
			acks []ack
			wg   sync.WaitGroup
		)
		const posts = 200
		start := time.Now()
		for i := range posts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Until(start.Add(time.Duration(i) * 3 * time.Second / posts)))
				k := i % 3
				form := url.Values{"comment_post_ID": {pid[1]}, "comment_token": {tok[1]}, "comment_parent": {"0"},
					"author": {"Storm"}, "email": {fmt.Sprintf("storm%d@example.com", i)}, "comment": {fmt.Sprintf("Storm comment %d.", i)}}
				a := ack{node: k}
				res, err := client.PostForm(nodes[k].URL+"/comments", form)
				a.err = err
				if err == nil {
					a.status = res.StatusCode
					if m := commentLoc.FindStringSubmatch(res.Header.Get("Location")); res.StatusCode == http.StatusSeeOther && m != nil {
						a.id, _ = strconv.ParseInt(m[1], 10, 64)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mu.Lock()
				acks = append(acks, a)
				mu.Unlock()
			}()
		}
		time.Sleep(1500 * time.Millisecond)
		nodes[1].cmd.Process.Kill() // SIGKILL
		wg.Wait()

		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		acked := 0
		for _, a := range acks {
			if a.node != 1 && (a.err != nil || a.id == 0) {
				t.Errorf("node %d during the storm: status %d, %v", a.node+1, a.status, a.err)
			}
			if a.id == 0 {
				continue
			}
			acked++
			var n int
			if err := db.QueryRow(`SELECT COUNT(*) FROM comments WHERE id = $1`, a.id).Scan(&n); err != nil || n != 1 {
				t.Errorf("comment %d was acknowledged by node %d but is not stored (%v)", a.id, a.node+1, err)
			}
		}
		t.Logf("%d of %d storm comments acknowledged", acked, posts)
		if acked < posts/2 {
			t.Errorf("only %d comments acknowledged: the storm was too thin to judge", acked)
		}
		for _, i := range []int{0, 2} {
			if status, _ := get(t, nodes[i].URL, article); status != http.StatusOK {
				t.Errorf("node %d after the kill: GET %s = %d", i+1, article, status)
			}
		}
	})

	t.Run("ScheduledPublishesOnce", func(t *testing.T) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			if status, _ := get(t, nodes[0].URL, scheduled); status == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the scheduled article %s was not published within 15s", scheduled)
			}
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(5500 * time.Millisecond) // every live node ticks again
		total := 0
		for _, n := range nodes {
			total += n.published()
		}
		if total != 1 {
			t.Errorf("nodes logged %d publications of the scheduled article, want exactly 1", total)
		}
	})
}

// replicaReadCount sums the node's reads served by replicas.
func replicaReadCount(t *testing.T, base string) int {
	t.Helper()
	_, text := get(t, base, "/metrics")
	total := 0
	for _, m := range replicaReads.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	return total
}
