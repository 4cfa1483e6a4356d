package wordpress

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/wxr"
)

// ExportStore is what exporting needs from a store: keyset reads, so an
// export never holds a whole site in memory.
type ExportStore interface {
	Settings(ctx context.Context) (map[string]string, error)
	FindUsers(ctx context.Context, f communique.UserFilter) ([]*communique.User, error)
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
	FindTerms(ctx context.Context, f communique.TermFilter) ([]*communique.Term, error)
	FindMenus(ctx context.Context) ([]*communique.Menu, error)
	FindAttachments(ctx context.Context, articleID, afterID int64, limit int) ([]*communique.Attachment, error)
	// ExportArticles returns articles of every type and status in id
	// order after afterID, with their terms, and their GUIDs by id.
	ExportArticles(ctx context.Context, afterID int64, limit int) ([]*communique.Article, map[int64]string, error)
	// ExportComments returns an article's comments with their private
	// fields in id order after afterID.
	ExportComments(ctx context.Context, articleID, afterID int64, limit int) ([]*communique.Comment, error)
	// ExportTerms returns terms in id order after afterID.
	ExportTerms(ctx context.Context, afterID int64, limit int) ([]*communique.Term, error)
	// MaxIDs returns the largest article, attachment, term and menu ids.
	MaxIDs(ctx context.Context) (articles, attachments, terms, menus int64, err error)
	// FindMedia returns library images and their total.
	FindMedia(ctx context.Context, f communique.MediaFilter) ([]*communique.Media, int, error)
	FindMediaByID(ctx context.Context, id int64) (*communique.Media, error)
}

// Exporter writes a store's content as a WordPress export (WXR 1.2):
// authors, categories with their parents, tags, articles and pages with
// their comments, attachments and menus. The file holds commenters'
// email and IP addresses: it is for the site's owner, not for the public.
type Exporter struct {
	Store ExportStore
	// SiteURL is the site's address for links and GUIDs; "" takes the
	// site_url setting, or http://localhost when that is empty too.
	SiteURL string
	// BatchSize is how many articles or comments are read at a time.
	BatchSize int
	// Now is the clock, for the export's date.
	Now func() time.Time
}

// ExportSummary counts what an export wrote, by kind (see Kinds).
type ExportSummary map[string]int

// String lists the counts as the command line prints them.
func (s ExportSummary) String() string {
	var b strings.Builder
	b.WriteString("Exported:\n")
	for _, k := range Kinds {
		fmt.Fprintf(&b, "  %-12s %7d\n", k, s[k])
	}
	return b.String()
}

// WordPress statuses of Communiqué's article and comment statuses.
var (
	wpStatuses = map[communique.Status]string{
		communique.StatusPublished: "publish", communique.StatusScheduled: "future", communique.StatusDraft: "draft",
		communique.StatusPending: "pending", communique.StatusTrash: "trash", communique.StatusPrivate: "private",
	}
	wpApproved = map[communique.CommentStatus]string{
		communique.CommentApproved: "1", communique.CommentPending: "0", communique.CommentSpam: "spam", communique.CommentTrash: "trash",
	}
)

const wpDate = "2006-01-02 15:04:05"

type export struct {
	*Exporter
	ctx      context.Context
	w        *wxr.Writer
	base     string
	settings *communique.Settings
	sum      ExportSummary
	logins   map[int64]string
	// WordPress keeps posts, attachments and menu items in one table, and
	// categories, tags and menus in another: offsets keep their ids apart.
	attachmentBase, menuItemBase, menuTermBase int64
	// Library images are attachments too, after the menu items; an image
	// an imported attachment became is that attachment. exported maps a
	// library image to its attachment's id, for featured images.
	mediaBase int64
	exported  map[int64]int64
}

