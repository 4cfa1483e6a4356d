// Package wordpress brings a WordPress site into Communiqué and takes it
// out again: it maps WordPress's export format (read and written by
// package wxr) to the domain, through the small Store interface below,
// and converts WordPress bodies (blocks, automatic paragraphs,
// shortcodes) into the HTML Communiqué stores.
package wordpress

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"communique"
	"communique/discussion"
	"communique/markup"
	"communique/wxr"
)

// Store is what importing and exporting need from a store.
type Store interface {
	FindUsers(ctx context.Context, f communique.UserFilter) ([]*communique.User, error)
	FindTerms(ctx context.Context, f communique.TermFilter) ([]*communique.Term, error)
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
	FindMenus(ctx context.Context) ([]*communique.Menu, error)
	SaveMenu(ctx context.Context, m *communique.Menu) error
	Settings(ctx context.Context) (map[string]string, error)
	// SetSetting validates and stores one setting. EINVALID.
	SetSetting(ctx context.Context, key, value string) error

	// ImportUser matches a user by login or creates it without a password.
	ImportUser(ctx context.Context, source string, sourceID int64, u *communique.User, oldPaths []string) (bool, error)
	// ImportTerms stores categories and tags, matched by WordPress id,
	// then by slug.
	ImportTerms(ctx context.Context, source string, terms []*communique.ImportedTerm) error
	// SetTermParent sets a category's parent. EINVALID for a loop.
	SetTermParent(ctx context.Context, id, parentID int64) error
	// SetImportedParents sets parents that came after their children.
	SetImportedParents(ctx context.Context, kind string, parents map[int64]int64) error
	// RefreshCommentCounts recounts articles' approved comments.
	RefreshCommentCounts(ctx context.Context, ids []int64) error
	// FindImportedID returns the local id of an imported item. ENOTFOUND.
	FindImportedID(ctx context.Context, source, kind string, sourceID int64) (int64, error)
	// FindImportedAttachments returns imported attachments by WordPress id.
	FindImportedAttachments(ctx context.Context, source string, sourceIDs []int64) (map[int64]*communique.Attachment, error)
	// FindAttachments returns attachments (of one article unless 0) in
	// id order after afterID.
	FindAttachments(ctx context.Context, articleID, afterID int64, limit int) ([]*communique.Attachment, error)
	// SetAttachmentMedia records the library image an attachment's file
	// became and the old paths that lead to it. ENOTFOUND.
	SetAttachmentMedia(ctx context.Context, id, mediaID int64, oldPaths []string) error
	FindMediaByID(ctx context.Context, id int64) (*communique.Media, error)
	// RecordMediaPaths makes old paths lead to a library image.
	RecordMediaPaths(ctx context.Context, mediaID int64, oldPaths []string) error
	// RewriteImportedComments applies rewrite to the comments imported
	// from source that mention marker.
	RewriteImportedComments(ctx context.Context, source, marker string, rewrite func(string) string) (int, error)
	// FindRedirect returns where an old path leads. ENOTFOUND.
	FindRedirect(ctx context.Context, path string) (*communique.Redirect, error)
}

// Kinds counted in a Summary, in the order it prints them.
var Kinds = []string{"authors", "categories", "tags", "posts", "pages", "attachments", "menus", "menu items", "comments"}

// Count is how many records of a kind an import created and updated.
type Count struct {
	Created, Updated int
}

// Total is created plus updated.
func (c Count) Total() int { return c.Created + c.Updated }

// Summary is what an import did, kept up to date while it runs.
type Summary struct {
	Source     string // the old site's address
	WXRVersion string
	Bytes      int64 // of the file read so far
	Started    time.Time
	Counts     map[string]*Count
	// Skipped counts records left out, by reason; Notes counts records
	// changed on the way in, by what was changed.
	Skipped map[string]int
	Notes   map[string]int
	// Settings says what became of each of the old site's settings.
	Settings []SettingLine
	// MediaNew and MediaKept count attachments whose file came into the
	// library in this run or an earlier one; Featured the featured
	// images set; MissingFiles the files that could not be had, and why.
	MediaNew, MediaKept, Featured int
	MissingFiles                  []MissingFile
}

