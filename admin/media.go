package admin

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"communique"
	"communique/internal/httpkit"
	"communique/upload"
)

// mediaPerPage is the size of a page of the library grid.
const mediaPerPage = 40

// mediaPage is the library: a grid of images and the upload form, which
// comes back with a message and what was typed when an upload fails.
type mediaPage struct {
	base
	Items   []*communique.Media
	Total   int
	Page    int
	Pages   int
	PrevURL string
	NextURL string
	Alt     string
	Caption string
	Error   string
	MaxMiB  int64
}

func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionUploadMedia, nil) {
		s.forbid(w, r, rq)
		return
	}
	s.renderMedia(w, r, rq, &mediaPage{base: s.base(r, rq, "Media", "media")}, http.StatusOK)
}

func (s *Server) renderMedia(w http.ResponseWriter, r *http.Request, rq *request, data *mediaPage, status int) {
	data.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	data.Page = max(1, min(data.Page, 100000))
	data.MaxMiB = s.mediaLimits.MaxBytes >> 20
	var err error
	data.Items, data.Total, err = s.store.FindMedia(r.Context(), communique.MediaFilter{Limit: mediaPerPage, Offset: (data.Page - 1) * mediaPerPage})
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.Pages = max(1, (data.Total+mediaPerPage-1)/mediaPerPage)
	if data.Page > 1 {
		data.PrevURL = "/admin/media?page=" + strconv.Itoa(data.Page-1)
	}
	if data.Page < data.Pages {
		data.NextURL = "/admin/media?page=" + strconv.Itoa(data.Page+1)
	}
	s.render(w, r, status, "media", data)
}

// handleMediaUpload stores an image sent as the multipart field "file",
// with its alt text and caption. A refused upload stores nothing and shows
// the form again with the reason.
func (s *Server) handleMediaUpload(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionUploadMedia, nil) {
		s.forbid(w, r, rq)
		return
	}
	data := mediaPage{base: s.base(r, rq, "Media", "media"), Alt: r.PostFormValue("alt"), Caption: r.PostFormValue("caption")}
	m, err := s.upload(r, rq, "file", data.Alt, data.Caption)
	if communique.ErrorCode(err) == communique.EINTERNAL {
		s.fail(w, r, rq, err)
		return
	} else if err != nil {
		data.Error = communique.ErrorMessage(err)
		s.renderMedia(w, r, rq, &data, httpkit.Status(err))
		return
	}
	http.Redirect(w, r, "/admin/media/"+strconv.FormatInt(m.ID, 10)+"?done=uploaded", http.StatusSeeOther)
}

// handleMediaUploadJSON is the editor's door for an image dropped or
// pasted into an article: the same checks as the library's form, answered
// with the stored image's address (201) or the reason it was refused.
func (s *Server) handleMediaUploadJSON(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionUploadMedia, nil) {
		s.jsonError(w, r, communique.Errorf(communique.EFORBIDDEN, "Your role (%s) does not allow uploads.", rq.User.Role))
		return
	}
	m, err := s.upload(r, rq, "file", r.PostFormValue("alt"), r.PostFormValue("caption"))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	httpkit.WriteJSON(w, http.StatusCreated, map[string]any{"id": m.ID, "url": m.URL(), "alt": m.AltText, "width": m.Width, "height": m.Height})
}

// upload checks, cleans and stores the image of a multipart field with
// its renditions, then records it. Refusals are EINVALID with a message
// for the writer, and leave nothing behind.
func (s *Server) upload(r *http.Request, rq *request, field, alt, caption string) (*communique.Media, error) {
	if s.storage == nil {
		return nil, errors.New("upload: no media storage configured")
	}
	var fh *multipart.FileHeader
	if r.MultipartForm != nil && len(r.MultipartForm.File[field]) > 0 {
		fh = r.MultipartForm.File[field][0]
	}
	if fh == nil {
		return nil, communique.Errorf(communique.EINVALID, "Choose an image file to upload.")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	defer f.Close()
	return s.library().Image(r.Context(), f, uploadName(fh), upload.Fields{AltText: alt, Caption: caption, UploaderID: rq.User.ID})
}

// library is where uploads go, with the checks the REST API shares.
func (s *Server) library() *upload.Library {
	return &upload.Library{Storage: s.storage, Store: s.store, Limits: s.mediaLimits, Logger: s.logger}
}

// uploadName is the file name as the browser sent it. Go's multipart
// reader keeps only the last path element, which would hide a name like
// ../../etc/passwd.png from media.Process; the raw header does not.
func uploadName(fh *multipart.FileHeader) string {
	if _, params, err := mime.ParseMediaType(fh.Header.Get("Content-Disposition")); err == nil {
		if name, ok := params["filename"]; ok {
			return name
		}
	}
	return fh.Filename
}

// mediaEditPage shows one image, its renditions and the text attached.
type mediaEditPage struct {
	base
	Media     *communique.Media
	Uploader  string
	Alt       string
	Caption   string
	Errors    map[string]string
	CanManage bool
	Markdown  string
}

func (s *Server) loadMedia(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Media, bool) {
	if !communique.Can(rq.User, communique.ActionUploadMedia, nil) {
		s.forbid(w, r, rq)
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Image not found."))
		return nil, false
	}
	m, err := s.store.FindMediaByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, rq, err)
		return nil, false
	}
	return m, true
}

