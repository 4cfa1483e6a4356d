package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique/storetest"
)

// cli runs a command with the store flags after its other arguments, as
// people type them ("comment approve 7 --data DIR").
func cli(t *testing.T, store []string, args ...string) result {
	t.Helper()
	return run(t, nil, "", append(args, store...)...)
}

func mustCLI(t *testing.T, store []string, args ...string) string {
	t.Helper()
	r := cli(t, store, args...)
	if r.err != nil {
		t.Fatalf("communique %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

// listed is one comment of `comment list --json`.
type listed struct {
	ID        int64     `json:"id"`
	Post      int64     `json:"post"`
	Parent    int64     `json:"parent"`
	Author    string    `json:"author"`
	Email     string    `json:"email"`
	URL       string    `json:"url"`
	IP        string    `json:"ip"`
	Type      string    `json:"type"`
	Status    string    `json:"status"`
	Date      time.Time `json:"date"`
	Edited    bool      `json:"edited"`
	SpamScore *float64  `json:"spam_score"`
	Text      string    `json:"text"`
}

func listJSON(t *testing.T, store []string, args ...string) []listed {
	t.Helper()
	out := mustCLI(t, store, append([]string{"comment", "list", "--json"}, args...)...)
	var list []listed
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("comment list --json printed %q: %v", out, err)
	}
	return list
}

func authors(list []listed) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Author)
	}
	return out
}

var (
	postIDField = regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`)
	tokenField  = regexp.MustCompile(`name="comment_token" value="([^"]+)"`)
	commentLoc  = regexp.MustCompile(`#comment-(\d+)$`)
)