// Export writes the WXR document to w.
func (ex *Exporter) Export(ctx context.Context, w io.Writer) (ExportSummary, error) {
	e := &export{Exporter: ex, ctx: ctx, sum: ExportSummary{}, logins: map[int64]string{}}
	if e.BatchSize <= 0 {
		e.BatchSize = 500
	}
	now := time.Now
	if ex.Now != nil {
		now = ex.Now
	}
	values, err := ex.Store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	e.settings = communique.ParseSettings(values)
	e.base = strings.TrimRight(ex.SiteURL, "/")
	if e.base == "" {
		e.base = e.settings.SiteURL
	}
	if e.base == "" {
		e.base = "http://localhost"
	}
	maxArticle, maxAttachment, maxTerm, _, err := ex.Store.MaxIDs(ctx)
	if err != nil {
		return nil, err
	}
	e.attachmentBase, e.menuItemBase, e.menuTermBase = maxArticle, maxArticle+maxAttachment, maxTerm
	if err := e.numberMedia(); err != nil {
		return nil, err
	}
	e.w, err = wxr.NewWriter(w, &wxr.Channel{
		Title: e.settings.Title, Link: e.base, Description: e.settings.Tagline,
		PubDate: now().UTC().Format(time.RFC1123Z), Language: e.settings.Language,
		BaseSiteURL: e.base, BaseBlogURL: e.base, Generator: "Communiqué " + communique.Version,
	})
	if err != nil {
		return nil, err
	}
	steps := []func() error{e.authors, e.terms, e.articles, e.attachments, e.media, e.menus}
	for _, step := range steps {
		if err := step(); err != nil {
			return e.sum, err
		}
	}
	return e.sum, e.w.Close()
}

func (e *export) authors() error {
	users, err := e.Store.FindUsers(e.ctx, communique.UserFilter{Limit: 10000})
	if err != nil {
		return err
	}
	for _, u := range users {
		e.logins[u.ID] = u.Login
		if err := e.w.WriteAuthor(&wxr.Author{ID: u.ID, Login: u.Login, Email: u.Email, DisplayName: u.Name()}); err != nil {
			return err
		}
		e.sum["authors"]++
	}
	return nil
}

// terms writes categories parents first (WordPress's importer drops a
// parent it has not seen yet), then tags, then the menus.
func (e *export) terms() error {
	var cats []*communique.Term
	slugs := map[int64]string{}
	for after := int64(0); ; {
		list, err := e.Store.ExportTerms(e.ctx, after, e.BatchSize)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			break
		}
		after = list[len(list)-1].ID
		for _, t := range list {
			if t.Taxonomy == communique.TaxonomyCategory {
				cats = append(cats, t)
				slugs[t.ID] = t.Slug
				continue
			}
			if err := e.w.WriteTerm(&wxr.Term{ID: t.ID, Taxonomy: wxr.TaxonomyTag, Slug: t.Slug, Name: htmlText(t.Name), Description: htmlText(t.Description)}); err != nil {
				return err
			}
			e.sum["tags"]++
		}
	}
	written := map[int64]bool{}
	for len(cats) > 0 {
		var rest []*communique.Term
		for _, t := range cats {
			if _, known := slugs[t.ParentID]; t.ParentID != 0 && known && !written[t.ParentID] {
				rest = append(rest, t)
				continue
			}
			parent := ""
			if written[t.ParentID] {
				parent = slugs[t.ParentID]
			}
			if err := e.w.WriteTerm(&wxr.Term{ID: t.ID, Taxonomy: wxr.TaxonomyCategory, Slug: t.Slug, Name: htmlText(t.Name),
				Parent: parent, Description: htmlText(t.Description)}); err != nil {
				return err
			}
			written[t.ID] = true
			e.sum["categories"]++
		}
		if len(rest) == len(cats) {
			for _, t := range rest { // a loop of parents
				t.ParentID = 0
			}
		}
		cats = rest
	}
	menus, err := e.Store.FindMenus(e.ctx)
	if err != nil {
		return err
	}
	for _, m := range menus {
		if err := e.w.WriteTerm(&wxr.Term{ID: e.menuTermBase + m.ID, Taxonomy: wxr.TaxonomyNavMenu, Slug: m.Slug, Name: htmlText(m.Name)}); err != nil {
			return err
		}
	}
	return nil
}

