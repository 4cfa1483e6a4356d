package communique

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SettingKind is how a setting's text is read and which input edits it.
type SettingKind int

// The kinds of setting.
const (
	SettingText   SettingKind = iota // free text up to a length
	SettingBool                      // true or false
	SettingInt                       // a whole number in a range
	SettingFloat                     // a decimal number in a range
	SettingChoice                    // one of a few words
	SettingLines                     // a word list, one per line
)

// SettingDef describes one site setting: its key, type, default, the
// values it allows and its meaning. SettingDefs is the only place a key
// is spelled; the rest of the code reads the typed fields of Settings.
type SettingDef struct {
	Key     string
	Kind    SettingKind
	Default string
	Help    string
	// Label is the setting's name for people ("Time zone"), and Group the
	// part of the newsroom's settings page it is in.
	Label string
	Group SettingGroup
	// Min and Max bound a number; Max alone bounds a text's length.
	Min, Max float64
	// Choices are the words a SettingChoice accepts.
	Choices []string

	options func() []SettingOption // known values offered as a choice
	shape   func(string) error     // a rule beyond the kind (time zone, URL…)
	set     func(*Settings, string)
	get     func(*Settings) string
}

// allowed says which values the setting accepts, as the end of a
// sentence: "must be asc or desc".
func (d *SettingDef) allowed() string {
	switch d.Kind {
	case SettingBool:
		return "must be true or false"
	case SettingInt:
		return fmt.Sprintf("must be a whole number from %g to %g", d.Min, d.Max)
	case SettingFloat:
		return fmt.Sprintf("must be a number from %g to %g", d.Min, d.Max)
	case SettingChoice:
		if len(d.Choices) == 2 {
			return "must be " + d.Choices[0] + " or " + d.Choices[1]
		}
		return "must be one of " + strings.Join(d.Choices, ", ")
	}
	return fmt.Sprintf("must be at most %g characters", d.Max)
}

// check returns why value is not allowed, or nil.
func (d *SettingDef) check(v string) error {
	if !ValidText(v) {
		return fmt.Errorf("must be valid UTF-8, without NUL characters")
	}
	ok := true
	switch d.Kind {
	case SettingBool:
		// Also 1, 0, t, f… as before: scripts use them. Text shows
		// true or false.
		_, err := strconv.ParseBool(v)
		ok = err == nil
	case SettingInt:
		n, err := strconv.Atoi(v)
		ok = err == nil && float64(n) >= d.Min && float64(n) <= d.Max
	case SettingFloat:
		f, err := strconv.ParseFloat(v, 64)
		ok = err == nil && f >= d.Min && f <= d.Max
	case SettingChoice:
		ok = false
		for _, c := range d.Choices {
			ok = ok || v == c
		}
	default:
		ok = float64(len(v)) <= d.Max
	}
	if !ok {
		return errors.New(d.allowed())
	}
	if d.shape != nil {
		return d.shape(v)
	}
	return nil
}

// SettingGroup is a part of the settings page.
type SettingGroup string

// The groups, in the order the settings page shows them.
const (
	GroupSite       SettingGroup = "Site"
	GroupReading    SettingGroup = "Reading"
	GroupDiscussion SettingGroup = "Discussion"
	GroupEmail      SettingGroup = "Email"
	GroupPrivacy    SettingGroup = "Privacy"
	GroupFediverse  SettingGroup = "Fediverse"
)

// SettingGroups are the groups in the order they are shown.
var SettingGroups = []SettingGroup{GroupSite, GroupReading, GroupDiscussion, GroupEmail, GroupPrivacy, GroupFediverse}

// SettingOption is a value a setting may take, with its name for people.
type SettingOption struct {
	Value, Label string
}

// Options are the values to choose from, or nil where the value is free
// text. Each is a valid value; for a time zone or a language they are
// the known ones, and others that validate are still accepted (a site
// imported with "US/Eastern" keeps it).
func (d *SettingDef) Options() []SettingOption {
	if d.options == nil {
		return nil
	}
	return d.options()
}