// postComment leaves a comment through the served reply form and returns
// its ID. The site's minimum fill time is off in these tests.
func postComment(t *testing.T, base, path, author, email, text string) int64 {
	t.Helper()
	_, page := get(t, base, path)
	id, tok := postIDField.FindStringSubmatch(page), tokenField.FindStringSubmatch(page)
	if id == nil || tok == nil {
		t.Fatalf("GET %s: no reply form", path)
	}
	form := url.Values{"comment_post_ID": {id[1]}, "comment_token": {tok[1]}, "comment_parent": {"0"},
		"author": {author}, "email": {email}, "comment": {text}}
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/comments", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	m := commentLoc.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("POST /comments = %d to %q, want 303 to the comment", res.StatusCode, res.Header.Get("Location"))
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// TestCommentModerationCLI leaves comments through the served site and
// moderates them with `communique comment`, on both stores.
func TestCommentModerationCLI(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		store := place.Flags()
		mustCLIStdin := func(stdin string, args ...string) string {
			t.Helper()
			r := run(t, nil, stdin, append(args, store...)...)
			if r.err != nil {
				t.Fatalf("communique %s: %v", strings.Join(args, " "), r.err)
			}
			return r.stdout
		}
		mustCLIStdin("correct horse battery\n", "user", "create", "--login", "reporter", "--email", "reporter@example.com",
			"--role", "author", "--password-stdin")
		bridge := strings.TrimSpace(mustCLIStdin("The bridge reopened.", "post", "create", "--title", "Bridge reopens", "--author", "reporter"))
		ferry := strings.TrimSpace(mustCLIStdin("The ferry is late.", "post", "create", "--title", "Ferry late again", "--author", "reporter"))
		// Comments posted within a second of each other by one test client.
		mustCLI(t, store, "settings", "set", "comment_min_seconds", "0")
		mustCLI(t, store, "settings", "set", "comment_flood_seconds", "0")

		s := startServe(t, nil, store...)
		ann := postComment(t, s.URL, bridge, "Ann Reader", "Ann.Reader@Example.com", "Ann on the bridge.")
		bob := postComment(t, s.URL, bridge, "Bob Neighbour", "bob@example.org", "Bob on the bridge.")
		cat := postComment(t, s.URL, ferry, "Cat Commuter", "cat@example.net", "Cat on the ferry.")

		all := listJSON(t, store)
		if len(all) != 3 {
			t.Fatalf("comment list --json = %d comments, want 3: %+v", len(all), all)
		}
		first := all[0]
		if first.ID != ann || first.Author != "Ann Reader" || first.Email != "Ann.Reader@Example.com" || first.Status != "pending" ||
			first.Text != "Ann on the bridge." || first.IP != "127.0.0.1" || first.Type != "comment" || first.SpamScore == nil || first.Date.IsZero() {
			t.Errorf("first listed comment = %+v", first)
		}
		bridgeID := first.Post
		if all[2].Post == bridgeID {
			t.Errorf("the ferry comment is listed on the bridge article %d", bridgeID)
		}
		post := strconv.FormatInt(bridgeID, 10)
		if got := authors(listJSON(t, store, "--post", post)); !slices.Equal(got, []string{"Ann Reader", "Bob Neighbour"}) {
			t.Errorf("--post %s lists %q", post, got)
		}
		if got := authors(listJSON(t, store, "--status", "approved")); len(got) != 0 {
			t.Errorf("--status approved before any approval lists %q", got)
		}

		// Approve with the flags after the IDs; the page shows it at once.
		if _, page := get(t, s.URL, bridge); strings.Contains(page, "Ann on the bridge.") {
			t.Fatal("a held comment is public")
		}
		out := mustCLI(t, store, "comment", "approve", strconv.FormatInt(ann, 10))
		if out != fmt.Sprintf("comment %d approved\n", ann) {
			t.Errorf("comment approve printed %q", out)
		}
		// On SQLite the server sees the CLI's write at the next request (it
		// checks the write-ahead log); on PostgreSQL the store's NOTIFY
		// reaches it within milliseconds, so allow it up to a second.
		_, page := get(t, s.URL, bridge)
		for deadline := time.Now().Add(time.Second); strings.Contains(strings.Join(store, " "), "postgres") && !strings.Contains(page, "Ann on the bridge.") && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			_, page = get(t, s.URL, bridge)
		}
		if !strings.Contains(page, "Ann on the bridge.") || !strings.Contains(page, "1 comment on") {
			t.Error("the approved comment is not on the article page")
		}
		if strings.Contains(strings.ToLower(page), "ann.reader@example.com") {
			t.Error("the article page shows the commenter's email")
		}
		if got := authors(listJSON(t, store, "--status", "approved")); !slices.Equal(got, []string{"Ann Reader"}) {
			t.Errorf("--status approved lists %q", got)
		}
		if got := authors(listJSON(t, store, "--status", "pending", "--post", post)); !slices.Equal(got, []string{"Bob Neighbour"}) {
			t.Errorf("--status pending --post %s lists %q", post, got)
		}

		// Every action, several IDs at once.
		mustCLI(t, store, "comment", "spam", strconv.FormatInt(bob, 10))
		mustCLI(t, store, "comment", "trash", strconv.FormatInt(cat, 10))
		mustCLI(t, store, "comment", "unapprove", strconv.FormatInt(ann, 10))
		status := map[string]string{}
		for _, c := range listJSON(t, store) {
			status[c.Author] = c.Status
		}
		if want := map[string]string{"Ann Reader": "pending", "Bob Neighbour": "spam", "Cat Commuter": "trash"}; !mapsEqual(status, want) {
			t.Errorf("statuses = %v, want %v", status, want)
		}
		if _, page := get(t, s.URL, bridge); strings.Contains(page, "Ann on the bridge.") {
			t.Error("an unapproved comment is still public")
		}
		out = mustCLI(t, store, "comment", "approve", strconv.FormatInt(ann, 10), strconv.FormatInt(bob, 10))
		if out != fmt.Sprintf("comment %d approved\ncomment %d approved\n", ann, bob) {
			t.Errorf("approving two printed %q", out)
		}
		if _, page := get(t, s.URL, bridge); !strings.Contains(page, "Bob on the bridge.") || !strings.Contains(page, "2 comments on") {
			t.Error("the comment rescued from spam is not on the page")
		}
		mustCLI(t, store, "comment", "delete", strconv.FormatInt(cat, 10))
		if got := authors(listJSON(t, store)); !slices.Equal(got, []string{"Ann Reader", "Bob Neighbour"}) {
			t.Errorf("after delete the list is %q", got)
		}

		// The table for people shows the same, email included.
		table := mustCLI(t, store, "comment", "list", "--status", "approved")
		lines := strings.Split(strings.TrimSpace(table), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "EMAIL") ||
			!strings.Contains(table, "Ann.Reader@Example.com") || !strings.Contains(table, "Bob on the bridge.") {
			t.Errorf("comment list printed:\n%s", table)
		}

		t.Run("UnknownID", func(t *testing.T) {
			r := cli(t, store, "comment", "approve", "999999")
			if r.err == nil {
				t.Fatal("approving an unknown comment succeeded")
			}
			if !strings.Contains(r.stderr, "comment 999999: Comment not found.") {
				t.Errorf("stderr = %q, want a line naming comment 999999", r.stderr)
			}
			if line := errorLine(r.err); strings.Contains(line, "\n") || !strings.Contains(line, "1 of 1 failed") {
				t.Errorf("error = %q", line)
			}
			// The known IDs among unknown ones are still moderated.
			r = cli(t, store, "comment", "spam", strconv.FormatInt(ann, 10), "999999")
			if r.err == nil || !strings.Contains(errorLine(r.err), "1 of 2 failed") {
				t.Errorf("spam with one unknown ID: %v", r.err)
			}
			if r.stdout != fmt.Sprintf("comment %d marked as spam\n", ann) {
				t.Errorf("stdout = %q", r.stdout)
			}
			for _, action := range []string{"unapprove", "trash", "delete"} {
				if r := cli(t, store, "comment", action, "999999"); r.err == nil || !strings.Contains(r.stderr, "999999") {
					t.Errorf("comment %s 999999: err %v stderr %q", action, r.err, r.stderr)
				}
			}
		})
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCommentCLIMistakes checks mistakes in the comment command line get a
// one-line usage error and touch nothing.
func TestCommentCLIMistakes(t *testing.T) {
	store := []string{"--data", t.TempDir()}
	tests := []struct {
		name    string
		args    []string
		wantMsg string
	}{
		{"NoIDs", []string{"comment", "approve"}, "comment approve: give at least one comment ID"},
		{"BadID", []string{"comment", "trash", "seven"}, `comment trash: "seven" is not a comment ID`},
		{"NegativeID", []string{"comment", "spam", "--", "-3"}, `comment spam: "-3" is not a comment ID`},
		{"UnknownAction", []string{"comment", "publish", "1"}, `unknown command "comment publish"`},
		{"BadStatus", []string{"comment", "list", "--status", "held"}, `--status must be pending, approved, spam or trash (got "held")`},
		{"BadPost", []string{"comment", "list", "--post", "-1"}, "--post must be an article id"},
		{"StrayArgument", []string{"comment", "list", "extra"}, `unexpected argument "extra"`},
		{"UnknownFlag", []string{"comment", "list", "--colour"}, "flag provided but not defined: -colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, store, tt.args...)
			if r.err == nil {
				t.Fatalf("succeeded, want %q", tt.wantMsg)
			}
			var u usageError
			if !errors.As(r.err, &u) {
				t.Errorf("not a usage error: %v", r.err)
			}
			if line := errorLine(r.err); strings.Contains(line, "\n") || !strings.Contains(line, tt.wantMsg) {
				t.Errorf("error = %q, want it to contain %q", line, tt.wantMsg)
			}
			if r.stdout != "" {
				t.Errorf("printed %q", r.stdout)
			}
		})
	}
}