func (e *export) dates(t time.Time) (local, gmt string) {
	if t.IsZero() {
		return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
	}
	return t.In(e.settings.Location).Format(wpDate), t.UTC().Format(wpDate)
}

func (e *export) articles() error {
	for after := int64(0); ; {
		list, guids, err := e.Store.ExportArticles(e.ctx, after, e.BatchSize)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		after = list[len(list)-1].ID
		for _, a := range list {
			if err := e.article(a, guids[a.ID]); err != nil {
				return err
			}
		}
	}
}

func (e *export) article(a *communique.Article, guid string) error {
	link := e.base + e.path(a)
	if guid == "" {
		guid = e.base + "/?p=" + strconv.FormatInt(a.ID, 10)
	}
	body := a.HTML
	if a.Format == communique.FormatHTML {
		body = a.Source
	}
	// The body is HTML already: shortcodes in it are text, and must stay
	// text when WordPress (or an import here) runs shortcodes on it.
	body = EscapeShortcodes(body)
	it := &wxr.Item{
		Title: htmlText(a.Title), Link: link, Creator: e.login(a), GUID: guid,
		// A Custom HTML block: WordPress shows the body exactly as it is,
		// without adding paragraphs, and so does an import back here.
		Content: "<!-- wp:html -->\n" + body + "\n<!-- /wp:html -->",
		Excerpt: htmlText(a.Excerpt), ID: a.ID,
		CommentStatus: "closed", PingStatus: "closed", Name: a.Slug, Status: wpStatuses[a.Status],
		Parent: a.ParentID, MenuOrder: a.MenuOrder, Type: a.Type, Sticky: a.Sticky, Password: a.Password,
	}
	if a.CommentsOpen {
		it.CommentStatus = "open"
	}
	if id := e.exported[a.FeaturedMediaID]; id != 0 {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_thumbnail_id", Value: strconv.FormatInt(id, 10)})
	}
	when := a.PublishedAt
	if !when.IsZero() {
		it.PubDate = when.UTC().Format(time.RFC1123Z)
	}
	it.Date, it.DateGMT = e.dates(when)
	if when.IsZero() {
		it.Date, _ = e.dates(a.CreatedAt)
	}
	it.Modified, it.ModifiedGMT = e.dates(a.ModifiedAt)
	for _, t := range a.Categories {
		it.Terms = append(it.Terms, wxr.ItemTerm{Domain: wxr.TaxonomyCategory, Nicename: t.Slug, Name: htmlText(t.Name)})
	}
	for _, t := range a.Tags {
		it.Terms = append(it.Terms, wxr.ItemTerm{Domain: wxr.TaxonomyTag, Nicename: t.Slug, Name: htmlText(t.Name)})
	}
	if err := e.w.WriteItem(it); err != nil {
		return err
	}
	if a.Type == communique.TypePage {
		e.sum["pages"]++
	} else {
		e.sum["posts"]++
	}
	for after := int64(0); ; {
		list, err := e.Store.ExportComments(e.ctx, a.ID, after, e.BatchSize)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		after = list[len(list)-1].ID
		for _, c := range list {
			date, gmt := e.dates(c.CreatedAt)
			typ := c.Type
			if typ == "" {
				typ = communique.CommentTypeComment
			}
			if err := e.w.WriteComment(&wxr.Comment{
				ID: c.ID, Author: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP,
				Date: date, DateGMT: gmt, Content: c.Text, Approved: wpApproved[c.Status], Type: typ,
				Parent: c.ParentID, UserID: c.UserID,
			}); err != nil {
				return err
			}
			e.sum["comments"]++
		}
	}
}

