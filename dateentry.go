package communique

import (
	"strings"
	"time"
)

// DateEntry is how a site's readers write a date by hand, by the site's
// language: a French site takes 14/03/2026, an American one 03/14/2026, a
// German one 14.03.2026. Forms use it rather than the browser's date
// picker, whose order follows the browser's language, not the site's.
type DateEntry struct {
	Layout  string // Go layout to format with: "02/01/2006"
	Pattern string // the same for people: "dd/mm/yyyy"
	parse   string // Go layout that also takes 1-digit days and months
}

var (
	entryISO   = DateEntry{"2006-01-02", "yyyy-mm-dd", "2006-1-2"}
	entryDMY   = DateEntry{"02/01/2006", "dd/mm/yyyy", "2/1/2006"}
	entryMDY   = DateEntry{"01/02/2006", "mm/dd/yyyy", "1/2/2006"}
	entryDots  = DateEntry{"02.01.2006", "dd.mm.yyyy", "2.1.2006"}
	entryDashs = DateEntry{"02-01-2006", "dd-mm-yyyy", "2-1-2006"}
)

// dateEntries are the orders in use, by language and by language-region
// (which wins); a language not listed writes dates as ISO 8601 does.
var dateEntries = map[string]DateEntry{
	"en": entryMDY, "en-us": entryMDY, "en-ph": entryMDY,
	"en-gb": entryDMY, "en-au": entryDMY, "en-nz": entryDMY, "en-ie": entryDMY, "en-in": entryDMY, "en-za": entryDMY, "en-ca": entryISO,
	"fr": entryDMY, "fr-ca": entryISO, "es": entryDMY, "it": entryDMY, "pt": entryDMY, "el": entryDMY, "ca": entryDMY,
	"ga": entryDMY, "cy": entryDMY, "vi": entryDMY, "id": entryDMY, "ms": entryDMY, "he": entryDMY, "ar": entryDMY,
	"de": entryDots, "da": entryDots, "fi": entryDots, "nb": entryDots, "nn": entryDots, "no": entryDots, "is": entryDots,
	"pl": entryDots, "cs": entryDots, "sk": entryDots, "sl": entryDots, "hr": entryDots, "sr": entryDots, "ro": entryDots,
	"ru": entryDots, "uk": entryDots, "bg": entryDots, "tr": entryDots, "et": entryDots, "lv": entryDots,
	"nl": entryDashs,
	"sv": entryISO, "lt": entryISO, "hu": entryISO, "ja": entryISO, "zh": entryISO, "ko": entryISO,
}

// DateEntryFor returns the way of writing dates for a BCP 47 language
// such as "fr" or "en-GB".
func DateEntryFor(lang string) DateEntry {
	tag := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	parts := strings.Split(tag, "-")
	if len(parts) > 1 {
		if e, ok := dateEntries[parts[0]+"-"+parts[len(parts)-1]]; ok {
			return e
		}
	}
	if e, ok := dateEntries[parts[0]]; ok {
		return e
	}
	return entryISO
}

// Format writes t as the site's readers write dates.
func (e DateEntry) Format(t time.Time) string { return t.Format(e.Layout) }

// Parse reads a date written the site's way, or as ISO 8601 (2026-03-14:
// what date pickers send and links already hold), at midnight in loc.
func (e DateEntry) Parse(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.ParseInLocation(e.parse, s, loc)
	if err != nil {
		if iso, isoErr := time.ParseInLocation(entryISO.parse, s, loc); isoErr == nil {
			return iso, nil
		}
	}
	return t, err
}

// Example is a date written this way, for a hint: 14/03/2026.
func (e DateEntry) Example() string {
	return time.Date(2026, time.March, 14, 0, 0, 0, 0, time.UTC).Format(e.Layout)
}
