package wordpress

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"communique"
	"communique/wxr"
)

// The old site's identity: title, tagline and language come from the
// export's channel; the time zone and the permalink structure are not
// written in a WordPress export, so they are read from its items, whose
// local and UTC dates give the site's offset and whose links show the
// structure. An export does not carry the date and time formats or the
// number of posts per page; the summary says so rather than guess.

// SettingLine is what an import did with one site setting.
type SettingLine struct {
	Key   string
	Value string // what the export says, "" when it says nothing
	// Outcome: "applied", "kept" (--keep-settings or unchanged), "not in
	// the export" or why the value was refused.
	Outcome string
}

// siteIdentity gathers the old site's settings while the file is read.
type siteIdentity struct {
	title, tagline, language string
	offsets                  map[int]int // UTC offset in minutes → published items
	structures               map[string]int
	linked                   int // published posts with a link to compare
}

// permalinkCandidates are the structures WordPress offers that
// Communiqué serves too (WordPress's plain ?p= links need none).
var permalinkCandidates = []string{
	communique.PermalinkDated,
	"/%year%/%monthnum%/%postname%/",
	communique.PermalinkPlain,
	"/archives/%post_id%/",
	"/%year%/%postname%/",
}

func (si *siteIdentity) channel(ch *wxr.Channel) {
	si.title = plain(ch.Title)
	si.tagline = plain(ch.Description)
	si.language = strings.TrimSpace(ch.Language)
}

// item counts what a published post or page says about the site.
func (si *siteIdentity) item(it *wxr.Item) {
	if it.Status != "publish" || wpZero(it.Date) || wpZero(it.DateGMT) {
		return
	}
	local, err1 := time.Parse("2006-01-02 15:04:05", strings.TrimSpace(it.Date))
	gmt, err2 := time.Parse("2006-01-02 15:04:05", strings.TrimSpace(it.DateGMT))
	if err1 != nil || err2 != nil {
		return
	}
	if si.offsets == nil {
		si.offsets, si.structures = map[int]int{}, map[string]int{}
	}
	if off := int(local.Sub(gmt).Minutes()); off > -15*60 && off < 15*60 {
		si.offsets[off]++
	}
	if it.Type != "post" || it.Link == "" {
		return
	}
	u, err := url.Parse(it.Link)
	if err != nil || u.RawQuery != "" {
		return
	}
	si.linked++
	path := strings.TrimSuffix(u.Path, "/") + "/"
	for _, s := range permalinkCandidates {
		p, _ := communique.ParsePermalink(s)
		slug, _ := url.PathUnescape(it.Name)
		if strings.EqualFold(p.Path(it.ID, slug, local), path) {
			si.structures[s]++
		}
	}
}

// timeZone is the offset most published items were dated with, as the
// tz database's Etc/GMT zone (whose sign is inverted: Etc/GMT+7 is
// UTC−7); "" when the items say nothing or the offset is not whole hours.
func (si *siteIdentity) timeZone() (zone, shown string) {
	best, n := 0, 0
	for off, c := range si.offsets {
		if c > n || (c == n && off < best) {
			best, n = off, c
		}
	}
	if n == 0 {
		return "", ""
	}
	shown = fmt.Sprintf("UTC%+03d:%02d", best/60, abs(best%60))
	if best == 0 {
		return "UTC", shown
	}
	if best%60 != 0 {
		return "", shown
	}
	return fmt.Sprintf("Etc/GMT%+d", -best/60), shown
}

// permalink is the structure that most of the posts' links follow, ""
// when none is followed by at least half of them.
func (si *siteIdentity) permalink() string {
	keys := make([]string, 0, len(si.structures))
	for k := range si.structures {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return si.structures[keys[i]] > si.structures[keys[j]] })
	if len(keys) == 0 || si.structures[keys[0]]*2 < si.linked {
		return ""
	}
	return keys[0]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// applySite sets the site's settings from the old site's, unless
// KeepSettings, and records a summary line for each.
func (ru *run) applySite() error {
	si := &ru.site
	zone, shownZone := si.timeZone()
	wants := []struct{ key, value, shown string }{
		{"title", si.title, ""},
		{"tagline", si.tagline, ""},
		{"language", si.language, ""},
		{"timezone", zone, shownZone},
		{"date_format", "", ""},
		{"time_format", "", ""},
		{"posts_per_page", "", ""},
		{"permalink_structure", si.permalink(), ""},
	}
	current, err := ru.Store.Settings(ru.ctx)
	if err != nil {
		return err
	}
	for _, w := range wants {
		cur, ok := current[w.key]
		if def := communique.LookupSetting(w.key); !ok && def != nil {
			cur = def.Default
		}
		line := SettingLine{Key: w.key, Value: w.value}
		if w.shown != "" && w.shown != w.value {
			line.Value = strings.TrimSpace(w.value + " (" + w.shown + ")")
		}
		switch {
		case w.value == "" && w.shown != "":
			line.Outcome = "kept: not a whole-hour offset the tz database names"
		case w.value == "":
			line.Outcome = "not in the export"
		case ru.KeepSettings:
			line.Outcome = "kept (--keep-settings)"
		case cur == w.value:
			line.Outcome = "already so"
		default:
			if err := ru.Store.SetSetting(ru.ctx, w.key, w.value); err != nil {
				if communique.ErrorCode(err) != communique.EINVALID {
					return err
				}
				line.Outcome = "kept: " + communique.ErrorMessage(err)
			} else {
				line.Outcome = "applied"
			}
		}
		ru.sum.Settings = append(ru.sum.Settings, line)
	}
	return nil
}
