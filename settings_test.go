package communique_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // as the binary: every zone offered must load without the system's files

	"communique"
)

func TestValidateSetting(t *testing.T) {
	tests := []struct {
		name, key, value string
		wantErr          string // "" when the value is allowed
	}{
		{"IntLow", "posts_per_page", "1", ""},
		{"IntHigh", "posts_per_page", "100", ""},
		{"IntBelow", "posts_per_page", "0", "posts_per_page: must be a whole number from 1 to 100"},
		{"IntAbove", "posts_per_page", "101", "posts_per_page: must be a whole number from 1 to 100"},
		{"IntWord", "comment_max_links", "two", "comment_max_links: must be a whole number from 0 to 100"},
		{"IntSpaced", "feed_items", " 5", "feed_items: must be a whole number from 1 to 100"},
		{"IntDecimal", "feed_items", "5.5", "feed_items: must be a whole number from 1 to 100"},
		{"BoolTrue", "comment_moderation", "true", ""},
		{"BoolOne", "comment_moderation", "1", ""}, // accepted before: scripts use it
		{"BoolWord", "comment_moderation", "yes", "comment_moderation: must be true or false"},
		{"FloatLow", "spam_threshold", "0.5", ""},
		{"FloatHigh", "spam_threshold", "1", ""},
		{"FloatBelow", "spam_threshold", "0.49", "spam_threshold: must be a number from 0.5 to 1"},
		{"FloatWord", "spam_threshold", "high", "spam_threshold: must be a number from 0.5 to 1"},
		{"ChoiceOK", "comment_order", "desc", ""},
		{"ChoiceCase", "comment_order", "DESC", "comment_order: must be asc or desc"},
		{"ChoiceOfTwo", "disallowed_status", "delete", "disallowed_status: must be spam or trash"},
		{"ChoiceOfMany", "search_language", "klingon", "search_language: must be one of arabic, danish, dutch, english, "},
		{"TextLongest", "title", strings.Repeat("é", 100), ""},
		{"TextTooLong", "title", strings.Repeat("x", 201), "title: must be at most 200 characters"},
		{"TextNUL", "tagline", "a\x00b", "tagline: must be valid UTF-8, without NUL characters"},
		{"TextBadUTF8", "tagline", "a\xffb", "tagline: must be valid UTF-8, without NUL characters"},
		{"LinesOK", "moderation_keys", "casino\nlottery", ""},
		{"TimeZoneOK", "timezone", "Europe/Paris", ""},
		{"TimeZoneBad", "timezone", "Mars/Olympus", "timezone: must be an IANA time zone such as Europe/Paris or UTC"},
		{"TimeZoneEmpty", "timezone", "", "timezone: must be an IANA time zone"},
		{"PermalinkOK", "permalink_structure", "/%postname%/", ""},
		{"PermalinkBad", "permalink_structure", "/%year%/", "permalink_structure: must contain %postname% or %post_id%"},
		{"SiteURLEmpty", "site_url", "", ""},
		{"SiteURLBad", "site_url", "news.example", "site_url: must be empty or an http:// or https:// URL"},
		{"MailFromOK", "mail_from", "Newsroom <news@example.com>", ""},
		{"MailFromBad", "mail_from", "newsroom", "mail_from: must be an address such as news@example.com"},
		{"MailFromHeaderInjection", "mail_from", "a@example.com\r\nBcc: b@example.com", "mail_from: must be an address"},
		{"UnknownKey", "comment_colour", "red", `"comment_colour": unknown setting (known: analytics_beacon, analytics_daily_days, analytics_enabled,`},
		{"UnknownKeyOneLine", "a\nb", "red", `"a b": unknown setting`},
		{"Secret", "secret.site", "x", `"secret.site": unknown setting`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := communique.ValidateSetting(tt.key, tt.value)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			msg := communique.ErrorMessage(err)
			if communique.ErrorCode(err) != communique.EINVALID || !strings.HasPrefix(msg, tt.wantErr) || strings.Contains(msg, "\n") {
				t.Errorf("error = %s %q, want EINVALID, one line starting %q", communique.ErrorCode(err), msg, tt.wantErr)
			}
		})
	}
}

