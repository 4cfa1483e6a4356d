package wordpress_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"communique"
	"communique/internal/wptest"
	"communique/sqlstore"
	"communique/storetest"
	"communique/upload"
	"communique/wordpress"
	"communique/wxr"
)

// renderedPosts are the theme unit test export's posts the rendering
// differential test compares: each layout feature WordPress shows.
var renderedPosts = []string{
	"Markup: Image Alignment", "Page Image Alignment", "Post Format: Image (Caption)", "Clearing Floats",
	"Post Format: Gallery", "Post Format: Gallery (Tiled)", "Block: Gallery", "Block: Image", "Block: Cover",
	"Block: Columns", "Block: Button", "Block: Quote", "Block category: Common", "Block category: Formatting",
	"Block category: Layout Elements", "Block category: Embeds", "Media: Twitter Embeds", "Post Format: Video (YouTube)",
	"Post Format: Video (WordPress.tv)", "Post Format: Audio", "Template: More Tag", "Template: Paginated",
	"Markup: HTML Tags and Formatting", "Page Markup And Formatting", "Edge Case: Nested And Mixed Lists",
}

// aspects are what the test compares, in the order of its table.
var aspects = []string{"text", "headings", "links", "images", "media", "align", "gallery", "pages"}

// TestRenderLikeWordPress renders posts of the theme unit test export in
// real WordPress 6.1 (apply_filters('the_content', …) after putting the
// export's posts and attachments in with their ids) and in Communiqué
// (the import's stored body, its files from an uploads folder so image
// references are local), and compares what a reader gets: text, headings,
// links, image and media sources (by file name, the size suffix dropped),
// alignment classes, galleries (items and columns) and page breaks. Every
// difference must be in testdata/render-allowlist.txt with its reason;
// an allowlisted difference that no longer occurs fails too, so the list
// stays true.
//
// Rendering is the importer's and the sanitizer's, before any store: the
// test runs on SQLite only, as the stores keep the body they are given.
func TestRenderLikeWordPress(t *testing.T) {
	sample := storetest.WXRSample(t)
	site := wptest.NewSite(t)
	ids, titles, items := pickPosts(t, sample)

	script, err := filepath.Abs("testdata/wprender.php")
	if err != nil {
		t.Fatal(err)
	}
	var idList []string
	for _, id := range ids {
		idList = append(idList, strconv.FormatInt(id, 10))
	}
	itemsFile := filepath.Join(site.Dir, "items.json")
	if err := os.WriteFile(itemsFile, items, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := site.Run(script, site.Root, site.Addr, itemsFile, strings.Join(idList, ","))
	if err != nil {
		t.Fatalf("rendering in WordPress: %v", err)
	}
	var wpHTML map[string]string
	if err := json.Unmarshal(wptest.LastLine(out), &wpHTML); err != nil {
		t.Fatalf("WordPress printed %q: %v", wptest.Tail(string(out), 2000), err)
	}

	db := storetest.SQLite.Open(t)
	importWithUploads(t, db, sample)
	names := mediaNames(t, db)
	allow := readAllowlist(t)
	used := map[string]bool{}
	seen := map[string]int{} // posts WordPress showed each aspect in
	compared, differ := 0, 0

	var table strings.Builder
	fmt.Fprintf(&table, "%-40s %s\n", "post", strings.Join(aspects, " "))
	for _, id := range ids {
		local, err := db.FindImportedID(context.Background(), "", communique.KindArticle, id)
		if err != nil {
			t.Fatalf("%s (%d): %v", titles[id], id, err)
		}
		a, err := db.FindArticleByID(context.Background(), local)
		if err != nil {
			t.Fatal(err)
		}
		wp := features(wpHTML[strconv.FormatInt(id, 10)], site.URL, nil)
		cq := features(a.HTML, site.URL, names)
		for _, aspect := range aspects {
			if wp[aspect] != "" {
				seen[aspect]++
			}
		}
		fmt.Fprintf(&table, "%-40.40s", titles[id])
		for _, aspect := range aspects {
			mark := "  ok"
			compared++
			if wp[aspect] != cq[aspect] {
				differ++
				key := titles[id] + " | " + aspect
				if _, ok := allow[key]; ok {
					used[key] = true
					mark = " allowed"
				} else {
					mark = " DIFF"
					w, c := firstDifference(wp[aspect], cq[aspect])
					t.Errorf("%s: %s differs\nWordPress:  %s\nCommuniqué: %s", titles[id], aspect, w, c)
				}
			}
			fmt.Fprintf(&table, " %s:%s", aspect, mark)
		}
		table.WriteString("\n")
	}
	t.Logf("what matches, post by post:\n%s", table.String())
	t.Logf("posts where WordPress shows each aspect: %v", seen)
	t.Logf("%d of %d aspects match, %d differ (allowlisted or failed above)", compared-differ, compared, differ)
	// The comparison sees what it compares: WordPress's rendering has
	// each aspect in several of the posts.
	for _, aspect := range aspects {
		if seen[aspect] < 2 {
			t.Errorf("only %d posts show %s in WordPress: the test would not see a difference", seen[aspect], aspect)
		}
	}
	for key, reason := range allow {
		if !used[key] && !strings.HasPrefix(reason, "sometimes:") {
			t.Errorf("allowlisted difference no longer occurs, remove it: %s (%s)", key, reason)
		}
	}
}

// wpItem is a post, page or attachment as testdata/wprender.php reads it.
type wpItem struct {
	ID            int64  `json:"id"`
	Type          string `json:"type"`
	Status        string `json:"status"`
	Title         string `json:"title"`
	Name          string `json:"name"`
	Content       string `json:"content"`
	Excerpt       string `json:"excerpt"`
	Parent        int64  `json:"parent"`
	MenuOrder     int    `json:"menu_order"`
	Date          string `json:"date"`
	AttachmentURL string `json:"attachment_url"`
	Alt           string `json:"alt"`
	Thumbnail     string `json:"thumbnail"`
}

// pickPosts finds renderedPosts' ids in the export, and returns its
// posts, pages and attachments as JSON for WordPress.
func pickPosts(t *testing.T, sample string) ([]int64, map[int64]string, []byte) {
	t.Helper()
	f, err := os.Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{}
	for _, title := range renderedPosts {
		want[title] = true
	}
	titles := map[int64]string{}
	var ids []int64
	var items []wpItem
	rd := wxr.NewReader(f)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		it, ok := rec.(*wxr.Item)
		if !ok || (it.Type != "post" && it.Type != "page" && it.Type != "attachment") {
			continue
		}
		items = append(items, wpItem{ID: it.ID, Type: it.Type, Status: it.Status, Title: it.Title, Name: it.Name, Content: it.Content,
			Excerpt: it.Excerpt, Parent: it.Parent, MenuOrder: it.MenuOrder, Date: it.Date, AttachmentURL: it.AttachmentURL,
			Alt: it.MetaValue("_wp_attachment_image_alt"), Thumbnail: it.MetaValue("_thumbnail_id")})
		if it.Type != "attachment" && want[it.Title] {
			delete(want, it.Title)
			ids = append(ids, it.ID)
			titles[it.ID] = it.Title
		}
	}
	if len(want) > 0 {
		t.Fatalf("not in the export: %v", want)
	}
	b, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	return ids, titles, b
}

