package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"communique"
	"communique/markup"
)

// What imports from WordPress need: records matched by the id they had
// on the old site (table wp_ids) so a second import updates, old links
// (table redirects), media records (table attachments), and the export's
// keyset reads.

var _ communique.RedirectService = (*WordPress)(nil)

// maxParams bounds the values bound in one IN (…) list, well inside
// SQLite's and PostgreSQL's limits.
const maxParams = 500

// ImportUser matches u by login (case-insensitively) or creates it
// without a password, then remembers its WordPress id and old paths. It
// reports whether the user was created; u is filled with the stored user.
func (db *WordPress) ImportUser(ctx context.Context, source string, sourceID int64, u *communique.User, oldPaths []string) (bool, error) {
	list, err := db.people().FindUsers(ctx, communique.UserFilter{Login: &u.Login, Limit: 1})
	if err != nil {
		return false, err
	}
	created := false
	if len(list) == 1 {
		*u = *list[0]
	} else {
		if err := db.people().CreateUser(ctx, u); err != nil {
			return false, err
		}
		created = true
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if err := tx.remember(ctx, source, communique.KindUser, sourceID, u.ID); err != nil {
		return false, err
	}
	if err := tx.redirect(ctx, oldPaths, communique.KindUser, u.ID); err != nil {
		return false, err
	}
	return created, tx.Commit()
}

// ImportTerms stores categories and tags in one transaction. A term known
// by its WordPress id is updated (name, description, parent; the slug
// stays, it is the local URL); else a term of the same taxonomy and slug
// is taken as it is; else the term is created. Term.ID is set.
func (db *WordPress) ImportTerms(ctx context.Context, source string, terms []*communique.ImportedTerm) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	for _, it := range terms {
		t := it.Term
		if err := t.Validate(); err != nil {
			return err
		}
		t.ID, it.Created = 0, false
		if id, ok, err := tx.imported(ctx, source, communique.KindTerm, it.SourceID); err != nil {
			return err
		} else if ok {
			var tax string
			if err := w.row(ctx, `SELECT taxonomy FROM terms WHERE id = ?`, id).Scan(&tax); err == nil && tax == t.Taxonomy {
				t.ID = id
				parent := tx.termParent(ctx, id, t.ParentID, t.Taxonomy)
				if _, err := w.exec(ctx, `UPDATE terms SET name = ?, description = ?, parent_id = ? WHERE id = ?`,
					strings.TrimSpace(t.Name), t.Description, parent, id); err != nil {
					return fmt.Errorf("update term: %w", err)
				}
				err = w.row(ctx, `SELECT slug FROM terms WHERE id = ?`, id).Scan(&t.Slug)
				if err != nil {
					return err
				}
			}
		}
		if t.ID == 0 {
			slug := markup.Slugify(t.Slug)
			err := w.row(ctx, `SELECT id, slug FROM terms WHERE taxonomy = ? AND slug = ?`, t.Taxonomy, slug).Scan(&t.ID, &t.Slug)
			if err == sql.ErrNoRows {
				if t.ParentID != 0 && tx.termParent(ctx, 0, t.ParentID, t.Taxonomy) == nil {
					t.ParentID = 0
				}
				if err := tx.createTerm(ctx, t); err != nil {
					return err
				}
				it.Created = true
			} else if err != nil {
				return fmt.Errorf("find term: %w", err)
			}
		}
		if err := tx.remember(ctx, source, communique.KindTerm, it.SourceID, t.ID); err != nil {
			return err
		}
		if err := tx.redirect(ctx, it.OldPaths, communique.KindTerm, t.ID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// termParent returns parent as a value to store for term id, or nil when
// it is not a term of the taxonomy or would make a loop.
func (tx *Tx) termParent(ctx context.Context, id, parent int64, taxonomy string) any {
	if parent == 0 || taxonomy != communique.TaxonomyCategory {
		return nil
	}
	for cur, depth := parent, 0; cur != 0; depth++ {
		if cur == id || depth > 64 {
			return nil
		}
		var next sql.NullInt64
		var tax string
		if err := tx.w().row(ctx, `SELECT parent_id, taxonomy FROM terms WHERE id = ?`, cur).Scan(&next, &tax); err != nil || tax != taxonomy {
			return nil
		}
		cur = next.Int64
	}
	return parent
}

// SetTermParent sets a category's parent, for parents that came later
// in an import. A parent that would make a loop is refused (EINVALID).
func (db *WordPress) SetTermParent(ctx context.Context, id, parentID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	parent := tx.termParent(ctx, id, parentID, communique.TaxonomyCategory)
	if parent == nil && parentID != 0 {
		return communique.Errorf(communique.EINVALID, "Category %d cannot have parent %d.", id, parentID)
	}
	if _, err := tx.w().exec(ctx, `UPDATE terms SET parent_id = ? WHERE id = ?`, parent, id); err != nil {
		return fmt.Errorf("set term parent: %w", err)
	}
	return tx.Commit()
}

// ImportBatch stores a batch of articles, attachments and comments in one
// transaction, which is what makes large imports fast. Records known by
// their WordPress id are updated, others created; comments are stored as
// they were (status, date, author) without the discussion rules. A
// comment whose article or parent is not stored yet is left out and
// flagged, for the importer to retry once its parent is in.
// Comment counts are not refreshed here: see RefreshCommentCounts.
//
// The article service prepared each article by the site's rules (the
// importer has it do so first); b.SettleSlug, or the domain's rule when
// unset, turns each wanted slug into a free one inside this transaction.
func (db *WordPress) ImportBatch(ctx context.Context, b *communique.ImportBatch) error {
	settle := b.SettleSlug
	if settle == nil {
		settle = communique.SettleSlug
	}
	if err := db.dialect.Engine.PrepareBulkWrites(ctx, db.write); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.setArticleIDFloor(ctx, b); err != nil {
		return err
	}
	articles := map[int64]int64{} // WordPress id → local id, within the batch
	for _, ia := range b.Articles {
		if err := tx.importArticle(ctx, b.Source, ia, settle); err != nil {
			return err
		}
		articles[ia.SourceID] = ia.Article.ID
	}
	if tx.articleIDFloor > 0 {
		// Identity sequences (PostgreSQL) continue after the ids given here.
		if err := tx.db.dialect.Engine.FollowIDs(ctx, tx.Tx, "articles", "id"); err != nil {
			return err
		}
	}
	articleID := func(sourceID int64) (int64, bool, error) {
		if id, ok := articles[sourceID]; ok {
			return id, true, nil
		}
		id, ok, err := tx.imported(ctx, b.Source, communique.KindArticle, sourceID)
		if ok {
			var n int
			if err := tx.w().row(ctx, `SELECT COUNT(*) FROM articles WHERE id = ?`, id).Scan(&n); err != nil || n == 0 {
				ok = false
			}
		}
		if ok {
			articles[sourceID] = id
		}
		return id, ok, err
	}
	for _, ia := range b.Attachments {
		if err := tx.importAttachment(ctx, b.Source, ia, articleID); err != nil {
			return err
		}
	}
	if len(b.Comments) > 0 {
		if err := tx.importComments(ctx, b.Source, b.Comments, articleID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (tx *Tx) importArticle(ctx context.Context, source string, ia *communique.ImportedArticle, settle communique.SlugSettler) error {
	a := ia.Article
	a.ID, ia.Created, ia.ParentMissing = 0, false, false
	oldSlug, err := tx.importedArticle(ctx, source, ia)
	if err != nil {
		return err
	}
	if err := tx.importedParent(ctx, source, ia); err != nil {
		return err
	}
	if err := tx.settleSlug(ctx, a, settle); err != nil {
		return err
	}
	importedTimes(ia, tx.now)
	publishLater := a.ID == 0 && tx.db.dialect.PublishAfterTerms && a.Status == communique.StatusPublished &&
		a.Type == communique.TypePost && len(ia.CategoryIDs)+len(ia.TagIDs) > 0
	if publishLater {
		a.Status = communique.StatusDraft
		defer func() { a.Status = communique.StatusPublished }()
	}
	if a.ID == 0 {
		err = tx.insertImported(ctx, ia)
	} else if err = tx.updateImported(ctx, ia, oldSlug); err == nil {
		// Search indexes the body's words, not its tags.
		err = tx.setBodyText(ctx, a.ID, a.HTML)
	}
	if err != nil {
		return err
	}
	if a.Type == communique.TypePost {
		// A new article has no terms to clear.
		set := tx.setTerms
		if ia.Created {
			set = tx.addTerms
		}
		if err := set(ctx, a.ID, communique.TaxonomyCategory, ia.CategoryIDs); err != nil {
			return err
		}
		if err := set(ctx, a.ID, communique.TaxonomyTag, ia.TagIDs); err != nil {
			return err
		}
	}
	if publishLater {
		// Indexed once, with its terms; their counts follow the status.
		if _, err := tx.w().exec(ctx, `UPDATE articles SET status = ? WHERE id = ?`, string(communique.StatusPublished), a.ID); err != nil {
			return fmt.Errorf("publish imported article: %w", err)
		}
	}
	if err := tx.remember(ctx, source, communique.KindArticle, ia.SourceID, a.ID); err != nil {
		return err
	}
	return tx.redirect(ctx, ia.OldPaths, communique.KindArticle, a.ID)
}

// importedTimes fills the times a batch the article service did not
// prepare left out: the old site's, or now.
func importedTimes(ia *communique.ImportedArticle, now time.Time) {
	a := ia.Article
	if a.CreatedAt.IsZero() {
		a.CreatedAt = ia.CreatedAt
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	if a.ModifiedAt.IsZero() {
		a.ModifiedAt = ia.ModifiedAt
	}
	if a.ModifiedAt.IsZero() {
		a.ModifiedAt = a.CreatedAt
	}
}

// importedArticle finds the article an earlier import of the same item
// made, setting its id, and returns its slug.
func (tx *Tx) importedArticle(ctx context.Context, source string, ia *communique.ImportedArticle) (string, error) {
	id, ok, err := tx.imported(ctx, source, communique.KindArticle, ia.SourceID)
	if err != nil || !ok {
		return "", err
	}
	var slug string
	switch err := tx.w().row(ctx, `SELECT slug FROM articles WHERE id = ?`, id).Scan(&slug); {
	case err == nil:
		ia.Article.ID = id
	case err != sql.ErrNoRows:
		return "", err
	}
	return slug, nil
}

// importedParent maps a page's parent on the old site to the local page,
// or flags it missing for the importer to set once the parent is in.
func (tx *Tx) importedParent(ctx context.Context, source string, ia *communique.ImportedArticle) error {
	a := ia.Article
	a.ParentID = 0
	if ia.ParentSourceID == 0 || a.Type != communique.TypePage {
		return nil
	}
	parent, ok, err := tx.imported(ctx, source, communique.KindArticle, ia.ParentSourceID)
	if err != nil {
		return err
	}
	if ok && tx.checkParent(ctx, a.ID, parent) == nil {
		a.ParentID = parent
	} else {
		ia.ParentMissing = true
	}
	return nil
}

// setArticleIDFloor makes the articles this batch creates take ids above
// every id an old site gave a post, page, attachment or menu item (they
// share one series in WordPress), so that every article made here later
// does too: an old /?p=ID and Communiqué's own /?p=ID then never name
// the same number (see communique.OldLinkCeiling).
func (tx *Tx) setArticleIDFloor(ctx context.Context, b *communique.ImportBatch) error {
	var batchMax int64
	for _, ia := range b.Articles {
		batchMax = max(batchMax, ia.SourceID)
	}
	for _, ia := range b.Attachments {
		batchMax = max(batchMax, ia.Attachment.SourceID)
	}
	var last, ceiling int64
	if err := tx.w().row(ctx, `SELECT COALESCE(MAX(id), 0) FROM articles`).Scan(&last); err != nil {
		return fmt.Errorf("article id floor: %w", err)
	}
	ceiling, err := tx.oldLinkCeiling(ctx, communique.KindArticle)
	if err != nil {
		return err
	}
	tx.articleIDFloor = max(last, ceiling, batchMax)
	return nil
}

// oldLinkCeiling returns the largest id the imported sites gave items
// answered by a link of kind's query key, 0 when none was imported.
func (tx *Tx) oldLinkCeiling(ctx context.Context, kind string) (int64, error) {
	var ceiling int64
	err := tx.w().row(ctx, oldLinkCeilingQuery(kind), oldLinkKinds(kind)...).Scan(&ceiling)
	if err != nil {
		return 0, fmt.Errorf("old link ceiling: %w", err)
	}
	return ceiling, nil
}

// oldLinkKinds are the kinds of item that share kind's id series on a
// WordPress site: posts, pages, attachments and menu items are all posts.
func oldLinkKinds(kind string) []any {
	if kind == "" {
		return nil
	}
	if kind == communique.KindArticle || kind == communique.KindAttachment || kind == communique.KindMenu {
		return []any{communique.KindArticle, communique.KindAttachment, communique.KindMenu}
	}
	return []any{kind}
}

func oldLinkCeilingQuery(kind string) string {
	if kind == "" {
		return `SELECT COALESCE(MAX(wp_id), 0) FROM wp_ids`
	}
	return `SELECT COALESCE(MAX(wp_id), 0) FROM wp_ids WHERE kind IN (` + Placeholders(len(oldLinkKinds(kind))) + `)`
}

// OldLinkCeiling returns the largest id the imported sites gave items
// that share kind's id series, 0 when none was imported.
func (db *WordPress) OldLinkCeiling(ctx context.Context, kind string) (int64, error) {
	var ceiling int64
	err := db.r().row(ctx, oldLinkCeilingQuery(kind), oldLinkKinds(kind)...).Scan(&ceiling)
	if err != nil {
		return 0, fmt.Errorf("old link ceiling: %w", err)
	}
	return ceiling, nil
}

func (tx *Tx) insertImported(ctx context.Context, ia *communique.ImportedArticle) error {
	a, w := ia.Article, tx.w()
	tx.articleIDFloor++
	// A featured image already in the library (the demo's) comes along;
	// WordPress's come later, with the attachments.
	// body_text comes with the row, so search indexes the article as it
	// is inserted rather than again when the text follows.
	err := w.row(ctx, `INSERT INTO articles (id, type, title, slug, format, source, html, excerpt, summary, author_id, status,
			published_at, created_at, modified_at, sticky, comments_open, parent_id, menu_order, guid, featured_media_id, body_text, password)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		tx.articleIDFloor, a.Type, a.Title, a.Slug, a.Format, a.Source, a.HTML, a.Excerpt, a.Summary, a.AuthorID, string(a.Status),
		w.t(a.PublishedAt), w.t(a.CreatedAt), w.t(a.ModifiedAt), a.Sticky, a.CommentsOpen, nullID(a.ParentID), a.MenuOrder, ia.GUID,
		nullID(a.FeaturedMediaID), bodyText(a.HTML), a.Password).Scan(&a.ID)
	if err != nil {
		return tx.db.wrap(err, "Article")
	}
	ia.Created = true
	return nil
}

func (tx *Tx) updateImported(ctx context.Context, ia *communique.ImportedArticle, oldSlug string) error {
	a, w := ia.Article, tx.w()
	_, err := w.exec(ctx, `UPDATE articles SET type = ?, title = ?, slug = ?, format = ?, source = ?, html = ?, excerpt = ?, summary = ?,
			author_id = ?, status = ?, published_at = ?, created_at = ?, modified_at = ?, sticky = ?, comments_open = ?,
			parent_id = ?, menu_order = ?, guid = ?, password = ?, version = version + 1
		WHERE id = ?`,
		a.Type, a.Title, a.Slug, a.Format, a.Source, a.HTML, a.Excerpt, a.Summary, a.AuthorID, string(a.Status),
		w.t(a.PublishedAt), w.t(a.CreatedAt), w.t(a.ModifiedAt), a.Sticky, a.CommentsOpen, nullID(a.ParentID), a.MenuOrder, ia.GUID, a.Password, a.ID)
	if err != nil {
		return tx.db.wrap(err, "Article")
	}
	return tx.rememberSlug(ctx, a.ID, oldSlug, a.Slug)
}

func (tx *Tx) importAttachment(ctx context.Context, source string, ia *communique.ImportedAttachment, articleID func(int64) (int64, bool, error)) error {
	at := ia.Attachment
	if strings.TrimSpace(at.URL) == "" {
		return communique.Errorf(communique.EINVALID, "An attachment needs a URL.")
	}
	w := tx.w()
	at.ArticleID, ia.Created, ia.ParentMissing = 0, false, false
	if ia.ArticleSourceID != 0 {
		id, ok, err := articleID(ia.ArticleSourceID)
		if err != nil {
			return err
		}
		if ok {
			at.ArticleID = id
		} else {
			ia.ParentMissing = true
		}
	}
	if at.CreatedAt.IsZero() {
		at.CreatedAt = tx.now
	}
	var article any
	if at.ArticleID != 0 {
		article = at.ArticleID
	}
	id, ok, err := tx.imported(ctx, source, communique.KindAttachment, at.SourceID)
	if err != nil {
		return err
	}
	if ok {
		res, err := w.exec(ctx, `UPDATE attachments SET wp_id = ?, article_id = ?, title = ?, url = ?, mime_type = ?, alt_text = ?,
			caption = ?, description = ?, created_at = ? WHERE id = ?`,
			at.SourceID, article, at.Title, at.URL, at.MIMEType, at.AltText, at.Caption, at.Description, w.t(at.CreatedAt), id)
		if err != nil {
			return fmt.Errorf("update attachment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			ok = false
		}
		at.ID = id
	}
	if !ok {
		err := w.row(ctx, `INSERT INTO attachments (wp_id, article_id, title, url, mime_type, alt_text, caption, description, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			at.SourceID, article, at.Title, at.URL, at.MIMEType, at.AltText, at.Caption, at.Description, w.t(at.CreatedAt)).Scan(&at.ID)
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
		ia.Created = true
	}
	if err := tx.remember(ctx, source, communique.KindAttachment, at.SourceID, at.ID); err != nil {
		return err
	}
	return tx.redirect(ctx, ia.OldPaths, communique.KindAttachment, at.ID)
}

// knownComment is a stored comment found by its WordPress id.
type knownComment struct{ id, thread, article int64 }

// commentImport is one batch of comments on its way in: what is stored
// already, the ids reserved for new rows, and the rows to write.
type commentImport struct {
	source     string
	known      map[int64]knownComment // WordPress id → stored comment
	reserved   []int64
	update     *sql.Stmt
	values     []any           // new rows, commentColumns values each
	remembered map[int64]int64 // WordPress id → local id of new rows
}

// importComments stores comments many rows per statement, with one
// lookup of the batch's known ids, so a million comments take a couple
// of minutes at most. The discussion rules checked them before.
func (tx *Tx) importComments(ctx context.Context, source string, list []*communique.ImportedComment, articleID func(int64) (int64, bool, error)) error {
	known, err := tx.knownComments(ctx, source, list)
	if err != nil {
		return err
	}
	update, err := tx.prepare(ctx, `UPDATE comments SET author_name = ?, author_email = ?, author_url = ?, author_ip = ?, user_agent = ?,
		avatar_hash = ?, type = ?, text = ?, html = ?, status = ?, created_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer update.Close()
	ci := &commentImport{source: source, known: known, update: update, remembered: map[int64]int64{}}
	// New comments get ids reserved up front, so a thread's root knows
	// its own id and a reply its parent's before anything is written:
	// rows go in many at a time and nothing is updated afterwards.
	fresh := 0
	for _, ic := range list {
		if _, ok := known[ic.SourceID]; !ok {
			fresh++
		}
	}
	if fresh > 0 {
		if ci.reserved, err = tx.reserveCommentIDs(ctx, fresh); err != nil {
			return err
		}
	}
	for _, ic := range list {
		if err := tx.importComment(ctx, ci, ic, articleID); err != nil {
			return err
		}
	}
	if err := tx.insertComments(ctx, ci.values); err != nil {
		return err
	}
	return tx.rememberComments(ctx, source, ci.remembered)
}

// knownComments finds the comments of a batch, and the parents its
// replies name, that earlier imports of source stored.
func (tx *Tx) knownComments(ctx context.Context, source string, list []*communique.ImportedComment) (map[int64]knownComment, error) {
	known := map[int64]knownComment{}
	var ids []int64
	for _, ic := range list {
		ids = append(ids, ic.SourceID)
		if ic.ParentSourceID != 0 {
			ids = append(ids, ic.ParentSourceID)
		}
	}
	w := tx.w()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxParams)]
		ids = ids[len(chunk):]
		rows, err := w.query(ctx, `SELECT w.wp_id, c.id, c.thread_id, c.article_id FROM wp_ids w JOIN comments c ON c.id = w.local_id
			WHERE w.source = ? AND w.kind = 'comment' AND w.wp_id IN (`+Placeholders(len(chunk))+`)`,
			append([]any{source}, Int64Args(chunk)...)...)
		if err != nil {
			return nil, fmt.Errorf("known comments: %w", err)
		}
		for rows.Next() {
			var wpID int64
			var k knownComment
			if err := rows.Scan(&wpID, &k.id, &k.thread, &k.article); err != nil {
				rows.Close()
				return nil, err
			}
			known[wpID] = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return known, nil
}

// importComment updates a comment stored by an earlier import, or adds
// a new one's row to ci.values. A comment whose article or parent is not
// stored yet is flagged and left for the importer to bring back.
func (tx *Tx) importComment(ctx context.Context, ci *commentImport, ic *communique.ImportedComment, articleID func(int64) (int64, bool, error)) error {
	c := ic.Comment
	ic.Created, ic.ArticleMissing, ic.ParentMissing = false, false, false
	// The store's own guard: the discussion rules refuse these first.
	if !c.Status.Valid() {
		return communique.Errorf(communique.EINVALID, "Unknown comment status %q.", c.Status)
	}
	if c.Type == "" {
		c.Type = communique.CommentTypeComment
	}
	article, ok, err := articleID(ic.ArticleSourceID)
	if err != nil {
		return err
	} else if !ok {
		ic.ArticleMissing = true
		return nil
	}
	w := tx.w()
	c.ArticleID = article
	if k, ok := ci.known[ic.SourceID]; ok && k.article == article {
		c.ID, c.ThreadID = k.id, k.thread
		if _, err := ci.update.ExecContext(ctx, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent, c.AvatarHash,
			c.Type, c.Text, c.HTML, string(c.Status), w.t(c.CreatedAt), c.ID); err != nil {
			return fmt.Errorf("update comment: %w", err)
		}
		return nil
	}
	var parent any
	c.ParentID, c.ThreadID = 0, 0
	if ic.ParentSourceID != 0 {
		p, ok := ci.known[ic.ParentSourceID]
		if !ok || p.article != article {
			ic.ParentMissing = true
			return nil
		}
		parent, c.ParentID, c.ThreadID = p.id, p.id, p.thread
	}
	if len(ci.reserved) == 0 {
		return fmt.Errorf("import comments: more new comments than ids reserved")
	}
	c.ID, ci.reserved = ci.reserved[0], ci.reserved[1:]
	if c.ThreadID == 0 {
		c.ThreadID = c.ID
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	var user any
	if c.UserID != 0 {
		user = c.UserID
	}
	ci.values = append(ci.values, c.ID, c.ArticleID, parent, c.ThreadID, user, c.AuthorName, c.AuthorEmail, c.AuthorURL,
		c.AuthorIP, c.UserAgent, c.AvatarHash, c.Type, c.Text, c.HTML, string(c.Status), w.t(c.CreatedAt), c.SpamScore, c.OwnerKey)
	ci.remembered[ic.SourceID] = c.ID
	ci.known[ic.SourceID] = knownComment{c.ID, c.ThreadID, article}
	ic.Created = true
	return nil
}

// commentColumns is the number of values of a row importComment adds.
const commentColumns = 18

// insertComments writes new comment rows, fifty per statement. Parents
// come before their replies in values, and a row's foreign keys are
// checked when its statement ends, so chunks may split anywhere.
func (tx *Tx) insertComments(ctx context.Context, values []any) error {
	row := "(" + Placeholders(commentColumns) + ")"
	for len(values) > 0 {
		chunk := values[:min(len(values), 50*commentColumns)]
		values = values[len(chunk):]
		if _, err := tx.w().exec(ctx, `INSERT INTO comments (id, article_id, parent_id, thread_id, user_id, author_name, author_email,
				author_url, author_ip, user_agent, avatar_hash, type, text, html, status, created_at, spam_score, owner_key)
			VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)/commentColumns), ", "), chunk...); err != nil {
			return fmt.Errorf("insert comments: %w", tx.db.wrap(err, "Comment"))
		}
	}
	return nil
}

// rememberComments records the local ids of new comments by WordPress id.
func (tx *Tx) rememberComments(ctx context.Context, source string, remembered map[int64]int64) error {
	rows := make([]any, 0, 3*len(remembered))
	for wpID, id := range remembered {
		rows = append(rows, source, wpID, id)
	}
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), maxParams/3*3)]
		rows = rows[len(chunk):]
		if _, err := tx.w().exec(ctx, `INSERT INTO wp_ids (source, kind, wp_id, local_id) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, 'comment', ?, ?), ", len(chunk)/3), ", ")+
			` ON CONFLICT (kind, wp_id, source) DO UPDATE SET local_id = excluded.local_id`, chunk...); err != nil {
			return fmt.Errorf("remember comments: %w", err)
		}
	}
	return nil
}

// reserveCommentIDs returns n ids that no other comment will get.
func (tx *Tx) reserveCommentIDs(ctx context.Context, n int) ([]int64, error) {
	tx.db.queries.Add(1)
	return tx.db.dialect.Engine.ReserveIDs(ctx, tx.Tx, "comments", n)
}

func (tx *Tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := tx.PrepareContext(ctx, tx.w().rebind(query))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return st, nil
}

// imported returns the local id recorded for a WordPress id.
func (tx *Tx) imported(ctx context.Context, source, kind string, sourceID int64) (int64, bool, error) {
	if sourceID == 0 {
		return 0, false, nil
	}
	var id int64
	err := tx.w().row(ctx, `SELECT local_id FROM wp_ids WHERE kind = ? AND wp_id = ? AND source = ?`, kind, sourceID, source).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("imported id: %w", err)
	}
	return id, true, nil
}

// remember records the local id of a WordPress id.
func (tx *Tx) remember(ctx context.Context, source, kind string, sourceID, localID int64) error {
	if sourceID == 0 {
		return nil
	}
	_, err := tx.w().exec(ctx, `INSERT INTO wp_ids (source, kind, wp_id, local_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, wp_id, source) DO UPDATE SET local_id = excluded.local_id`, source, kind, sourceID, localID)
	if err != nil {
		return fmt.Errorf("remember imported id: %w", err)
	}
	return nil
}

// redirect points old paths at an item; the newest import wins a path.
func (tx *Tx) redirect(ctx context.Context, paths []string, kind string, id int64) error {
	for _, p := range paths {
		if p == "" || p == "/" || len(p) > 2048 {
			continue
		}
		if _, err := tx.w().exec(ctx, `INSERT INTO redirects (path, kind, target_id) VALUES (?, ?, ?)
			ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, target_id = excluded.target_id`, p, kind, id); err != nil {
			return fmt.Errorf("redirect: %w", err)
		}
	}
	return nil
}

// SetImportedParents sets the parents that came after their children in
// an import: pages' parent pages (kind KindArticle) or attachments'
// articles (KindAttachment), as a map of local id to local parent id.
// Parents that would make a loop are left out.
func (db *WordPress) SetImportedParents(ctx context.Context, kind string, parents map[int64]int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	for id, parent := range parents {
		switch kind {
		case communique.KindArticle:
			if tx.checkParent(ctx, id, parent) != nil {
				continue
			}
			if _, err := w.exec(ctx, `UPDATE articles SET parent_id = ? WHERE id = ? AND type = 'page'`, parent, id); err != nil {
				return fmt.Errorf("set parent: %w", err)
			}
		case communique.KindAttachment:
			if _, err := w.exec(ctx, `UPDATE attachments SET article_id = ? WHERE id = ?`, parent, id); err != nil {
				return fmt.Errorf("set attachment article: %w", err)
			}
		default:
			return communique.Errorf(communique.EINVALID, "Unknown kind %q.", kind)
		}
	}
	return tx.Commit()
}

// SetArticleBody replaces an article's source and the rendering the
// article service made of it, without touching its dates: for bodies an
// import completes at the end (a gallery whose images came later in the
// file). ENOTFOUND.
func (db *WordPress) SetArticleBody(ctx context.Context, id int64, source, html, summary string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.w().exec(ctx, `UPDATE articles SET source = ?, html = ?, summary = ?, version = version + 1 WHERE id = ?`, source, html, summary, id)
	if err != nil {
		return fmt.Errorf("set article body: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	return tx.Commit()
}

// SetArticleFeatured sets an imported article's featured image, without
// touching its dates: the image comes at the end of an import, once its
// file is in the library. ENOTFOUND.
func (db *WordPress) SetArticleFeatured(ctx context.Context, id, mediaID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.w().exec(ctx, `UPDATE articles SET featured_media_id = ? WHERE id = ?`, nullMediaID(mediaID), id)
	if err != nil {
		return fmt.Errorf("set featured image: %w", db.wrap(err, "Media"))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	return tx.Commit()
}

// RefreshCommentCounts recounts the approved comments of articles, once
// at the end of an import rather than after every comment.
func (db *WordPress) RefreshCommentCounts(ctx context.Context, ids []int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxParams)]
		ids = ids[len(chunk):]
		if _, err := tx.w().exec(ctx, `UPDATE articles SET comment_count =
			(SELECT COUNT(*) FROM comments c WHERE c.article_id = articles.id AND c.status = 'approved')
			WHERE id IN (`+Placeholders(len(chunk))+`)`, Int64Args(chunk)...); err != nil {
			return fmt.Errorf("comment counts: %w", err)
		}
	}
	return tx.Commit()
}

// FindRedirect returns the redirect recorded for an old path.
func (db *WordPress) FindRedirect(ctx context.Context, path string) (*communique.Redirect, error) {
	r := &communique.Redirect{Path: path}
	err := db.r().row(ctx, `SELECT kind, target_id FROM redirects WHERE path = ?`, path).Scan(&r.Kind, &r.TargetID)
	if err != nil {
		return nil, db.wrap(err, "Redirect")
	}
	return r, nil
}

// FindImportedID returns the local id of an imported item.
func (db *WordPress) FindImportedID(ctx context.Context, source, kind string, sourceID int64) (int64, error) {
	var id int64
	var err error
	if source == "" {
		err = db.r().row(ctx, `SELECT local_id FROM wp_ids WHERE kind = ? AND wp_id = ? ORDER BY local_id DESC LIMIT 1`, kind, sourceID).Scan(&id)
	} else {
		err = db.r().row(ctx, `SELECT local_id FROM wp_ids WHERE kind = ? AND wp_id = ? AND source = ?`, kind, sourceID, source).Scan(&id)
	}
	if err != nil {
		return 0, db.wrap(err, "Imported item")
	}
	return id, nil
}

const attachmentColumns = `id, wp_id, COALESCE(article_id, 0), title, url, mime_type, alt_text, caption, description, created_at, COALESCE(media_id, 0)`

// attachmentColumnsOfA is attachmentColumns of the table named a.
const attachmentColumnsOfA = `a.id, a.wp_id, COALESCE(a.article_id, 0), a.title, a.url, a.mime_type, a.alt_text, a.caption, a.description, a.created_at, COALESCE(a.media_id, 0)`

func scanAttachment(sc interface{ Scan(...any) error }, before ...any) (*communique.Attachment, error) {
	a := &communique.Attachment{}
	if err := sc.Scan(append(before, &a.ID, &a.SourceID, &a.ArticleID, &a.Title, &a.URL, &a.MIMEType, &a.AltText, &a.Caption,
		&a.Description, scanTime{&a.CreatedAt}, &a.MediaID)...); err != nil {
		return nil, fmt.Errorf("scan attachment: %w", err)
	}
	return a, nil
}

// SetAttachmentMedia records the library image an attachment's file
// became, and that the old paths lead to it. ENOTFOUND.
func (db *WordPress) SetAttachmentMedia(ctx context.Context, id, mediaID int64, oldPaths []string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.w().exec(ctx, `UPDATE attachments SET media_id = ? WHERE id = ?`, mediaID, id)
	if err != nil {
		return fmt.Errorf("set attachment media: %w", db.wrap(err, "Media"))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Attachment not found.")
	}
	if err := tx.redirect(ctx, oldPaths, communique.KindMedia, mediaID); err != nil {
		return err
	}
	return tx.Commit()
}

// RecordMediaPaths makes old paths lead to a library image: the files of
// the old site that its bodies showed without an attachment record.
func (db *WordPress) RecordMediaPaths(ctx context.Context, mediaID int64, oldPaths []string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.redirect(ctx, oldPaths, communique.KindMedia, mediaID); err != nil {
		return err
	}
	return tx.Commit()
}

// RewriteImportedComments applies rewrite to the text and HTML of the
// comments imported from source that mention marker, and returns how
// many changed: an import points them at its local files at the end.
func (db *WordPress) RewriteImportedComments(ctx context.Context, source, marker string, rewrite func(string) string) (int, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.w().query(ctx, `SELECT c.id, c.text, c.html FROM comments c
		JOIN wp_ids w ON w.kind = 'comment' AND w.local_id = c.id AND w.source = ?
		WHERE c.html LIKE ?`, source, "%"+marker+"%")
	if err != nil {
		return 0, fmt.Errorf("imported comments: %w", err)
	}
	type change struct {
		id         int64
		text, html string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.text, &c.html); err != nil {
			rows.Close()
			return 0, err
		}
		if text, html := rewrite(c.text), rewrite(c.html); text != c.text || html != c.html {
			changes = append(changes, change{c.id, text, html})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, c := range changes {
		if _, err := tx.w().exec(ctx, `UPDATE comments SET text = ?, html = ? WHERE id = ?`, c.text, c.html, c.id); err != nil {
			return 0, fmt.Errorf("rewrite comment: %w", err)
		}
	}
	return len(changes), tx.Commit()
}

// FindAttachmentByID returns an attachment record.
func (db *WordPress) FindAttachmentByID(ctx context.Context, id int64) (*communique.Attachment, error) {
	a, err := scanAttachment(db.r().row(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = ?`, id))
	if err != nil {
		return nil, db.wrap(err, "Attachment")
	}
	return a, nil
}

