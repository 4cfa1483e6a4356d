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
	"net/url"
	"path"
	"regexp"
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
		menus: map[string]*menuDraft{},
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
	ru.batch = &communique.ImportBatch{Source: ru.source}
}

func (ru *run) skip(reason string) { ru.sum.Skipped[reason]++ }
func (ru *run) note(what string)   { ru.sum.Notes[what]++ }

// loginPattern is what Communiqué accepts as a login; WordPress allows
// more (spaces, for one).
var loginUnsafe = regexp.MustCompile(`[^A-Za-z0-9._@-]+`)

func safeLogin(login string) string {
	l := strings.Trim(loginUnsafe.ReplaceAllString(strings.TrimSpace(login), "-"), "-")
	if len(l) > 60 {
		l = l[:60]
	}
	return l
}

func (ru *run) author(a *wxr.Author) error {
	_, err := ru.user(a.Login, a.ID, a.Email, a.DisplayName, a.FirstName, a.LastName)
	return err
}

// user returns the local id of a WordPress login, creating the user (who
// cannot sign in until they set a password) the first time.
func (ru *run) user(login string, sourceID int64, email, display, first, last string) (int64, error) {
	// Keyed by the login as stored, so that the stray characters some
	// exports leave around a post's creator (">admin") still match.
	safe := safeLogin(login)
	key := strings.ToLower(safe)
	if id, ok := ru.users[key]; ok {
		return id, nil
	}
	if safe == "" {
		safe = "author"
		if sourceID != 0 {
			safe += "-" + strconv.FormatInt(sourceID, 10)
		}
	}
	if safe != strings.TrimSpace(login) {
		ru.note("logins changed to letters, digits and . _ @ - only")
	}
	email = strings.TrimSpace(email)
	if !communique.ValidEmail(email) {
		email = strings.ToLower(strings.ReplaceAll(safe, "@", ".")) + "@imported.invalid"
		ru.note("authors without a valid email address given one at imported.invalid")
	}
	display = plain(display)
	if display == "" {
		display = strings.TrimSpace(plain(first) + " " + plain(last))
	}
	if utf8.RuneCountInString(display) > 250 {
		display = string([]rune(display)[:250])
	}
	u := &communique.User{Login: safe, Email: email, DisplayName: display, Role: communique.RoleAuthor}
	var paths []string
	for _, nice := range []string{markup.Slugify(login), strings.ToLower(strings.ReplaceAll(strings.TrimSpace(login), " ", "-"))} {
		if nice != "" && (len(paths) == 0 || paths[0] != "/author/"+nice+"/") {
			paths = append(paths, "/author/"+nice+"/")
		}
	}
	created, err := ru.Store.ImportUser(ru.ctx, ru.source, sourceID, u, paths)
	if err != nil {
		return 0, fmt.Errorf("author %q: %w", login, err)
	}
	ru.sum.count("authors", created)
	ru.users[key] = u.ID
	return u.ID, nil
}

func (ru *run) term(t *wxr.Term) error {
	name := plain(t.Name)
	slug := unescapePath(t.Slug)
	if name == "" {
		name = slug
	}
	if t.ID != 0 {
		ru.termNames[t.ID] = name
	}
	switch t.Taxonomy {
	case wxr.TaxonomyCategory, wxr.TaxonomyTag:
	case wxr.TaxonomyNavMenu:
		if _, ok := ru.menus[t.Slug]; !ok {
			ru.menus[t.Slug] = &menuDraft{name: name}
			ru.menuOrder = append(ru.menuOrder, t.Slug)
		}
		return nil
	default:
		ru.skip(fmt.Sprintf("terms of taxonomy %q (not supported)", t.Taxonomy))
		return nil
	}
	if name == "" {
		ru.skip("terms without a name")
		return nil
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
		ru.note("term names cut to 200 characters")
	}
	it := &communique.ImportedTerm{
		Term:     &communique.Term{Name: name, Slug: slug, Description: plain(t.Description)},
		SourceID: t.ID,
	}
	parent := ""
	if t.Taxonomy == wxr.TaxonomyCategory {
		it.Term.Taxonomy = communique.TaxonomyCategory
		parent = unescapePath(t.Parent)
		ru.catParent[slug] = parent
		if id, ok := ru.cats[parent]; ok && parent != "" {
			it.Term.ParentID = id
		}
		if p := ru.categoryPath(slug); p != "" {
			it.OldPaths = []string{p}
		}
	} else {
		it.Term.Taxonomy = communique.TaxonomyTag
		if slug != "" {
			it.OldPaths = []string{"/tag/" + slug + "/"}
		}
	}
	ru.pendTerms = append(ru.pendTerms, pendingTerm{it, slug, parent})
	if len(ru.pendTerms) >= ru.BatchSize {
		return ru.flushTerms()
	}
	return nil
}

