package wordpress

import (
	"communique"
	"communique/markup"
	"communique/wxr"
	"fmt"
	"strings"
	"unicode/utf8"
)

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