func newSummary(now time.Time) *Summary {
	s := &Summary{Started: now, Counts: map[string]*Count{}, Skipped: map[string]int{}, Notes: map[string]int{}}
	for _, k := range Kinds {
		s.Counts[k] = &Count{}
	}
	return s
}

func (s *Summary) count(kind string, created bool) {
	if created {
		s.Counts[kind].Created++
	} else {
		s.Counts[kind].Updated++
	}
}

// Total returns the number of records imported, of every kind.
func (s *Summary) Total() int {
	n := 0
	for _, c := range s.Counts {
		n += c.Total()
	}
	return n
}

// String is the summary as the command line prints it.
func (s *Summary) String() string {
	var b strings.Builder
	from := s.Source
	if s.WXRVersion != "" {
		from += " (WXR " + s.WXRVersion + ")"
	}
	fmt.Fprintf(&b, "Imported from %s:\n", from)
	for _, k := range Kinds {
		c := s.Counts[k]
		fmt.Fprintf(&b, "  %-12s %7d", k, c.Total())
		if c.Updated > 0 {
			fmt.Fprintf(&b, "  (%d new, %d updated)", c.Created, c.Updated)
		}
		b.WriteByte('\n')
	}
	if len(s.Settings) > 0 {
		b.WriteString("Site settings:\n")
		for _, l := range s.Settings {
			v := l.Value
			if v != "" {
				v = strconv.Quote(v) + " "
			}
			fmt.Fprintf(&b, "  %-20s %s%s\n", l.Key, v, l.Outcome)
		}
	}
	if s.MediaNew+s.MediaKept+len(s.MissingFiles) > 0 {
		fmt.Fprintf(&b, "Media files: %d in the library (%d new, %d from an earlier import), %d featured images, %d missing\n",
			s.MediaNew+s.MediaKept, s.MediaNew, s.MediaKept, s.Featured, len(s.MissingFiles))
		for _, m := range s.MissingFiles {
			fmt.Fprintf(&b, "  missing  %s: %s\n", m.URL, m.Why)
		}
	}
	writeReasons(&b, "Skipped", s.Skipped)
	writeReasons(&b, "Changed on the way in", s.Notes)
	return b.String()
}

func writeReasons(b *strings.Builder, title string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(b, "%s:\n", title)
	for _, k := range keys {
		fmt.Fprintf(b, "  %7d  %s\n", m[k], k)
	}
}

// Articles is the article service's side of an import: it prepares each
// article of a batch by the site's rules (rendering its body once) before
// the batch is stored, and announces nothing.
type Articles interface {
	// PrepareImport readies a batch's articles for the store. EINVALID.
	PrepareImport(ctx context.Context, b *communique.ImportBatch) error
	// SetImportedSource replaces a body, keeping the article's dates.
	SetImportedSource(ctx context.Context, id int64, source string) error
	// SetImportedFeatured sets the featured image, keeping the dates.
	SetImportedFeatured(ctx context.Context, id, mediaID int64) error
}

// Importer reads a WordPress export into a store.
type Importer struct {
	Store Store
	// Comments stores each batch through the discussion rules for
	// imported comments (discussion.Service), without notifications.
	Comments CommentImporter
	// Articles prepares each batch's articles by the article rules
	// (newsroom.Service) before Comments stores the batch.
	Articles Articles
	// Avatar returns the avatar hash of an identity (an email, or "name:"
	// and the name), so imported comments get their identicons. It is
	// called from the goroutine that parses the file.
	Avatar func(identity string) string
	// BatchSize is how many records go into one transaction (default 2000).
	BatchSize int
	// PrimaryMenu, when set, is the slug of the imported menu to show as
	// the site's main navigation.
	PrimaryMenu string
	// Files, when set with Library, is where the attachments' files come
	// from (UploadsDir or Download); Library takes them in.
	Files   MediaFiles
	Library MediaLibrary
	// KeepSettings leaves the site's title, tagline, language, time zone
	// and permalink structure as they are instead of taking the old
	// site's.
	KeepSettings bool
	// Progress, when set, is called as the import goes, from the
	// importing goroutine; it must not keep the summary.
	Progress func(*Summary)
	// Now is the clock.
	Now func() time.Time
}