// categoryPath is a category's old archive path, /category/parent/child/.
func (ru *run) categoryPath(slug string) string {
	if slug == "" {
		return ""
	}
	segs := []string{slug}
	seen := map[string]bool{slug: true}
	for p := ru.catParent[slug]; p != "" && !seen[p] && len(segs) < 32; p = ru.catParent[p] {
		seen[p] = true
		segs = append([]string{p}, segs...)
	}
	return "/category/" + strings.Join(segs, "/") + "/"
}

func (ru *run) flushTerms() error {
	if len(ru.pendTerms) == 0 {
		return nil
	}
	list := ru.pendTerms
	ru.pendTerms = nil
	terms := make([]*communique.ImportedTerm, len(list))
	for i, p := range list {
		terms[i] = p.it
	}
	if err := ru.Store.ImportTerms(ru.ctx, ru.source, terms); err != nil {
		return fmt.Errorf("categories and tags: %w", err)
	}
	for _, p := range list {
		t := p.it.Term
		kind, m := "tags", ru.tags
		if t.Taxonomy == communique.TaxonomyCategory {
			kind, m = "categories", ru.cats
		}
		if _, dup := m[p.slug]; dup && p.it.SourceID != 0 {
			// The same term listed twice (as wp:category and wp:term).
			m[p.slug] = t.ID
			continue
		}
		m[p.slug] = t.ID
		ru.sum.count(kind, p.it.Created)
	}
	// Parents listed after their children.
	for _, p := range list {
		if p.parent == "" || p.it.Term.ParentID != 0 {
			continue
		}
		if id, ok := ru.cats[p.parent]; ok {
			if err := ru.Store.SetTermParent(ru.ctx, p.it.Term.ID, id); err != nil {
				ru.note("categories whose parent would make a loop put at the top")
			}
		} else {
			ru.note("categories whose parent is missing put at the top")
		}
	}
	return nil
}

// termID returns the local id of an item's category or tag, creating a
// term the export did not list.
func (ru *run) termID(t wxr.ItemTerm) (int64, bool, error) {
	var m map[string]int64
	var tax, kind string
	switch t.Domain {
	case wxr.TaxonomyCategory:
		m, tax, kind = ru.cats, communique.TaxonomyCategory, "categories"
	case wxr.TaxonomyTag, "tag":
		m, tax, kind = ru.tags, communique.TaxonomyTag, "tags"
	default:
		return 0, false, nil
	}
	slug := unescapePath(t.Nicename)
	if slug == "" {
		slug = markup.Slugify(plain(t.Name))
	}
	if id, ok := m[slug]; ok {
		return id, true, nil
	}
	name := plain(t.Name)
	if name == "" {
		name = slug
	}
	if name == "" {
		return 0, false, nil
	}
	it := &communique.ImportedTerm{Term: &communique.Term{Taxonomy: tax, Name: name, Slug: slug}}
	if err := ru.Store.ImportTerms(ru.ctx, ru.source, []*communique.ImportedTerm{it}); err != nil {
		return 0, false, err
	}
	m[slug] = it.Term.ID
	if it.Created {
		ru.note(kind + " used by posts but missing from the export's list created (not counted above)")
	}
	return it.Term.ID, true, nil
}