// loadMediaToManage loads the route's image when the user may change or
// delete it, answering not found or forbidden otherwise.
func (s *Server) loadMediaToManage(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Media, bool) {
	m, ok := s.loadMedia(w, r, rq)
	if ok && !communique.CanManageMedia(rq.User, m) {
		s.forbid(w, r, rq)
		return nil, false
	}
	return m, ok
}

func (s *Server) handleMediaEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	m, ok := s.loadMedia(w, r, rq)
	if !ok {
		return
	}
	s.renderMediaEdit(w, r, rq, &mediaEditPage{Media: m, Alt: m.AltText, Caption: m.Caption}, http.StatusOK)
}

func (s *Server) renderMediaEdit(w http.ResponseWriter, r *http.Request, rq *request, data *mediaEditPage, status int) {
	m := data.Media
	data.base = s.base(r, rq, s.words(rq).T("adm_media.image_title", m.Filename), "media")
	data.CanManage = communique.CanManageMedia(rq.User, m)
	if u, err := s.store.FindUserByID(r.Context(), m.UploaderID); err == nil {
		data.Uploader = u.Name()
	}
	data.Markdown = "![" + markdownAlt(m.AltText) + "](" + m.URL() + ")"
	s.render(w, r, status, "media_edit", data)
}

// markdownAlt keeps alt text from closing the Markdown image early.
func markdownAlt(s string) string {
	return strings.NewReplacer("[", "", "]", "", "\n", " ", "\r", "").Replace(s)
}

// handleMediaEditPost changes the alt text and caption.
func (s *Server) handleMediaEditPost(w http.ResponseWriter, r *http.Request, rq *request) {
	m, ok := s.loadMediaToManage(w, r, rq)
	if !ok {
		return
	}
	data := mediaEditPage{Media: m, Alt: r.PostFormValue("alt"), Caption: r.PostFormValue("caption"), Errors: map[string]string{}}
	if _, err := s.store.UpdateMedia(r.Context(), m.ID, communique.MediaUpdate{AltText: &data.Alt, Caption: &data.Caption}); err != nil {
		if communique.ErrorCode(err) == communique.EINTERNAL {
			s.fail(w, r, rq, err)
			return
		}
		data.Errors["alt"] = communique.ErrorMessage(err)
		s.renderMediaEdit(w, r, rq, &data, httpkit.Status(err))
		return
	}
	http.Redirect(w, r, "/admin/media/"+strconv.FormatInt(m.ID, 10)+"?done=saved", http.StatusSeeOther)
}

// handleMediaDelete removes the record, then the files. Articles that
// featured the image lose it; bodies that showed it show a broken image,
// as on any site where a file is deleted.
func (s *Server) handleMediaDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	m, ok := s.loadMediaToManage(w, r, rq)
	if !ok {
		return
	}
	if err := s.store.DeleteMedia(r.Context(), m.ID); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	if s.storage != nil {
		keys := []string{m.Key}
		for _, v := range m.Variants {
			keys = append(keys, v.Key)
		}
		for _, key := range keys {
			if err := s.storage.Delete(r.Context(), key); err != nil {
				s.logger.Warn("delete media file", "key", key, "err", err)
			}
		}
	}
	http.Redirect(w, r, "/admin/media?done=deleted", http.StatusSeeOther)
}