// CommentImporter stores a batch whose comments follow the discussion
// rules for imports, in one transaction.
type CommentImporter interface {
	Import(ctx context.Context, b *communique.ImportBatch, opt discussion.ImportOptions) error
}

// galleryBudget bounds the bodies kept in memory until the end of the
// import, when every attachment their galleries show is known.
const galleryBudget = 64 << 20

// run is one import's state. Memory stays flat: what it keeps grows with
// the number of authors, terms and menu items and with records that came
// before what they refer to, never with the size of the file.
type run struct {
	*Importer
	ctx     context.Context
	sum     *Summary
	source  string
	batch   *communique.ImportBatch
	rd      *wxr.Reader
	offset  int64 // bytes of the file read up to the record at hand
	lastRun time.Time

	users      map[string]int64 // login (lower case) → local id
	cats, tags map[string]int64 // WordPress slug → local id
	catParent  map[string]string
	termNames  map[int64]string // WordPress term id → name, for menu labels
	pendTerms  []pendingTerm

	// current is the item whose comments follow; 0 when it was not
	// imported as an article.
	current     int64
	currentSkip string

	parents map[string]map[int64]int64 // kind → local id → WordPress parent id
	waiting map[int64][]*communique.ImportedComment
	// waitingCount is the number of replies in waiting.
	waitingCount int
	commented    map[int64]bool // local article ids with imported comments

	menus     map[string]*menuDraft
	menuOrder []string

	galleries    []deferredBody
	galleryBytes int

	site siteIdentity

	// What the media pass at the end needs: this run's articles (local
	// ids) and attachments (WordPress ids), and posts' featured images
	// (post's WordPress id → attachment's).
	articleIDs    []int64
	attachmentIDs []int64
	thumbnails    map[int64]int64
}

// pendingTerm is a term waiting to be stored, with its WordPress slug
// and parent's slug (the store replaces Term.Slug by the local one).
type pendingTerm struct {
	it           *communique.ImportedTerm
	slug, parent string
}

type deferredBody struct {
	sourceID int64
	content  string
}

type menuDraft struct {
	name  string
	items []*menuItemDraft
}

type menuItemDraft struct {
	id, parent, objectID int64
	order                int
	typ, object          string
	url, title           string
}

// Import reads the WXR document r into the store. It returns what it
// did; on an error (a broken or hostile file, a store failure) the
// summary says what was imported before it. Importing the same file
// again updates what the first import created and duplicates nothing.
func (im *Importer) Import(ctx context.Context, r io.Reader) (*Summary, error) {
	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	ru := &run{
		Importer: im, ctx: ctx, sum: newSummary(now()), rd: wxr.NewReader(r),
		users: map[string]int64{}, cats: map[string]int64{}, tags: map[string]int64{}, catParent: map[string]string{},
		termNames: map[int64]string{},
		parents:   map[string]map[int64]int64{}, waiting: map[int64][]*communique.ImportedComment{}, commented: map[int64]bool{},
		menus: map[string]*menuDraft{}, thumbnails: map[int64]int64{},
	}
	if ru.BatchSize <= 0 {
		ru.BatchSize = 2000
	}
	if ru.Avatar == nil {
		ru.Avatar = func(string) string { return "" }
	}
	err := ru.read()
	if err == nil {
		err = ru.finish()
	} else if ru.source != "" && ctx.Err() == nil {
		// Keep what was read before the error consistent: stored, with
		// its parents and counts, so the summary is the truth.
		if ferr := ru.finish(); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}
	ru.sum.Bytes = ru.offset
	if ru.Progress != nil {
		ru.Progress(ru.sum)
	}
	return ru.sum, err
}

