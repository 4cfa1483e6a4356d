package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// reportForm opens a comment's report page as r and returns its form's
// values, failing unless the page offers exactly one form.
func reportForm(t *testing.T, r *reader, id int64) url.Values {
	t.Helper()
	path := fmt.Sprintf("/comments/%d/report", id)
	page := r.get(t, path)
	if page.Status != http.StatusOK {
		t.Fatalf("GET %s = %d", path, page.Status)
	}
	forms := findAll(parseHTML(t, page.Body), func(n *html.Node) bool { a, _ := attr(n, "action"); return n.Data == "form" && a == path })
	if len(forms) != 1 {
		t.Fatalf("report page has %d forms, want 1", len(forms))
	}
	return formValues(forms[0])
}

func TestCommentReports(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		ctx := context.Background()
		ann := ds.newReader(t)
		id, _ := posted(t, ann.write(t, ds.path, person("Ann Loud", "ann.loud@example.com", "", "Everyone who disagrees is an idiot."), nil))
		ds.moderate(t, id, communique.CommentApproved)
		held, _ := posted(t, ann.write(t, ds.path, person("Ann Loud", "ann.loud@example.com", "", "A held remark."), nil))
		ds.moderate(t, held, communique.CommentPending)
		MustSet(t, db, "comment_report_threshold", "5")
		reportPath := fmt.Sprintf("/comments/%d/report", id)
		bob := ds.newReader(t)
		if page := bob.get(t, ds.path).Body; !strings.Contains(page, `href="`+reportPath+`"`) {
			t.Fatal("the article does not offer the report link")
		}
		reports := func() int {
			t.Helper()
			n := 0
			for _, c := range []int64{id, held} {
				reps, err := db.FindCommentReports(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				n += len(reps)
			}
			return n
		}
		form := reportForm(t, bob, id)
		if form.Get("csrf_token") == "" || form.Get("article_id") != fmt.Sprint(ds.article.ID) {
			t.Fatalf("report form = %v", form)
		}
		with := func(kv ...string) url.Values {
			v := url.Values{}
			for k, vals := range form {
				v[k] = vals
			}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		refusals := []struct {
			name         string
			path         string
			form         url.Values
			wantStatus   int
			wantContains []string
		}{
			{"ErrForgedToken", reportPath, with("reason", "other", "explanation", "Kept words.", "csrf_token", "forged"), http.StatusForbidden, []string{"This form expired", "Kept words."}},
			{"ErrNoReason", reportPath, with("explanation", "No reason chosen."), http.StatusBadRequest, []string{"Please choose why", "No reason chosen."}},
			{"ErrIllegalWithoutExplanation", reportPath, with("reason", "illegal", "report_email", "me@example.org"), http.StatusBadRequest, []string{"Please explain why this comment is illegal", `value="me@example.org"`}},
			{"ErrOtherArticle", reportPath, with("reason", "spam", "article_id", fmt.Sprint(ds.second.ID)), http.StatusNotFound, nil},
			{"ErrHeldComment", fmt.Sprintf("/comments/%d/report", held), with("reason", "spam"), http.StatusNotFound, nil},
			{"ErrNoSuchComment", "/comments/999999/report", with("reason", "spam"), http.StatusNotFound, nil},
			{"ErrNotANumber", "/comments/abc/report", with("reason", "spam"), http.StatusNotFound, nil},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				res := bob.post(t, tt.path, tt.form)
				if res.Status != tt.wantStatus {
					t.Fatalf("status %d, want %d\n%s", res.Status, tt.wantStatus, excerpt(res.Body))
				}
				for _, s := range tt.wantContains {
					if !strings.Contains(res.Body, s) {
						t.Errorf("the answer lacks %q", s)
					}
				}
				if n := reports(); n != 0 {
					t.Errorf("%d reports stored after a refusal", n)
				}
			})
		}
		t.Run("GetHeldIsNotFound", func(t *testing.T) {
			if res := bob.get(t, fmt.Sprintf("/comments/%d/report", held)); res.Status != http.StatusNotFound {
				t.Errorf("report page of a held comment: %d", res.Status)
			}
		})
		t.Run("OKOncePerReader", func(t *testing.T) {
			res := bob.post(t, reportPath, with("reason", "illegal", "explanation", "Insults a named person.", "report_email", "bob@example.org"))
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "Thank you") || !strings.Contains(res.Body, "bob@example.org") {
				t.Fatalf("report: %d\n%s", res.Status, excerpt(res.Body))
			}
			res = bob.post(t, reportPath, with("reason", "spam"))
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "already reported") {
				t.Errorf("second report by the same browser: %d", res.Status)
			}
			if n := reports(); n != 1 {
				t.Errorf("%d reports stored, want 1", n)
			}
			if strings.Contains(ann.get(t, ds.path).Body, "bob@example.org") {
				t.Error("the reporter's address shows on the article")
			}
		})
		t.Run("ThresholdHoldsAndThePageForgets", func(t *testing.T) {
			MustSet(t, db, "comment_report_threshold", "1")
			carol := ds.newReader(t)
			if !strings.Contains(carol.get(t, ds.path).Body, "Everyone who disagrees") {
				t.Fatal("the comment is not on the page before the report")
			}
			own := reportForm(t, carol, id)
			own.Set("reason", "abuse")
			res := carol.post(t, reportPath, own)
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "hidden until they decide") {
				t.Fatalf("report: %d\n%s", res.Status, excerpt(res.Body))
			}
			if ds.comment(t, id).Status != communique.CommentPending {
				t.Error("the comment was not held")
			}
			if strings.Contains(ds.newReader(t).get(t, ds.path).Body, "Everyone who disagrees") {
				t.Error("a held comment still shows on the article page")
			}
		})
	})
}