// statuses maps WordPress post statuses; what is not here is skipped.
var statuses = map[string]communique.Status{
	"publish": communique.StatusPublished,
	"future":  communique.StatusScheduled,
	"draft":   communique.StatusDraft,
	"pending": communique.StatusPending,
	"private": communique.StatusDraft,
	"trash":   communique.StatusTrash,
}

func (ru *run) item(it *wxr.Item) error {
	ru.current, ru.currentSkip = 0, ""
	switch it.Type {
	case "post", "page":
		return ru.article(it)
	case "attachment":
		ru.currentSkip = "comments on attachments"
		return ru.attachment(it)
	case "nav_menu_item":
		ru.currentSkip = "comments on menu items"
		ru.menuItem(it)
		return nil
	}
	reason := fmt.Sprintf("items of post type %q (not supported)", it.Type)
	ru.skip(reason)
	ru.currentSkip = "comments on " + reason
	return nil
}

func (ru *run) article(it *wxr.Item) error {
	kind := "posts"
	typ := communique.TypePost
	if it.Type == "page" {
		kind, typ = "pages", communique.TypePage
	}
	skip := func(reason string) error {
		ru.skip(kind + " " + reason)
		ru.currentSkip = "comments on " + kind + " " + reason
		return nil
	}
	if it.ID == 0 {
		return skip("without a wp:post_id")
	}
	status, why := ru.articleStatus(it, kind)
	if why != "" {
		return skip(why)
	}
	if strings.TrimSpace(it.Creator) == "" {
		ru.note(kind + ` without an author credited to "author"`)
	}
	author, err := ru.user(it.Creator, 0, "", "", "", "")
	if err != nil {
		return err
	}
	title := ru.articleTitle(it, kind)
	content := strings.ToValidUTF8(it.Content, "\uFFFD")
	body := ConvertBody(content, ru.gallery(it.ID, 0))
	if len(body) > communique.MaxBodyLength {
		return skip("with a body over 4 MiB")
	}
	ru.deferGallery(it.ID, content)
	published, created, modified := ru.articleDates(it, kind, status)
	a := &communique.Article{
		Type: typ, Title: title, Slug: unescapePath(it.Name), Format: communique.FormatHTML, Source: body,
		Excerpt: plain(it.Excerpt), AuthorID: author, Status: status, PublishedAt: published,
		Sticky: it.Sticky && typ == communique.TypePost, CommentsOpen: it.CommentStatus == "open", MenuOrder: it.MenuOrder,
	}
	if err := a.Validate(); err != nil {
		return skip("refused: " + communique.ErrorMessage(err))
	}
	ia := &communique.ImportedArticle{Article: a, SourceID: it.ID, GUID: it.GUID, CreatedAt: created, ModifiedAt: modified}
	if typ == communique.TypePage {
		ia.ParentSourceID = it.Parent
	}
	if p := oldPath(it.Link); p != "" {
		ia.OldPaths = append(ia.OldPaths, p)
	}
	if typ == communique.TypePost {
		if err := ru.articleTerms(ia, it); err != nil {
			return err
		}
	}
	ru.batch.Articles = append(ru.batch.Articles, ia)
	ru.current = it.ID
	return ru.maybeFlush()
}

// articleStatus maps WordPress's status, or says why the item is skipped.
func (ru *run) articleStatus(it *wxr.Item, kind string) (communique.Status, string) {
	status, ok := statuses[it.Status]
	switch {
	case it.Status == "auto-draft":
		return "", "that are WordPress auto-drafts (never saved)"
	case !ok:
		return "", fmt.Sprintf("with status %q", it.Status)
	case it.Status == "private":
		ru.note(kind + " that were private imported as drafts")
	}
	if it.Password != "" && status != communique.StatusDraft && status != communique.StatusTrash {
		status = communique.StatusDraft
		ru.note(kind + " protected by a password imported as drafts (Communiqué has no post passwords)")
	}
	return status, ""
}

// articleTitle is the item's title as plain text, within the limit.
func (ru *run) articleTitle(it *wxr.Item, kind string) string {
	title := plain(it.Title)
	if title == "" {
		ru.note(kind + ` without a title titled "(no title)"`)
		return "(no title)"
	}
	if utf8.RuneCountInString(title) > communique.MaxTitleLength {
		ru.note(kind + " titles cut to 1000 characters")
		return string([]rune(title)[:communique.MaxTitleLength])
	}
	return title
}

