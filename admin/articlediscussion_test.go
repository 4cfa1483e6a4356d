package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestEditorDiscussion saves an article's discussion settings from the
// editor's fieldset: the mode decides comments_open and whether the
// thread shows; a bad message keeps everything typed and saves nothing;
// the public page shows the message; a form without the fieldset keeps
// the old checkbox.
func TestEditorDiscussion(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ed := n.SignIn(t, communique.RoleEditor)
		ctx := context.Background()
		form := func(kv ...string) url.Values {
			f := url.Values{"title": {"Storm night"}, "body": {"Body."}, "status": {"published"}}
			for i := 0; i+1 < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
			return f
		}
		long := strings.Repeat("x", 501)
		res := ed.Post(t, "/admin/posts/new", form("discussion_mode", "open", "discussion_message", long))
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "at most 500 characters") || !strings.Contains(res.Body, `value="`+long+`"`) {
			t.Fatalf("a long message: status %d\n%s", res.Status, excerpt(res.Body))
		}
		if list, total, _ := n.DB.FindArticles(ctx, communique.ArticleFilter{}); total != 0 {
			t.Fatalf("a refused save stored %d articles: %+v", total, list)
		}
		id := savedID(t, ed.Post(t, "/admin/posts/new", form("discussion_mode", "open", "discussion_premoderate", "1",
			"discussion_message", "We are moderating this thread closely.")), "published")
		art := n.FindArticle(t, id)
		d, err := n.DB.FindArticleDiscussion(ctx, id)
		if err != nil || !art.CommentsOpen || !d.Premoderate || d.Hidden || d.QA || d.Message != "We are moderating this thread closely." {
			t.Fatalf("saved open: open=%v %+v, %v", art.CommentsOpen, d, err)
		}
		page := ed.Get(t, editPath(id))
		for _, want := range []string{`name="discussion_mode" value="open" checked`, `name="discussion_premoderate" value="1" checked`, `value="We are moderating this thread closely."`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("editor lacks %s", want)
			}
		}
		public := n.Agent(t).Get(t, n.PublicPath(t, art))
		if !strings.Contains(public.Body, `<p class="discussion-notice" role="note">We are moderating this thread closely.</p>`) ||
			!strings.Contains(public.Body, `id="commentform"`) {
			t.Errorf("public page lacks the message or the form\n%s", excerpt(public.Body))
		}

		cases := []struct {
			mode         string
			open, hidden bool
		}{{"read-only", false, false}, {"closed", false, true}, {"open", true, false}}
		for _, tt := range cases {
			savedID(t, ed.Post(t, editPath(id), form("discussion_mode", tt.mode, "discussion_qa", "1")), "published")
			art, d := n.FindArticle(t, id), mustDiscussion(t, n, id)
			if art.CommentsOpen != tt.open || d.Hidden != tt.hidden || !d.QA || d.Premoderate || d.Message != "" {
				t.Errorf("mode %s: open=%v %+v", tt.mode, art.CommentsOpen, d)
			}
			if !strings.Contains(ed.Get(t, editPath(id)).Body, `value="`+tt.mode+`" checked`) {
				t.Errorf("mode %s not shown checked", tt.mode)
			}
		}
		// An older form, with the checkbox and no fieldset.
		savedID(t, ed.Post(t, editPath(id), form()), "published")
		if n.FindArticle(t, id).CommentsOpen {
			t.Error("a form without comments_open left comments open")
		}
	})
}

func mustDiscussion(t *testing.T, n *newsroom, id int64) *communique.ArticleDiscussion {
	t.Helper()
	d, err := n.DB.FindArticleDiscussion(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