func TestParseSettings(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		s := communique.ParseSettings(nil)
		if s.Title != "Communiqué" || s.PostsPerPage != 10 || s.Location.String() != "UTC" || s.Permalink == nil ||
			!s.CommentsOpenDefault || s.ThreadCommentsDepth != 5 || s.CommentOrder != "asc" || s.CommentsPerPage != 50 ||
			s.CommentModeration || s.CommentMaxLinks != 2 || s.ModerationKeys != nil || s.DisallowedStatus != "trash" ||
			s.CommentEditMinutes != 10 || s.CommentFloodSeconds != 15 || s.CommentMinSeconds != 3 || s.SpamThreshold != 0.9 ||
			s.IPRetentionDays != 30 || !s.FeedFullText || s.FeedItems != 10 || s.SearchLanguage != "english" ||
			!s.NotifyModerators || !s.NotifyAuthors || s.MailFrom != "Communiqué <noreply@localhost>" {
			t.Errorf("defaults = %+v", s)
		}
	})
	t.Run("Stored", func(t *testing.T) {
		s := communique.ParseSettings(map[string]string{
			"posts_per_page": "25", "comment_moderation": "1", "feed_full_text": "false", "spam_threshold": "0.75",
			"moderation_keys": " casino \n\nlottery\n", "comment_order": "desc", "timezone": "Europe/Paris",
			"site_url": "https://news.example/", "permalink_structure": "/%postname%/", "secret.site": "hidden",
		})
		if s.PostsPerPage != 25 || !s.CommentModeration || s.FeedFullText || s.SpamThreshold != 0.75 ||
			!slices.Equal(s.ModerationKeys, []string{"casino", "lottery"}) || s.CommentOrder != "desc" ||
			s.Location.String() != "Europe/Paris" || s.SiteURL != "https://news.example" || s.Permalink.Structure != "/%postname%/" {
			t.Errorf("stored = %+v", s)
		}
	})
	t.Run("BadRowsFallBack", func(t *testing.T) {
		// A row written by an older version or by hand never breaks pages.
		s := communique.ParseSettings(map[string]string{"posts_per_page": "0", "comment_order": "sideways", "timezone": "Mars/Olympus",
			"spam_threshold": "2", "comment_moderation": "maybe", "mail_from": "nobody"})
		d := communique.ParseSettings(nil)
		if s.PostsPerPage != d.PostsPerPage || s.CommentOrder != d.CommentOrder || s.Location != d.Location ||
			s.SpamThreshold != d.SpamThreshold || s.CommentModeration != d.CommentModeration || s.MailFrom != d.MailFrom {
			t.Errorf("bad rows = %+v", s)
		}
	})
	t.Run("With", func(t *testing.T) {
		s := communique.ParseSettings(map[string]string{"title": "The Quay", "feed_items": "20"})
		w := s.With(map[string]string{"posts_per_page": "5", "feed_items": "0"})
		if w.Title != "The Quay" || w.PostsPerPage != 5 || w.FeedItems != 10 || s.PostsPerPage != 10 {
			t.Errorf("With: title %q, posts %d, feed items %d; original posts %d", w.Title, w.PostsPerPage, w.FeedItems, s.PostsPerPage)
		}
	})
}