// TestSettingsCLI sets and lists settings, and refuses bad keys and
// values with exit status 2 and a one-line message naming the key and
// what it allows, on both stores.
func TestSettingsCLI(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		store := place.Flags()
		before := mustCLI(t, store, "settings", "list")
		if !regexp.MustCompile(`(?m)^thread_comments_depth +5 +# `).MatchString(before) {
			t.Errorf("settings list does not show the default depth 5:\n%s", before)
		}
		if out := mustCLI(t, store, "settings", "set", "thread_comments_depth", "3"); out != "thread_comments_depth = 3\n" {
			t.Errorf("settings set printed %q", out)
		}
		after := mustCLI(t, store, "settings", "list")
		if !regexp.MustCompile(`(?m)^thread_comments_depth +3 +# Deepest level of threaded replies`).MatchString(after) {
			t.Errorf("settings list after set:\n%s", after)
		}
		// Every setting is listed, one per line, in the documented order.
		lines := strings.Split(strings.TrimSpace(after), "\n")
		for _, key := range []string{"title", "comments_per_page", "comment_moderation", "moderation_keys", "comment_min_seconds", "spam_threshold"} {
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, key+" ") }) {
				t.Errorf("settings list lacks %s", key)
			}
		}
		mustCLI(t, store, "settings", "set", "moderation_keys", "casino\nlottery")
		if !strings.Contains(mustCLI(t, store, "settings", "list"), `casino\nlottery`) {
			t.Error("a word list is not shown on one line")
		}

		tests := []struct {
			name    string
			args    []string
			wantMsg string
		}{
			{"TooDeep", []string{"settings", "set", "thread_comments_depth", "11"}, "thread_comments_depth: must be a whole number from 1 to 10"},
			{"NotANumber", []string{"settings", "set", "comments_per_page", "many"}, "comments_per_page: must be a whole number from 1 to 500"},
			{"BadChoice", []string{"settings", "set", "comment_order", "sideways"}, "comment_order: must be asc or desc"},
			{"BadLanguage", []string{"settings", "set", "search_language", "klingon"}, "search_language: must be one of arabic, danish, dutch, english,"},
			{"BadBool", []string{"settings", "set", "comment_moderation", "maybe"}, "comment_moderation: must be true or false"},
			{"BadFloat", []string{"settings", "set", "spam_threshold", "0.2"}, "spam_threshold: must be a number from 0.5 to 1"},
			{"BadTimeZone", []string{"settings", "set", "timezone", "Mars/Olympus"}, "timezone: must be an IANA time zone such as Europe/Paris or UTC"},
			{"TooLong", []string{"settings", "set", "title", strings.Repeat("x", 201)}, "title: must be at most 200 characters"},
			{"UnknownKey", []string{"settings", "set", "comment_colour", "red"}, `"comment_colour": unknown setting (known: analytics_beacon,`},
			{"MissingValue", []string{"settings", "set", "thread_comments_depth"}, "settings set: give KEY VALUE"},
			{"ListWithArgument", []string{"settings", "list", "extra"}, `settings list: unexpected argument "extra"`},
			{"UnknownAction", []string{"settings", "get", "title"}, `unknown command "settings get"`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := cli(t, store, tt.args...)
				if r.err == nil {
					t.Fatalf("succeeded, want %q", tt.wantMsg)
				}
				line := errorLine(r.err)
				if strings.Contains(line, "\n") || !strings.Contains(line, tt.wantMsg) {
					t.Errorf("error = %q, want one line containing %q", line, tt.wantMsg)
				}
				// Every refusal is a command-line mistake: exit status 2.
				if code := exitCode(r.err); code != 2 {
					t.Errorf("exit status %d, want 2", code)
				}
			})
		}
		if !regexp.MustCompile(`(?m)^thread_comments_depth +3 `).MatchString(mustCLI(t, store, "settings", "list")) {
			t.Error("a refused value changed the setting")
		}
	})
}
