package wordpress

import (
	"communique"
	"communique/wxr"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// statuses maps WordPress post statuses; what is not here is skipped.
var statuses = map[string]communique.Status{
	"publish": communique.StatusPublished,
	"future":  communique.StatusScheduled,
	"draft":   communique.StatusDraft,
	"pending": communique.StatusPending,
	"private": communique.StatusPrivate,
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
		Excerpt: excerptOf(it), AuthorID: author, Status: status, PublishedAt: published,
		Sticky: it.Sticky && typ == communique.TypePost, CommentsOpen: it.CommentStatus == "open", MenuOrder: it.MenuOrder,
		Password: it.Password,
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
	if thumb, err := strconv.ParseInt(strings.TrimSpace(it.MetaValue("_thumbnail_id")), 10, 64); err == nil && thumb > 0 {
		ru.thumbnails[it.ID] = thumb
	}
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
	}
	// Private posts stay private and post passwords come as given: the
	// summary's notes are for what changed on the way in, and these do not.
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

// excerptOf is an item's excerpt, or the teaser before its <!--more-->.
func excerptOf(it *wxr.Item) string {
	if e := plain(it.Excerpt); e != "" {
		return e
	}
	return clip(Teaser(it.Content), 1000)
}