// importWithUploads imports the export with every file it names in an
// uploads folder.
func importWithUploads(t *testing.T, db *sqlstore.DB, sample string) {
	t.Helper()
	files, _ := wptest.OldFiles(t, sample, "")
	dir := t.TempDir()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	uploads, err := wordpress.OpenUploadsDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer uploads.Close()
	f, err := os.Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im := storetest.NewImporter(db, 50)
	im.Files = uploads
	im.Library = &upload.Library{Storage: sqlstore.NewDBStorage(db), Store: db}
	if sum, err := im.Import(context.Background(), f); err != nil {
		t.Fatalf("import: %v\n%s", err, sum)
	}
}

// mediaNames maps the library's local addresses (originals and
// renditions) to the file names they were imported from.
func mediaNames(t *testing.T, db *sqlstore.DB) map[string]string {
	t.Helper()
	list, _, err := db.FindMedia(context.Background(), communique.MediaFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, m := range list {
		names["/media/"+m.Key] = m.Filename
		for _, v := range m.Variants {
			names["/media/"+v.Key] = m.Filename
		}
	}
	return names
}

// readAllowlist reads "post title | aspect | reason" lines.
func readAllowlist(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/render-allowlist.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	allow := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " | ", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" {
			t.Fatalf("allowlist line %q is not \"post | aspect | reason\"", line)
		}
		allow[parts[0]+" | "+parts[1]] = parts[2]
	}
	return allow
}

var (
	sizeSuffix = regexp.MustCompile(`-\d+x\d+(\.[a-zA-Z0-9]+)$`)
	alignClass = regexp.MustCompile(`^align(?:left|right|center|wide|full|none)$`)
	columnsOf  = regexp.MustCompile(`^(?:gallery-)?columns-(\d+)$`)
)

