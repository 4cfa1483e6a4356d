package discussion_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/sqlstore"
	"communique/storetest"
)

// wantBanned checks err refuses the commenter with a message holding want.
func wantBanned(t *testing.T, err error, want string) {
	t.Helper()
	r := discussion.AsError(err)
	if r == nil || r.Kind != discussion.KindBanned || !strings.Contains(r.Message, want) {
		t.Fatalf("err = %v, want a %s refusal saying %q", err, discussion.KindBanned, want)
	}
}

func TestCommenterStandings(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		open := settings(t, "comment_previously_approved", "false")
		mod := e.author

		t.Run("ErrRefusedSettings", func(t *testing.T) {
			tests := []struct {
				name     string
				by       *communique.User
				subject  string
				standing communique.Standing
				until    time.Time
				reason   string
				code     string
			}{
				{"ErrNotAModerator", nil, "x@example.com", communique.StandingBanned, time.Time{}, "r", communique.EFORBIDDEN},
				{"ErrUnknownStanding", mod, "x@example.com", "exiled", time.Time{}, "r", communique.EINVALID},
				{"ErrSuspensionInThePast", mod, "x@example.com", communique.StandingSuspended, start.Add(-time.Hour), "r", communique.EINVALID},
				{"ErrBanWithoutReason", mod, "x@example.com", communique.StandingBanned, time.Time{}, " ", communique.EINVALID},
				{"ErrDomainTrusted", mod, "@example.com", communique.StandingTrusted, time.Time{}, "", communique.EINVALID},
				{"ErrNotAnAddress", mod, "nobody", communique.StandingTrusted, time.Time{}, "", communique.EINVALID},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					err := e.svc.SetStanding(ctx, tt.by, tt.subject, tt.standing, tt.until, tt.reason)
					if communique.ErrorCode(err) != tt.code {
						t.Fatalf("err = %v, want %s", err, tt.code)
					}
				})
			}
			if list, _ := db.FindCommenterStandings(ctx, []string{"x@example.com", "@example.com", "nobody"}); len(list) != 0 {
				t.Errorf("refused standings were stored: %+v", list)
			}
		})
		t.Run("BanIgnoresCase", func(t *testing.T) {
			sub := e.person("Troll")
			if err := e.svc.SetStanding(ctx, mod, strings.ToUpper(sub.Email), communique.StandingBanned, time.Time{}, "Repeated abuse."); err != nil {
				t.Fatal(err)
			}
			before := e.total(t)
			sub.Email = strings.ToUpper(sub.Email[:1]) + sub.Email[1:]
			_, err := e.post(open, sub)
			wantBanned(t, err, "Reason: Repeated abuse.")
			if e.total(t) != before {
				t.Error("a banned commenter's comment was stored")
			}
		})
		t.Run("DomainBan", func(t *testing.T) {
			if err := e.svc.SetStanding(ctx, mod, "@Spam.Example", communique.StandingBanned, time.Time{}, "Throwaway addresses."); err != nil {
				t.Fatal(err)
			}
			sub := e.person("Throwaway")
			sub.Email = "anyone@SPAM.example"
			_, err := e.post(open, sub)
			wantBanned(t, err, "no longer accepted")
			sub.Email = "anyone@notspam.example"
			if _, err := e.post(open, sub); err != nil {
				t.Errorf("another domain refused: %v", err)
			}
		})
		t.Run("SuspensionEndsOnTime", func(t *testing.T) {
			sub := e.person("Hothead")
			until := e.clock.Now().Add(24 * time.Hour)
			if err := e.svc.SetStanding(ctx, mod, sub.Email, communique.StandingSuspended, until, "Insults in the ferry thread."); err != nil {
				t.Fatal(err)
			}
			_, err := e.post(open, sub)
			wantBanned(t, err, "suspended from commenting until "+until.Format("2 January 2006 15:04 UTC")+". Reason: Insults in the ferry thread.")
			e.clock.Add(24 * time.Hour)
			if c, err := e.post(open, sub); err != nil || c.Status != communique.CommentApproved {
				t.Errorf("after the suspension: %+v, %v", c, err)
			}
		})
		t.Run("PremoderatedAndTrusted", func(t *testing.T) {
			held, trusted := e.person("Watched"), e.person("Regular")
			if err := e.svc.SetStanding(ctx, mod, held.Email, communique.StandingPremoderated, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.SetStanding(ctx, mod, trusted.Email, communique.StandingTrusted, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			if c := e.mustPost(t, open, held); c.Status != communique.CommentPending {
				t.Errorf("always-held commenter: %s", c.Status)
			}
			if c := e.mustPost(t, settings(t, "comment_moderation", "true"), trusted); c.Status != communique.CommentApproved {
				t.Errorf("trusted commenter under moderation of all: %s", c.Status)
			}
			trusted.Text = "cheap pills casino"
			if c := e.mustPost(t, settings(t, "disallowed_keys", "casino"), trusted); c.Status != communique.CommentTrash {
				t.Errorf("trust overruled the disallowed words: %s", c.Status)
			}
		})
		t.Run("EditRefusedWhenBanned", func(t *testing.T) {
			sub := e.person("Editor Later")
			c := e.mustPost(t, open, sub)
			if err := e.svc.SetStanding(ctx, mod, sub.Email, communique.StandingBanned, time.Time{}, "Spam links."); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.Edit(ctx, open, c.ID, sub.OwnerKey, "Now with links.")
			wantBanned(t, err, "Spam links.")
		})
		t.Run("RecordNotesRemoveAllAndLog", func(t *testing.T) {
			sub := e.person("Prolific")
			first := e.mustPost(t, open, sub)
			sub.ArticleID, sub.Text = e.other.ID, "On the ferry too."
			second := e.mustPost(t, open, sub)
			if _, err := e.svc.Report(ctx, open, reporter(first, 9, communique.ReportAbuse)); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.AddNote(ctx, nil, sub.Email, "x"); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Errorf("a note by nobody: %v", err)
			}
			if err := e.svc.AddNote(ctx, mod, strings.ToUpper(sub.Email), "Warned by email on 1 June."); err != nil {
				t.Fatal(err)
			}
			rec, err := e.svc.Commenter(ctx, mod, sub.Email)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Total != 2 || rec.Comments[0].ID != second.ID || rec.Counts[string(communique.CommentApproved)] != 2 ||
				len(rec.Notes) != 1 || rec.Notes[0].Text != "Warned by email on 1 June." || rec.Notes[0].ByName != mod.Name() ||
				len(rec.ReportsAgainst) != 1 || rec.ReportsAgainst[0].Reason != communique.ReportAbuse {
				t.Errorf("record = %+v", rec)
			}
			n, err := e.svc.RemoveAll(ctx, mod, sub.Email)
			if err != nil || n != 2 {
				t.Fatalf("remove all: %d, %v", n, err)
			}
			for _, id := range []int64{first.ID, second.ID} {
				if got := e.find(t, id).Status; got != communique.CommentTrash {
					t.Errorf("comment %d is %s after remove all", id, got)
				}
			}
			if _, _, err := e.svc.ModerationLog(ctx, mod, 0, 10); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Errorf("an editor reads the log: %v", err)
			}
			admin := storetest.MustCreateUser(t, db, "chief", communique.RoleAdministrator)
			log, total, err := e.svc.ModerationLog(ctx, admin, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, l := range log {
				if l.Subject == communique.CommenterKey(sub.Email) {
					actions = append(actions, l.Action+" by "+l.UserName)
				}
			}
			want := []string{"remove all by " + mod.Name(), "note by " + mod.Name()}
			if strings.Join(actions, "|") != strings.Join(want, "|") || total < 8 {
				t.Errorf("log of the commenter = %q (total %d), want %q", actions, total, want)
			}
		})
	})
}