func (e *export) login(a *communique.Article) string {
	if a.Author != nil && a.Author.Login != "" {
		return a.Author.Login
	}
	return e.logins[a.AuthorID]
}

// path is an article's URL path, its parent pages' slugs included.
func (e *export) path(a *communique.Article) string {
	var parents []string
	for parent, depth := a.ParentID, 0; parent != 0 && depth < 10; depth++ {
		p, err := e.Store.FindArticleByID(e.ctx, parent)
		if err != nil {
			break
		}
		parents = append([]string{p.Slug}, parents...)
		parent = p.ParentID
	}
	return communique.ArticlePath(a, e.settings, parents)
}

func (e *export) attachments() error {
	for after := int64(0); ; {
		list, err := e.Store.FindAttachments(e.ctx, 0, after, e.BatchSize)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		after = list[len(list)-1].ID
		for _, at := range list {
			id := e.attachmentBase + at.ID
			date, gmt := e.dates(at.CreatedAt)
			fileURL := at.URL
			if at.MediaID != 0 {
				// The file is here now: WordPress's importer fetches it from here.
				if m, err := e.Store.FindMediaByID(e.ctx, at.MediaID); err == nil {
					fileURL = e.base + m.URL()
				}
			}
			it := &wxr.Item{
				Title: htmlText(at.Title), Link: e.base + "/?attachment_id=" + strconv.FormatInt(id, 10), GUID: fileURL,
				Content: at.Description, Excerpt: htmlText(at.Caption), ID: id, Date: date, DateGMT: gmt, Modified: date, ModifiedGMT: gmt,
				CommentStatus: "closed", PingStatus: "closed", Name: attachmentName(at), Status: "inherit",
				Parent: at.ArticleID, Type: "attachment", AttachmentURL: fileURL,
			}
			if at.AltText != "" {
				it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attachment_image_alt", Value: at.AltText})
			}
			if err := e.w.WriteItem(it); err != nil {
				return err
			}
			e.sum["attachments"]++
		}
	}
}

func attachmentName(at *communique.Attachment) string {
	name := at.URL[strings.LastIndexByte(at.URL, '/')+1:]
	if i := strings.IndexAny(name, ".?#"); i >= 0 {
		name = name[:i]
	}
	return strings.ToLower(name)
}

// menus writes menu items after everything they point at, since
// WordPress's importer links an item only to what it has already read.
func (e *export) menus() error {
	menus, err := e.Store.FindMenus(e.ctx)
	if err != nil {
		return err
	}
	sort.SliceStable(menus, func(i, j int) bool { return menus[i].ID < menus[j].ID })
	for _, m := range menus {
		e.sum["menus"]++
		for _, mi := range m.Items {
			id := e.menuItemBase + mi.ID
			parent := int64(0)
			if mi.ParentID != 0 {
				parent = e.menuItemBase + mi.ParentID
			}
			typ, object, objectID, u := "custom", "custom", id, mi.URL
			switch mi.ObjectType {
			case "article":
				if a, err := e.Store.FindArticleByID(e.ctx, mi.ObjectID); err == nil {
					typ, object, objectID, u = "post_type", a.Type, a.ID, ""
				}
			case "term":
				if ts, err := e.Store.FindTerms(e.ctx, communique.TermFilter{ID: &mi.ObjectID}); err == nil && len(ts) == 1 {
					object = wxr.TaxonomyCategory
					if ts[0].Taxonomy == communique.TaxonomyTag {
						object = wxr.TaxonomyTag
					}
					typ, objectID, u = "taxonomy", ts[0].ID, ""
				}
			}
			it := &wxr.Item{
				Title: htmlText(mi.Label), Link: e.base + "/?p=" + strconv.FormatInt(id, 10), GUID: e.base + "/?p=" + strconv.FormatInt(id, 10),
				ID: id, CommentStatus: "closed", PingStatus: "closed", Name: strconv.FormatInt(id, 10), Status: "publish",
				MenuOrder: mi.Position + 1, Type: "nav_menu_item",
				Terms: []wxr.ItemTerm{{Domain: wxr.TaxonomyNavMenu, Nicename: m.Slug, Name: htmlText(m.Name)}},
				Meta: []wxr.Meta{
					{Key: "_menu_item_type", Value: typ},
					{Key: "_menu_item_menu_item_parent", Value: strconv.FormatInt(parent, 10)},
					{Key: "_menu_item_object_id", Value: strconv.FormatInt(objectID, 10)},
					{Key: "_menu_item_object", Value: object},
					{Key: "_menu_item_target", Value: ""},
					{Key: "_menu_item_classes", Value: `a:1:{i:0;s:0:"";}`},
					{Key: "_menu_item_xfn", Value: ""},
					{Key: "_menu_item_url", Value: u},
				},
			}
			if err := e.w.WriteItem(it); err != nil {
				return err
			}
			e.sum["menu items"]++
		}
	}
	return nil
}