// featuredPicker is the editor's featured image: the choice, the image
// chosen, and recent images to choose from.
type featuredPicker struct {
	FeaturedMediaID int64
	FeaturedAlt     string
	Featured        *communique.Media
	RecentMedia     []*communique.Media
	CanUpload       bool
}

// recentMediaChoices is how many recent images the editor offers.
const recentMediaChoices = 40

// editorMedia loads what the picker shows.
func (s *Server) editorMedia(ctx context.Context, rq *request, p *featuredPicker) {
	p.CanUpload = communique.Can(rq.User, communique.ActionUploadMedia, nil)
	if p.FeaturedMediaID != 0 {
		p.Featured, _ = s.store.FindMediaByID(ctx, p.FeaturedMediaID)
	}
	if !p.CanUpload {
		return
	}
	p.RecentMedia, _, _ = s.store.FindMedia(ctx, communique.MediaFilter{Limit: recentMediaChoices})
	if p.Featured != nil {
		for _, m := range p.RecentMedia {
			if m.ID == p.Featured.ID {
				return
			}
		}
		p.RecentMedia = append([]*communique.Media{p.Featured}, p.RecentMedia...)
	}
}

// featuredImage reads the picker of a saved editor form: the chosen image,
// or a new upload that becomes the featured image, and alt text for it.
// Going live, it finds library images without alt text and says so beside
// their fields, so nothing is published and the text stays in the form.
// Only internal failures are returned.
func (s *Server) featuredImage(r *http.Request, rq *request, data *editorPage, current *communique.Article, status communique.Status) error {
	ctx := r.Context()
	p := &data.featuredPicker
	p.CanUpload = communique.Can(rq.User, communique.ActionUploadMedia, nil)
	if !p.CanUpload {
		// The picker was not shown: keep what the article has.
		p.FeaturedMediaID = current.FeaturedMediaID
	} else {
		f := r.PostForm
		p.FeaturedMediaID, _ = strconv.ParseInt(f.Get("featured_media"), 10, 64)
		if other := strings.TrimSpace(f.Get("featured_media_other")); other != "" {
			p.FeaturedMediaID, _ = strconv.ParseInt(other, 10, 64)
		}
		p.FeaturedAlt = strings.TrimSpace(f.Get("featured_alt"))
		if r.MultipartForm != nil && len(r.MultipartForm.File["featured_file"]) > 0 && r.MultipartForm.File["featured_file"][0].Size > 0 {
			m, err := s.upload(r, rq, "featured_file", p.FeaturedAlt, "")
			if communique.ErrorCode(err) == communique.EINTERNAL {
				return err
			} else if err != nil {
				data.Errors["featured"] = communique.ErrorMessage(err)
				return nil
			}
			p.FeaturedMediaID, p.FeaturedAlt = m.ID, ""
		}
	}
	var check communique.AltTextCheck
	if p.FeaturedMediaID != 0 {
		m, err := s.store.FindMediaByID(ctx, p.FeaturedMediaID)
		if communique.ErrorCode(err) == communique.ENOTFOUND {
			data.Errors["featured"] = "There is no image number " + strconv.FormatInt(p.FeaturedMediaID, 10) + " in the library."
			return nil
		} else if err != nil {
			return err
		}
		if m.AltText == "" && p.FeaturedAlt != "" && communique.CanManageMedia(rq.User, m) {
			// Alt text typed in the editor for a chosen image that has none.
			if m, err = s.store.UpdateMedia(ctx, m.ID, communique.MediaUpdate{AltText: &p.FeaturedAlt}); err != nil {
				return err
			}
			p.FeaturedAlt = ""
		}
		check.Featured = m
	}
	if status != communique.StatusPublished && status != communique.StatusScheduled {
		return nil
	}
	for _, key := range communique.MediaKeysIn(data.Source) {
		m, err := s.store.FindMediaByKey(ctx, key)
		if err == nil {
			check.Body = append(check.Body, m)
		} else if communique.ErrorCode(err) != communique.ENOTFOUND {
			return err
		}
	}
	if msg := check.FeaturedProblem(); msg != "" {
		data.Errors["featured"] = msg
	}
	if msg := check.BodyProblem(); msg != "" {
		data.Errors["body"] = msg
	}
	if check.Err() != nil {
		data.Errors["form"] = "Not published: every image from the library needs alt text first, for readers who cannot see it. See the highlighted fields; your text is kept below."
	}
	return nil
}
