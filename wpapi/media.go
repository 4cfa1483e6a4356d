package wpapi

import (
	"html"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/markup"
	"communique/upload"
)

// Media: /wp/v2/media, the library's images as WordPress attachments.
// Uploads take the raw file with Content-Disposition, as WordPress, or a
// multipart "file" field, and meet the newsroom's checks (upload).

type mediaJSON struct {
	ID            int64        `json:"id"`
	Date          string       `json:"date"`
	DateGMT       string       `json:"date_gmt"`
	GUID          rendered     `json:"guid"`
	Modified      string       `json:"modified"`
	ModifiedGMT   string       `json:"modified_gmt"`
	Slug          string       `json:"slug"`
	Status        string       `json:"status"`
	Type          string       `json:"type"`
	Link          string       `json:"link"`
	Title         rendered     `json:"title"`
	Author        int64        `json:"author"`
	CommentStatus string       `json:"comment_status,omitempty"`
	PingStatus    string       `json:"ping_status,omitempty"`
	Template      *string      `json:"template,omitempty"`
	Description   *rendered    `json:"description,omitempty"`
	Caption       rendered     `json:"caption"`
	AltText       string       `json:"alt_text"`
	MediaType     string       `json:"media_type"`
	MimeType      string       `json:"mime_type"`
	MediaDetails  mediaDetails `json:"media_details"`
	Post          *int64       `json:"post"`
	Meta          *[]any       `json:"meta,omitempty"`
	// Edit context: WordPress's sizes still to make (none: every
	// rendition is made on upload).
	MissingImageSizes *[]string `json:"missing_image_sizes,omitempty"`
	SourceURL         string    `json:"source_url"`
	Links             links     `json:"_links"`
	Embedded          any       `json:"_embedded,omitempty"`
}

type mediaDetails struct {
	Width    int                  `json:"width"`
	Height   int                  `json:"height"`
	File     string               `json:"file"`
	Filesize int64                `json:"filesize"`
	Sizes    map[string]mediaSize `json:"sizes"`
}

