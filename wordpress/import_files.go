package wordpress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"communique"
	"communique/upload"
)

// The old site's files come into the media library at the end of an
// import, once every attachment is recorded: from a copy of its
// wp-content/uploads folder (UploadsDir) or by download (Download).
// An attachment whose file is already in the library (an earlier run)
// is not fetched again; one whose file cannot be had is listed in the
// summary with why, and the references to it are left as they were.

// MediaLibrary takes an image file into the site's library, with its
// renditions and without its metadata; upload.Library is one.
type MediaLibrary interface {
	Image(ctx context.Context, r io.Reader, name string, f upload.Fields) (*communique.Media, error)
	AudioVideo(ctx context.Context, r io.Reader, name string, f upload.Fields) (*communique.Media, error)
}

// MediaFiles opens the file of an attachment: fileURL is its address on
// the old site, rel its path under the site's uploads folder.
type MediaFiles interface {
	Open(ctx context.Context, fileURL, rel string) (io.ReadCloser, error)
}

// MissingFile is an attachment whose file did not come into the library.
type MissingFile struct {
	URL, Why string
}

// UploadsDir reads files from a copy of the old site's uploads folder.
// The folder may be wp-content/uploads itself, or hold it (or uploads/)
// as an archive unpacked from the site's root would.
type UploadsDir struct {
	root *os.Root
}

// OpenUploadsDir opens dir; files are read under it only.
func OpenUploadsDir(dir string) (*UploadsDir, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("uploads folder: %w", err)
	}
	return &UploadsDir{root: root}, nil
}

// Close releases the folder.
func (d *UploadsDir) Close() error { return d.root.Close() }

// Open opens rel under the folder, trying the layouts a copy may have.
func (d *UploadsDir) Open(_ context.Context, _, rel string) (io.ReadCloser, error) {
	var first error
	for _, prefix := range []string{"", "uploads/", "wp-content/uploads/"} {
		f, err := d.root.Open(prefix + rel)
		if err == nil {
			return f, nil
		}
		if first == nil {
			first = err
		}
	}
	if errors.Is(first, fs.ErrNotExist) {
		return nil, errors.New("not in the uploads folder")
	}
	return nil, first
}

// Download fetches files from the old site through the product's
// outbound client (public addresses only, bounded time and size).
type Download struct {
	Client *http.Client
	// Hosts are the hosts files may come from; the importer adds the
	// export's own site host (and its WordPress.com files host).
	Hosts map[string]bool
}

// Open downloads fileURL if its host is allowed.
func (d *Download) Open(ctx context.Context, fileURL, _ string) (io.ReadCloser, error) {
	u, err := url.Parse(fileURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("not an http(s) address")
	}
	if !d.Hosts[strings.ToLower(u.Host)] {
		return nil, fmt.Errorf("%s is not the export's own site (allow it with --media-host)", u.Host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fileURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := d.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download: %w", errors.Unwrap(err))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("the old site answered %s", resp.Status)
	}
	return resp.Body, nil
}

// allowExportHosts lets a Download reach the export's own site: its
// host and, for a WordPress.com site, the files host it serves from.
func (ru *run) allowExportHosts() {
	d, ok := ru.Files.(*Download)
	if !ok {
		return
	}
	if d.Hosts == nil {
		d.Hosts = map[string]bool{}
	}
	u, err := url.Parse(ru.source)
	if err != nil || u.Host == "" {
		return
	}
	host := strings.ToLower(u.Host)
	d.Hosts[host] = true
	if name, ok := strings.CutSuffix(host, ".wordpress.com"); ok && !strings.Contains(name, ".") {
		d.Hosts[name+".files.wordpress.com"] = true
	}
}

// uploadsRel is a file's path under the old site's uploads folder.
func uploadsRel(fileURL string) string {
	u, err := url.Parse(fileURL)
	if err != nil {
		return ""
	}
	p := u.Path
	for _, marker := range []string{"/wp-content/uploads/", "/files/"} {
		if i := strings.Index(p, marker); i >= 0 {
			return p[i+len(marker):]
		}
	}
	return strings.TrimPrefix(p, "/")
}

// libraryTypes are the attachments' types the library keeps: images,
// and the audio and video files players play.
var libraryTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"audio/mpeg": true, "audio/mp4": true, "audio/ogg": true, "audio/wav": true,
	"video/mp4": true, "video/webm": true, "video/quicktime": true}

// mediaConcurrency bounds the files fetched and processed at once.
const mediaConcurrency = 4