// numberMedia gives every library image its attachment id in the file:
// the imported attachment it came from, or one after the menu items.
func (e *export) numberMedia() error {
	e.exported = map[int64]int64{}
	for after := int64(0); ; {
		list, err := e.Store.FindAttachments(e.ctx, 0, after, e.BatchSize)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			break
		}
		after = list[len(list)-1].ID
		for _, at := range list {
			if at.MediaID != 0 {
				e.exported[at.MediaID] = e.attachmentBase + at.ID
			}
		}
	}
	menus, err := e.Store.FindMenus(e.ctx)
	if err != nil {
		return err
	}
	e.mediaBase = e.menuItemBase
	for _, m := range menus {
		for _, mi := range m.Items {
			e.mediaBase = max(e.mediaBase, e.menuItemBase+mi.ID)
		}
	}
	for offset := 0; ; offset += e.BatchSize {
		list, _, err := e.Store.FindMedia(e.ctx, communique.MediaFilter{Offset: offset, Limit: e.BatchSize})
		if err != nil {
			return err
		}
		for _, m := range list {
			if e.exported[m.ID] == 0 {
				e.exported[m.ID] = e.mediaBase + m.ID
			}
		}
		if len(list) < e.BatchSize {
			return nil
		}
	}
}

// media writes the library images no imported attachment stands for
// (uploads), as attachments whose files WordPress's importer fetches
// from this site.
func (e *export) media() error {
	for offset := 0; ; offset += e.BatchSize {
		list, _, err := e.Store.FindMedia(e.ctx, communique.MediaFilter{Offset: offset, Limit: e.BatchSize})
		if err != nil {
			return err
		}
		for _, m := range list {
			id := e.exported[m.ID]
			if id != e.mediaBase+m.ID {
				continue // written as its imported attachment
			}
			date, gmt := e.dates(m.CreatedAt)
			fileURL := e.base + m.URL()
			it := &wxr.Item{
				Title: htmlText(strings.TrimSuffix(m.Filename, path.Ext(m.Filename))), Link: e.base + "/?attachment_id=" + strconv.FormatInt(id, 10),
				GUID: fileURL, Excerpt: htmlText(m.Caption), ID: id, Date: date, DateGMT: gmt, Modified: date, ModifiedGMT: gmt,
				CommentStatus: "closed", PingStatus: "closed", Name: strings.TrimSuffix(m.Key, path.Ext(m.Key)), Status: "inherit",
				Type: "attachment", AttachmentURL: fileURL,
			}
			if m.AltText != "" {
				it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attachment_image_alt", Value: m.AltText})
			}
			if err := e.w.WriteItem(it); err != nil {
				return err
			}
			e.sum["attachments"]++
		}
		if len(list) < e.BatchSize {
			return nil
		}
	}
}
