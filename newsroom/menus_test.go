package newsroom_test

import (
	"strings"
	"testing"

	"communique"
	"communique/newsroom"
)

// TestMoveMenuItem: moves keep the tree whole, sub-items travel with
// their item, and parents stay before their children.
func TestMoveMenuItem(t *testing.T) {
	// A, B (B1, B2), C
	build := func() *communique.Menu {
		return &communique.Menu{Items: []*communique.MenuItem{
			{ID: 1, Label: "A"}, {ID: 2, Label: "B"}, {ID: 3, ParentID: 2, Label: "B1"}, {ID: 4, ParentID: 2, Label: "B2"}, {ID: 5, Label: "C"},
		}}
	}
	show := func(m *communique.Menu) string {
		labels := map[int64]string{}
		var out []string
		for _, it := range m.Items {
			labels[it.ID] = it.Label
			if it.ParentID != 0 {
				out = append(out, labels[it.ParentID]+">"+it.Label)
			} else {
				out = append(out, it.Label)
			}
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name string
		id   int64
		how  string
		want string // "" for an error
	}{
		{"UpCarriesChildren", 2, newsroom.MoveUp, "B B>B1 B>B2 A C"},
		{"DownPastSubtree", 1, newsroom.MoveDn, "B B>B1 B>B2 A C"},
		{"DownAtEndStays", 5, newsroom.MoveDn, "A B B>B1 B>B2 C"},
		{"UpAmongSiblings", 4, newsroom.MoveUp, "A B B>B2 B>B1 C"},
		{"InUnderPrevious", 5, newsroom.MoveIn, "A B B>B1 B>B2 B>C"},
		{"InTakesChildren", 2, newsroom.MoveIn, "A A>B B>B1 B>B2 C"},
		{"OutAfterParent", 3, newsroom.MoveOut, "A B B>B2 B1 C"},
		{"ErrInFirst", 1, newsroom.MoveIn, ""},
		{"ErrOutTop", 1, newsroom.MoveOut, ""},
		{"ErrUnknownItem", 99, newsroom.MoveUp, ""},
		{"ErrUnknownMove", 1, "sideways", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build()
			err := newsroom.MoveItem(m, tt.id, tt.how)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("no error; menu %s", show(m))
				}
				if got := show(m); got != "A B B>B1 B>B2 C" {
					t.Errorf("a refused move changed the menu: %s", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := show(m); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
