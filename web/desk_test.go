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
		if list.Status != 200 || !strings.Contains(list.Body, path+`#corrections" dir="auto">Bridge budget</a>`) || strings.Contains(list.Body, "Ferry news") {
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

// TestPreviewLink is the issue's "a preview link works until revoked and
// never appears in any sitemap or feed", on both stores.
func TestPreviewLink(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return fixedNow }
		ed := storetest.MustCreateUser(t, db, "desk", communique.RoleEditor)
		svc := articles.New(db)
		MustCreate(t, db, &communique.Article{Title: "Published piece", Source: "Out.", AuthorID: ed.ID, Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-time.Hour)}, nil, nil)
		draft := MustCreate(t, db, &communique.Article{Title: "Lawyer's read", Source: "Allegedly, the council knew.", AuthorID: ed.ID, Status: communique.StatusDraft}, nil, nil)
		token, _, err := svc.CreatePreviewLink(ctx, articles.As(ed), draft.ID, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		s := MustServe(t, db, "")
		res := s.Get(t, "/preview/"+token)
		if res.Status != 200 || !strings.Contains(res.Body, "Allegedly, the council knew.") || res.Header.Get("X-Robots-Tag") != "noindex, nofollow" ||
			!strings.Contains(res.Header.Get("Cache-Control"), "no-store") || res.Header.Get("Referrer-Policy") != "no-referrer" ||
			!strings.Contains(res.Body, `<meta name="robots" content="noindex`) {
			t.Fatalf("preview: %d %v\n%s", res.Status, res.Header, excerpt(res.Body))
		}
		for _, p := range []string{"/sitemap.xml", "/sitemap-pages.xml", "/news-sitemap.xml", "/feed/", "/feed/atom/", "/", "/corrections/"} {
			body := s.Get(t, p).Body
			if strings.Contains(body, "/preview/") || strings.Contains(body, "Lawyer") {
				t.Errorf("%s shows the preview or the draft", p)
			}
		}
		for _, sm := range regexp.MustCompile(`<loc>[^<]*(/sitemap-[^<]+)</loc>`).FindAllStringSubmatch(s.Get(t, "/sitemap.xml").Body, -1) {
			if body := s.Get(t, sm[1]).Body; strings.Contains(body, "/preview/") || strings.Contains(body, "lawyer") {
				t.Errorf("%s lists the preview or the draft", sm[1])
			}
		}
		links, _ := db.FindPreviewLinks(ctx, draft.ID)
		if err := svc.RevokePreviewLink(ctx, articles.As(ed), draft.ID, links[0].ID); err != nil {
			t.Fatal(err)
		}
		if res := s.Get(t, "/preview/"+token); res.Status != 404 || strings.Contains(res.Body, "Allegedly") {
			t.Errorf("a revoked link: %d", res.Status)
		}
		if res := s.Get(t, "/preview/not-a-token"); res.Status != 404 {
			t.Errorf("a made-up link: %d", res.Status)
		}
	})
}