// FindAttachments returns attachments in id order after afterID: all of
// them, or those of one article when articleID is not 0.
func (db *WordPress) FindAttachments(ctx context.Context, articleID, afterID int64, limit int) ([]*communique.Attachment, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	query := `SELECT ` + attachmentColumns + ` FROM attachments WHERE id > ?`
	args := []any{afterID}
	if articleID != 0 {
		query += ` AND article_id = ?`
		args = append(args, articleID)
	}
	rows, err := db.r().query(ctx, query+` ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find attachments: %w", err)
	}
	return scanAll(rows, func() (*communique.Attachment, error) { return scanAttachment(rows) })
}

// FindImportedAttachments returns the attachments imported from source
// with the given WordPress ids, by WordPress id.
func (db *WordPress) FindImportedAttachments(ctx context.Context, source string, sourceIDs []int64) (map[int64]*communique.Attachment, error) {
	out := map[int64]*communique.Attachment{}
	for len(sourceIDs) > 0 {
		chunk := sourceIDs[:min(len(sourceIDs), maxParams)]
		sourceIDs = sourceIDs[len(chunk):]
		rows, err := db.r().query(ctx, `SELECT w.wp_id, `+attachmentColumnsOfA+`
			FROM wp_ids w JOIN attachments a ON a.id = w.local_id
			WHERE w.source = ? AND w.kind = 'attachment' AND w.wp_id IN (`+Placeholders(len(chunk))+`)`,
			append([]any{source}, Int64Args(chunk)...)...)
		if err != nil {
			return nil, fmt.Errorf("imported attachments: %w", err)
		}
		for rows.Next() {
			var wpID int64
			a, err := scanAttachment(rows, &wpID)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[wpID] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExportArticles returns articles and pages of every status in id order
// after afterID, with their terms and GUIDs, for exports that must not
// hold a whole site in memory.
func (db *WordPress) ExportArticles(ctx context.Context, afterID int64, limit int) ([]*communique.Article, map[int64]string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := db.r().query(ctx, `SELECT `+articleColumns+`, a.guid
		FROM articles a JOIN users u ON u.id = a.author_id WHERE a.id > ? ORDER BY a.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("export articles: %w", err)
	}
	defer rows.Close()
	var list []*communique.Article
	guids := map[int64]string{}
	for rows.Next() {
		var guid string
		a, err := scanArticle(rows, &guid)
		if err != nil {
			return nil, nil, fmt.Errorf("scan article: %w", err)
		}
		list = append(list, a)
		guids[a.ID] = guid
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	if err := db.articles().attachTerms(ctx, list); err != nil {
		return nil, nil, err
	}
	return list, guids, nil
}

// ArticleGUIDs returns the GUIDs kept from an import ("" for articles
// written here), for feeds that must not make old stories look new.
func (db *WordPress) ArticleGUIDs(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxParams)]
		ids = ids[len(chunk):]
		rows, err := db.r().query(ctx, `SELECT id, guid FROM articles WHERE id IN (`+Placeholders(len(chunk))+`)`, Int64Args(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("article guids: %w", err)
		}
		for rows.Next() {
			var id int64
			var guid string
			if err := rows.Scan(&id, &guid); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = guid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExportComments returns an article's comments, private fields included,
// in id order after afterID (a parent always comes before its replies).
func (db *WordPress) ExportComments(ctx context.Context, articleID, afterID int64, limit int) ([]*communique.Comment, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := db.r().query(ctx, `SELECT `+commentPublicColumns+commentPrivateColumns+` FROM comments c
		WHERE c.article_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`, articleID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("export comments: %w", err)
	}
	defer rows.Close()
	var list []*communique.Comment
	for rows.Next() {
		c, err := scanComment(rows, true)
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// ExportTerms returns terms of every taxonomy in id order after afterID.
func (db *WordPress) ExportTerms(ctx context.Context, afterID int64, limit int) ([]*communique.Term, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := db.r().query(ctx, `SELECT `+termColumns+` FROM terms t WHERE t.id > ? ORDER BY t.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("export terms: %w", err)
	}
	return scanAll(rows, func() (*communique.Term, error) { return scanTerm(rows) })
}

// MaxIDs returns the largest article, attachment and term ids, so an
// export can give menu items and attachments WordPress ids that do not
// collide with articles' (WordPress keeps them all in one table).
func (db *WordPress) MaxIDs(ctx context.Context) (articles, attachments, terms, menus int64, err error) {
	err = db.r().row(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM articles), (SELECT COALESCE(MAX(id), 0) FROM attachments),
		(SELECT COALESCE(MAX(id), 0) FROM terms), (SELECT COALESCE(MAX(id), 0) FROM menus)`).Scan(&articles, &attachments, &terms, &menus)
	if err != nil {
		err = fmt.Errorf("max ids: %w", err)
	}
	return
}
