package storetest

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/media"
	"communique/newsroom"
	"communique/sqlstore"
)

// MustCreateMedia records an image (no files stored) with alt text.
func MustCreateMedia(tb testing.TB, db *sqlstore.DB, uploader *communique.User, alt string) *communique.Media {
	tb.Helper()
	key := media.NewKey(media.JPEG)
	m := &communique.Media{Key: key, Filename: "photo.jpg", MimeType: "image/jpeg", Width: 1200, Height: 800, Size: 12345,
		AltText: alt, UploaderID: uploader.ID, Variants: []communique.MediaVariant{
			{Width: 320, Height: 213, Key: media.VariantKey(key, 320, media.JPEG), MimeType: "image/jpeg", Size: 999},
			{Width: 640, Height: 427, Key: media.VariantKey(key, 640, media.JPEG), MimeType: "image/jpeg", Size: 2999},
		}}
	if err := db.CreateMedia(context.Background(), m); err != nil {
		tb.Fatalf("create media: %v", err)
	}
	return m
}

func testMedia(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	u := MustCreateUser(t, db, "snapper", communique.RoleAuthor)
	other := MustCreateUser(t, db, "editor", communique.RoleEditor)
	m := MustCreateMedia(t, db, u, "  A heron on one leg  ")
	if m.ID == 0 || !m.CreatedAt.Equal(now) || m.AltText != "A heron on one leg" {
		t.Fatalf("created = %+v", m)
	}
	for name, find := range map[string]func() (*communique.Media, error){
		"ByID":  func() (*communique.Media, error) { return db.FindMediaByID(ctx, m.ID) },
		"ByKey": func() (*communique.Media, error) { return db.FindMediaByKey(ctx, m.Key) },
	} {
		got, err := find()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Key != m.Key || got.Filename != "photo.jpg" || got.MimeType != "image/jpeg" || got.Width != 1200 || got.Height != 800 ||
			got.Size != 12345 || got.UploaderID != u.ID || !got.CreatedAt.Equal(now) || len(got.Variants) != 2 ||
			got.Variants[1] != m.Variants[1] || got.AltText != "A heron on one leg" {
			t.Fatalf("%s = %+v", name, got)
		}
	}

	set(now.Add(time.Minute))
	second := MustCreateMedia(t, db, other, "")
	set(now.Add(2 * time.Minute))
	third := MustCreateMedia(t, db, u, "")
	t.Run("ListNewestFirst", func(t *testing.T) {
		list, total, err := db.FindMedia(ctx, communique.MediaFilter{Limit: 2})
		if err != nil || total != 3 || len(list) != 2 || list[0].ID != third.ID || list[1].ID != second.ID {
			t.Fatalf("page 1 = %v, total %d, %v", ids(list), total, err)
		}
		list, total, err = db.FindMedia(ctx, communique.MediaFilter{Limit: 2, Offset: 2})
		if err != nil || total != 3 || len(list) != 1 || list[0].ID != m.ID {
			t.Fatalf("page 2 = %v, total %d, %v", ids(list), total, err)
		}
		_, total, err = db.FindMedia(ctx, communique.MediaFilter{Limit: 2, Offset: 10})
		if err != nil || total != 3 {
			t.Fatalf("past the end: total %d, %v", total, err)
		}
		list, total, _ = db.FindMedia(ctx, communique.MediaFilter{UploaderID: &u.ID})
		if total != 2 || list[0].ID != third.ID {
			t.Fatalf("by uploader = %v", ids(list))
		}
		list, _, _ = db.FindMedia(ctx, communique.MediaFilter{IDs: []int64{m.ID, second.ID}})
		if len(list) != 2 {
			t.Fatalf("by ids = %v", ids(list))
		}
		list, total, _ = db.FindMedia(ctx, communique.MediaFilter{ExcludeIDs: []int64{m.ID, second.ID}})
		if total != 1 || list[0].ID != third.ID {
			t.Fatalf("excluding ids = %v", ids(list))
		}
		list, total, _ = db.FindMedia(ctx, communique.MediaFilter{MimeType: m.MimeType, ExcludeIDs: []int64{third.ID}})
		if total != 2 || list[1].ID != m.ID {
			t.Fatalf("by MIME type %s = %v", m.MimeType, ids(list))
		}
		if list, total, _ = db.FindMedia(ctx, communique.MediaFilter{ExcludeUploaderIDs: []int64{u.ID}}); total != 1 || list[0].ID != second.ID {
			t.Fatalf("excluding an uploader = %v", ids(list))
		}
		if _, total, _ = db.FindMedia(ctx, communique.MediaFilter{MimeType: "video/mp4"}); total != 0 {
			t.Fatalf("by another MIME type: %d", total)
		}
	})
	t.Run("Update", func(t *testing.T) {
		alt, caption := "A grey heron", "Photo: the newsroom"
		got, err := db.UpdateMedia(ctx, second.ID, communique.MediaUpdate{AltText: &alt, Caption: &caption})
		if err != nil || got.AltText != alt || got.Caption != caption {
			t.Fatalf("update = %+v, %v", got, err)
		}
		got, _ = db.FindMediaByID(ctx, second.ID)
		if got.AltText != alt || got.Caption != caption || got.Key != second.Key {
			t.Fatalf("after update = %+v", got)
		}
		long := strings.Repeat("x", communique.MaxAltTextLength+1)
		_, err = db.UpdateMedia(ctx, second.ID, communique.MediaUpdate{AltText: &long})
		wantCode(t, err, communique.EINVALID)
		_, err = db.UpdateMedia(ctx, 999999, communique.MediaUpdate{AltText: &alt})
		wantCode(t, err, communique.ENOTFOUND)
		// Title and description are kept apart from the alt text; an
		// empty title shows the file name again.
		title, desc := " Heron at dawn ", "Taken from the bridge."
		got, err = db.UpdateMedia(ctx, second.ID, communique.MediaUpdate{Title: &title, Description: &desc})
		if err != nil || got.Title != "Heron at dawn" || got.Description != desc || got.AltText != alt {
			t.Fatalf("update title = %+v, %v", got, err)
		}
		got, _ = db.FindMediaByID(ctx, second.ID)
		if got.Title != "Heron at dawn" || got.DisplayTitle() != "Heron at dawn" || got.Description != desc {
			t.Fatalf("after title update = %+v", got)
		}
		empty := ""
		got, _ = db.UpdateMedia(ctx, second.ID, communique.MediaUpdate{Title: &empty})
		if got.Title != "" || got.Description != desc || got.DisplayTitle() == "" {
			t.Fatalf("after emptying the title = %+v (shown as %q)", got, got.DisplayTitle())
		}
		longTitle := strings.Repeat("t", communique.MaxMediaTitleLength+1)
		_, err = db.UpdateMedia(ctx, second.ID, communique.MediaUpdate{Title: &longTitle})
		wantCode(t, err, communique.EINVALID)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, bad := range []*communique.Media{
			{Key: "../../etc/passwd", MimeType: "image/png", Width: 1, Height: 1},
			{Key: "photo.jpg", MimeType: "image/jpeg", Width: 1, Height: 1},
			{Key: media.NewKey(media.PNG), MimeType: "image/png", Width: 0, Height: 1},
			{Key: media.NewKey(media.PNG), MimeType: "image/png", Width: 1, Height: 1, AltText: "\xff"},
			{Key: media.NewKey(media.PNG), MimeType: "image/svg+xml", Width: 1, Height: 1},
			{Key: media.NewKey(media.PNG), MimeType: "text/html", Width: 1, Height: 1},
		} {
			wantCode(t, db.CreateMedia(ctx, bad), communique.EINVALID)
		}
	})
	t.Run("ErrKeyTaken", func(t *testing.T) {
		dup := &communique.Media{Key: m.Key, MimeType: "image/jpeg", Width: 1, Height: 1}
		wantCode(t, db.CreateMedia(ctx, dup), communique.ECONFLICT)
	})
	t.Run("Delete", func(t *testing.T) {
		if err := db.DeleteMedia(ctx, third.ID); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindMediaByID(ctx, third.ID)
		wantCode(t, err, communique.ENOTFOUND)
		_, err = db.FindMediaByKey(ctx, third.Key)
		wantCode(t, err, communique.ENOTFOUND)
		wantCode(t, db.DeleteMedia(ctx, third.ID), communique.ENOTFOUND)
	})
}