// deferGallery keeps a body with galleries to render again at the end,
// when every image they show is known.
func (ru *run) deferGallery(sourceID int64, content string) {
	if !strings.Contains(content, "[gallery") && !strings.Contains(content, "[playlist") {
		return
	}
	if ru.galleryBytes+len(content) <= galleryBudget {
		ru.galleries = append(ru.galleries, deferredBody{sourceID, content})
		ru.galleryBytes += len(content)
	} else {
		ru.note("galleries rendered before all their images were read (too many to keep until the end)")
	}
}

// articleDates are the item's publication, creation and change times.
func (ru *run) articleDates(it *wxr.Item, kind string, status communique.Status) (published, created, modified time.Time) {
	published = wpTime(it.DateGMT, it.Date)
	created = published
	if wpZero(it.DateGMT) {
		// A draft never published has no GMT date; its local date is
		// when it was written.
		created = wpTime(it.Date, "")
		if status != communique.StatusPublished && status != communique.StatusScheduled {
			published = time.Time{}
		}
	}
	modified = wpTime(it.ModifiedGMT, it.Modified)
	if status == communique.StatusScheduled && !published.After(ru.now()) {
		ru.note(kind + " scheduled for a time now past published, as WordPress would")
	}
	return published, created, modified
}

// articleTerms adds the item's categories and tags.
func (ru *run) articleTerms(ia *communique.ImportedArticle, it *wxr.Item) error {
	for _, t := range it.Terms {
		id, ok, err := ru.termID(t)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if t.Domain == wxr.TaxonomyCategory {
			ia.CategoryIDs = append(ia.CategoryIDs, id)
		} else {
			ia.TagIDs = append(ia.TagIDs, id)
		}
	}
	return nil
}

// mimeTypes are the media types of files WordPress sites hold, by
// extension; the export does not say.
var mimeTypes = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
	".avif": "image/avif", ".svg": "image/svg+xml", ".bmp": "image/bmp", ".ico": "image/x-icon", ".tif": "image/tiff", ".tiff": "image/tiff",
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav", ".flac": "audio/flac",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".ogv": "video/ogg",
	".pdf": "application/pdf", ".zip": "application/zip", ".txt": "text/plain", ".csv": "text/csv",
	".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt": "application/vnd.ms-powerpoint", ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

func (ru *run) attachment(it *wxr.Item) error {
	u := strings.TrimSpace(it.AttachmentURL)
	if u == "" {
		u = strings.TrimSpace(it.GUID)
	}
	if it.ID == 0 || u == "" {
		ru.skip("attachments without an id or a file address")
		return nil
	}
	ext := ""
	if pu, err := url.Parse(u); err == nil {
		ext = strings.ToLower(path.Ext(pu.Path))
	}
	at := &communique.Attachment{
		SourceID: it.ID, Title: plain(it.Title), URL: u, MIMEType: mimeTypes[ext],
		AltText: plain(it.MetaValue("_wp_attachment_image_alt")), Caption: plain(it.Excerpt),
		Description: strings.TrimSpace(it.Content), CreatedAt: wpTime(it.DateGMT, it.Date),
	}
	ia := &communique.ImportedAttachment{Attachment: at, ArticleSourceID: it.Parent}
	if p := oldPath(it.Link); p != "" {
		ia.OldPaths = []string{p}
	}
	ru.batch.Attachments = append(ru.batch.Attachments, ia)
	return ru.maybeFlush()
}

