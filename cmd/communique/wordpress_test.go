package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"image"
	pngpkg "image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique/storetest"
	"communique/wordpress"
)

// counted reports whether a summary printed kind with n records.
func counted(out, kind string, n int) bool {
	return regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(kind) + `\s+` + strconv.Itoa(n) + `\b`).MatchString(out)
}

func TestWordPressCLI(t *testing.T) {
	sample := storetest.WXRSample(t)
	want := map[string]int{"authors": 2, "categories": 68, "tags": 110, "posts": 58, "pages": 21,
		"attachments": 37, "menus": 6, "menu items": 70, "comments": 33}
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		store := place.Flags()
		out := mustCLI(t, store, "import", "wordpress", sample, "--primary-menu", "short")
		for kind, n := range want {
			if !counted(out, kind, n) {
				t.Errorf("summary lacks %s %d:\n%s", kind, n, out)
			}
		}
		if !strings.Contains(out, `Menu "short" is the site's main navigation.`) {
			t.Errorf("no word on the primary menu:\n%s", out)
		}
		again := mustCLI(t, store, "import", "wordpress", sample)
		if !strings.Contains(again, "(0 new, 58 updated)") || !strings.Contains(again, "(0 new, 33 updated)") {
			t.Errorf("second import:\n%s", again)
		}

		file := filepath.Join(t.TempDir(), "site.xml")
		out = mustCLI(t, store, "export", "wordpress", "--output", file, "--site-url", "https://news.example.com")
		if !counted(out, "posts", 58) || !strings.Contains(out, "keep it private") {
			t.Errorf("export said:\n%s", out)
		}
		st, err := os.Stat(file)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("export file: %v, %v", st, err)
		}
		b, _ := os.ReadFile(file)
		for _, w := range []string{"<wp:wxr_version>1.2</wp:wxr_version>", "<link>https://news.example.com/2010/09/10/post-format-gallery/</link>",
			"<wp:comment_author_email><![CDATA[", "<wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>"} {
			if !strings.Contains(string(b), w) {
				t.Errorf("export lacks %q", w)
			}
		}
		if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".site.xml.*")); len(leftovers) > 0 {
			t.Errorf("temporary files left: %v", leftovers)
		}
		r := cli(t, store, "export", "wordpress")
		if r.err != nil || !strings.HasPrefix(r.stdout, "<?xml") || !strings.Contains(r.stderr, "Exported:") {
			t.Errorf("export to standard output: %v, stderr %q", r.err, r.stderr)
		}

		// The export imports into an empty store with the same counts.
		out = mustCLI(t, []string{"--data", t.TempDir()}, "import", "wordpress", file)
		for kind, n := range want {
			if kind == "tags" {
				n += 4 // the sample's posts use four tags its list lacks
			}
			if !counted(out, kind, n) {
				t.Errorf("re-import of the export lacks %s %d:\n%s", kind, n, out)
			}
		}
	})
}