// TestSettingDefs checks the table itself: every key once, every default
// allowed, and each value read back as the text it was given.
func TestSettingDefs(t *testing.T) {
	// Scripts read 'settings list': these keys keep their names and order.
	keys := []string{"title", "tagline", "timezone", "date_format", "time_format", "posts_per_page", "permalink_structure", "language", "site_url",
		"comments_open_default", "comment_require_name_email", "thread_comments_depth", "comment_order", "comments_per_page", "comment_moderation",
		"comment_previously_approved", "comment_max_links", "moderation_keys", "disallowed_keys", "disallowed_status", "close_comments_days_old",
		"comment_edit_minutes", "comment_flood_seconds", "comment_min_seconds", "spam_threshold", "ip_retention_days",
		"feed_full_text", "feed_items", "search_language", "notify_moderators", "notify_authors", "mail_from",
		"analytics_enabled", "analytics_respect_gpc", "analytics_beacon", "analytics_hourly_days", "analytics_daily_days", "comment_report_threshold", "comment_flood_address_limit",
		"breaking_text", "breaking_url", "breaking_until", "theme_logo", "theme_accent", "theme_font",
		"federation_enabled", "federation_actors", "federation_categories",
		"federation_comments", "federation_approve_follows", "federation_follower_counts", "federation_host_rate"}
	var got []string
	defaults := communique.ParseSettings(nil)
	for _, def := range communique.SettingDefs {
		got = append(got, def.Key)
		if err := communique.ValidateSetting(def.Key, def.Default); err != nil {
			t.Errorf("%s: default %q refused: %v", def.Key, def.Default, err)
		}
		if def.Help == "" {
			t.Errorf("%s has no meaning", def.Key)
		}
		if got := def.Text(defaults); got != def.Default {
			t.Errorf("%s: default reads back as %q, want %q", def.Key, got, def.Default)
		}
	}
	if !slices.Equal(got, keys) {
		t.Errorf("keys = %q\nwant %q", got, keys)
	}
	// A value other than the default reaches its own field and no other.
	other := map[string]string{"title": "T", "tagline": "G", "timezone": "Asia/Tokyo", "date_format": "Y-m-d", "time_format": "H:i",
		"posts_per_page": "7", "permalink_structure": "/%postname%/", "language": "fr", "site_url": "https://n.example",
		"comments_open_default": "false", "comment_require_name_email": "false", "thread_comments_depth": "3", "comment_order": "desc",
		"comments_per_page": "20", "comment_moderation": "true", "comment_previously_approved": "false", "comment_max_links": "4",
		"moderation_keys": "a\nb", "disallowed_keys": "c", "disallowed_status": "spam", "close_comments_days_old": "14",
		"comment_edit_minutes": "5", "comment_flood_seconds": "30", "comment_min_seconds": "1", "spam_threshold": "0.8",
		"ip_retention_days": "60", "feed_full_text": "false", "feed_items": "25", "search_language": "french",
		"notify_moderators": "false", "notify_authors": "false", "mail_from": "News <news@n.example>",
		"analytics_enabled": "false", "analytics_respect_gpc": "false", "analytics_beacon": "false", "analytics_hourly_days": "7", "analytics_daily_days": "365", "comment_report_threshold": "5", "comment_flood_address_limit": "20",
		"breaking_text": "Polls close", "breaking_url": "/live/", "breaking_until": "2026-12-07T18:00:00Z",
		"theme_logo": "/media/0123456789abcdef0123456789abcdef.png", "theme_accent": "#1d4f91", "theme_font": "sans",
		"federation_enabled": "true", "federation_actors": "site", "federation_categories": "world\npolitics",
		"federation_comments": "true", "federation_approve_follows": "true", "federation_follower_counts": "true", "federation_host_rate": "3"}
	for _, def := range communique.SettingDefs {
		v, ok := other[def.Key]
		if !ok || v == def.Default {
			t.Fatalf("%s: no other value to try", def.Key)
		}
		s := communique.ParseSettings(map[string]string{def.Key: v})
		for _, d := range communique.SettingDefs {
			want := d.Default
			if d.Key == def.Key {
				want = v
			}
			if got := d.Text(s); got != want {
				t.Errorf("setting %s=%q: %s reads %q, want %q", def.Key, v, d.Key, got, want)
			}
		}
	}
}

// TestNoStringKeyReads fails when production code outside settings.go
// reads a setting by its key (settings.Int("feed_items"),
// Values["comment_order"]) rather than through a typed field.
func TestNoStringKeyReads(t *testing.T) {
	var keys []string
	for _, def := range communique.SettingDefs {
		keys = append(keys, regexp.QuoteMeta(def.Key))
	}
	alt := strings.Join(keys, "|")
	read := regexp.MustCompile(`\.(Int|Bool|Float|Lines|String|Text|Value|Setting)\("(` + alt + `)"\)|\["(` + alt + `)"\]|\bValues\["|LookupSetting\("`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "settings.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := read.FindString(line); m != "" {
				t.Errorf("%s:%d reads a setting by key (%s): use the typed field of communique.Settings", path, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSettingLabels checks every setting has a human label and a group of
// the settings page, and every value offered as a choice is one the
// setting accepts (every time zone of the list loads).
func TestSettingLabels(t *testing.T) {
	labels := map[string]string{}
	for i := range communique.SettingDefs {
		def := &communique.SettingDefs[i]
		if def.Label == "" || def.Label == def.Key || strings.Contains(def.Label, "_") {
			t.Errorf("%s: label %q is not for people", def.Key, def.Label)
		}
		if other, dup := labels[def.Label]; dup {
			t.Errorf("%s and %s share the label %q", def.Key, other, def.Label)
		}
		labels[def.Label] = def.Key
		if !slices.Contains(communique.SettingGroups, def.Group) {
			t.Errorf("%s: group %q is not one of %v", def.Key, def.Group, communique.SettingGroups)
		}
		for _, o := range def.Options() {
			if err := communique.ValidateSetting(def.Key, o.Value); err != nil || o.Label == "" {
				t.Errorf("%s offers %q (%q), which it refuses: %v", def.Key, o.Value, o.Label, err)
			}
		}
		if def.Kind == communique.SettingChoice && len(def.Options()) != len(def.Choices) {
			t.Errorf("%s: %d options for %d choices", def.Key, len(def.Options()), len(def.Choices))
		}
	}
	for key, atLeast := range map[string]int{"timezone": 300, "language": 30, "comment_order": 2} {
		if n := len(communique.LookupSetting(key).Options()); n < atLeast {
			t.Errorf("%s offers %d values, want at least %d", key, n, atLeast)
		}
	}
}