// features are a body's aspects as comparable strings.
func features(body, siteURL string, names map[string]string) map[string]string {
	f := map[string][]string{}
	var text strings.Builder
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return map[string]string{"text": "unparsable: " + err.Error()}
	}
	// fileName is a file's name, its size suffix dropped; ok is false
	// for an address that is not one of the media files.
	fileName := func(ref string) (string, bool) {
		ref = strings.SplitN(strings.SplitN(ref, "?", 2)[0], "#", 2)[0]
		if name, ok := names[ref]; ok {
			return sizeSuffix.ReplaceAllString(name, "$1"), true
		}
		if strings.Contains(ref, "/wp-content/uploads/") || strings.Contains(ref, wptest.FilesHost) || strings.HasPrefix(ref, "/media/") {
			return sizeSuffix.ReplaceAllString(path.Base(ref), "$1"), true
		}
		return "", false
	}
	inPlayer := 0
	var walk func(n *html.Node, inGallery bool)
	walk = func(n *html.Node, inGallery bool) {
		switch n.Type {
		case html.TextNode:
			if inPlayer == 0 {
				text.WriteString(n.Data)
			}
		case html.CommentNode:
			if strings.TrimSpace(n.Data) == "nextpage" {
				f["pages"] = append(f["pages"], "break")
			}
		case html.ElementNode:
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			classes := strings.Fields(attr["class"])
			// Which element carries the class differs with the theme's
			// HTML5 support (a caption is a div or a figure): the image
			// or the box around it is what counts.
			for _, c := range classes {
				if alignClass.MatchString(c) && n.Data == "img" {
					f["align"] = append(f["align"], "img."+c)
				} else if alignClass.MatchString(c) {
					f["align"] = append(f["align"], "box."+c)
				}
			}
			if blockElements[n.Data] {
				text.WriteString(" ")
			}
			switch n.Data {
			case "script", "style":
				return
			case "hr":
				if hasClass(classes, "wp-block-nextpage") {
					f["pages"] = append(f["pages"], "break")
				}
			case "h1", "h2", "h3", "h4", "h5", "h6":
				f["headings"] = append(f["headings"], n.Data+": "+norm(textOf(n)))
			case "a":
				href := attr["href"]
				if name, ok := fileName(href); ok {
					href = "file " + name
				} else {
					href = strings.TrimPrefix(href, siteURL)
				}
				f["links"] = append(f["links"], href)
			case "img":
				if name, ok := fileName(attr["src"]); ok {
					f["images"] = append(f["images"], name)
				} else {
					f["images"] = append(f["images"], attr["src"])
				}
			case "audio", "video", "source":
				kind := n.Data
				if kind == "source" && n.Parent != nil {
					kind = n.Parent.Data
				}
				for _, k := range []string{"src", "poster"} {
					if v := attr[k]; v != "" {
						name, _ := fileName(v)
						if name == "" {
							name = v
						}
						f["media"] = append(f["media"], kind+" "+k+" "+name)
					}
				}
			}
			// What a player holds shows only where nothing plays: not
			// text a reader sees, but its links count.
			if n.Data == "audio" || n.Data == "video" {
				inPlayer++
				defer func() { inPlayer-- }()
			}
			if !inGallery && (hasClass(classes, "gallery") || hasClass(classes, "wp-block-gallery")) {
				cols := "default"
				for _, c := range classes {
					if m := columnsOf.FindStringSubmatch(c); m != nil {
						cols = m[1]
					}
				}
				f["gallery"] = append(f["gallery"], fmt.Sprintf("%d items in %s columns", strings.Count(renderNode(n), "<img "), cols))
				inGallery = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inGallery)
		}
	}
	walk(doc, false)
	out := map[string]string{"text": norm(text.String())}
	for k, v := range f {
		if k == "align" {
			sort.Strings(v)
		}
		out[k] = strings.Join(v, "; ")
	}
	return out
}

// blockElements are those between whose texts a reader sees a break.
var blockElements = map[string]bool{"p": true, "div": true, "figure": true, "figcaption": true, "li": true, "br": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "td": true, "th": true, "tr": true,
	"blockquote": true, "pre": true, "table": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "hr": true}

func hasClass(classes []string, c string) bool {
	for _, x := range classes {
		if x == c {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func renderNode(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

// typography undoes wptexturize, which WordPress applies when it shows a
// body (curly quotes, dashes, ellipses, ×) and Communiqué does not: the
// words are the same.
var typography = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u2032", "'", "\u201c", `"`, "\u201d", `"`, "\u2033", `"`,
	"\u2014", "-", "\u2013", "-", "---", "-", "--", "-", "\u2026", "...", "\u00d7", "x", "\u00a0", " ")

func norm(s string) string { return strings.Join(strings.Fields(typography.Replace(s)), " ") }

// firstDifference shows where two long strings part: a few words around
// the first word that differs.
func firstDifference(a, b string) (string, string) {
	wa, wb := strings.Fields(a), strings.Fields(b)
	i := 0
	for i < len(wa) && i < len(wb) && wa[i] == wb[i] {
		i++
	}
	window := func(w []string) string {
		from, to := max(0, i-6), min(len(w), i+10)
		s := strings.Join(w[from:to], " ")
		if from > 0 {
			s = "… " + s
		}
		if to < len(w) {
			s += " …"
		}
		return fmt.Sprintf("%s (%d words)", s, len(w))
	}
	return window(wa), window(wb)
}
