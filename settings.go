package communique

import (
	"context"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SettingDef describes one site setting: its key, default and rule.
type SettingDef struct {
	Key     string
	Default string
	Help    string
	Check   func(value string) error
}

func checkInt(min, max int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			return fmt.Errorf("must be a whole number from %d to %d", min, max)
		}
		return nil
	}
}

func checkBool(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return fmt.Errorf("must be true or false")
	}
	return nil
}

func checkText(max int) func(string) error {
	return func(v string) error {
		if len(v) > max {
			return fmt.Errorf("must be at most %d characters", max)
		}
		return nil
	}
}

func checkTimeZone(v string) error {
	if _, err := time.LoadLocation(v); err != nil || v == "" {
		return fmt.Errorf("must be an IANA time zone such as Europe/Paris or UTC")
	}
	return nil
}

func checkPermalink(v string) error {
	_, err := ParsePermalink(v)
	return err
}

// SettingDefs lists every setting, in the order they are shown.
var SettingDefs = []SettingDef{
	{"title", "Communiqué", "Site title", checkText(200)},
	{"tagline", "News, and the conversation around it", "Short description under the title", checkText(500)},
	{"timezone", "UTC", "IANA time zone for dates and archives", checkTimeZone},
	{"date_format", "F j, Y", "Date format (PHP/WordPress letters: F j, Y)", checkText(50)},
	{"time_format", "g:i a", "Time format (PHP/WordPress letters)", checkText(50)},
	{"posts_per_page", "10", "Articles per page on the front page and archives", checkInt(1, 100)},
	{"permalink_structure", PermalinkDated, "Article URLs: /%year%/%monthnum%/%day%/%postname%/ or /%postname%/", checkPermalink},
	{"language", "en", "Language of the site (BCP 47)", checkText(20)},
	{"site_url", "", "Public base URL such as https://news.example.com (empty: taken from each request)", checkSiteURL},

	// Discussion, with WordPress's defaults.
	{"comments_open_default", "true", "New articles accept comments", checkBool},
	{"comment_require_name_email", "true", "Commenters must give a name and an email address", checkBool},
	{"thread_comments_depth", "5", "Deepest level of threaded replies (1 = no threading)", checkInt(1, 10)},
	{"comment_order", "asc", "Order of comments: asc (oldest first) or desc", checkChoice("asc", "desc")},
	{"comments_per_page", "50", "Top-level comments per page", checkInt(1, 500)},
	{"comment_moderation", "false", "Hold every comment for moderation", checkBool},
	{"comment_previously_approved", "true", "Approve at once a commenter who already has an approved comment (else hold)", checkBool},
	{"comment_max_links", "2", "Hold a comment with more links than this", checkInt(0, 100)},
	{"moderation_keys", "", "Words that hold a comment (one per line; matched in name, email, URL, text, IP, browser)", checkText(65535)},
	{"disallowed_keys", "", "Words that send a comment straight to disallowed_status (one per line)", checkText(65535)},
	{"disallowed_status", "trash", "Where disallowed comments go: spam or trash", checkChoice("spam", "trash")},
	{"close_comments_days_old", "0", "Close comments on articles older than this many days (0 = never)", checkInt(0, 36500)},
	{"comment_edit_minutes", "10", "How long a commenter may edit or delete their comment (0 = never)", checkInt(0, 1440)},
	{"comment_flood_seconds", "15", "Least time between two comments from one IP or email", checkInt(0, 3600)},
	{"comment_min_seconds", "3", "Least time between serving the form and posting it (bots are faster)", checkInt(0, 600)},
	{"spam_threshold", "0.9", "Classifier score from which a comment is sent to spam (0.5 to 1; 1 = never)", checkFloat(0.5, 1)},
	{"ip_retention_days", "30", "Forget commenters' IP addresses and browsers after this many days (0 = keep them)", checkInt(0, 36500)},

	// Feeds and search.
	{"feed_full_text", "true", "Feeds carry each article's full text (false: the summary only)", checkBool},
	{"feed_items", "10", "Articles or comments in each feed", checkInt(1, 100)},
	{"search_language", "english", "Language whose word forms search matches (" + strings.Join(SearchLanguages, ", ") + "; SQLite stems English only)", checkChoice(SearchLanguages...)},

	// Notifications, with WordPress's defaults.
	{"notify_moderators", "true", "Email everyone who may moderate when a comment awaits moderation", checkBool},
	{"notify_authors", "true", "Email an article's author when a comment appears on it", checkBool},
	{"mail_from", "Communiqué <noreply@localhost>", "Sender of the site's emails, such as Newsroom <news@example.com>", checkMailFrom},
}

