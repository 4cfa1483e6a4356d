package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/privacy"
	"communique/storetest"
)

// TestPrivacy exports and erases a commenter's data from the command
// line, and checks that serve forgets old IP addresses by itself.
func TestPrivacy(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		flags, db := place.Flags(), place.Open(t)
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Harbour bridge reopens", "Body.")
		add := func(name, email, text string, age time.Duration) *communique.Comment {
			c := &communique.Comment{ArticleID: a.ID, AuthorName: name, AuthorEmail: email, AuthorURL: "https://" + strings.ToLower(name) + ".example",
				AuthorIP: "198.51.100.7", UserAgent: "Browser/1", Text: text, HTML: "<p>" + text + "</p>", Status: communique.CommentApproved,
				CreatedAt: time.Now().Add(-age)}
			if err := db.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		old := add("Rosa", "rosa@mail.example", "Long ago.", 40*24*time.Hour)
		recent := add("Rosa", "Rosa@Mail.example", "Yesterday.", 24*time.Hour)
		ben := add("Ben", "ben@mail.example", "Me too.", time.Hour)

		t.Run("Export", func(t *testing.T) {
			out := mustRun(t, nil, "", args([]string{"privacy", "export", "--email", "ROSA@mail.example"}, flags)...)
			var x privacy.Export
			if err := json.Unmarshal([]byte(out), &x); err != nil {
				t.Fatalf("export is not JSON: %v\n%s", err, out)
			}
			if x.Email != "rosa@mail.example" || len(x.Comments) != 2 || x.Comments[0].IP != "198.51.100.7" ||
				x.Comments[1].Text != "Yesterday." || x.Comments[0].ArticleTitle != "Harbour bridge reopens" {
				t.Errorf("export = %s", out)
			}
			if strings.Contains(out, "ben@mail.example") || strings.Contains(out, "Me too.") {
				t.Error("the export holds someone else's data")
			}
			file := filepath.Join(t.TempDir(), "rosa.json")
			mustRun(t, nil, "", args([]string{"privacy", "export", "--email", "rosa@mail.example", "--output", file}, flags)...)
			if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("export file: %v %v", err, st)
			}
		})
		t.Run("ServeForgetsOldIPs", func(t *testing.T) {
			s := startServe(t, nil, flags...)
			deadline := time.Now().Add(10 * time.Second)
			for {
				c, err := db.FindCommentByID(ctx, old.ID)
				if err != nil {
					t.Fatal(err)
				}
				if c.AuthorIP == "" && c.UserAgent == "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("40 days on, the comment still has IP %q and browser %q", c.AuthorIP, c.UserAgent)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if c, _ := db.FindCommentByID(ctx, recent.ID); c.AuthorIP != "198.51.100.7" {
				t.Errorf("a day-old comment lost its IP: %q", c.AuthorIP)
			}
			s.stop(t)
		})
		t.Run("Anonymise", func(t *testing.T) {
			out := mustRun(t, nil, "", args([]string{"privacy", "erase", "--email", "rosa@mail.example", "--anonymise"}, flags)...)
			if !strings.Contains(out, "anonymised 2 comments") {
				t.Errorf("erase printed %q", out)
			}
			c, err := db.FindCommentByID(ctx, recent.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.AuthorName != "Anonymous" || c.AuthorEmail != "" || c.AuthorURL != "" || c.AuthorIP != "" || c.Text != "Yesterday." {
				t.Errorf("anonymised comment = %+v", c)
			}
			if c, _ := db.FindCommentByID(ctx, ben.ID); c.AuthorName != "Ben" || c.AuthorIP == "" {
				t.Errorf("Ben's comment changed: %+v", c)
			}
		})
		t.Run("Erase", func(t *testing.T) {
			out := mustRun(t, nil, "", args([]string{"privacy", "erase", "--email", "ben@mail.example"}, flags)...)
			if !strings.Contains(out, "deleted 1 comments") {
				t.Errorf("erase printed %q", out)
			}
			if _, err := db.FindCommentByID(ctx, ben.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("Ben's comment is still there: %v", err)
			}
		})
		t.Run("ErrBadEmail", func(t *testing.T) {
			r := run(t, nil, "", args([]string{"privacy", "export", "--email", "not an address"}, flags)...)
			var u usageError
			if r.err == nil || !strings.Contains(r.err.Error(), "--email must be an email address") || !asUsage(r.err, &u) {
				t.Errorf("bad email: %v", r.err)
			}
		})
	})
}

func asUsage(err error, u *usageError) bool {
	v, ok := err.(usageError)
	*u = v
	return ok
}