// in places a setting on the settings page under a human label.
func (d SettingDef) in(group SettingGroup, label string) SettingDef {
	d.Group, d.Label = group, label
	return d
}

// offering gives a setting known values to choose from.
func (d SettingDef) offering(options func() []SettingOption) SettingDef {
	d.options = options
	return d
}

// named labels a choice setting's words: "asc" is "Oldest first".
func named(pairs ...string) func() []SettingOption {
	opts := make([]SettingOption, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		opts = append(opts, SettingOption{pairs[i], pairs[i+1]})
	}
	return func() []SettingOption { return opts }
}

// timeZoneOptions are UTC and the tz database's zones (timezones.go).
func timeZoneOptions() []SettingOption {
	opts := []SettingOption{{"UTC", "UTC"}}
	for _, z := range strings.Fields(timeZoneNames) {
		opts = append(opts, SettingOption{z, strings.ReplaceAll(z, "_", " ")})
	}
	return opts
}

// languageOptions are common BCP 47 languages, named in themselves.
var languageOptions = named(
	"ar", "العربية (ar)", "ca", "Català (ca)", "cs", "Čeština (cs)", "cy", "Cymraeg (cy)", "da", "Dansk (da)",
	"de", "Deutsch (de)", "el", "Ελληνικά (el)", "en", "English (en)", "en-GB", "English, United Kingdom (en-GB)",
	"en-US", "English, United States (en-US)", "es", "Español (es)", "et", "Eesti (et)", "eu", "Euskara (eu)",
	"fi", "Suomi (fi)", "fr", "Français (fr)", "ga", "Gaeilge (ga)", "he", "עברית (he)", "hi", "हिन्दी (hi)",
	"hr", "Hrvatski (hr)", "hu", "Magyar (hu)", "id", "Bahasa Indonesia (id)", "is", "Íslenska (is)",
	"it", "Italiano (it)", "ja", "日本語 (ja)", "ko", "한국어 (ko)", "lt", "Lietuvių (lt)", "lv", "Latviešu (lv)",
	"nb", "Norsk bokmål (nb)", "nl", "Nederlands (nl)", "nn", "Norsk nynorsk (nn)", "pl", "Polski (pl)",
	"pt", "Português (pt)", "pt-BR", "Português, Brasil (pt-BR)", "ro", "Română (ro)", "ru", "Русский (ru)",
	"sk", "Slovenčina (sk)", "sl", "Slovenščina (sl)", "sr", "Српски (sr)", "sv", "Svenska (sv)",
	"tr", "Türkçe (tr)", "uk", "Українська (uk)", "vi", "Tiếng Việt (vi)", "zh", "中文 (zh)",
)

// LanguageOptions are the languages the newsroom offers for the site, a
// person or an article (any BCP 47 tag is allowed).
func LanguageOptions() []SettingOption { return languageOptions() }

// searchLanguageOptions name the stemming languages.
func searchLanguageOptions() []SettingOption {
	opts := make([]SettingOption, len(SearchLanguages))
	for i, l := range SearchLanguages {
		label := strings.ToUpper(l[:1]) + l[1:]
		if l == "simple" {
			label = "None (words as written)"
		}
		opts[i] = SettingOption{l, label}
	}
	return opts
}

// Text returns the setting's value in s as text, as stored and listed.
func (d *SettingDef) Text(s *Settings) string { return d.get(s) }

func textSetting(key, def string, max int, help string, field func(*Settings) *string) SettingDef {
	return SettingDef{Key: key, Kind: SettingText, Default: def, Help: help, Max: float64(max),
		set: func(s *Settings, v string) { *field(s) = v },
		get: func(s *Settings) string { return *field(s) }}
}

// shapedSetting is text with a rule of its own, such as a time zone.
func shapedSetting(key, def string, shape func(string) error, help string, field func(*Settings) *string) SettingDef {
	d := textSetting(key, def, 500, help, field)
	d.shape = shape
	return d
}