type mediaSize struct {
	File      string `json:"file"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Filesize  int64  `json:"filesize"`
	MimeType  string `json:"mime_type"`
	SourceURL string `json:"source_url"`
}

func (s *Server) mediaOut(c *caller, m *communique.Media, context string) *mediaJSON {
	edit := context == contextEdit && communique.CanManageMedia(c.User, m)
	loc := c.Settings.Location
	src := c.Base + m.URL()
	name := strings.TrimSuffix(m.Filename, path.Ext(m.Filename))
	title := m.DisplayTitle()
	caption, description := "", ""
	if m.Caption != "" {
		caption = "<p>" + html.EscapeString(m.Caption) + "</p>\n"
	}
	if m.Description != "" {
		description = "<p>" + html.EscapeString(m.Description) + "</p>\n"
	}
	j := &mediaJSON{ID: m.ID, Date: wpDate(m.CreatedAt, loc), DateGMT: wpDate(m.CreatedAt, time.UTC),
		GUID: rendered{Rendered: src, Raw: rawIf(edit, src)}, Modified: wpDate(m.CreatedAt, loc), ModifiedGMT: wpDate(m.CreatedAt, time.UTC),
		Slug: markup.Slugify(name), Status: "inherit", Type: "attachment", Link: src,
		Title: rendered{Rendered: html.EscapeString(title), Raw: rawIf(edit, title)}, Author: m.UploaderID,
		Caption: rendered{Rendered: caption, Raw: rawIf(edit, m.Caption)}, AltText: m.AltText,
		MediaType: mediaKind(m.MimeType), MimeType: m.MimeType, SourceURL: src,
		MediaDetails: mediaDetails{Width: m.Width, Height: m.Height, File: m.Key, Filesize: m.Size, Sizes: map[string]mediaSize{
			"full": {File: m.Key, Width: m.Width, Height: m.Height, Filesize: m.Size, MimeType: m.MimeType, SourceURL: src},
		}},
		Links: links{
			"self":       {{Href: c.api("/wp/v2/media/" + itoa(m.ID))}},
			"collection": {{Href: c.api("/wp/v2/media")}},
			"about":      {{Href: c.api("/wp/v2/types/attachment")}},
			"curies":     curies,
		}}
	for _, v := range m.Variants {
		j.MediaDetails.Sizes["w"+strconv.Itoa(v.Width)] = mediaSize{File: v.Key, Width: v.Width, Height: v.Height, Filesize: v.Size,
			MimeType: v.MimeType, SourceURL: c.Base + m.VariantURL(v.Width)}
	}
	namedSizes(j.MediaDetails.Sizes, m)
	if m.UploaderID != 0 {
		j.Links["author"] = []link{{Href: c.api("/wp/v2/users/" + itoa(m.UploaderID)), Embeddable: true}}
	}
	if context != contextEmbed {
		empty := ""
		j.CommentStatus, j.PingStatus, j.Template = "closed", "closed", &empty
		j.Description = &rendered{Rendered: description, Raw: rawIf(edit, m.Description)}
		j.Meta = noMeta
	}
	if edit {
		j.MissingImageSizes = &[]string{}
	}
	return j
}

func (j *mediaJSON) linksOf() links               { return j.Links }
func (j *mediaJSON) setEmbedded(e map[string]any) { j.Embedded = e }

func (s *Server) handleMediaList(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	in := queryInput(r)
	bad := invalid{}
	context := readContext(in, bad)
	pg := readPaging(in, bad)
	var f communique.MediaFilter
	if ids, ok := in.ints("author", bad); ok {
		if len(ids) > 1 {
			bad["author"] = "author: only one author at a time is supported by this site."
		} else if len(ids) == 1 {
			f.UploaderID = &ids[0]
		}
	}
	if ids, ok := in.ints("include", bad); ok {
		f.IDs = nonEmpty(ids)
	}
	f.ExcludeUploaderIDs, _ = in.ints("author_exclude", bad)
	mediaType, _ := in.choice("media_type", bad, "image", "video", "text", "application", "audio")
	in.choice("orderby", bad, "date")
	in.choice("order", bad, "desc")
	in.choice("status", bad, "inherit")
	if ids, ok := in.ints("exclude", bad); ok {
		f.ExcludeIDs = ids
	}
	f.MimeType, _ = in.str("mime_type", bad)
	// Media are not attached to posts here: all have parent 0.
	parents, hasParent := in.ints("parent", bad)
	notParents, _ := in.ints("parent_exclude", bad)
	unattached := (!hasParent || len(parents) == 0 || slices.Contains(parents, 0)) && !slices.Contains(notParents, 0)
	in.unsupported(bad, "search", "after", "before", "slug")
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if context == contextEdit && !communique.Can(c.User, communique.ActionUploadMedia, nil) {
		s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post type."))
		return
	}
	var list []*communique.Media
	total := 0
	if (mediaType == "" || mediaType == "image") && unattached {
		f.Offset, f.Limit = pg.start(), pg.PerPage
		var err error
		if list, total, err = s.store.FindMedia(r.Context(), f); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := setPaging(w, r, c, pg, total, "rest_post_invalid_page_number"); err != nil {
		s.fail(w, r, err)
		return
	}
	writeList(s, w, r, mapItems(list, func(m *communique.Media) *mediaJSON {
		return s.mediaOut(c, m, context)
	}))
}

// loadMedia finds the route's attachment.
func (s *Server) loadMedia(r *http.Request) (*communique.Media, error) {
	return findByRouteID(r, s.store.FindMediaByID, notFound("rest_post_invalid_id", "Invalid post ID."))
}

// loadMediaToManage loads the route's attachment for a caller who may
// change or delete it; anyone else gets denied.
func (s *Server) loadMediaToManage(r *http.Request, c *caller, denied error) (*communique.Media, error) {
	m, err := s.loadMedia(r)
	if err == nil && !communique.CanManageMedia(c.User, m) {
		return nil, denied
	}
	return m, err
}

func (s *Server) handleMediaGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	context, err := readQueryContext(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.loadMedia(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if context == contextEdit && !communique.CanManageMedia(c.User, m) {
		s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit this post."))
		return
	}
	writeJSON(w, http.StatusOK, s.mediaOut(c, m, context))
}

// handleMediaCreate stores an upload: the raw body named by
// Content-Disposition, or a multipart "file" field. alt_text and caption
// come with it (in the form, or the query string of a raw upload).
func (s *Server) handleMediaCreate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionUploadMedia, nil) {
		s.fail(w, r, forbidden(c, "rest_cannot_create", "Sorry, you are not allowed to upload media on this site."))
		return
	}
	lim := s.library.Limits.MaxBytes
	if lim <= 0 {
		lim = 20 << 20
	}
	r.Body = http.MaxBytesReader(w, r.Body, lim+1<<20)
	in := queryInput(r)
	var file io.Reader
	var name string
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			s.fail(w, r, badRequest("rest_upload_no_data", "The upload could not be read (is it too large?)."))
			return
		}
		defer r.MultipartForm.RemoveAll()
		for k, vs := range r.MultipartForm.Value {
			if len(vs) > 0 {
				in.body[k] = vs[0]
			}
		}
		fhs := r.MultipartForm.File["file"]
		if len(fhs) == 0 {
			s.fail(w, r, badRequest("rest_upload_no_data", "No data supplied."))
			return
		}
		f, err := fhs[0].Open()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer f.Close()
		file, name = f, fhs[0].Filename
		if _, params, err := mime.ParseMediaType(fhs[0].Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
			name = params["filename"] // the raw name, so a path in it is refused, not trimmed
		}
	} else {
		disposition := r.Header.Get("Content-Disposition")
		if disposition == "" {
			s.fail(w, r, badRequest("rest_upload_no_content_disposition", "No Content-Disposition supplied."))
			return
		}
		_, params, err := mime.ParseMediaType(disposition)
		if err != nil || params["filename"] == "" {
			s.fail(w, r, badRequest("rest_upload_invalid_disposition", "Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename=\"image.png\"` or similar."))
			return
		}
		if r.ContentLength == 0 {
			s.fail(w, r, badRequest("rest_upload_no_data", "No data supplied."))
			return
		}
		file, name = r.Body, params["filename"]
	}
	bad := invalid{}
	alt, _ := in.str("alt_text", bad)
	caption, _ := in.str("caption", bad)
	title, _ := in.str(titleField, bad)
	description, _ := in.str("description", bad)
	readMediaExtras(in, bad)
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.library.Image(r.Context(), file, name, upload.Fields{AltText: alt, Caption: caption, Title: title,
		Description: description, UploaderID: c.User.ID})
	if communique.ErrorCode(err) == communique.EINVALID {
		s.fail(w, r, badRequest("rest_upload_sideload_error", communique.ErrorMessage(err)))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	j := s.mediaOut(c, m, contextEdit)
	w.Header().Set("Location", j.Links["self"][0].Href)
	writeJSON(w, http.StatusCreated, j)
}

