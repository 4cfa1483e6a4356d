package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
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
	"syscall"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storeops"
	"communique/storetest"
)

// crashCycles and crashStorm bound the test: that many kill -9s, each
// after at most that long a storm.
const (
	crashCycles = 5
	crashStorm  = 2 * time.Second
)

// TestCrashSafety runs the real binary, storms it with comments and
// newsroom saves, kill -9s it at a random moment, restarts it, again and
// again; then every write the server acknowledged must be in the store,
// and the store must pass its integrity checks.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "communique")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		flags := place.Flags()
		mustRun(t, nil, "a long enough password\n", args([]string{"user", "create", "--login", "desk", "--email", "desk@newsroom.example",
			"--role", "editor", "--password-stdin"}, flags)...)
		path := strings.TrimSpace(mustRun(t, nil, "Storm body.", args([]string{"post", "create", "--title", "Storm", "--author", "desk"}, flags)...))
		for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_max_links": "100"} {
			mustRun(t, nil, "", args([]string{"settings", "set", k, v}, flags)...)
		}
		storm := &storm{t: t, path: path}
		for cycle := 0; cycle < crashCycles; cycle++ {
			srv := startBinary(t, bin, flags)
			storm.run(srv.url, cycle, time.Duration(300+rand.IntN(int(crashStorm/time.Millisecond)-300))*time.Millisecond, srv.kill)
			srv.wait()
		}
		// One more start: the store opens after the last crash.
		srv := startBinary(t, bin, flags)
		srv.kill()
		srv.wait()

		db := place.Open(t)
		storm.verify(t, db)
		problems, err := storeops.CheckIntegrity(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("integrity after %d crashes: %s", crashCycles, p)
		}
	})
}

// binaryServer is one run of `communique serve` as a child process.
type binaryServer struct {
	cmd    *exec.Cmd
	url    string
	exited chan error
	log    *syncBuffer
}

func startBinary(t *testing.T, bin string, flags []string) *binaryServer {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &binaryServer{cmd: cmd, exited: make(chan error, 1), log: &syncBuffer{}}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.log.Write([]byte(sc.Text() + "\n"))
			var rec struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "communique is serving" {
				urls <- rec.URL
			}
		}
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	select {
	case s.url = <-urls:
	case err := <-s.exited:
		t.Fatalf("communique exited before serving: %v\n%s", err, s.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("communique did not serve within 30s\n%s", s.log.String())
	}
	return s
}

func (s *binaryServer) kill() { s.cmd.Process.Signal(syscall.SIGKILL) }

func (s *binaryServer) wait() {
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
	}
}

// storm writes through the site and remembers what it was told is saved.
type storm struct {
	t    *testing.T
	path string // the article comments go to
	jar  http.CookieJar
	csrf string

	mu       sync.Mutex
	comments []string         // texts of acknowledged comments
	titles   map[int64]string // article → last acknowledged title
	saved    []string         // every acknowledged title
}

var (
	stormToken = regexp.MustCompile(`name="comment_token" value="([^"]+)"`)
	stormPost  = regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`)
	stormCSRF  = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	stormEdit  = regexp.MustCompile(`^/admin/posts/(\d+)/edit`)
)

// run storms the server at base for d, then calls kill while requests
// are still in flight, and waits for the workers.
func (st *storm) run(base string, cycle int, d time.Duration, kill func()) {
	t := st.t
	if st.jar == nil {
		st.jar, _ = cookiejar.New(nil)
		st.titles = map[int64]string{}
	}
	client := &http.Client{Jar: st.jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(p string) string {
		res, err := client.Get(base + p)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	// The session and the tokens survive restarts: they live in the store.
	if st.csrf == "" {
		login := page("/admin/login")
		m := stormCSRF.FindStringSubmatch(login)
		if m == nil {
			t.Fatal("no sign-in form")
		}
		res, err := client.PostForm(base+"/admin/login", url.Values{"login": {"desk"}, "password": {"a long enough password"},
			"csrf_token": {html.UnescapeString(m[1])}, "next": {"/admin/"}})
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %v %v", res, err)
		}
		res.Body.Close()
		m = stormCSRF.FindStringSubmatch(page("/admin/profile"))
		if m == nil {
			t.Fatal("no CSRF token after signing in")
		}
		st.csrf = html.UnescapeString(m[1])
	}
	article := page(st.path)
	tm, pm := stormToken.FindStringSubmatch(article), stormPost.FindStringSubmatch(article)
	if tm == nil || pm == nil {
		t.Fatalf("no comment form on %s", st.path)
	}
	token, post := html.UnescapeString(tm[1]), pm[1]

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				text := fmt.Sprintf("Storm comment %d-%d-%d", cycle, w, n)
				res, err := client.PostForm(base+"/comments", url.Values{"comment_post_ID": {post}, "comment_parent": {"0"},
					"author": {"Reader"}, "email": {fmt.Sprintf("r%d@mail.example", w)}, "comment": {text}, "comment_token": {token}})
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusSeeOther {
					st.mu.Lock()
					st.comments = append(st.comments, text)
					st.mu.Unlock()
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			title := fmt.Sprintf("Storm save %d-%d", cycle, n)
			target := "/admin/posts/new"
			st.mu.Lock()
			for id := range st.titles {
				if n%2 == 1 {
					target = "/admin/posts/" + strconv.FormatInt(id, 10) + "/edit"
				}
				break
			}
			st.mu.Unlock()
			res, err := client.PostForm(base+target, url.Values{"title": {title}, "body": {"Saved in a storm."}, "format": {"markdown"},
				"status": {"published"}, "csrf_token": {st.csrf}})
			if err != nil {
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				continue
			}
			m := stormEdit.FindStringSubmatch(res.Header.Get("Location"))
			if m == nil {
				t.Errorf("a save went to %q", res.Header.Get("Location"))
				continue
			}
			id, _ := strconv.ParseInt(m[1], 10, 64)
			st.mu.Lock()
			st.titles[id] = title
			st.saved = append(st.saved, title)
			st.mu.Unlock()
		}
	}()
	time.Sleep(d)
	kill() // while requests are in flight
	close(stop)
	wg.Wait()
}

// verify checks that every acknowledged write is in the store.
func (st *storm) verify(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.comments) == 0 || len(st.saved) == 0 {
		t.Fatalf("the storm got %d comments and %d saves acknowledged: nothing to check", len(st.comments), len(st.saved))
	}
	list, _, err := db.FindComments(ctx, communique.CommentFilter{Limit: 10000,
		Status: []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash}})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, c := range list {
		have[c.Text] = true
	}
	for _, text := range st.comments {
		if !have[text] {
			t.Errorf("acknowledged comment %q is missing", text)
		}
	}
	titles := map[string]bool{}
	for id := range st.titles {
		a, err := db.FindArticleByID(ctx, id)
		if err != nil {
			t.Errorf("acknowledged article %d: %v", id, err)
			continue
		}
		revs, err := db.FindRevisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		titles[a.Title] = true
		for _, r := range revs {
			titles[r.Title] = true
		}
	}
	for _, title := range st.saved {
		if !titles[title] {
			t.Errorf("acknowledged save %q is missing from its article and its revisions", title)
		}
	}
	t.Logf("%d comments and %d saves acknowledged over %d crashes; all present", len(st.comments), len(st.saved), crashCycles)
}