func linesSetting(key string, help string, field func(*Settings) *[]string) SettingDef {
	return SettingDef{Key: key, Kind: SettingLines, Help: help, Max: 65535,
		set: func(s *Settings, v string) { *field(s) = lines(v) },
		get: func(s *Settings) string { return strings.Join(*field(s), "\n") }}
}

func boolSetting(key string, def bool, help string, field func(*Settings) *bool) SettingDef {
	return SettingDef{Key: key, Kind: SettingBool, Default: strconv.FormatBool(def), Help: help,
		set: func(s *Settings, v string) { *field(s), _ = strconv.ParseBool(v) },
		get: func(s *Settings) string { return strconv.FormatBool(*field(s)) }}
}

func intSetting(key string, def, min, max int, help string, field func(*Settings) *int) SettingDef {
	return SettingDef{Key: key, Kind: SettingInt, Default: strconv.Itoa(def), Help: help, Min: float64(min), Max: float64(max),
		set: func(s *Settings, v string) { *field(s), _ = strconv.Atoi(v) },
		get: func(s *Settings) string { return strconv.Itoa(*field(s)) }}
}

func floatSetting(key string, def, min, max float64, help string, field func(*Settings) *float64) SettingDef {
	return SettingDef{Key: key, Kind: SettingFloat, Default: strconv.FormatFloat(def, 'g', -1, 64), Help: help, Min: min, Max: max,
		set: func(s *Settings, v string) { *field(s), _ = strconv.ParseFloat(v, 64) },
		get: func(s *Settings) string { return strconv.FormatFloat(*field(s), 'g', -1, 64) }}
}

func choiceSetting(key, def string, choices []string, help string, field func(*Settings) *string) SettingDef {
	return SettingDef{Key: key, Kind: SettingChoice, Default: def, Help: help, Choices: choices,
		set: func(s *Settings, v string) { *field(s) = v },
		get: func(s *Settings) string { return *field(s) }}
}

// languageSetting is a BCP 47 tag, such as fr or pt-BR.
func languageSetting(key, def, help string, field func(*Settings) *string) SettingDef {
	d := textSetting(key, def, 35, help, field)
	d.shape = func(v string) error {
		if !ValidLanguageTag(v) {
			return fmt.Errorf("must be a BCP 47 language tag such as en, fr or pt-BR")
		}
		return nil
	}
	return d
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

func checkMailFrom(v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || len(v) > 200 || strings.ContainsAny(v, "\r\n") || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("must be an address such as news@example.com or Newsroom <news@example.com>")
	}
	return nil
}

// BreakingNews is the breaking-news banner: its text, where it leads and
// when it goes away (zero: when switched off).
type BreakingNews struct {
	Text  string
	URL   string
	Until time.Time
}

// Breaking returns the banner the settings hold.
func (s *Settings) Breaking() BreakingNews {
	b := BreakingNews{Text: s.BreakingText, URL: s.BreakingURL}
	b.Until, _ = time.Parse(time.RFC3339, s.BreakingUntil)
	return b
}

// ShownAt reports whether the banner shows at now.
func (b BreakingNews) ShownAt(now time.Time) bool {
	return b.Text != "" && (b.Until.IsZero() || now.Before(b.Until))
}

// Values are the banner as settings, key by key, validated; switching
// it off is the zero BreakingNews. EINVALID.
func (b BreakingNews) Values() (map[string]string, error) {
	v := map[string]string{"breaking_text": strings.TrimSpace(b.Text), "breaking_url": strings.TrimSpace(b.URL), "breaking_until": ""}
	if !b.Until.IsZero() {
		v["breaking_until"] = b.Until.UTC().Format(time.RFC3339)
	}
	for k, val := range v {
		if err := ValidateSetting(k, val); err != nil {
			return nil, err
		}
	}
	if v["breaking_text"] == "" && v["breaking_url"] != "" {
		return nil, Errorf(EINVALID, "breaking_text: a banner with a link needs its text")
	}
	return v, nil
}

