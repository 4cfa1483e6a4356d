package web

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/media"
)

// handleMedia serves an image of the library, /media/{key}, or one of its
// renditions, /media/{key}/{width}. Only keys the site made and only the
// four image types are ever served, with the type found when the upload
// was sniffed; nosniff and a CSP that allows nothing keep a file that
// browsers might read otherwise from ever becoming a page or a script.
// Keys are unique and files never change under them, so they cache for
// a year.
func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if s.media == nil || !communique.ValidMediaKey(key) {
		http.NotFound(w, r) // ../, names, anything but a key
		return
	}
	m, err := s.store.FindMediaByKey(r.Context(), key)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	storageKey, mimeType, width := m.Key, m.MimeType, 0
	if ws := r.PathValue("width"); ws != "" {
		width, err = strconv.Atoi(ws)
		v, ok := m.Variant(width)
		if err != nil || !ok || ws != strconv.Itoa(width) {
			http.NotFound(w, r)
			return
		}
		storageKey, mimeType = v.Key, v.MimeType
	}
	format, ok := media.FormatOfMimeType(mimeType)
	if !ok {
		s.logger.Error("media with a type that is not served", "key", key, "type", mimeType)
		http.NotFound(w, r)
		return
	}
	f, err := s.media.Open(r.Context(), storageKey)
	if errors.Is(err, fs.ErrNotExist) {
		s.logger.Warn("media file missing", "key", storageKey)
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", format.MimeType())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": media.DownloadName(m.Filename, width, format)}))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+storageKey+`"`)
	if rs, ok := f.(io.ReadSeeker); ok {
		// Range requests, HEAD and If-None-Match.
		http.ServeContent(w, r, "", time.Time{}, rs)
		return
	}
	if r.Header.Get("If-None-Match") == `"`+storageKey+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method != http.MethodHead {
		io.Copy(w, f)
	}
}

// imageView is a library image as templates show it: with srcset, its
// size (so the page does not jump as it loads) and its alt text.
type imageView struct {
	URL     string
	SrcSet  string
	Width   int
	Height  int
	Alt     string
	Caption string
}

// photo is the library picture id as an author's photo, or nil for none
// or a picture since deleted.
func (s *Server) photo(ctx context.Context, id int64) *imageView {
	if id == 0 {
		return nil
	}
	list, _, err := s.store.FindMedia(ctx, communique.MediaFilter{IDs: []int64{id}, Limit: 1})
	if err != nil {
		s.logger.Warn("author photo", "err", err)
		incomplete(ctx)
		return nil
	}
	if len(list) == 0 || !strings.HasPrefix(list[0].MimeType, "image/") {
		return nil
	}
	m := list[0]
	return &imageView{URL: m.URL(), SrcSet: m.SrcSet(), Width: m.Width, Height: m.Height, Alt: m.AltText}
}

// attachImages loads the featured images of the articles in one query,
// so a listing costs the same whatever it shows.
func (s *Server) attachImages(ctx context.Context, views []*articleView) {
	var ids []int64
	for _, v := range views {
		if v.FeaturedMediaID != 0 {
			ids = append(ids, v.FeaturedMediaID)
		}
	}
	if len(ids) == 0 {
		return
	}
	list, _, err := s.store.FindMedia(ctx, communique.MediaFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		s.logger.Warn("featured images", "err", err)
		incomplete(ctx)
		return
	}
	byID := map[int64]*communique.Media{}
	for _, m := range list {
		byID[m.ID] = m
	}
	for _, v := range views {
		if m := byID[v.FeaturedMediaID]; m != nil {
			v.Image = &imageView{URL: m.URL(), SrcSet: m.SrcSet(), Width: m.Width, Height: m.Height, Alt: m.AltText, Caption: m.Caption}
		}
	}
}
