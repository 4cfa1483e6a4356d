package wpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// decode reads an object answer.
func decode(t *testing.T, res response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(res.Body), &m); err != nil {
		t.Fatalf("not an object: %v\n%s", err, res.Body)
	}
	return m
}

func rendered(m map[string]any, field, part string) string {
	v, _ := m[field].(map[string]any)
	s, _ := v[part].(string)
	return s
}

// TestCapabilities runs every role against the rules of communique.Can,
// through each kind of write, with WordPress's codes for refusals.
func TestCapabilities(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		id := func(k string) string { return strconv.FormatInt(f.Articles[k].ID, 10) }
		post := map[string]any{"title": "From the API", "content": "<p>Hello</p>", "status": "publish"}
		cases := []struct {
			name, login, method, path string
			body                      any
			status                    int
			code                      string // for refusals
		}{
			{"CreateAnonymously", "", "POST", "posts", post, 401, "rest_cannot_create"},
			{"CreateAsSubscriber", "reader", "POST", "posts", post, 403, "rest_cannot_create"},
			{"PublishAsContributor", "contrib", "POST", "posts", post, 403, "rest_cannot_publish"},
			{"SubmitAsContributor", "contrib", "POST", "posts", map[string]any{"title": "For review", "status": "pending"}, 201, ""},
			{"PublishAsAuthor", "author", "POST", "posts", post, 201, ""},
			{"PublishAsEditor", "editor", "POST", "posts", post, 201, ""},
			{"PageAsAuthor", "author", "POST", "pages", post, 403, "rest_cannot_create"},
			{"PageAsEditor", "editor", "POST", "pages", post, 201, ""},
			{"EditOthersAsAuthor", "author2", "PUT", "posts/" + id("bridge"), map[string]any{"title": "Mine now"}, 403, "rest_cannot_edit"},
			{"EditOwnAsAuthor", "author", "PATCH", "posts/" + id("bridge"), map[string]any{"title": "Harbour bridge reopens at last"}, 200, ""},
			{"UnknownTemplate", "author", "PATCH", "posts/" + id("bridge"), map[string]any{"template": "wide.php"}, 400, "rest_invalid_param"},
			{"DefaultTemplateAndMeta", "author", "PATCH", "posts/" + id("bridge"), map[string]any{"template": "", "meta": map[string]any{"footnotes": ""}, "ping_status": "open"}, 200, ""},
			{"MetaNotAnObject", "author", "PATCH", "posts/" + id("bridge"), map[string]any{"meta": "x"}, 400, "rest_invalid_param"},
			{"EditOthersAsEditor", "editor", "POST", "posts/" + id("ferry"), map[string]any{"excerpt": "<b>Earlier</b> boats"}, 200, ""},
			{"EditPublishedAsContributor", "contrib", "POST", "posts/" + id("bridge"), map[string]any{"title": "x"}, 403, "rest_cannot_edit"},
			{"EditOwnPendingAsContributor", "contrib", "POST", "posts/" + id("pitch"), map[string]any{"title": "A bigger marina"}, 200, ""},
			{"PublishOwnAsContributor", "contrib", "POST", "posts/" + id("pitch"), map[string]any{"status": "publish"}, 403, "rest_cannot_publish"},
			{"GiveAwayAsAuthor", "author", "POST", "posts/" + id("cup"), map[string]any{"author": f.Users["author2"].ID}, 403, "rest_cannot_edit_others"},
			{"ReassignAsEditor", "editor", "POST", "posts/" + id("cup"), map[string]any{"author": f.Users["author2"].ID}, 200, ""},
			{"ReassignToNobody", "editor", "POST", "posts/" + id("cup"), map[string]any{"author": 999}, 400, "rest_invalid_author"},
			{"DeleteOthersAsAuthor", "author", "DELETE", "posts/" + id("ferry"), nil, 403, "rest_cannot_delete"},
			{"DeleteAnonymously", "", "DELETE", "posts/" + id("ferry"), nil, 401, "rest_cannot_delete"},
			{"TermAsAuthor", "author", "POST", "categories", map[string]any{"name": "Weather"}, 403, "rest_cannot_create"},
			{"TermAsEditor", "editor", "POST", "categories", map[string]any{"name": "Weather"}, 201, ""},
			{"TermTwice", "editor", "POST", "categories", map[string]any{"name": "Weather"}, 400, "term_exists"},
			{"TermWithoutName", "editor", "POST", "tags", map[string]any{"slug": "x"}, 400, "rest_missing_callback_param"},
			{"DeleteTermAsAuthor", "author", "DELETE", "tags/" + strconv.FormatInt(f.Terms["ferries"].ID, 10) + "?force=true", nil, 403, "rest_cannot_delete"},
			{"TrashTerm", "editor", "DELETE", "tags/" + strconv.FormatInt(f.Terms["ferries"].ID, 10), nil, 501, "rest_trash_not_supported"},
			{"DeleteTerm", "editor", "DELETE", "tags/" + strconv.FormatInt(f.Terms["ferries"].ID, 10) + "?force=true", nil, 200, ""},
			{"ModerateAsAuthor", "author", "PUT", "comments/" + strconv.FormatInt(f.Comments["quinn"].ID, 10), map[string]any{"status": "approved"}, 403, "rest_cannot_edit"},
			{"ModerateAnonymously", "", "PUT", "comments/" + strconv.FormatInt(f.Comments["quinn"].ID, 10), map[string]any{"status": "approved"}, 401, "rest_cannot_edit"},
			{"SettingsAsEditor", "editor", "POST", "settings", map[string]any{"title": "Mine"}, 403, "rest_forbidden"},
			{"SettingsAsAdministrator", "admin", "POST", "settings", map[string]any{"title": "The Quay", "default_comment_status": "closed"}, 200, ""},
			{"BadSetting", "admin", "POST", "settings", map[string]any{"posts_per_page": 0, "timezone": "Mars/Olympus"}, 400, "rest_invalid_param"},
			{"UploadAsContributor", "contrib", "POST", "media", nil, 403, "rest_cannot_create"},
			{"EditOthersImageAsAuthor", "author2", "POST", "media/" + strconv.FormatInt(f.Image.ID, 10), map[string]any{"caption": "x"}, 403, "rest_cannot_edit"},
			{"EditOwnImageAsAuthor", "author", "POST", "media/" + strconv.FormatInt(f.Image.ID, 10), map[string]any{"caption": "New lamp"}, 200, ""},
			{"EmptyAltOfPublishedImage", "author", "POST", "media/" + strconv.FormatInt(f.Image.ID, 10), map[string]any{"alt_text": ""}, 400, "rest_invalid_param"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, tc.method, "/wp-json/wp/v2/"+tc.path, tc.login, tc.body, nil)
				if tc.code != "" {
					wantError(t, res, tc.status, tc.code)
					return
				}
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d\n%s", res.Status, tc.status, res.Body)
				}
			})
		}
		t.Run("Effects", func(t *testing.T) {
			ctx := context.Background()
			if got, _ := db.FindArticleByID(ctx, f.Articles["bridge"].ID); got.Title != "Harbour bridge reopens at last" {
				t.Errorf("own edit: title %q", got.Title)
			}
			if got, _ := db.FindArticleByID(ctx, f.Articles["ferry"].ID); got.Excerpt != "Earlier boats" {
				t.Errorf("an HTML excerpt is kept as text: %q", got.Excerpt)
			}
			if got, _ := db.FindArticleByID(ctx, f.Articles["pitch"].ID); got.Status != communique.StatusPending || got.Title != "A bigger marina" {
				t.Errorf("contributor's pitch: %q %q", got.Status, got.Title)
			}
			if got, _ := db.FindArticleByID(ctx, f.Articles["cup"].ID); got.AuthorID != f.Users["author2"].ID {
				t.Errorf("reassigned to %d", got.AuthorID)
			}
			st := f.settings(t)
			if st.Title != "The Quay" || st.CommentsOpenDefault {
				t.Errorf("settings: %q, comments open %v", st.Title, st.CommentsOpenDefault)
			}
			if c, _ := db.FindCommentByID(ctx, f.Comments["quinn"].ID); c.Status != communique.CommentPending {
				t.Errorf("a refused moderation changed the comment: %q", c.Status)
			}
		})
	})
}