func checkLogo(v string) error {
	if v == "" || (strings.HasPrefix(v, "/media/") && !strings.ContainsAny(v, " \t\r\n\"'<>\\?#") && !strings.Contains(v, "..")) {
		return nil
	}
	return fmt.Errorf("must be empty or a library image's address such as /media/KEY")
}

func checkColour(v string) error {
	if v == "" {
		return nil
	}
	if len(v) == 7 && v[0] == '#' && strings.Trim(strings.ToLower(v[1:]), "0123456789abcdef") == "" {
		return nil
	}
	return fmt.Errorf("must be empty or a colour such as #1d4f91")
}

func checkBannerURL(v string) error {
	if v == "" || (strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//")) {
		if !strings.ContainsAny(v, " \t\r\n\"'<>\\") {
			return nil
		}
	}
	if err := checkSiteURL(v); err != nil {
		return fmt.Errorf("must be empty, a path starting with / or an http:// or https:// URL")
	}
	return nil
}

func checkOptionalTime(v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, v); err != nil {
		return fmt.Errorf("must be empty or a time such as 2026-12-07T18:00:00Z")
	}
	return nil
}

func checkSiteURL(v string) error {
	if v == "" {
		return nil
	}
	if !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) || strings.ContainsAny(v, " \t\r\n\"'<>") {
		return fmt.Errorf("must be empty or an http:// or https:// URL")
	}
	return nil
}