func (ru *run) menuItem(it *wxr.Item) {
	menu := ""
	for _, t := range it.Terms {
		if t.Domain == wxr.TaxonomyNavMenu {
			menu = t.Nicename
			if _, ok := ru.menus[menu]; !ok {
				ru.menus[menu] = &menuDraft{name: plain(t.Name)}
				ru.menuOrder = append(ru.menuOrder, menu)
			}
		}
	}
	if menu == "" {
		ru.skip("menu items that belong to no menu")
		return
	}
	num := func(key string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(it.MetaValue(key)), 10, 64)
		return n
	}
	d := ru.menus[menu]
	d.items = append(d.items, &menuItemDraft{
		id: it.ID, parent: num("_menu_item_menu_item_parent"), objectID: num("_menu_item_object_id"), order: it.MenuOrder,
		typ: it.MetaValue("_menu_item_type"), object: it.MetaValue("_menu_item_object"),
		url: strings.TrimSpace(it.MetaValue("_menu_item_url")), title: plain(it.Title),
	})
}

// commentStatuses maps WordPress's comment_approved.
var commentStatuses = map[string]communique.CommentStatus{
	"1": communique.CommentApproved, "approve": communique.CommentApproved, "approved": communique.CommentApproved,
	"0": communique.CommentPending, "hold": communique.CommentPending,
	"spam": communique.CommentSpam, "trash": communique.CommentTrash, "post-trashed": communique.CommentTrash,
}

// preparedComment is a comment made ready in the parsing goroutine:
// rendering and hashing are the costly part of a comment, and there they
// run beside the store's work.
type preparedComment struct {
	c     *wxr.Comment
	cm    *communique.Comment
	notes []string
}

// prepareComment builds the comment to store. It is safe to call from
// the parsing goroutine: it touches nothing of the run but Avatar.
func (im *Importer) prepareComment(c *wxr.Comment) *preparedComment {
	p := &preparedComment{c: c}
	status, ok := commentStatuses[strings.ToLower(strings.TrimSpace(c.Approved))]
	if !ok {
		status = communique.CommentPending
		p.notes = append(p.notes, fmt.Sprintf("comments with status %q held for moderation", c.Approved))
	}
	typ := communique.CommentTypeComment
	switch c.Type {
	case "", "comment":
	case "pingback", "trackback":
		typ = c.Type
	default:
		p.notes = append(p.notes, fmt.Sprintf("comments of type %q imported as comments", c.Type))
	}
	name := clip(plain(c.Author), communique.MaxCommentAuthor)
	email := strings.TrimSpace(c.AuthorEmail)
	if len(email) > communique.MaxCommentEmail {
		email = ""
	}
	text := strings.ToValidUTF8(strings.ReplaceAll(c.Content, "\x00", ""), "\uFFFD")
	if utf8.RuneCountInString(text) > communique.MaxCommentText {
		text = clip(text, communique.MaxCommentText)
		p.notes = append(p.notes, "comments cut to 65,525 characters")
	}
	identity := email
	if identity == "" {
		identity = "name:" + name
	}
	p.cm = &communique.Comment{
		AuthorName: name, AuthorEmail: email, AuthorURL: clip(communique.NormalizeWebsite(c.AuthorURL), communique.MaxCommentURL),
		AuthorIP: clip(strings.TrimSpace(c.AuthorIP), 100), AvatarHash: im.Avatar(identity),
		Type: typ, Text: text, HTML: markup.Comment(text), Status: status, CreatedAt: wpTime(c.DateGMT, c.Date),
		SpamScore: 0.5,
	}
	if status == communique.CommentSpam {
		p.cm.SpamScore = 1
	}
	return p
}

func (ru *run) comment(p *preparedComment) error {
	c := p.c
	if ru.current == 0 || c.PostID != ru.current {
		reason := ru.currentSkip
		if reason == "" {
			reason = "comments whose post was not imported"
		}
		ru.skip(reason)
		return nil
	}
	if c.ID == 0 {
		ru.skip("comments without a wp:comment_id")
		return nil
	}
	for _, n := range p.notes {
		ru.note(n)
	}
	ic := &communique.ImportedComment{Comment: p.cm, SourceID: c.ID, ArticleSourceID: c.PostID, ParentSourceID: c.Parent}
	ru.batch.Comments = append(ru.batch.Comments, ic)
	if err := ru.maybeFlush(); err != nil {
		return err
	}
	if ru.waitingCount > maxWaiting {
		return ru.releaseWaiting("replies whose parent came too late in the file imported as top-level comments")
	}
	return nil
}