// readAhead bounds what the parsing goroutine reads ahead of the store,
// in MiB, so that parsing and storing overlap with memory kept flat.
const readAhead = 32

// parsed is a run of records read ahead: up to 256 records or 1 MiB of
// the file, handed over at once so the goroutines rarely wait on each
// other. err ends the run.
type parsed struct {
	recs []any
	off  int64 // bytes read up to the end of the run
	mib  int   // units of readAhead it holds
	err  error
}

// read parses the file in a goroutine of its own while this one stores
// what it parsed: the two take about as long, so a second core nearly
// halves the time.
func (ru *run) read() error {
	runs := make(chan parsed, readAhead)
	budget := make(chan struct{}, readAhead)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(runs)
		var last int64
		for {
			p := parsed{recs: make([]any, 0, 256)}
			for len(p.recs) < cap(p.recs) && ru.rd.Offset()-last < 1<<20 {
				rec, err := ru.rd.Next()
				if err != nil {
					p.err = err
					break
				}
				if c, ok := rec.(*wxr.Comment); ok {
					rec = ru.prepareComment(c)
				}
				p.recs = append(p.recs, rec)
			}
			p.off = ru.rd.Offset()
			p.mib = min(int((p.off-last)>>20)+1, readAhead)
			last = p.off
			for range p.mib {
				select {
				case budget <- struct{}{}:
				case <-done:
					return
				}
			}
			select {
			case runs <- p:
			case <-done:
				return
			}
			if p.err != nil {
				return
			}
		}
	}()
	defer func() {
		close(done)
		<-finished
	}()
	for p := range runs {
		for _, rec := range p.recs {
			if err := ru.record(rec); err != nil {
				return err
			}
		}
		for range p.mib {
			<-budget
		}
		ru.offset = p.off
		if p.err == io.EOF {
			return nil
		} else if p.err != nil {
			return p.err
		}
		if ru.Progress != nil {
			if t := time.Now(); t.Sub(ru.lastRun) > 100*time.Millisecond {
				ru.lastRun = t
				ru.sum.Bytes = ru.offset
				ru.Progress(ru.sum)
			}
		}
	}
	return nil
}

func (ru *run) record(rec any) error {
	if err := ru.ctx.Err(); err != nil {
		return err
	}
	switch v := rec.(type) {
	case *wxr.Channel:
		ru.channel(v)
	case *wxr.Author:
		return ru.author(v)
	case *wxr.Term:
		return ru.term(v)
	case *wxr.Item:
		if err := ru.flushTerms(); err != nil {
			return err
		}
		ru.site.item(v)
		return ru.item(v)
	case *preparedComment:
		return ru.comment(v)
	}
	return nil
}

func (ru *run) channel(ch *wxr.Channel) {
	for _, s := range []string{ch.BaseBlogURL, ch.Link, ch.BaseSiteURL} {
		if s = strings.TrimRight(strings.TrimSpace(s), "/"); s != "" {
			ru.source = s
			break
		}
	}
	if ru.source == "" {
		ru.source = "wordpress"
	}
	ru.sum.Source, ru.sum.WXRVersion = ru.source, ch.WXRVersion
	ru.site.channel(ch)
	ru.batch = &communique.ImportBatch{Source: ru.source}
}

func (ru *run) skip(reason string) { ru.sum.Skipped[reason]++ }
func (ru *run) note(what string)   { ru.sum.Notes[what]++ }

func (ru *run) later(kind string, id, parent int64) {
	if ru.parents[kind] == nil {
		ru.parents[kind] = map[int64]int64{}
	}
	ru.parents[kind][id] = parent
}