// SettingDefs lists every setting, in the order they are shown. Keys,
// defaults and meanings are a public contract: scripts read
// 'communique settings list'.
var SettingDefs = []SettingDef{
	textSetting("title", "Communiqué", 200, "Site title", func(s *Settings) *string { return &s.Title }).
		in(GroupSite, "Site title"),
	textSetting("tagline", "News, and the conversation around it", 500, "Short description under the title", func(s *Settings) *string { return &s.Tagline }).
		in(GroupSite, "Tagline"),
	shapedSetting("timezone", "UTC", checkTimeZone, "IANA time zone for dates and archives", func(s *Settings) *string { return &s.TimeZone }).
		in(GroupSite, "Time zone").offering(timeZoneOptions),
	textSetting("date_format", "F j, Y", 50, "Date format (PHP/WordPress letters: F j, Y)", func(s *Settings) *string { return &s.DateFormat }).
		in(GroupReading, "Date format"),
	textSetting("time_format", "g:i a", 50, "Time format (PHP/WordPress letters)", func(s *Settings) *string { return &s.TimeFormat }).
		in(GroupReading, "Time format"),
	intSetting("posts_per_page", 10, 1, 100, "Articles per page on the front page and archives", func(s *Settings) *int { return &s.PostsPerPage }).
		in(GroupReading, "Articles per page"),
	shapedSetting("permalink_structure", PermalinkDated, checkPermalink, "Article URLs: /%year%/%monthnum%/%day%/%postname%/ or /%postname%/", func(s *Settings) *string { return &s.PermalinkStructure }).
		in(GroupReading, "Article addresses"),
	languageSetting("language", "en", "Language of the site (BCP 47): its pages, feeds and emails", func(s *Settings) *string { return &s.Language }).
		in(GroupSite, "Language").offering(languageOptions),
	shapedSetting("site_url", "", checkSiteURL, "Public base URL such as https://news.example.com (empty: taken from each request)", func(s *Settings) *string { return &s.SiteURL }).
		in(GroupSite, "Public address"),

	// Discussion, with WordPress's defaults.
	boolSetting("comments_open_default", true, "New articles accept comments", func(s *Settings) *bool { return &s.CommentsOpenDefault }).
		in(GroupDiscussion, "Open new articles to comments"),
	boolSetting("comment_require_name_email", true, "Commenters must give a name and an email address", func(s *Settings) *bool { return &s.CommentRequireNameEmail }).
		in(GroupDiscussion, "Ask for a name and email"),
	intSetting("thread_comments_depth", 5, 1, 10, "Deepest level of threaded replies (1 = no threading)", func(s *Settings) *int { return &s.ThreadCommentsDepth }).
		in(GroupDiscussion, "Depth of replies"),
	choiceSetting("comment_order", "asc", []string{"asc", "desc"}, "Order of comments: asc (oldest first) or desc", func(s *Settings) *string { return &s.CommentOrder }).
		in(GroupDiscussion, "Order of comments").offering(named("asc", "Oldest first", "desc", "Newest first")),
	intSetting("comments_per_page", 50, 1, 500, "Top-level comments per page", func(s *Settings) *int { return &s.CommentsPerPage }).
		in(GroupDiscussion, "Comments per page"),
	boolSetting("comment_moderation", false, "Hold every comment for moderation", func(s *Settings) *bool { return &s.CommentModeration }).
		in(GroupDiscussion, "Hold every comment"),
	boolSetting("comment_previously_approved", true, "Approve at once a commenter who already has an approved comment (else hold)", func(s *Settings) *bool { return &s.CommentPreviouslyApproved }).
		in(GroupDiscussion, "Trust commenters approved before"),
	intSetting("comment_max_links", 2, 0, 100, "Hold a comment with more links than this", func(s *Settings) *int { return &s.CommentMaxLinks }).
		in(GroupDiscussion, "Most links in a comment"),
	linesSetting("moderation_keys", "Words that hold a comment (one per line; matched in name, email, URL, text, IP, browser)", func(s *Settings) *[]string { return &s.ModerationKeys }).
		in(GroupDiscussion, "Words that hold a comment"),
	linesSetting("disallowed_keys", "Words that send a comment straight to disallowed_status (one per line)", func(s *Settings) *[]string { return &s.DisallowedKeys }).
		in(GroupDiscussion, "Words that refuse a comment"),
	choiceSetting("disallowed_status", "trash", []string{"spam", "trash"}, "Where disallowed comments go: spam or trash", func(s *Settings) *string { return &s.DisallowedStatus }).
		in(GroupDiscussion, "Where refused comments go").offering(named("spam", "Spam (the classifier learns from them)", "trash", "Trash")),
	intSetting("close_comments_days_old", 0, 0, 36500, "Close comments on articles older than this many days (0 = never)", func(s *Settings) *int { return &s.CloseCommentsDaysOld }).
		in(GroupDiscussion, "Close comments after (days)"),
	intSetting("comment_edit_minutes", 10, 0, 1440, "How long a commenter may edit or delete their comment (0 = never)", func(s *Settings) *int { return &s.CommentEditMinutes }).
		in(GroupDiscussion, "Time to edit a comment (minutes)"),
	intSetting("comment_flood_seconds", 15, 0, 3600, "Least time between two comments from one IP or email", func(s *Settings) *int { return &s.CommentFloodSeconds }).
		in(GroupDiscussion, "Least time between comments (seconds)"),
	intSetting("comment_min_seconds", 3, 0, 600, "Least time between serving the form and posting it (bots are faster)", func(s *Settings) *int { return &s.CommentMinSeconds }).
		in(GroupDiscussion, "Least time to fill the form (seconds)"),
	floatSetting("spam_threshold", 0.9, 0.5, 1, "Classifier score from which a comment is sent to spam (0.5 to 1; 1 = never)", func(s *Settings) *float64 { return &s.SpamThreshold }).
		in(GroupDiscussion, "Spam threshold"),
	intSetting("ip_retention_days", 30, 0, 36500, "Forget commenters' IP addresses and browsers after this many days (0 = keep them)", func(s *Settings) *int { return &s.IPRetentionDays }).
		in(GroupPrivacy, "Keep IP addresses for (days)"),

	// Feeds and search.
	boolSetting("feed_full_text", true, "Feeds carry each article's full text (false: the summary only)", func(s *Settings) *bool { return &s.FeedFullText }).
		in(GroupReading, "Full text in feeds"),
	intSetting("feed_items", 10, 1, 100, "Articles or comments in each feed", func(s *Settings) *int { return &s.FeedItems }).
		in(GroupReading, "Items per feed"),
	choiceSetting("search_language", "english", SearchLanguages, "Language whose word forms search matches ("+strings.Join(SearchLanguages, ", ")+"); follows the site language until set apart from it", func(s *Settings) *string { return &s.SearchLanguage }).
		in(GroupReading, "Language of search").offering(searchLanguageOptions),

	// Notifications, with WordPress's defaults.
	boolSetting("notify_moderators", true, "Email everyone who may moderate when a comment awaits moderation", func(s *Settings) *bool { return &s.NotifyModerators }).
		in(GroupEmail, "Email moderators about held comments"),
	boolSetting("notify_authors", true, "Email an article's author when a comment appears on it", func(s *Settings) *bool { return &s.NotifyAuthors }).
		in(GroupEmail, "Email authors about comments"),
	shapedSetting("mail_from", "Communiqué <noreply@localhost>", checkMailFrom, "Sender of the site's emails, such as Newsroom <news@example.com>", func(s *Settings) *string { return &s.MailFrom }).
		in(GroupEmail, "Sender of emails"),

	// Analytics: first-party, cookie-free counting (package analytics).
	boolSetting("analytics_enabled", true, "Count page views and visitors on the server, without cookies or stored addresses", func(s *Settings) *bool { return &s.AnalyticsEnabled }).
		in(GroupPrivacy, "Count readers (analytics)"),
	boolSetting("analytics_respect_gpc", true, "Do not count readers who send Global Privacy Control or Do Not Track as visitors (their page views still count)", func(s *Settings) *bool { return &s.AnalyticsRespectGPC }).
		in(GroupPrivacy, "Respect Global Privacy Control and Do Not Track"),
	boolSetting("analytics_beacon", true, "Add a few lines of first-party JavaScript that tell when a reader reached the comments", func(s *Settings) *bool { return &s.AnalyticsBeacon }).
		in(GroupPrivacy, "Measure who reaches the comments"),
	intSetting("analytics_hourly_days", 30, 2, 366, "Keep hourly analytics counters this many days, then only daily totals", func(s *Settings) *int { return &s.AnalyticsHourlyDays }).
		in(GroupPrivacy, "Days of hourly figures kept"),
	intSetting("analytics_daily_days", 730, 31, 36500, "Keep daily analytics totals this many days, then only monthly totals", func(s *Settings) *int { return &s.AnalyticsDailyDays }).
		in(GroupPrivacy, "Days of daily figures kept"),
	intSetting("comment_report_threshold", 3, 0, 100, "Hold a comment once this many distinct readers reported it (0 = never)", func(s *Settings) *int { return &s.CommentReportThreshold }).
		in(GroupDiscussion, "Reports before a comment is held"),
	intSetting("comment_flood_address_limit", 5, 1, 1000, "Most comments from one IP address within comment_flood_seconds (readers behind one office or carrier address share it)", func(s *Settings) *int { return &s.CommentFloodAddressLimit }).
		in(GroupDiscussion, "Comments per address in that time"),
	// The breaking-news banner above every page, switched on from the
	// newsroom's front page desk or the REST API (communique/v1/breaking).
	textSetting("breaking_text", "", 200, "Breaking-news banner shown above every page (empty: none)", func(s *Settings) *string { return &s.BreakingText }).
		in(GroupReading, "Breaking news"),
	shapedSetting("breaking_url", "", checkBannerURL, "Where the banner leads: a path on this site such as /2026/12/07/story/, or an http(s) URL (empty: no link)", func(s *Settings) *string { return &s.BreakingURL }).
		in(GroupReading, "Breaking news link"),
	shapedSetting("breaking_until", "", checkOptionalTime, "When the banner goes away, as RFC 3339 (2026-12-07T18:00:00Z; empty: until switched off)", func(s *Settings) *string { return &s.BreakingUntil }).
		in(GroupReading, "Breaking news until"),
	// The theme: the public site's logo, accent colour and type, from
	// system font stacks only (no web font from another site).
	shapedSetting("theme_logo", "", checkLogo, "Site logo shown in the masthead: a library image's address such as /media/KEY (empty: the title in type)", func(s *Settings) *string { return &s.ThemeLogo }).
		in(GroupSite, "Logo"),
	shapedSetting("theme_accent", "", checkColour, "Accent colour of kickers, rules and the banner, as #rrggbb (empty: the theme's red); keep it dark enough for white text", func(s *Settings) *string { return &s.ThemeAccent }).
		in(GroupSite, "Accent colour"),
	choiceSetting("theme_font", "serif", []string{"serif", "sans", "humanist"}, "Type of headlines and text: serif, sans or humanist (system fonts)", func(s *Settings) *string { return &s.ThemeFont }).
		in(GroupSite, "Type").offering(named("serif", "Serif (Charter, Georgia…)", "sans", "Sans serif (the system's)", "humanist", "Humanist sans (Seravek, Segoe UI, Gill Sans…)")),

	// The fediverse (package activitypub): off until the site chooses.
	boolSetting("federation_enabled", false, "Join the fediverse: answer ActivityPub, accept followers and send them new articles", func(s *Settings) *bool { return &s.FederationEnabled }).
		in(GroupFediverse, "Federate with the fediverse"),
	choiceSetting("federation_actors", "both", []string{"site", "authors", "both"}, "Who the fediverse follows: the site's actor (@news), each author, or both", func(s *Settings) *string { return &s.FederationActors }).
		in(GroupFediverse, "Fediverse accounts").offering(named("site", "The site only", "authors", "Each author only", "both", "The site and each author")),
	linesSetting("federation_categories", "Slugs of the categories whose articles are federated, one per line (empty: every category)", func(s *Settings) *[]string { return &s.FederationCategories }).
		in(GroupFediverse, "Categories sent to the fediverse"),
	boolSetting("federation_comments", false, "Send the site's own comments, once approved, to the fediverse as replies (by the site's account, naming the commenter, never their email)", func(s *Settings) *bool { return &s.FederationComments }).
		in(GroupFediverse, "Federate local comments"),
	boolSetting("federation_approve_follows", false, "Hold follow requests from the fediverse until a newsroom administrator accepts them (Fediverse page)", func(s *Settings) *bool { return &s.FederationApproveFollows }).
		in(GroupFediverse, "Approve followers"),
	boolSetting("federation_follower_counts", false, "Show how many fediverse accounts follow an author on the author's page", func(s *Settings) *bool { return &s.FederationFollowerCounts }).
		in(GroupFediverse, "Show follower counts"),
	intSetting("federation_host_rate", 10, 1, 1000, "Deliveries per second to any one fediverse server, at most (other servers are not held up)", func(s *Settings) *int { return &s.FederationHostRate }).
		in(GroupFediverse, "Deliveries per second per server"),
}

