package web_test

import (
	"context"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
)

var jsonLDRE = regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`)

// TestCorrectionsInTheOpen is the issue's "a correction appears on the
// page, in JSON-LD, on the corrections page and in the feed", on both
// stores; an update shows at the end only and is no correction.
func TestCorrectionsInTheOpen(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return fixedNow.Add(-time.Hour) }
		ed := storetest.MustCreateUser(t, db, "desk", communique.RoleEditor)
		svc := articles.New(db)
		a := MustCreate(t, db, &communique.Article{Title: "Bridge budget", Source: "The bridge cost 38 million.", AuthorID: ed.ID,
			Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-48 * time.Hour)}, nil, nil)
		plain := MustCreate(t, db, &communique.Article{Title: "Ferry news", Source: "No change.", AuthorID: ed.ID,
			Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-47 * time.Hour)}, nil, nil)
		if _, err := svc.AddNote(ctx, articles.As(ed), a.ID, communique.NoteCorrection, "It cost 36 million, not 38 <million>."); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddNote(ctx, articles.As(ed), plain.ID, communique.NoteUpdate, "The ferry runs on Sundays too."); err != nil {
			t.Fatal(err)
		}
		s := MustServe(t, db, "")
		st, err := db.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		path := communique.ArticlePath(a, communique.ParseSettings(st), nil)
		page := s.Get(t, path)
		body := html.UnescapeString(page.Body)
		if page.Status != 200 || !strings.Contains(body, `<strong>Correction:</strong> this article was corrected on`) ||
			!strings.Contains(body, `<h2 id="corrections-heading">Corrections and updates</h2>`) || !strings.Contains(page.Body, "not 38 &lt;million&gt;.") {
			t.Fatalf("the article page does not show the correction (top and end):\n%s", excerpt(page.Body))
		}
		m := jsonLDRE.FindStringSubmatch(page.Body)
		var ld struct {
			Correction []struct {
				Type string `json:"@type"`
				Text string `json:"text"`
				Date string `json:"datePublished"`
			} `json:"correction"`
			Modified string `json:"dateModified"`
		}
		if m == nil || json.Unmarshal([]byte(m[1]), &ld) != nil || len(ld.Correction) != 1 || ld.Correction[0].Type != "CorrectionComment" ||
			ld.Correction[0].Text != "It cost 36 million, not 38 <million>." || ld.Correction[0].Date == "" {
			t.Fatalf("JSON-LD correction = %+v", ld)
		}
		other := html.UnescapeString(s.Get(t, communique.ArticlePath(plain, communique.ParseSettings(st), nil)).Body)
		if strings.Contains(other, "<strong>Correction:</strong>") || !strings.Contains(other, "<strong>Update</strong>") || strings.Contains(other, `"correction"`) {
			t.Errorf("an update is shown as a correction, or not at the end")
		}
		list := s.Get(t, "/corrections/")
		if list.Status != 200 || !strings.Contains(list.Body, path+`#corrections">Bridge budget</a>`) || strings.Contains(list.Body, "Ferry news") {
			t.Fatalf("the corrections page: %d\n%s", list.Status, excerpt(list.Body))
		}
		res := s.Get(t, "/feed/")
		f, err := gofeed.NewParser().ParseString(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range f.Items {
			if it.Title == "Bridge budget" {
				found = strings.Contains(it.Description+it.Content, "Correction (") && strings.Contains(it.Description+it.Content, "It cost 36 million")
			}
		}
		if !found {
			t.Errorf("the feed does not carry the correction:\n%s", res.Body)
		}
	})
}
