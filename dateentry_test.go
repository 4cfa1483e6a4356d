package communique_test

import (
	"testing"
	"time"

	"communique"
)

func TestDateEntry(t *testing.T) {
	want := time.Date(2026, time.March, 4, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, pattern, typed string
	}{
		{"en", "mm/dd/yyyy", "03/04/2026"},
		{"en-US", "mm/dd/yyyy", "3/4/2026"},
		{"en-GB", "dd/mm/yyyy", "04/03/2026"},
		{"en_gb", "dd/mm/yyyy", "4/3/2026"},
		{"fr", "dd/mm/yyyy", "04/03/2026"},
		{"fr-CA", "yyyy-mm-dd", "2026-03-04"},
		{"de", "dd.mm.yyyy", "4.3.2026"},
		{"de-AT", "dd.mm.yyyy", "04.03.2026"},
		{"nl", "dd-mm-yyyy", "04-03-2026"},
		{"sv", "yyyy-mm-dd", "2026-03-04"},
		{"xx", "yyyy-mm-dd", "2026-3-4"},
		{"", "yyyy-mm-dd", "2026-03-04"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			e := communique.DateEntryFor(tt.lang)
			if e.Pattern != tt.pattern {
				t.Errorf("pattern = %q, want %q", e.Pattern, tt.pattern)
			}
			for _, typed := range []string{tt.typed, " " + tt.typed + " ", "2026-03-04"} {
				got, err := e.Parse(typed, time.UTC)
				if err != nil || !got.Equal(want) {
					t.Errorf("Parse(%q) = %v, %v; want %v", typed, got, err, want)
				}
			}
			if got := e.Format(want); len(got) != 10 {
				t.Errorf("Format = %q", got)
			}
			if back, err := e.Parse(e.Format(want), time.UTC); err != nil || !back.Equal(want) {
				t.Errorf("Format then Parse = %v, %v", back, err)
			}
			for _, bad := range []string{"2026-13-45", "31/31/2026", "yesterday", "03/04"} {
				if _, err := e.Parse(bad, time.UTC); err == nil {
					t.Errorf("Parse(%q) succeeded", bad)
				}
			}
		})
	}
}
