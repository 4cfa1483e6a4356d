package communique

import (
	"context"
	"strings"
)

// Taxonomies of terms.
const (
	TaxonomyCategory = "category"
	TaxonomyTag      = "tag"
)

// Term is a category (hierarchical) or a tag (flat).
type Term struct {
	ID          int64  `json:"id"`
	Taxonomy    string `json:"taxonomy"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	ParentID    int64  `json:"parent"`
	Description string `json:"description"`
	// Count is the number of published articles with the term.
	Count int `json:"count"`
}

// Validate checks a term's fields.
func (t *Term) Validate() error {
	switch {
	case t.Taxonomy != TaxonomyCategory && t.Taxonomy != TaxonomyTag:
		return Errorf(EINVALID, "Unknown taxonomy %q.", t.Taxonomy)
	case strings.TrimSpace(t.Name) == "":
		return Errorf(EINVALID, "Name required.")
	case !ValidText(t.Name) || !ValidText(t.Slug) || !ValidText(t.Description):
		return Errorf(EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case len(t.Name) > 200:
		return Errorf(EINVALID, "Name is too long (at most 200 characters).")
	case t.Taxonomy == TaxonomyTag && t.ParentID != 0:
		return Errorf(EINVALID, "Tags have no parent.")
	}
	return nil
}

// TermFilter selects terms. Nil fields are "any".
type TermFilter struct {
	ID       *int64
	Taxonomy *string
	Slug     *string
	Name     *string
	ParentID *int64
	Limit    int
}

// TermService manages categories and tags.
type TermService interface {
	// FindTerms returns matching terms ordered by name.
	FindTerms(ctx context.Context, filter TermFilter) ([]*Term, error)
	// CreateTerm stores a term; a taken slug gets a numeric suffix.
	// EINVALID on bad fields or an unknown parent.
	CreateTerm(ctx context.Context, t *Term) error
	// EnsureTerm returns the term of that taxonomy named name (matched by
	// name or slug, case-insensitively), creating it when missing.
	EnsureTerm(ctx context.Context, taxonomy, name string) (*Term, error)
	// UpdateTerm changes the fields upd sets and returns the term.
	// ENOTFOUND without the term; EINVALID on bad fields, an unknown
	// parent or one below the term itself; ECONFLICT on a slug another
	// term of the taxonomy has.
	UpdateTerm(ctx context.Context, id int64, upd TermUpdate) (*Term, error)
	// DeleteTerm removes a term; its children move up to its parent.
	DeleteTerm(ctx context.Context, id int64) error
}

// TermUpdate holds a term's fields to change; nil ones stay.
type TermUpdate struct {
	Name        *string
	Slug        *string
	Description *string
	ParentID    *int64 // categories only; 0 for none
}

// TermPath returns the slugs from the root category down to t, as used in
// /category/parent/child/ URLs. byID must hold t's ancestors.
func TermPath(t *Term, byID map[int64]*Term) []string {
	var path []string
	seen := map[int64]bool{}
	for cur := t; cur != nil && !seen[cur.ID]; cur = byID[cur.ParentID] {
		seen[cur.ID] = true
		path = append([]string{cur.Slug}, path...)
	}
	return path
}