// TestSuspensionOnTwoNodes: a suspension set through one node refuses on
// the other at once, and ends on time on both.
func TestSuspensionOnTwoNodes(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		e := newEnv(t, place.Open(t))
		other := place.Open(t)
		other.Now = e.clock.Now
		tokens := formtoken.NewSigner([]byte("test token key"))
		tokens.Now = e.clock.Now
		node2 := discussion.New(other, avatar.New([]byte("test avatar key")), tokens)
		node2.Now = e.clock.Now
		ctx := context.Background()
		open := settings(t, "comment_previously_approved", "false")
		sub := e.person("Roamer")
		until := e.clock.Now().Add(time.Hour)
		if err := e.svc.SetStanding(ctx, e.author, sub.Email, communique.StandingSuspended, until, "Cooling off."); err != nil {
			t.Fatal(err)
		}
		post := func(svc *discussion.Service) error {
			s := sub
			s.Token = svc.IssueToken(s.ArticleID)
			e.clock.Add(20 * time.Second)
			_, err := svc.Post(ctx, open, s)
			return err
		}
		wantBanned(t, post(node2), "Cooling off.")
		wantBanned(t, post(e.svc), "Cooling off.")
		e.clock.Add(time.Hour)
		if err := post(node2); err != nil {
			t.Errorf("node 2 after the end: %v", err)
		}
		sub.Text += " Again."
		if err := post(e.svc); err != nil {
			t.Errorf("node 1 after the end: %v", err)
		}
	})
}
