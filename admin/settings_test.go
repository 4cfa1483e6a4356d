package admin_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// settingField returns the settings page's block for one key: its input,
// help and error.
func settingField(body, key string) string {
	for _, m := range regexp.MustCompile(`(?s)<div class="field setting">.*?\n</div>`).FindAllString(body, -1) {
		if strings.Contains(m, `name="`+key+`"`) {
			return m
		}
	}
	return ""
}

// TestSettingsRefusals: each bad value comes back as 400 with its rule
// beside its field, every value typed kept, and nothing stored.
func TestSettingsRefusals(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		root := n.SignIn(t, communique.RoleAdministrator)
		cases := []struct {
			name    string
			key     string
			value   string
			wantErr string
		}{
			{"TooFewPosts", "posts_per_page", "0", "posts_per_page: must be a whole number from 1 to 100"},
			{"NotANumber", "comments_per_page", "many", "comments_per_page: must be a whole number from 1 to 500"},
			{"ForgedChoice", "comment_order", "sideways", "comment_order: must be asc or desc"},
			{"ForgedLanguage", "search_language", "klingon", "search_language: must be one of arabic, danish,"},
			{"LowThreshold", "spam_threshold", "0.2", "spam_threshold: must be a number from 0.5 to 1"},
			{"NotAnAddress", "mail_from", "nobody", "mail_from: must be an address"},
			{"LongWordList", "moderation_keys", strings.Repeat("casino\n", 10000), "moderation_keys: must be at most 65535 characters"},
			{"NUL", "tagline", "a\x00b", "tagline: must be valid UTF-8"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := n.Snapshot(t)
				// A good change beside the bad one is kept in the form, not saved.
				res := root.Post(t, "/admin/settings", n.settingsForm(t, map[string]string{tc.key: tc.value, "title": "Typed, not saved"}))
				if res.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400 (%q)", res.Status, res.Message())
				}
				field := settingField(res.Body, tc.key)
				if !strings.Contains(html.UnescapeString(field), `<span class="field-error">`+tc.wantErr) {
					t.Errorf("the %s field lacks %q beside it:\n%s", tc.key, tc.wantErr, field)
				}
				if n := strings.Count(res.Body, `class="field-error"`); n != 1 {
					t.Errorf("%d errors shown, want 1", n)
				}
				if !strings.Contains(settingField(res.Body, "title"), `value="Typed, not saved"`) {
					t.Error("the form lost the title typed beside the bad value")
				}
				if after := n.Snapshot(t); after != before {
					t.Errorf("a refused form changed the store:\n%s", diffLines(before, after))
				}
			})
		}
		t.Run("KeepsWordList", func(t *testing.T) {
			res := root.Post(t, "/admin/settings", n.settingsForm(t, map[string]string{"moderation_keys": "casino\nlottery", "feed_items": "0"}))
			if res.Status != http.StatusBadRequest || !strings.Contains(settingField(res.Body, "moderation_keys"), ">casino\nlottery</textarea>") {
				t.Errorf("status %d; the word list typed is not kept:\n%s", res.Status, settingField(res.Body, "moderation_keys"))
			}
		})
		t.Run("Screen", func(t *testing.T) { testSettingsScreen(t, n, root) })
	})
}

// testSettingsScreen checks the settings page speaks plainly: settings
// grouped under Site, Reading, Discussion, Email and Privacy, with human
// labels, and choices where the values are known, whose choice is saved
// and shown again. It runs in TestSettingsRefusals's newsroom, after the
// refusals: a newsroom per store costs seconds on a busy machine.
func testSettingsScreen(t *testing.T, n *newsroom, root *agent) {
	page := root.Get(t, "/admin/settings")
	legends := regexp.MustCompile(`<legend>([^<]+)</legend>`).FindAllStringSubmatch(page.Body, -1)
	var got []string
	for _, m := range legends {
		got = append(got, m[1])
	}
	if strings.Join(got, ",") != "Site,Reading,Discussion,Email,Privacy,Fediverse" {
		t.Errorf("groups = %q", got)
	}
	for key, want := range map[string][]string{
		"timezone":           {`<label for="s-timezone">Time zone</label>`, `<select id="s-timezone"`, `<option value="UTC" selected>UTC</option>`, `<option value="America/New_York">America/New York</option>`},
		"language":           {`<label for="s-language">Language</label>`, `<option value="en" selected>English (en)</option>`, `<option value="fr">Français (fr)</option>`},
		"comment_order":      {`<label for="s-comment_order">Order of comments</label>`, `<option value="asc" selected>Oldest first</option>`, `<option value="desc">Newest first</option>`},
		"comment_moderation": {`> Hold every comment</label>`, `Hold every comment for moderation`},
		"ip_retention_days":  {`Keep IP addresses for (days)`},
	} {
		field := settingField(page.Body, key)
		for _, w := range want {
			if !strings.Contains(field, w) {
				t.Errorf("the %s field lacks %q:\n%s", key, w, field)
			}
		}
	}
	if !strings.Contains(page.Body[strings.Index(page.Body, "<legend>Privacy</legend>"):], `name="ip_retention_days"`) {
		t.Error("IP retention is not under Privacy")
	}

	res := root.Post(t, "/admin/settings", n.settingsForm(t, map[string]string{"timezone": "Asia/Kathmandu", "language": "fr", "comment_order": "desc"}))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("saving choices: %d %q", res.Status, res.Message())
	}
	page = root.Get(t, "/admin/settings")
	for key, want := range map[string]string{"timezone": `<option value="Asia/Kathmandu" selected>`, "language": `<option value="fr" selected>`,
		"comment_order": `<option value="desc" selected>Newest first</option>`} {
		if !strings.Contains(settingField(page.Body, key), want) {
			t.Errorf("after saving, %s lacks %q", key, want)
		}
	}

	// A valid value the list lacks (an old zone name, set from the
	// command line) is kept and shown, not replaced by the first choice.
	n.Set(t, "timezone", "US/Eastern")
	page = root.Get(t, "/admin/settings")
	if !strings.Contains(settingField(page.Body, "timezone"), `<option value="US/Eastern" selected>US/Eastern</option>`) {
		t.Errorf("a zone outside the list is not shown:\n%s", settingField(page.Body, "timezone"))
	}
	if res := root.Post(t, "/admin/settings", n.settingsForm(t, nil)); res.Status != http.StatusSeeOther {
		t.Fatalf("saving unchanged: %d %q", res.Status, res.Message())
	}
	if v := n.setting(t, "timezone"); v != "US/Eastern" {
		t.Errorf("timezone = %q after saving the page unchanged, want US/Eastern", v)
	}
}

// setting reads a stored setting's text.
func (n *newsroom) setting(tb testing.TB, key string) string {
	tb.Helper()
	stored, err := n.DB.Settings(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return communique.LookupSetting(key).Text(communique.ParseSettings(stored))
}