// finish stores what is left and does what needed the whole file:
// parents that came after their children, replies whose parent never
// came, galleries, menus and comment counts.
func (ru *run) finish() error {
	if ru.batch == nil {
		return nil
	}
	if err := ru.flushTerms(); err != nil {
		return err
	}
	if err := ru.flush(); err != nil {
		return err
	}
	if err := ru.releaseWaiting("replies to a comment missing from the export imported as top-level comments"); err != nil {
		return err
	}
	for _, kind := range []string{communique.KindArticle, communique.KindAttachment} {
		set := map[int64]int64{}
		for id, parentWP := range ru.parents[kind] {
			parent, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindArticle, parentWP)
			if err != nil {
				if communique.ErrorCode(err) != communique.ENOTFOUND {
					return err
				}
				ru.note(map[string]string{communique.KindArticle: "pages whose parent page is missing put at the top",
					communique.KindAttachment: "attachments whose post is missing attached to nothing"}[kind])
				continue
			}
			set[id] = parent
		}
		if len(set) > 0 {
			if err := ru.Store.SetImportedParents(ru.ctx, kind, set); err != nil {
				return err
			}
		}
	}
	for _, g := range ru.galleries {
		id, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindArticle, g.sourceID)
		if err != nil {
			continue // the article was skipped
		}
		if err := ru.Articles.SetImportedSource(ru.ctx, id, ConvertBody(g.content, ru.gallery(g.sourceID, id))); err != nil {
			return fmt.Errorf("gallery of post %d: %w", g.sourceID, err)
		}
	}
	ru.galleries = nil
	if err := ru.saveMenus(); err != nil {
		return err
	}
	if err := ru.importFiles(); err != nil {
		return err
	}
	if err := ru.applySite(); err != nil {
		return err
	}
	ids := make([]int64, 0, len(ru.commented))
	for id := range ru.commented {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ru.Store.RefreshCommentCounts(ru.ctx, ids)
}

// maxWaiting bounds the replies kept in memory until their parent comes.
// Exports list a post's comments oldest first, so replies wait rarely and
// briefly; a file made to keep millions waiting must not exhaust memory.
const maxWaiting = 50000

// releaseWaiting stores the replies still waiting for their parent as
// top-level comments (noting why); their own replies, waiting for them,
// follow with their thread.
func (ru *run) releaseWaiting(why string) error {
	for len(ru.waiting) > 0 {
		waitingIDs := map[int64]bool{}
		for _, replies := range ru.waiting {
			for _, ic := range replies {
				waitingIDs[ic.SourceID] = true
			}
		}
		orphans := 0
		for parent, replies := range ru.waiting {
			if waitingIDs[parent] {
				continue
			}
			delete(ru.waiting, parent)
			for _, ic := range replies {
				ic.ParentSourceID = 0
				ru.note(why)
				ru.batch.Comments = append(ru.batch.Comments, ic)
				orphans++
			}
		}
		if orphans == 0 {
			// Replies to each other in a loop: break it anywhere.
			for parent := range ru.waiting {
				for _, ic := range ru.waiting[parent] {
					ic.ParentSourceID = 0
					ru.note(why)
					ru.batch.Comments = append(ru.batch.Comments, ic)
				}
				delete(ru.waiting, parent)
				break
			}
		}
		if err := ru.flush(); err != nil {
			return err
		}
	}
	ru.waitingCount = 0
	return nil
}

func (ru *run) now() time.Time {
	if ru.Now != nil {
		return ru.Now()
	}
	return time.Now()
}

// plain turns WordPress's HTML titles and names into text.
func plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	return markup.PlainText(s)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// wpTime parses WordPress's "2006-01-02 15:04:05", trying the GMT date
// first; a zero date ("0000-00-00 00:00:00") gives the zero time.
func wpTime(gmt, local string) time.Time {
	for _, s := range []string{gmt, local} {
		if wpZero(s) {
			continue
		}
		for _, layout := range []string{"2006-01-02 15:04:05", time.RFC3339, time.RFC1123Z, "2006-01-02"} {
			if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}

func wpZero(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.HasPrefix(s, "0000-00-00")
}

// htmlText escapes text for WordPress, whose titles and names are HTML.
func htmlText(s string) string { return html.EscapeString(s) }