func ids(list []*communique.Media) []int64 {
	var out []int64
	for _, m := range list {
		out = append(out, m.ID)
	}
	return out
}

func testFeaturedMedia(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	m := MustCreateMedia(t, db, u, "The harbour at dawn")
	a := &communique.Article{Title: "Harbour", Source: "Boats.", AuthorID: u.ID, Status: communique.StatusPublished, FeaturedMediaID: m.ID}
	if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindArticleByID(ctx, a.ID)
	if err != nil || got.FeaturedMediaID != m.ID {
		t.Fatalf("featured = %d, %v", got.FeaturedMediaID, err)
	}
	if list, _, _ := db.FindArticles(ctx, communique.ArticleFilter{}); len(list) != 1 || list[0].FeaturedMediaID != m.ID {
		t.Fatal("listing lost the featured image")
	}
	t.Run("ErrMissingImage", func(t *testing.T) {
		missing := int64(999999)
		_, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{FeaturedMediaID: &missing})
		wantCode(t, err, communique.EINVALID)
		b := &communique.Article{Title: "Ghost", Source: "x", AuthorID: u.ID, Status: communique.StatusDraft, FeaturedMediaID: missing}
		wantCode(t, newsroom.New(db).Create(ctx, newsroom.System, b, nil, nil), communique.EINVALID)
	})
	t.Run("Change", func(t *testing.T) {
		other := MustCreateMedia(t, db, u, "Gulls")
		got, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{FeaturedMediaID: &other.ID})
		if err != nil || got.FeaturedMediaID != other.ID {
			t.Fatalf("change = %d, %v", got.FeaturedMediaID, err)
		}
		title := "Harbour, later"
		if got, _ := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Title: &title}); got.FeaturedMediaID != other.ID {
			t.Fatal("an update without the field changed it")
		}
		none := int64(0)
		if got, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{FeaturedMediaID: &none}); err != nil || got.FeaturedMediaID != 0 {
			t.Fatalf("remove = %d, %v", got.FeaturedMediaID, err)
		}
	})
	t.Run("DeletedImageLeavesArticle", func(t *testing.T) {
		if _, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{FeaturedMediaID: &m.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteMedia(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindArticleByID(ctx, a.ID)
		if err != nil || got.FeaturedMediaID != 0 || got.Status != communique.StatusPublished {
			t.Fatalf("after deleting the image: featured %d, status %s, %v", got.FeaturedMediaID, got.Status, err)
		}
	})
}

func testMediaAltText(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	fixedClock(db, now)
	u := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	bare := MustCreateMedia(t, db, u, "")
	draft := &communique.Article{Title: "Storm", Source: "Wind.", AuthorID: u.ID, Status: communique.StatusDraft, FeaturedMediaID: bare.ID}
	if err := newsroom.New(db).Create(ctx, newsroom.System, draft, nil, nil); err != nil {
		t.Fatalf("a draft may have an image without alt text: %v", err)
	}
	published, scheduled := communique.StatusPublished, communique.StatusScheduled
	later := now.Add(24 * time.Hour)
	t.Run("FeaturedRefused", func(t *testing.T) {
		_, err := newsroom.New(db).Update(ctx, newsroom.System, draft.ID, communique.ArticleUpdate{Status: &published})
		wantCode(t, err, communique.EINVALID)
		if !strings.Contains(communique.ErrorMessage(err), "featured image has no alt text") {
			t.Fatalf("message = %q", communique.ErrorMessage(err))
		}
		_, err = newsroom.New(db).Update(ctx, newsroom.System, draft.ID, communique.ArticleUpdate{Status: &scheduled, PublishedAt: &later})
		wantCode(t, err, communique.EINVALID)
		b := &communique.Article{Title: "Direct", Source: "x", AuthorID: u.ID, Status: communique.StatusPublished, FeaturedMediaID: bare.ID}
		wantCode(t, newsroom.New(db).Create(ctx, newsroom.System, b, nil, nil), communique.EINVALID)
		if got, _ := db.FindArticleByID(ctx, draft.ID); got.Status != communique.StatusDraft {
			t.Fatalf("status = %s after a refused publish", got.Status)
		}
		if _, total, _ := db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{published}}); total != 0 {
			t.Fatal("something was published")
		}
	})
	t.Run("BodyRefused", func(t *testing.T) {
		body := "Look:\n\n![](/media/" + bare.Key + "/640)\n\nand <img src=\"https://news.example/media/" + bare.Key + "\" alt=\"x\">"
		c := &communique.Article{Title: "Body", Source: body, AuthorID: u.ID, Status: communique.StatusPublished}
		err := newsroom.New(db).Create(ctx, newsroom.System, c, nil, nil)
		wantCode(t, err, communique.EINVALID)
		if !strings.Contains(communique.ErrorMessage(err), bare.Key) {
			t.Fatalf("message does not name the image: %q", communique.ErrorMessage(err))
		}
		// A /media/ URL of no library image is not the rule's business.
		d := &communique.Article{Title: "Elsewhere", Source: "![x](/media/0123456789abcdef0123456789abcdef.png)", AuthorID: u.ID, Status: communique.StatusPublished}
		if err := newsroom.New(db).Create(ctx, newsroom.System, d, nil, nil); err != nil {
			t.Fatal(err)
		}
	})
	alt := "Lightning over the bay"
	if _, err := db.UpdateMedia(ctx, bare.ID, communique.MediaUpdate{AltText: &alt}); err != nil {
		t.Fatal(err)
	}
	t.Run("AllowedWithAlt", func(t *testing.T) {
		got, err := newsroom.New(db).Update(ctx, newsroom.System, draft.ID, communique.ArticleUpdate{Status: &published})
		if err != nil || got.Status != communique.StatusPublished {
			t.Fatalf("publish = %v, %v", got, err)
		}
		c := &communique.Article{Title: "Body", Source: "![](/media/" + bare.Key + ")", AuthorID: u.ID, Status: communique.StatusPublished}
		if err := newsroom.New(db).Create(ctx, newsroom.System, c, nil, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ClearingAltOfLiveImageRefused", func(t *testing.T) {
		empty := "  "
		_, err := db.UpdateMedia(ctx, bare.ID, communique.MediaUpdate{AltText: &empty})
		wantCode(t, err, communique.EINVALID)
		if got, _ := db.FindMediaByID(ctx, bare.ID); got.AltText != alt {
			t.Fatalf("alt text = %q", got.AltText)
		}
		// An image no live article shows may lose it.
		unused := MustCreateMedia(t, db, u, "Spare")
		if _, err := db.UpdateMedia(ctx, unused.ID, communique.MediaUpdate{AltText: &empty}); err != nil {
			t.Fatal(err)
		}
	})
}

func testMediaBlobs(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	s := sqlstore.NewDBStorage(db)
	key := media.NewKey(media.PNG)
	data := "\x89PNG\r\n\x1a\n\x00\xff binary"
	if err := s.Put(ctx, key, strings.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	read := func(key string) (string, error) {
		rc, err := s.Open(ctx, key)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		return string(b), err
	}
	if got, err := read(key); err != nil || got != data {
		t.Fatalf("read back %q, %v", got, err)
	}
	if err := s.Put(ctx, key, strings.NewReader("replaced")); err != nil {
		t.Fatal(err)
	}
	if got, _ := read(key); got != "replaced" {
		t.Fatalf("after replacing: %q", got)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := read(key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	for _, bad := range []string{"../x.png", "a/b.png", "", ".."} {
		if err := s.Put(ctx, bad, strings.NewReader("x")); !errors.Is(err, media.ErrBadKey) {
			t.Errorf("Put(%q) = %v", bad, err)
		}
		if _, err := read(bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
}