func (ru *run) maybeFlush() error {
	if ru.batch.Len() >= ru.BatchSize {
		return ru.flush()
	}
	return nil
}

// flush stores the batch and sorts out its results: counts, parents to
// set later, replies waiting for their parent.
func (ru *run) flush() error {
	for ru.batch != nil && ru.batch.Len() > 0 {
		b := ru.batch
		ru.batch = &communique.ImportBatch{Source: ru.source}
		// Articles follow the article rules and comments the discussion
		// rules; the batch is then stored in one transaction. Old news
		// tells nobody.
		if ru.Comments == nil || ru.Articles == nil {
			return errors.New("wordpress: the importer needs an article and a discussion service (Importer.Articles, Importer.Comments)")
		}
		if err := ru.Articles.PrepareImport(ru.ctx, b); err != nil {
			return fmt.Errorf("storing a batch of %d records: %w", b.Len(), err)
		}
		if err := ru.Comments.Import(ru.ctx, b, discussion.ImportOptions{Notify: false}); err != nil {
			return fmt.Errorf("storing a batch of %d records: %w", b.Len(), err)
		}
		for _, ia := range b.Articles {
			kind := "posts"
			if ia.Article.Type == communique.TypePage {
				kind = "pages"
			}
			ru.sum.count(kind, ia.Created)
			if ia.ParentMissing {
				ru.later(communique.KindArticle, ia.Article.ID, ia.ParentSourceID)
			}
		}
		for _, ia := range b.Attachments {
			ru.sum.count("attachments", ia.Created)
			if ia.ParentMissing {
				ru.later(communique.KindAttachment, ia.Attachment.ID, ia.ArticleSourceID)
			}
		}
		for _, ic := range b.Comments {
			switch {
			case ic.ArticleMissing:
				ru.skip("comments whose post was not imported")
			case ic.ParentMissing:
				ru.waiting[ic.ParentSourceID] = append(ru.waiting[ic.ParentSourceID], ic)
				ru.waitingCount++
			default:
				ru.sum.count("comments", ic.Created)
				ru.commented[ic.Comment.ArticleID] = true
				if replies, ok := ru.waiting[ic.SourceID]; ok {
					delete(ru.waiting, ic.SourceID)
					ru.waitingCount -= len(replies)
					ru.batch.Comments = append(ru.batch.Comments, replies...)
				}
			}
		}
	}
	return nil
}

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

// gallery returns what a [gallery] of the post shows. localID is the
// post's local id, 0 while it is not stored yet.
func (ru *run) gallery(postSourceID, localID int64) GalleryFunc {
	return func(ids []int64) []Image {
		var list []*communique.Attachment
		if len(ids) > 0 {
			found, err := ru.Store.FindImportedAttachments(ru.ctx, ru.source, ids)
			if err != nil {
				return nil
			}
			for _, id := range ids {
				if a, ok := found[id]; ok {
					list = append(list, a)
				}
			}
		} else if localID != 0 {
			list, _ = ru.Store.FindAttachments(ru.ctx, localID, 0, 1000)
		}
		var images []Image
		for _, a := range list {
			if a.MIMEType != "" && !strings.HasPrefix(a.MIMEType, "image/") {
				continue
			}
			alt := a.AltText
			if alt == "" {
				alt = a.Title
			}
			images = append(images, Image{URL: a.URL, Alt: alt, Caption: a.Caption})
		}
		return images
	}
}

func (ru *run) saveMenus() error {
	if len(ru.menuOrder) == 0 {
		return nil
	}
	existing, err := ru.Store.FindMenus(ru.ctx)
	if err != nil {
		return err
	}
	had := map[string]bool{}
	for _, m := range existing {
		had[m.Slug] = true
	}
	for _, slug := range ru.menuOrder {
		d := ru.menus[slug]
		m := &communique.Menu{Name: d.name, Slug: markup.Slugify(unescapePath(slug))}
		if m.Name == "" {
			m.Name = slug
		}
		if m.Slug == "" {
			m.Slug = "menu"
		}
		if ru.PrimaryMenu != "" && (ru.PrimaryMenu == slug || ru.PrimaryMenu == m.Slug) {
			m.Location = communique.MenuPrimary
		}
		items, err := ru.menuItems(d)
		if err != nil {
			return err
		}
		m.Items = items
		if err := ru.Store.SaveMenu(ru.ctx, m); err != nil {
			return fmt.Errorf("menu %q: %w", d.name, err)
		}
		ru.sum.count("menus", !had[m.Slug])
		for range m.Items {
			ru.sum.count("menu items", !had[m.Slug])
		}
	}
	return nil
}