// SettingAliases are second names of settings: each reads and writes the
// setting it names. "site_language" is the name issues and imports use
// for the site's BCP 47 language; "language" (WordPress's) stays.
var SettingAliases = map[string]string{"site_language": "language"}

// CanonicalSettingKey is the key a setting is stored under: key itself,
// or the setting an alias names.
func CanonicalSettingKey(key string) string {
	if k, ok := SettingAliases[key]; ok {
		return k
	}
	return key
}

// LookupSetting returns the definition of key (or of the setting the
// alias key names), or nil.
func LookupSetting(key string) *SettingDef {
	key = CanonicalSettingKey(key)
	for i := range SettingDefs {
		if SettingDefs[i].Key == key {
			return &SettingDefs[i]
		}
	}
	return nil
}

// ValidateSetting checks a value for key: EINVALID, with a one-line
// message naming the key and what it allows, on an unknown key or a bad
// value. Every door and the store call it, so the rules live here only.
func ValidateSetting(key, value string) error {
	def := LookupSetting(key)
	if def == nil {
		keys := make([]string, len(SettingDefs))
		for i, d := range SettingDefs {
			keys[i] = d.Key
		}
		sort.Strings(keys)
		return Errorf(EINVALID, "%s: unknown setting (known: %s)", oneLine(key), strings.Join(keys, ", "))
	}
	if err := def.check(value); err != nil {
		return Errorf(EINVALID, "%s: %s", key, err)
	}
	return nil
}

