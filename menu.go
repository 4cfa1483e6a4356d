package communique

import "context"

// MenuPrimary is the location of the site's main navigation.
const MenuPrimary = "primary"

// Menu is a navigation menu shown at a location of the theme.
type Menu struct {
	ID       int64       `json:"id"`
	Name     string      `json:"name"`
	Slug     string      `json:"slug"`
	Location string      `json:"location"` // "" when not placed
	Items    []*MenuItem `json:"items"`
}

// MenuItem is one link of a menu. Items that point at an article or term
// keep its id so the link follows slug changes.
type MenuItem struct {
	ID         int64  `json:"id"`
	ParentID   int64  `json:"parent"`
	Position   int    `json:"position"`
	Label      string `json:"label"`
	URL        string `json:"url"`         // for custom links
	ObjectType string `json:"object_type"` // "custom", "article", "term"
	ObjectID   int64  `json:"object_id"`
}

// MenuService stores menus.
type MenuService interface {
	// FindMenus returns every menu with its items in position order.
	FindMenus(ctx context.Context) ([]*Menu, error)
	// SaveMenu creates or replaces a menu (matched by slug) and its items.
	SaveMenu(ctx context.Context, m *Menu) error
}