// menuItems resolves a menu's items to local articles and terms and puts
// them in position order with every parent before its children, as
// SaveMenu needs.
func (ru *run) menuItems(d *menuDraft) ([]*communique.MenuItem, error) {
	sort.SliceStable(d.items, func(i, j int) bool { return d.items[i].order < d.items[j].order })
	byID := map[int64]*communique.MenuItem{}
	var resolved []*communique.MenuItem
	for _, it := range d.items {
		mi := &communique.MenuItem{ID: it.id, ParentID: it.parent, Label: it.title, URL: it.url, ObjectType: "custom"}
		switch it.typ {
		case "post_type":
			id, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindArticle, it.objectID)
			if err == nil {
				mi.ObjectType, mi.ObjectID, mi.URL = "article", id, ""
				if mi.Label == "" {
					if a, err := ru.Store.FindArticleByID(ru.ctx, id); err == nil {
						mi.Label = a.Title
					}
				}
			} else if communique.ErrorCode(err) != communique.ENOTFOUND {
				return nil, err
			}
		case "taxonomy":
			id, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindTerm, it.objectID)
			if err == nil {
				mi.ObjectType, mi.ObjectID, mi.URL = "term", id, ""
				if mi.Label == "" {
					mi.Label = ru.termNames[it.objectID]
				}
			} else if communique.ErrorCode(err) != communique.ENOTFOUND {
				return nil, err
			}
		case "post_type_archive":
			mi.URL = "/"
		}
		if mi.ObjectType == "custom" && mi.URL == "" {
			ru.skip("menu items pointing at something not imported")
			continue
		}
		if mi.ObjectType == "custom" && it.typ != "custom" && it.typ != "post_type_archive" {
			ru.note("menu items pointing at something not imported kept as plain links")
		}
		if mi.Label == "" {
			mi.Label = mi.URL
		}
		if mi.Label == "" {
			mi.Label = "(no label)"
		}
		byID[mi.ID] = mi
		resolved = append(resolved, mi)
	}
	// Parents first: an item goes out once its parent has (or its parent
	// is not in the menu, which puts it at the top).
	var out []*communique.MenuItem
	placed := map[int64]bool{}
	for len(resolved) > 0 {
		var rest []*communique.MenuItem
		for _, mi := range resolved {
			if mi.ParentID != 0 && byID[mi.ParentID] == nil {
				mi.ParentID = 0
			}
			if mi.ParentID == 0 || placed[mi.ParentID] {
				out = append(out, mi)
				placed[mi.ID] = true
			} else {
				rest = append(rest, mi)
			}
		}
		if len(rest) == len(resolved) {
			for _, mi := range rest { // a loop of parents
				mi.ParentID = 0
			}
			out = append(out, rest...)
			break
		}
		resolved = rest
	}
	return out, nil
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

// unescapePath decodes a percent-encoded slug as WordPress stores
// non-Latin slugs.
func unescapePath(s string) string {
	s = strings.TrimSpace(s)
	if u, err := url.PathUnescape(s); err == nil && utf8.ValidString(u) {
		return u
	}
	return s
}

var doubleSlash = regexp.MustCompile(`//+`)

// oldPath returns the path of an item's old permalink as a request for it
// would carry it, or "" for links by query (?p=12), which are answered
// by id.
func oldPath(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.RawQuery != "" || u.Path == "" || u.Path == "/" {
		return ""
	}
	p := doubleSlash.ReplaceAllString(u.Path, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") && !strings.Contains(path.Base(p), ".") {
		p += "/"
	}
	return p
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
