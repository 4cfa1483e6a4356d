package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestProfileBioAndPhoto: an author writes their biography and picks a
// photo from the media library on their profile; their author page shows
// both at once (the cached page is dropped). A photo that is not a
// picture in the library is refused with the form as typed.
func TestProfileBioAndPhoto(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		author := n.Users[communique.RoleAuthor]
		n.Article(t, author, "Tides at the harbour mouth", communique.StatusPublished)
		pic := &communique.Media{Key: "0123456789abcdef0123456789abcdef.jpg", Filename: "portrait.jpg", MimeType: "image/jpeg", Width: 600, Height: 600,
			AltText: "Head and shoulders", UploaderID: author.ID}
		if err := n.DB.CreateMedia(ctx, pic); err != nil {
			t.Fatal(err)
		}
		page := "/author/" + author.Slug + "/"
		reader := n.Agent(t) // signed out: served from the page cache
		before := reader.Get(t, page).Body
		if strings.Contains(before, "author-photo") {
			t.Fatalf("the author page shows a photo before one is chosen")
		}

		a := n.SignIn(t, communique.RoleAuthor)
		form := a.Get(t, "/admin/profile")
		if !strings.Contains(form.Body, `<option value="`+strconv.FormatInt(pic.ID, 10)+`">portrait.jpg — Head and shoulders</option>`) {
			t.Fatalf("the photo choices are not the library's pictures:\n%s", excerpt(form.Body))
		}
		bio := "Covers the harbour, the ferries & the courts."
		for _, bad := range []string{"999999", "-1", "x"} {
			res := a.Post(t, "/admin/profile", url.Values{"display_name": {author.DisplayName}, "email": {author.Email}, "bio": {bio}, "photo_id": {bad}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Choose a picture from the media library") ||
				!strings.Contains(res.Body, "Covers the harbour, the ferries &amp; the courts.</textarea>") {
				t.Errorf("photo %q: status %d, want 400 with the biography as typed\n%s", bad, res.Status, excerpt(res.Body))
			}
		}
		if u, _ := n.DB.FindUserByID(ctx, author.ID); u.Bio != "" || u.PhotoID != 0 {
			t.Fatalf("a refused profile changed the account: %+v", u)
		}
		res := a.Post(t, "/admin/profile", url.Values{"display_name": {author.DisplayName}, "email": {author.Email},
			"bio": {" " + bio + " "}, "photo_id": {strconv.FormatInt(pic.ID, 10)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save: status %d\n%s", res.Status, excerpt(res.Body))
		}
		if u, _ := n.DB.FindUserByID(ctx, author.ID); u.Bio != bio || u.PhotoID != pic.ID {
			t.Fatalf("stored bio %q, photo %d", u.Bio, u.PhotoID)
		}
		after := reader.Get(t, page).Body
		if !strings.Contains(after, `<img class="author-photo" src="/media/0123456789abcdef0123456789abcdef.jpg"`) ||
			!strings.Contains(after, `<p class="intro">Covers the harbour, the ferries &amp; the courts.</p>`) {
			t.Fatalf("the author page does not show the new photo and biography:\n%s", excerpt(after))
		}
		// A page that shows the form for another reason fills it with
		// what is stored, so saving it from there loses nothing.
		apps := a.Post(t, "/admin/profile/app-passwords", url.Values{"app_password_name": {"Phone"}})
		if !strings.Contains(apps.Body, "the courts.</textarea>") || !strings.Contains(apps.Body, `<option value="`+strconv.FormatInt(pic.ID, 10)+`" selected>`) {
			t.Errorf("the profile form beside a new application password lost the biography or photo:\n%s", excerpt(apps.Body))
		}
		// Taking the photo away takes it off the page.
		a.Post(t, "/admin/profile", url.Values{"display_name": {author.DisplayName}, "email": {author.Email}, "bio": {bio}, "photo_id": {"0"}})
		if strings.Contains(reader.Get(t, page).Body, "author-photo") {
			t.Errorf("the photo stays on the author page after it was removed")
		}
	})
}