func checkMailFrom(v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || len(v) > 200 || strings.ContainsAny(v, "\r\n") || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("must be an address such as news@example.com or Newsroom <news@example.com>")
	}
	return nil
}

func checkChoice(choices ...string) func(string) error {
	return func(v string) error {
		for _, c := range choices {
			if v == c {
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(choices, ", "))
	}
}

func checkFloat(min, max float64) func(string) error {
	return func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < min || f > max {
			return fmt.Errorf("must be a number from %g to %g", min, max)
		}
		return nil
	}
}

func checkSiteURL(v string) error {
	if v == "" {
		return nil
	}
	if !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) || strings.ContainsAny(v, " \t\r\n\"'<>") {
		return fmt.Errorf("must be an http:// or https:// URL")
	}
	return nil
}

// LookupSetting returns the definition of key, or nil.
func LookupSetting(key string) *SettingDef {
	for i := range SettingDefs {
		if SettingDefs[i].Key == key {
			return &SettingDefs[i]
		}
	}
	return nil
}

// ValidateSetting checks a value for key.
func ValidateSetting(key, value string) error {
	def := LookupSetting(key)
	if def == nil {
		keys := make([]string, len(SettingDefs))
		for i, d := range SettingDefs {
			keys[i] = d.Key
		}
		sort.Strings(keys)
		return Errorf(EINVALID, "Unknown setting %q (known: %s).", key, strings.Join(keys, ", "))
	}
	if !ValidText(value) {
		return Errorf(EINVALID, "Setting %s must be valid UTF-8, without NUL characters.", key)
	}
	if err := def.Check(value); err != nil {
		return Errorf(EINVALID, "Setting %s %s.", key, err)
	}
	return nil
}

// Settings are the site settings, typed, with defaults filled in.
type Settings struct {
	Title        string
	Tagline      string
	TimeZone     string
	Location     *time.Location
	DateFormat   string
	TimeFormat   string
	PostsPerPage int
	Permalink    *Permalink
	Language     string
	SiteURL      string

	// Values holds every setting as text, defaults included.
	Values map[string]string
}

// ParseSettings builds Settings from stored values, falling back to the
// default for anything missing or invalid so a bad row cannot break pages.
func ParseSettings(stored map[string]string) *Settings {
	v := make(map[string]string, len(SettingDefs))
	for _, def := range SettingDefs {
		val, ok := stored[def.Key]
		if !ok || def.Check(val) != nil {
			val = def.Default
		}
		v[def.Key] = val
	}
	s := &Settings{
		Title:      v["title"],
		Tagline:    v["tagline"],
		TimeZone:   v["timezone"],
		DateFormat: v["date_format"],
		TimeFormat: v["time_format"],
		Language:   v["language"],
		SiteURL:    strings.TrimRight(v["site_url"], "/"),
		Values:     v,
	}
	s.Location, _ = time.LoadLocation(s.TimeZone)
	s.PostsPerPage, _ = strconv.Atoi(v["posts_per_page"])
	s.Permalink, _ = ParsePermalink(v["permalink_structure"])
	return s
}

// Bool returns a boolean setting.
func (s *Settings) Bool(key string) bool {
	b, _ := strconv.ParseBool(s.Values[key])
	return b
}

// Float returns a decimal setting.
func (s *Settings) Float(key string) float64 {
	f, _ := strconv.ParseFloat(s.Values[key], 64)
	return f
}

// Lines returns a setting's non-empty lines, trimmed (word lists).
func (s *Settings) Lines(key string) []string {
	var out []string
	for _, l := range strings.Split(s.Values[key], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Int returns a whole-number setting.
func (s *Settings) Int(key string) int {
	n, _ := strconv.Atoi(s.Values[key])
	return n
}

// SettingService stores site settings.
type SettingService interface {
	// Settings returns every stored value by key.
	Settings(ctx context.Context) (map[string]string, error)
	// SetSetting validates and stores a value. EINVALID on an unknown key
	// or a bad value.
	SetSetting(ctx context.Context, key, value string) error
}