func (s *Server) handleMediaUpdate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	m, err := s.loadMediaToManage(r, c, forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to edit this post."))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	var upd communique.MediaUpdate
	if v, ok := in.str("alt_text", bad); ok {
		upd.AltText = &v
	}
	if v, ok := in.str("caption", bad); ok {
		upd.Caption = &v
	}
	if v, ok := in.str(titleField, bad); ok {
		upd.Title = &v
	}
	if v, ok := in.str("description", bad); ok {
		upd.Description = &v
	}
	readMediaExtras(in, bad)
	for _, k := range []string{"slug", "post", "author", "date", "date_gmt"} {
		if in.has(k) {
			bad[k] = k + " cannot be changed on this site; only alt_text, caption, title and description can."
		}
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if m, err = s.store.UpdateMedia(r.Context(), m.ID, upd); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.mediaOut(c, m, contextEdit))
}

func (s *Server) handleMediaDelete(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	m, err := s.loadMediaToManage(r, c, forbidden(c, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	force, err := readForce(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !force {
		s.fail(w, r, trashNotSupported("The post does not support trashing. Set 'force=true' to delete."))
		return
	}
	s.deleteForever(w, r, s.mediaOut(c, m, contextEdit), func() error {
		if err := s.store.DeleteMedia(r.Context(), m.ID); err != nil {
			return err
		}
		s.library.RemoveFiles(r.Context(), m)
		return nil
	})
}

// wpSizes are WordPress's image sizes and the longest side each asks
// for; WordPress makes one only for an image larger than that.
var wpSizes = []struct {
	name string
	side int
}{{"thumbnail", 150}, {"medium", 300}, {"medium_large", 768}, {"large", 1024}, {"1536x1536", 1536}, {"2048x2048", 2048}}

// namedSizes adds WordPress's size names to sizes, so front-ends that
// read sizes.medium.source_url find an image: each name is the smallest
// rendition (or the original) at least as large as the size asks, under
// its own real dimensions. The renditions keep their w320… names too.
func namedSizes(sizes map[string]mediaSize, m *communique.Media) {
	longest := func(s mediaSize) int { return max(s.Width, s.Height) }
	for _, wp := range wpSizes {
		if max(m.Width, m.Height) <= wp.side {
			continue
		}
		var best mediaSize
		found := false
		for name, s := range sizes {
			if !strings.HasPrefix(name, "w") && name != "full" || longest(s) < wp.side {
				continue
			}
			if !found || longest(s) < longest(best) {
				best, found = s, true
			}
		}
		if found {
			sizes[wp.name] = best
		}
	}
}

// mediaKind is WordPress's media_type of a file: image, audio or video.
func mediaKind(mimeType string) string {
	kind, _, _ := strings.Cut(mimeType, "/")
	return kind
}

// readMediaExtras checks what WordPress's attachments take and media
// here cannot change: comments and pings stay closed, there is no
// template, and meta keys are ignored.
func readMediaExtras(in *input, bad invalid) {
	in.choice("comment_status", bad, "closed")
	in.choice("ping_status", bad, "closed")
	if v, ok := in.str("template", bad); ok && v != "" {
		bad["template"] = "template is not one of ."
	}
	readMeta(in, bad)
}
