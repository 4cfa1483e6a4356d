package web_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wordpress"
)

// TestWordPressSiteIdentity imports the theme unit test export with its
// settings: the site takes the old title and tagline, the time zone its
// items were dated in (UTC−7) and its dated permalinks, says so line by
// line, and so shows a post dated late in the evening on the old site's
// day, at the old site's link. With KeepSettings nothing changes.
func TestWordPressSiteIdentity(t *testing.T) {
	sample := storetest.WXRSample(t)
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if err := db.SetSetting(ctx, "permalink_structure", "/%postname%/"); err != nil {
			t.Fatal(err)
		}
		sum := importSample(t, db, sample, false)
		want := map[string]string{
			"title":               `"Theme Unit Test Data" applied`,
			"tagline":             `"Just another WordPress website with a purposefully really long description" applied`,
			"language":            `"en" already so`,
			"timezone":            `"Etc/GMT+7 (UTC-07:00)" applied`,
			"permalink_structure": `"/%year%/%monthnum%/%day%/%postname%/" applied`,
			"date_format":         `not in the export`,
			"posts_per_page":      `not in the export`,
		}
		text := sum.String()
		for key, line := range want {
			if !strings.Contains(text, key) || !strings.Contains(text, line) {
				t.Errorf("summary lacks %s %s:\n%s", key, line, text)
			}
		}
		settings, err := db.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if settings["timezone"] != "Etc/GMT+7" || settings["title"] != "Theme Unit Test Data" ||
			settings["permalink_structure"] != "/%year%/%monthnum%/%day%/%postname%/" {
			t.Errorf("settings after the import: %v", settings)
		}
		// Posted at 20:15 on 10 January 2013 in UTC−7, 03:15 on the 11th in UTC.
		s := MustServe(t, db, "")
		r := s.Get(t, "/2013/01/10/markup-image-alignment/")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "January 10, 2013") {
			t.Errorf("old link = %d, shows the old site's date: %v", r.Status, strings.Contains(r.Body, "January 10, 2013"))
		}
		if r := s.Get(t, "/"); !strings.Contains(r.Body, "Theme Unit Test Data") {
			t.Errorf("front page does not carry the old site's title")
		}
	}, atFixedNow)

	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		sum := importSample(t, db, sample, true)
		if text := sum.String(); !strings.Contains(text, `"Etc/GMT+7 (UTC-07:00)" kept (--keep-settings)`) {
			t.Errorf("summary with KeepSettings:\n%s", text)
		}
		settings, err := db.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if tz, ok := settings["timezone"]; ok && tz != "UTC" || settings["title"] != "" {
			t.Errorf("settings changed despite KeepSettings: %v", settings)
		}
		s := MustServe(t, db, "")
		if r := s.Get(t, "/2013/01/10/markup-image-alignment/"); r.Status != http.StatusMovedPermanently ||
			r.Header.Get("Location") != "/2013/01/11/markup-image-alignment/" {
			t.Errorf("in UTC the old link = %d → %q", r.Status, r.Header.Get("Location"))
		}
	}, atFixedNow)
}

func importSample(t *testing.T, db *sqlstore.DB, sample string, keep bool) *wordpress.Summary {
	t.Helper()
	f, err := os.Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im := storetest.NewImporter(db, 500)
	im.KeepSettings = keep
	sum, err := im.Import(context.Background(), f)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, sum)
	}
	return sum
}