// importFiles brings the files of this run's attachments into the
// library, then points every reference to them at the local copies.
func (ru *run) importFiles() error {
	if ru.Files == nil || ru.Library == nil || len(ru.attachmentIDs) == 0 {
		return nil
	}
	ru.allowExportHosts()
	found, err := ru.Store.FindImportedAttachments(ru.ctx, ru.source, ru.attachmentIDs)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	local := map[int64]*communique.Media{} // WordPress id → library image
	var todo []*communique.Attachment
	for _, id := range ids {
		at := found[id]
		if at.MediaID != 0 {
			if m, err := ru.Store.FindMediaByID(ru.ctx, at.MediaID); err == nil {
				local[id] = m
				ru.sum.MediaKept++
				continue
			}
		}
		if !libraryTypes[at.MIMEType] {
			ru.missing(at.URL, "not a file the library keeps (JPEG, PNG, GIF, WebP images; MP3, M4A, Ogg, WAV audio; MP4, WebM, QuickTime video)")
			continue
		}
		todo = append(todo, at)
	}
	if err := ru.fetchAll(todo, local); err != nil {
		return err
	}
	return ru.pointAtLibrary(found, local)
}

// fetchAll takes the files of todo into the library, a few at a time.
func (ru *run) fetchAll(todo []*communique.Attachment, local map[int64]*communique.Media) error {
	var mu sync.Mutex
	var firstErr error
	work := make(chan *communique.Attachment)
	var wg sync.WaitGroup
	for range mediaConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for at := range work {
				m, why, err := ru.fetchOne(at)
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case why != "":
					ru.missing(at.URL, why)
				case m != nil:
					local[at.SourceID] = m
					ru.sum.MediaNew++
				}
				mu.Unlock()
			}
		}()
	}
	for _, at := range todo {
		if ru.ctx.Err() != nil {
			break
		}
		work <- at
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ru.ctx.Err()
	}
	return firstErr
}

// fetchOne brings one file in. why says why a file could not be had;
// err is a failure of the store, which stops the import.
func (ru *run) fetchOne(at *communique.Attachment) (m *communique.Media, why string, err error) {
	m, why, err = ru.fetchFile(at.URL, *at)
	if m == nil {
		return nil, why, err
	}
	if err := ru.Store.SetAttachmentMedia(ru.ctx, at.ID, m.ID, fileOldPaths(at.URL)); err != nil {
		return nil, "", err
	}
	return m, "", nil
}

// fetchFile takes one file into the library with what its attachment
// says of it. why says why it could not be had.
func (ru *run) fetchFile(fileURL string, at communique.Attachment) (m *communique.Media, why string, err error) {
	rel := uploadsRel(fileURL)
	f, err := ru.Files.Open(ru.ctx, fileURL, rel)
	if err != nil {
		return nil, err.Error(), nil
	}
	defer f.Close()
	fields := upload.Fields{AltText: clip(at.AltText, communique.MaxAltTextLength), Caption: clip(at.Caption, communique.MaxCaptionLength)}
	if kind := mimeTypes[strings.ToLower(path.Ext(rel))]; strings.HasPrefix(kind, "audio/") || strings.HasPrefix(kind, "video/") {
		m, err = ru.Library.AudioVideo(ru.ctx, f, path.Base(rel), fields)
	} else {
		m, err = ru.Library.Image(ru.ctx, f, path.Base(rel), fields)
	}
	if err != nil {
		if communique.ErrorCode(err) == communique.EINVALID {
			return nil, communique.ErrorMessage(err), nil
		}
		return nil, "could not be read: " + err.Error(), nil
	}
	return m, "", nil
}

// fileOldPaths are the local paths that lead to an attachment's file:
// its path on the old site, and WordPress's usual /wp-content/uploads/.
func fileOldPaths(fileURL string) []string {
	u, err := url.Parse(fileURL)
	if err != nil || u.Path == "" {
		return nil
	}
	paths := []string{u.Path}
	if p := "/wp-content/uploads/" + uploadsRel(fileURL); p != u.Path {
		paths = append(paths, p)
	}
	return paths
}

func (ru *run) missing(fileURL, why string) {
	ru.sum.MissingFiles = append(ru.sum.MissingFiles, MissingFile{URL: fileURL, Why: why})
}

// fileRef finds addresses of image, audio and video files in a body: http, https or
// protocol-relative, with WordPress's size suffix (-300x200) apart and
// any query (?w=640) after.
var fileRef = regexp.MustCompile(`(?i)(?:https?:)?//([a-z0-9.-]+(?::[0-9]+)?)(/[^\s"'<>()\[\],?#]*?)(-([0-9]+)x[0-9]+)?(\.(?:jpe?g|png|gif|webp|mp3|m4a|ogg|wav|mp4|m4v|webm|mov))(\?[^\s"'<>()\[\],#]*)?`)

// fileRewriter maps the old site's file addresses to library images.
type fileRewriter struct {
	byAddress map[string]*communique.Media // host and path, without scheme
	hosts     map[string]string            // the files' hosts → their scheme
	attached  map[string]bool              // every attachment's address, had or not
}