func TestWordPressCLIMistakes(t *testing.T) {
	dir := t.TempDir()
	store := []string{"--data", t.TempDir()}
	hostile := filepath.Join(dir, "hostile.xml")
	os.WriteFile(hostile, []byte(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><title>&xxe;</title></channel></rss>`), 0o600)
	truncated := filepath.Join(dir, "truncated.xml")
	os.WriteFile(truncated, []byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Kept</title><dc:creator>ann</dc:creator><wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Cut`), 0o600)
	tests := []struct {
		name  string
		args  []string
		usage bool
		msg   string
		out   string
	}{
		{"ErrOtherFormat", []string{"import", "blogger", "x.xml"}, true, `unknown command "import blogger"`, ""},
		{"ErrNoFile", []string{"import", "wordpress"}, true, "give one export file", ""},
		{"ErrTwoFiles", []string{"import", "wordpress", "a.xml", "b.xml"}, true, "give one export file", ""},
		{"ErrMissingFile", []string{"import", "wordpress", filepath.Join(dir, "missing.xml")}, false, "no such file", ""},
		{"ErrHostile", []string{"import", "wordpress", hostile}, false, "nothing imported, the file was refused at line 1", ""},
		{"ErrTruncated", []string{"import", "wordpress", truncated}, false, "what is listed above was imported", "posts"},
		{"ErrExportArgument", []string{"export", "wordpress", "file.xml"}, true, `unexpected argument "file.xml"`, ""},
		{"ErrExportFormat", []string{"export", "json"}, true, `unknown command "export json"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, store, tt.args...)
			var u usageError
			if r.err == nil || errors.As(r.err, &u) != tt.usage || !strings.Contains(errorLine(r.err), tt.msg) {
				t.Fatalf("err = %v (usage %v), want usage=%v mentioning %q", r.err, errors.As(r.err, &u), tt.usage, tt.msg)
			}
			if !strings.Contains(r.stdout, tt.out) {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.out)
			}
		})
	}
	t.Run("HostileMessage", func(t *testing.T) {
		r := cli(t, store, "import", "wordpress", hostile)
		// Refused outright: the reason alone, no summary of zeros.
		if !strings.Contains(r.err.Error(), "external-entity (XXE)") || r.stdout != "" {
			t.Errorf("err = %v\n%s", r.err, r.stdout)
		}
	})
	t.Run("TruncatedKeepsWhatCameBefore", func(t *testing.T) {
		r := cli(t, []string{"--data", t.TempDir()}, "import", "wordpress", truncated)
		if !counted(r.stdout, "posts", 1) || !strings.Contains(r.err.Error(), "truncated") {
			t.Errorf("err = %v\n%s", r.err, r.stdout)
		}
	})
	t.Run("Help", func(t *testing.T) {
		out := mustRun(t, nil, "", "help")
		for _, w := range []string{"communique import wordpress FILE.xml", "communique export wordpress [--output FILE]", "private"} {
			if !strings.Contains(out, w) {
				t.Errorf("help lacks %q", w)
			}
		}
	})
}

func TestImportProgress(t *testing.T) {
	sum := &wordpress.Summary{Bytes: 500_000, Counts: map[string]*wordpress.Count{}}
	for _, k := range wordpress.Kinds {
		sum.Counts[k] = &wordpress.Count{}
	}
	sum.Counts["comments"].Created = 1234

	var plain syncBuffer
	pr := newProgress(&plain, 1_000_000)
	pr.update(sum) // too soon: nothing
	pr.last = time.Time{}
	pr.update(sum)
	if got := plain.String(); !strings.HasPrefix(got, "import:  50% of 1.0 MB") || !strings.Contains(got, "comments 1234") ||
		!strings.Contains(got, "records/s") || strings.Contains(got, "\r") || strings.Count(got, "\n") != 1 {
		t.Errorf("plain progress = %q", got)
	}

	var term syncBuffer
	pr = newProgress(&term, 1_000_000)
	pr.terminal, pr.last = true, time.Time{}
	pr.update(sum)
	pr.done()
	if got := term.String(); !strings.HasPrefix(got, "\r\033[K[############............]  50%") || !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("terminal progress = %q", got)
	}
}

// TestWordPressCLIUploads imports a small export with its files from an
// uploads archive and then from the folder: the image comes into the
// library once, the body points at it, and what is missing is listed.
func TestWordPressCLIUploads(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "site.xml")
	os.WriteFile(export, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>Old Gazette</title><link>https://old.example.com</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://old.example.com</wp:base_blog_url>
<item><title>Harbour</title><dc:creator>ann</dc:creator><link>https://old.example.com/2020/01/02/harbour/</link>
<content:encoded><![CDATA[<img class="alignleft" src="https://old.example.com/wp-content/uploads/2020/01/boat-300x200.png" srcset="//old.example.com/wp-content/uploads/2020/01/boat.png 700w"> <img src="http://old.example.com/wp-content/uploads/2020/01/gone.png">]]></content:encoded>
<wp:post_id>10</wp:post_id><wp:post_date>2020-01-02 10:00:00</wp:post_date><wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt><wp:post_name>harbour</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>11</wp:meta_value></wp:postmeta></item>
<item><title>Boat</title><wp:post_id>11</wp:post_id><wp:post_parent>10</wp:post_parent><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example.com/wp-content/uploads/2020/01/boat.png</wp:attachment_url></item>
<item><title>Gone</title><wp:post_id>12</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example.com/wp-content/uploads/2020/01/gone.png</wp:attachment_url></item>
</channel></rss>`), 0o600)
	var png bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 700, 400))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	if err := pngpkg.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "uploads.tar.gz")
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "wp-content/uploads/2020/01/boat.png", Mode: 0o644, Size: int64(png.Len()), Typeflag: tar.TypeReg})
	tw.Write(png.Bytes())
	tw.Close()
	gz.Close()
	os.WriteFile(archive, buf.Bytes(), 0o600)

	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		store := place.Flags()
		out := mustCLI(t, store, "import", "wordpress", export, "--uploads", archive)
		for _, want := range []string{"Media files: 1 in the library (1 new, 0 from an earlier import), 1 featured images, 1 missing",
			"missing  https://old.example.com/wp-content/uploads/2020/01/gone.png: not in the uploads folder"} {
			if !strings.Contains(out, want) {
				t.Errorf("summary lacks %q:\n%s", want, out)
			}
		}
		again := mustCLI(t, store, "import", "wordpress", export, "--uploads", archive)
		if !strings.Contains(again, "(0 new, 1 from an earlier import)") {
			t.Errorf("second import:\n%s", again)
		}
		r := cli(t, store, "import", "wordpress", export, "--uploads", archive, "--fetch-media")
		if r.err == nil || !strings.Contains(r.err.Error(), "not both") {
			t.Errorf("--uploads with --fetch-media: %v", r.err)
		}
	})
}