// oneLine keeps a user's odd key from breaking a one-line message.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

// Settings are the site settings, typed, with defaults filled in. Each
// field is the setting whose key is its name in snake case.
type Settings struct {
	Title              string
	Tagline            string
	TimeZone           string
	Location           *time.Location // from TimeZone
	DateFormat         string
	TimeFormat         string
	PostsPerPage       int
	PermalinkStructure string
	Permalink          *Permalink // from PermalinkStructure
	Language           string
	SiteURL            string // without a trailing slash

	CommentsOpenDefault       bool
	CommentRequireNameEmail   bool
	ThreadCommentsDepth       int
	CommentOrder              string // asc or desc
	CommentsPerPage           int
	CommentModeration         bool
	CommentPreviouslyApproved bool
	CommentMaxLinks           int
	ModerationKeys            []string
	DisallowedKeys            []string
	DisallowedStatus          string // spam or trash
	CloseCommentsDaysOld      int
	CommentEditMinutes        int
	CommentFloodSeconds       int
	CommentFloodAddressLimit  int
	CommentMinSeconds         int
	SpamThreshold             float64
	IPRetentionDays           int
	CommentReportThreshold    int

	FeedFullText   bool
	FeedItems      int
	SearchLanguage string

	AnalyticsEnabled    bool
	AnalyticsRespectGPC bool
	AnalyticsBeacon     bool
	AnalyticsHourlyDays int
	AnalyticsDailyDays  int

	NotifyModerators bool
	NotifyAuthors    bool
	MailFrom         string

	BreakingText  string
	BreakingURL   string
	BreakingUntil string // RFC 3339, or empty

	ThemeLogo            string
	ThemeAccent          string // #rrggbb, or empty
	ThemeFont            string // serif, sans or humanist
	FederationEnabled    bool
	FederationActors     string // site, authors or both
	FederationCategories []string
	// FederationComments sends approved local comments as replies.
	FederationComments bool
	// FederationApproveFollows holds Follows as pending for a newsroom
	// administrator to accept or reject.
	FederationApproveFollows bool
	// FederationFollowerCounts shows follower counts on author pages.
	FederationFollowerCounts bool
	// FederationHostRate caps deliveries per second to one remote host.
	FederationHostRate int
}