func newFileRewriter(found map[int64]*communique.Attachment, local map[int64]*communique.Media) *fileRewriter {
	fr := &fileRewriter{byAddress: map[string]*communique.Media{}, hosts: map[string]string{}, attached: map[string]bool{}}
	for _, at := range found {
		if u, err := url.Parse(at.URL); err == nil {
			fr.hosts[strings.ToLower(u.Host)] = u.Scheme
			fr.attached[strings.ToLower(u.Host)+u.Path] = true
		}
	}
	for wpID, m := range local {
		at := found[wpID]
		if at == nil {
			continue
		}
		if u, err := url.Parse(at.URL); err == nil {
			fr.byAddress[strings.ToLower(u.Host)+u.Path] = m
		}
	}
	return fr
}

// unknown returns the addresses of files on the attachments' hosts that
// a body shows but no attachment names (a size the old site made, an
// image uploaded without a record), as URLs to fetch.
func (fr *fileRewriter) unknown(body string, into map[string]bool) {
	for _, g := range fileRef.FindAllStringSubmatch(body, -1) {
		host, stem, size, ext := strings.ToLower(g[1]), g[2], g[3], g[5]
		scheme, ok := fr.hosts[host]
		if !ok || fr.attached[host+stem+size+ext] || fr.byAddress[host+stem+ext] != nil {
			continue // an attachment's, had or listed missing already
		}
		into[scheme+"://"+host+stem+size+ext] = true
	}
}

// fetchShown brings in the old site's files that bodies show without an
// attachment record, so that no page loads them from the old site; an
// earlier run's copy is used again.
func (ru *run) fetchShown(fr *fileRewriter) error {
	want := map[string]bool{}
	for _, id := range ru.articleIDs {
		if a, err := ru.Store.FindArticleByID(ru.ctx, id); err == nil {
			fr.unknown(a.Source, want)
		}
	}
	urls := make([]string, 0, len(want))
	for u := range want {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	for _, fileURL := range urls {
		u, _ := url.Parse(fileURL)
		key := strings.ToLower(u.Host) + u.Path
		if rd, err := ru.Store.FindRedirect(ru.ctx, u.Path); err == nil && rd.Kind == communique.KindMedia {
			if m, err := ru.Store.FindMediaByID(ru.ctx, rd.TargetID); err == nil {
				fr.byAddress[key] = m
				ru.sum.MediaKept++
				continue
			}
		}
		m, why, err := ru.fetchFile(fileURL, communique.Attachment{})
		if err != nil {
			return err
		}
		if why != "" {
			ru.missing(fileURL, why+" (shown in a body, not in the export)")
			continue
		}
		if err := ru.Store.RecordMediaPaths(ru.ctx, m.ID, fileOldPaths(fileURL)); err != nil {
			return err
		}
		fr.byAddress[key] = m
		ru.sum.MediaNew++
	}
	return nil
}

// Rewrite replaces every address of an imported file, any size of it,
// by the local one: the original, or the narrowest rendition at least
// as wide as the size asked for.
func (fr *fileRewriter) Rewrite(body string) string {
	if len(fr.byAddress) == 0 || !strings.Contains(body, "//") {
		return body
	}
	return fileRef.ReplaceAllStringFunc(body, func(ref string) string {
		g := fileRef.FindStringSubmatch(ref)
		host, stem, size, width, ext := strings.ToLower(g[1]), g[2], g[3], g[4], g[5]
		if m := fr.byAddress[host+stem+size+ext]; m != nil {
			return m.URL()
		}
		m := fr.byAddress[host+stem+ext]
		if m == nil || size == "" {
			return ref
		}
		w, _ := strconv.Atoi(width)
		for _, v := range m.Variants { // narrowest first
			if v.Width >= w {
				return m.VariantURL(v.Width)
			}
		}
		return m.URL()
	})
}

// pointAtLibrary rewrites the bodies of this run's articles to the local
// files and sets the featured images the old site showed.
func (ru *run) pointAtLibrary(found map[int64]*communique.Attachment, local map[int64]*communique.Media) error {
	fr := newFileRewriter(found, local)
	if err := ru.fetchShown(fr); err != nil {
		return err
	}
	// Comments first: the articles' rewrite below drops the cached pages.
	for host := range fr.hosts {
		if _, err := ru.Store.RewriteImportedComments(ru.ctx, ru.source, host, fr.Rewrite); err != nil {
			return err
		}
	}
	for _, id := range ru.articleIDs {
		a, err := ru.Store.FindArticleByID(ru.ctx, id)
		if err != nil {
			continue // deleted meanwhile
		}
		if src := fr.Rewrite(a.Source); src != a.Source {
			if err := ru.Articles.SetImportedSource(ru.ctx, id, src); err != nil {
				return fmt.Errorf("media in article %d: %w", id, err)
			}
		}
	}
	for articleWP, attachmentWP := range ru.thumbnails {
		m := local[attachmentWP]
		if m == nil {
			continue
		}
		id, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindArticle, articleWP)
		if err != nil {
			continue // the article was skipped
		}
		if err := ru.Articles.SetImportedFeatured(ru.ctx, id, m.ID); err != nil {
			return fmt.Errorf("featured image of post %d: %w", articleWP, err)
		}
		ru.sum.Featured++
	}
	return nil
}