// TestPostWrites covers a post's life through the API: created with
// terms and a date, updated without losing its Markdown, trashed, then
// deleted.
func TestPostWrites(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		ctx := context.Background()
		res := a.do(t, "POST", "/wp-json/wp/v2/posts", "author", map[string]any{
			"title": map[string]any{"raw": "Storm warning"}, "content": `<p onclick="x()">Wind <script>alert(1)</script>tonight</p>`,
			"excerpt": "Wind tonight", "status": "publish", "categories": []int64{f.Terms["news"].ID}, "tags": []string{strconv.FormatInt(f.Terms["harbour"].ID, 10)},
			"date": "2026-06-03T08:00:00", "comment_status": "closed", "slug": "storm", "format": "standard",
		}, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		p := decode(t, res)
		newID := int64(p["id"].(float64))
		switch {
		case res.Header.Get("Location") != "https://news.example.com/wp-json/wp/v2/posts/"+strconv.FormatInt(newID, 10):
			t.Errorf("Location = %q", res.Header.Get("Location"))
		case p["status"] != "future" || p["date"] != "2026-06-03T08:00:00" || p["date_gmt"] != "2026-06-03T06:00:00":
			t.Errorf("a publish in the future is scheduled, in the site's zone: %v %v %v", p["status"], p["date"], p["date_gmt"])
		case strings.Contains(rendered(p, "content", "rendered"), "script") || strings.Contains(rendered(p, "content", "rendered"), "onclick"):
			t.Errorf("content not sanitized: %q", rendered(p, "content", "rendered"))
		case !strings.Contains(rendered(p, "content", "raw"), "<script>"):
			t.Errorf("raw content is kept as written: %q", rendered(p, "content", "raw"))
		case p["slug"] != "storm" || p["comment_status"] != "closed" || p["author"].(float64) != float64(f.Users["author"].ID):
			t.Errorf("fields: %v", p)
		}
		if cats := p["categories"].([]any); len(cats) != 1 || p["tags"].([]any)[0].(float64) != float64(f.Terms["harbour"].ID) {
			t.Errorf("terms: %v %v", p["categories"], p["tags"])
		}
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/posts", "author", map[string]any{"id": 1, "title": "x"}, nil), 400, "rest_post_exists")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/posts", "author", map[string]any{"title": "x", "categories": []int64{f.Terms["harbour"].ID}}, nil), 400, "rest_invalid_param")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/posts", "author", map[string]any{"content": "no title"}, nil), 400, "rest_invalid_param")

		// Sending back the raw content unchanged keeps the Markdown.
		bridge := "/wp-json/wp/v2/posts/" + strconv.FormatInt(f.Articles["bridge"].ID, 10)
		edit := decode(t, a.do(t, "GET", bridge+"?context=edit", "author", nil, nil))
		res = a.do(t, "PUT", bridge, "author", map[string]any{"title": "Bridge open", "content": rendered(edit, "content", "raw")}, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `\u003cstrong\u003ebridge\u003c/strong\u003e`) {
			t.Fatalf("update keeping Markdown: %d %s", res.Status, res.Body)
		}
		if got, _ := db.FindArticleByID(ctx, f.Articles["bridge"].ID); got.Format != communique.FormatMarkdown || got.Title != "Bridge open" {
			t.Errorf("after update: format %q title %q", got.Format, got.Title)
		}
		if revs, _ := db.FindRevisions(ctx, f.Articles["bridge"].ID); len(revs) < 2 || revs[0].UserID != f.Users["author"].ID {
			t.Errorf("the update is a revision by its author: %+v", revs)
		}

		// Trash, refuse a second trash, then delete for good.
		cup := "/wp-json/wp/v2/posts/" + strconv.FormatInt(f.Articles["cup"].ID, 10)
		res = a.do(t, "DELETE", cup, "author", nil, nil)
		if res.Status != 200 || decode(t, res)["status"] != "trash" {
			t.Fatalf("trash: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "DELETE", cup, "author", nil, nil), 410, "rest_already_trashed")
		if res := a.do(t, "GET", cup, "", nil, nil); res.Status != 401 {
			t.Errorf("trashed post is still public: %d", res.Status)
		}
		res = a.do(t, "DELETE", cup+"?force=true", "author", nil, nil)
		if m := decode(t, res); res.Status != 200 || m["deleted"] != true || m["previous"].(map[string]any)["id"].(float64) != float64(f.Articles["cup"].ID) {
			t.Fatalf("force delete: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "GET", cup, "editor", nil, nil), 404, "rest_post_invalid_id")

		// Pages take a parent and an order.
		res = a.do(t, "POST", "/wp-json/wp/v2/pages", "editor", map[string]any{"title": "Contact", "content": "Write to us.", "status": "publish",
			"parent": f.Articles["about"].ID, "menu_order": 3}, nil)
		if m := decode(t, res); res.Status != 201 || m["link"] != "https://news.example.com/about-us/contact/" || m["menu_order"].(float64) != 3 {
			t.Fatalf("page: %d %s", res.Status, res.Body)
		}
	})
}

// TestCommentWrites: comments from anyone go through the discussion
// rules; moderation through the API teaches the classifier.
func TestCommentWrites(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		ctx := context.Background()
		bridge := f.Articles["bridge"].ID
		nina := map[string]any{"post": bridge, "author_name": "Nina", "author_email": "nina@example.net", "content": "When does it open?"}
		res := a.do(t, "POST", "/wp-json/wp/v2/comments", "", nina, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("anonymous comment: %d %s", res.Status, res.Body)
		}
		c := decode(t, res)
		ninaID := int64(c["id"].(float64))
		if c["status"] != "hold" || strings.Contains(res.Body, "nina@example.net") || c["author_name"] != "Nina" {
			t.Errorf("a first comment is held, and its answer shows no email: %s", res.Body)
		}
		if stored, _ := db.FindCommentByID(ctx, ninaID); stored.AuthorIP != "127.0.0.1" || stored.AuthorEmail != "nina@example.net" {
			t.Errorf("stored comment: %+v", stored)
		}
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "", nina, nil), 409, "comment_duplicate")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": bridge, "author_name": "Nobody", "content": "Hi"}, nil), 400, "rest_comment_author_data_required")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": bridge, "author_name": "Ed", "author_email": "ed@example.net", "content": " "}, nil), 400, "rest_comment_content_invalid")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": 999, "content": "Hi"}, nil), 403, "rest_comment_invalid_post_id")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": f.Articles["draft"].ID, "author_name": "Ed", "author_email": "ed@example.net", "content": "Hi"}, nil), 403, "rest_comment_invalid_post_id")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": bridge, "author_name": "Ed", "author_email": "ed@example.net", "content": "Hi", "status": "approved"}, nil), 401, "rest_comment_invalid_status")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/comments", "reader", map[string]any{"post": bridge, "content": "Hi", "author": f.Users["admin"].ID}, nil), 403, "rest_comment_invalid_author")

		// Signed-in commenters are who they signed in as; moderators are
		// trusted.
		res = a.do(t, "POST", "/wp-json/wp/v2/comments", "reader", map[string]any{"post": bridge, "author_name": "Someone Else", "content": "Good to know."}, nil)
		if c := decode(t, res); res.Status != 201 || c["author_name"] != "Sam Subscriber" || c["author"].(float64) != float64(f.Users["reader"].ID) {
			t.Errorf("signed-in comment: %d %s", res.Status, res.Body)
		}
		res = a.do(t, "POST", "/wp-json/wp/v2/comments", "editor", map[string]any{"post": bridge, "parent": f.Comments["walker"].ID, "content": "Thanks, Walker."}, nil)
		if c := decode(t, res); res.Status != 201 || c["status"] != "approved" || c["parent"].(float64) != float64(f.Comments["walker"].ID) {
			t.Errorf("moderator's reply: %d %s", res.Status, res.Body)
		}

		// Flood control applies to the API as to the form: one comment a
		// minute from this address, as the address limit is set to one.
		for k, v := range map[string]string{"comment_flood_seconds": "60", "comment_flood_address_limit": "1"} {
			if err := db.SetSetting(ctx, k, v); err != nil {
				t.Fatal(err)
			}
		}
		res = a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": bridge, "author_name": "Fast", "author_email": "fast@example.net", "content": "Again"}, nil)
		wantError(t, res, 429, "comment_flood")
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Errorf("flood refusal Retry-After = %q, want 1 to 60 seconds", res.Header.Get("Retry-After"))
		}
		db.SetSetting(ctx, "comment_flood_seconds", "0")

		// A banned commenter (here a signed-in reader, by their address)
		// is refused with the reason, as on the form.
		if err := db.SetCommenterStanding(ctx, &communique.CommenterStanding{Subject: communique.CommenterKey(f.Users["reader"].Email), Standing: communique.StandingBanned, Reason: "Spam links."}); err != nil {
			t.Fatal(err)
		}
		res = a.do(t, "POST", "/wp-json/wp/v2/comments", "reader", map[string]any{"post": bridge, "content": "Buy now"}, nil)
		wantError(t, res, 403, "rest_comment_author_blocked")
		if !strings.Contains(res.Body, "Spam links.") {
			t.Errorf("the refusal does not give the reason: %s", res.Body)
		}

		// Moderation: approving teaches the classifier "ham", spam "spam".
		before, _ := db.SpamCounts(ctx, nil)
		res = a.do(t, "PUT", "/wp-json/wp/v2/comments/"+strconv.FormatInt(f.Comments["quinn"].ID, 10), "editor", map[string]any{"status": "approved"}, nil)
		if c := decode(t, res); res.Status != 200 || c["status"] != "approved" || c["author_email"] != "quinn@example.net" {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		res = a.do(t, "POST", "/wp-json/wp/v2/comments/"+strconv.FormatInt(ninaID, 10)+"?status=spam", "editor", nil, nil)
		if res.Status != 200 || decode(t, res)["status"] != "spam" {
			t.Fatalf("spam: %d %s", res.Status, res.Body)
		}
		after, _ := db.SpamCounts(ctx, nil)
		if after.Ham != before.Ham+1 || after.Spam != before.Spam+1 {
			t.Errorf("classifier totals: ham %d→%d, spam %d→%d; want one more of each", before.Ham, after.Ham, before.Spam, after.Spam)
		}
		res = a.do(t, "PATCH", "/wp-json/wp/v2/comments/"+strconv.FormatInt(f.Comments["rita"].ID, 10), "editor", map[string]any{"content": "Agreed, wholeheartedly!"}, nil)
		if res.Status != 200 || rendered(decode(t, res), "content", "raw") != "Agreed, wholeheartedly!" {
			t.Fatalf("edit text: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "PATCH", "/wp-json/wp/v2/comments/"+strconv.FormatInt(f.Comments["rita"].ID, 10), "editor", map[string]any{"author_email": "x@example.net"}, nil), 400, "rest_invalid_param")
		wantError(t, a.do(t, "PATCH", "/wp-json/wp/v2/comments/"+strconv.FormatInt(f.Comments["rita"].ID, 10), "editor", map[string]any{"status": "published"}, nil), 400, "rest_invalid_param")

		// Delete: trash first, then for good.
		walker := "/wp-json/wp/v2/comments/" + strconv.FormatInt(f.Comments["ferry"].ID, 10)
		if res := a.do(t, "DELETE", walker, "editor", nil, nil); res.Status != 200 || decode(t, res)["status"] != "trash" {
			t.Fatalf("trash comment: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "DELETE", walker, "editor", nil, nil), 410, "rest_already_trashed")
		if res := a.do(t, "DELETE", walker+"?force=true", "editor", nil, nil); res.Status != 200 || decode(t, res)["deleted"] != true {
			t.Fatalf("delete comment: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "GET", walker, "editor", nil, nil), 404, "rest_comment_invalid_id")
	})
}

// TestMediaWrites uploads as WordPress clients do (raw body with
// Content-Disposition, or multipart), through the newsroom's checks.
func TestMediaWrites(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		ctx := context.Background()
		img := testPNG(t, 700, 400)
		raw := http.Header{"Content-Type": {"image/png"}, "Content-Disposition": {`attachment; filename="boats.png"`}}
		res := a.do(t, "POST", "/wp-json/wp/v2/media?alt_text=Boats+in+the+harbour", "author", img, raw)
		if res.Status != http.StatusCreated {
			t.Fatalf("raw upload: %d %s", res.Status, res.Body)
		}
		m := decode(t, res)
		details := m["media_details"].(map[string]any)
		sizes := details["sizes"].(map[string]any)
		if m["alt_text"] != "Boats in the harbour" || m["mime_type"] != "image/png" || details["width"].(float64) != 700 || sizes["w640"] == nil || sizes["full"] == nil {
			t.Errorf("raw upload answer: %s", res.Body)
		}
		// WordPress's names lead to the smallest rendition large enough
		// (700 pixels wide: thumbnail and medium, no medium_large).
		url := func(name string) any {
			size, _ := sizes[name].(map[string]any)
			return size["source_url"]
		}
		if url("medium") == nil || url("medium") != url("w320") || url("thumbnail") != url("w320") || sizes["medium_large"] != nil || sizes["large"] != nil {
			t.Errorf("named sizes: medium %v, thumbnail %v, w320 %v, medium_large %v", url("medium"), url("thumbnail"), url("w320"), sizes["medium_large"])
		}
		rawID := int64(m["id"].(float64))

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("alt_text", "A gull")
		mw.WriteField("caption", "On the quay")
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="gull.png"`)
		h.Set("Content-Type", "image/png")
		part, _ := mw.CreatePart(h)
		part.Write(testPNG(t, 20, 20))
		mw.Close()
		res = a.do(t, "POST", "/wp-json/wp/v2/media", "editor", body.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
		if m := decode(t, res); res.Status != 201 || m["alt_text"] != "A gull" || rendered(m, "caption", "raw") != "On the quay" {
			t.Fatalf("multipart upload: %d %s", res.Status, res.Body)
		}

		for name, tc := range map[string]struct {
			body   []byte
			header http.Header
			code   string
		}{
			"NotAnImage":    {[]byte("<svg onload=alert(1)>"), http.Header{"Content-Disposition": {`attachment; filename="x.png"`}}, "rest_upload_sideload_error"},
			"PathInName":    {img, http.Header{"Content-Disposition": {`attachment; filename="../../etc/x.png"`}}, "rest_upload_sideload_error"},
			"NoDisposition": {img, http.Header{"Content-Type": {"image/png"}}, "rest_upload_no_content_disposition"},
			"NoData":        {[]byte{}, http.Header{"Content-Disposition": {`attachment; filename="x.png"`}}, "rest_upload_no_data"},
		} {
			t.Run(name, func(t *testing.T) {
				wantError(t, a.do(t, "POST", "/wp-json/wp/v2/media", "author", tc.body, tc.header), 400, tc.code)
			})
		}
		if _, n, _ := db.FindMedia(ctx, communique.MediaFilter{}); n != 3 {
			t.Errorf("library holds %d images, want 3: refused uploads store nothing", n)
		}

		path := "/wp-json/wp/v2/media/" + strconv.FormatInt(rawID, 10)
		// Title and description are editable, as in WordPress, and
		// escaped where they are rendered; the file name stands in for an
		// emptied title.
		res = a.do(t, "POST", path, "author", map[string]any{"title": map[string]any{"raw": "Boats <at> dawn"}, "description": "Two & a dinghy"}, nil)
		if m := decode(t, res); res.Status != 200 || rendered(m, "title", "raw") != "Boats <at> dawn" ||
			rendered(m, "title", "rendered") != "Boats &lt;at&gt; dawn" || rendered(m, "description", "raw") != "Two & a dinghy" ||
			rendered(m, "description", "rendered") != "<p>Two &amp; a dinghy</p>\n" {
			t.Fatalf("title and description: %d %s", res.Status, res.Body)
		}
		if m := decode(t, a.do(t, "GET", path, "", nil, nil)); rendered(m, "title", "rendered") != "Boats &lt;at&gt; dawn" || m["slug"] != "boats" {
			t.Errorf("read back: title %q, slug %v", rendered(m, "title", "rendered"), m["slug"])
		}
		res = a.do(t, "POST", path, "author", map[string]any{"title": ""}, nil)
		if m := decode(t, res); res.Status != 200 || rendered(m, "title", "rendered") != "boats" {
			t.Errorf("emptied title: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "POST", path, "author", map[string]any{"title": strings.Repeat("t", communique.MaxMediaTitleLength+1)}, nil), 400, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path, "author2", map[string]any{"title": "Mine"}, nil), 403, "rest_cannot_edit")
		wantError(t, a.do(t, "POST", path, "author", map[string]any{"slug": "x"}, nil), 400, "rest_invalid_param")
		// What media cannot change is checked, not ignored.
		wantError(t, a.do(t, "POST", path, "author", map[string]any{"comment_status": "open"}, nil), 400, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path, "author", map[string]any{"template": "wide.php"}, nil), 400, "rest_invalid_param")
		if res := a.do(t, "POST", path, "author", map[string]any{"comment_status": "closed", "ping_status": "closed", "template": "", "meta": map[string]any{}}, nil); res.Status != 200 {
			t.Errorf("the values media keep: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "DELETE", path, "author", nil, nil), 501, "rest_trash_not_supported")
		stored, _ := db.FindMediaByID(ctx, rawID)
		if res := a.do(t, "DELETE", path+"?force=true", "author", nil, nil); res.Status != 200 || decode(t, res)["deleted"] != true {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "GET", path, "", nil, nil), 404, "rest_post_invalid_id")
		if _, err := f.Storage.Open(ctx, stored.Key); err == nil {
			t.Errorf("the deleted image's file is still stored")
		}
	})
}

// TestCommentEmailLiteral: an address at an IP literal is refused through
// the API as through the form, with the reason beside author_email.
func TestCommentEmailLiteral(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		before, _, _ := db.FindComments(context.Background(), communique.CommentFilter{})
		for _, email := range []string{"eve@[127.0.0.1]", "eve@[IPv6:::1]", "eve@10.0.0.1"} {
			res := a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": f.Articles["bridge"].ID, "author_name": "Eve", "author_email": email, "content": "Hi"}, nil)
			wantError(t, res, 400, "rest_comment_author_data_required")
			if !strings.Contains(res.Body, "IP address") {
				t.Errorf("%s: the answer does not say why: %s", email, res.Body)
			}
		}
		if after, _, _ := db.FindComments(context.Background(), communique.CommentFilter{}); len(after) != len(before) {
			t.Errorf("comments stored: %d, was %d", len(after), len(before))
		}
	})
}