// ParseSettings builds Settings from stored values, falling back to the
// default for anything missing or invalid so a bad row cannot break pages.
func ParseSettings(stored map[string]string) *Settings {
	s := &Settings{}
	for i := range SettingDefs {
		def := &SettingDefs[i]
		val, ok := stored[def.Key]
		if !ok || def.check(val) != nil {
			val = def.Default
		}
		def.set(s, val)
	}
	s.SiteURL = strings.TrimRight(s.SiteURL, "/")
	s.Location, _ = time.LoadLocation(s.TimeZone)
	s.Permalink, _ = ParsePermalink(s.PermalinkStructure)
	return s
}

// With returns a copy of s with some settings changed, each given as
// text; unknown keys and bad values are ignored as in ParseSettings.
func (s *Settings) With(changes map[string]string) *Settings {
	text := make(map[string]string, len(SettingDefs))
	for i := range SettingDefs {
		text[SettingDefs[i].Key] = SettingDefs[i].get(s)
	}
	for k, v := range changes {
		text[CanonicalSettingKey(k)] = v
	}
	return ParseSettings(text)
}

// lines returns a word list's non-empty lines, trimmed.
func lines(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// SettingService stores site settings.
type SettingService interface {
	// Settings returns every stored value by key.
	Settings(ctx context.Context) (map[string]string, error)
	// SetSetting validates and stores a value. EINVALID on an unknown key
	// or a bad value.
	SetSetting(ctx context.Context, key, value string) error
}
