package wordpress_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wordpress"
	"communique/wxr"
)

func newImporter(db *sqlstore.DB) *wordpress.Importer {
	avatars := avatar.New([]byte("k"))
	return &wordpress.Importer{Store: db, Articles: newsroom.New(db), Comments: discussion.New(db, avatars, nil), Avatar: avatars.Hash, BatchSize: 2}
}

const (
	head    = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	docOpen = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://old.example.com</wp:base_blog_url>
<wp:author><wp:author_login>ann</wp:author_login><wp:author_email>ann@example.com</wp:author_email></wp:author>`
	docClose = `</channel></rss>`
)

func post(id int) string {
	return fmt.Sprintf(`<item><title>Post %d</title><dc:creator>ann</dc:creator><content:encoded>Body %d</content:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date_gmt>2020-01-0%d 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>Reader</wp:comment_author><wp:comment_content>Hi</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>`, id, id, id, id%9+1, id*10)
}

// TestImportBadInput: hostile and broken files give a clear error, never
// a panic, and the summary says exactly what was stored before it.
func TestImportBadInput(t *testing.T) {
	two := post(1) + post(2)
	tests := []struct {
		name      string
		doc       string
		want      error
		wantPosts int
	}{
		{"ErrXXE", head + `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + docOpen + `<item><title>&xxe;</title></item>` + docClose, wxr.ErrDTD, 0},
		{"ErrBillionLaughs", head + `<!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` + docOpen + `<item><title>&c;</title></item>` + docClose, wxr.ErrDTD, 0},
		{"ErrDeepNestingAfterTwoPosts", head + docOpen + two + `<item><title>Deep</title><content:encoded>` + strings.Repeat("<div>", 10000) + strings.Repeat("</div>", 10000) + `</content:encoded></item>` + docClose, wxr.ErrTooDeep, 2},
		{"ErrTruncatedAfterTwoPosts", head + docOpen + two + `<item><title>Cut short`, wxr.ErrTruncated, 2},
		{"ErrNotXML", "This is a plain text file, not an export.", wxr.ErrNotWXR, 0},
		{"ErrHTMLPage", head + `<html><head><title>Export</title></head><body></body></html>`, wxr.ErrNotWXR, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.SQLite.Open(t)
			sum, err := newImporter(db).Import(context.Background(), strings.NewReader(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), "wxr: ") {
				t.Errorf("err = %q does not say where it comes from", err)
			}
			if got := sum.Counts["posts"].Total(); got != tt.wantPosts {
				t.Errorf("summary says %d posts, want %d\n%s", got, tt.wantPosts, sum)
			}
			list, _, ferr := db.FindArticles(context.Background(), communique.ArticleFilter{})
			if ferr != nil || len(list) != tt.wantPosts {
				t.Errorf("store holds %d articles (%v), want %d", len(list), ferr, tt.wantPosts)
			}
			if tt.wantPosts > 0 {
				if n := sum.Counts["comments"].Total(); n != tt.wantPosts {
					t.Errorf("comments = %d, want %d", n, tt.wantPosts)
				}
				for _, a := range list {
					if a.CommentCount != 1 {
						t.Errorf("%s: comment count %d, want 1 (counts refreshed after an error too)", a.Title, a.CommentCount)
					}
				}
			}
		})
	}
}

func TestImportCancelled(t *testing.T) {
	db := storetest.SQLite.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newImporter(db).Import(ctx, strings.NewReader(head+docOpen+post(1)+docClose))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// writeSyntheticExport writes an export of posts with comments, a third
// of them replies, the way a busy news site's export looks.
func writeSyntheticExport(tb testing.TB, comments, perPost int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "synthetic.xml")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	w, err := wxr.NewWriter(buf, &wxr.Channel{Title: "Busy", Link: "https://busy.example.com", BaseBlogURL: "https://busy.example.com"})
	if err != nil {
		tb.Fatal(err)
	}
	w.WriteAuthor(&wxr.Author{ID: 1, Login: "editor", Email: "editor@example.com", DisplayName: "Editor"})
	w.WriteTerm(&wxr.Term{ID: 1, Taxonomy: wxr.TaxonomyCategory, Slug: "news", Name: "News"})
	statuses := []string{"1", "1", "1", "1", "0", "spam"}
	day := time.Date(2015, 1, 1, 8, 0, 0, 0, time.UTC)
	commentID := int64(0)
	for p := int64(1); commentID < int64(comments); p++ {
		when := day.Add(time.Duration(p) * time.Hour)
		w.WriteItem(&wxr.Item{
			Title: "Story number " + strconv.FormatInt(p, 10), Link: fmt.Sprintf("https://busy.example.com/2015/01/01/story-%d/", p),
			Creator: "editor", GUID: fmt.Sprintf("https://busy.example.com/?p=%d", p),
			Content: "The council met.\n\nIt decided things, <em>again</em>.", ID: p, Date: when.Format("2006-01-02 15:04:05"),
			DateGMT: when.Format("2006-01-02 15:04:05"), CommentStatus: "open", Name: fmt.Sprintf("story-%d", p), Status: "publish", Type: "post",
			Terms: []wxr.ItemTerm{{Domain: "category", Nicename: "news", Name: "News"}},
		})
		first := commentID + 1
		for i := 0; i < perPost && commentID < int64(comments); i++ {
			commentID++
			parent := int64(0)
			if i%3 == 2 {
				parent = commentID - 1 - int64(i%7)%(commentID-first+1)
				if parent < first {
					parent = first
				}
			}
			at := when.Add(time.Duration(i) * time.Minute)
			w.WriteComment(&wxr.Comment{
				ID: commentID, Author: "Reader " + strconv.Itoa(i%500), AuthorEmail: fmt.Sprintf("reader%d@example.com", i%500),
				AuthorURL: "https://reader.example.org", AuthorIP: "192.0.2." + strconv.Itoa(i%250),
				Date: at.Format("2006-01-02 15:04:05"), DateGMT: at.Format("2006-01-02 15:04:05"),
				Content:  "I read this with interest. The council should have listened to the residents first; <b>twice</b> now.\nRegards.",
				Approved: statuses[i%len(statuses)], Type: "comment", Parent: parent,
			})
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := buf.Flush(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkImportComments imports a generated export and reports
// comments per second and the largest heap seen, which stays flat
// however large the file. COMMUNIQUE_BENCH_COMMENTS sets how many
// comments (default 20,000); the goal is 1,000,000 in under 2 minutes:
//
//	COMMUNIQUE_BENCH_COMMENTS=1000000 go test ./wordpress -run - -bench ImportComments -benchtime 1x
func BenchmarkImportComments(b *testing.B) {
	n := 20000
	if v := os.Getenv("COMMUNIQUE_BENCH_COMMENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("COMMUNIQUE_BENCH_COMMENTS=%q is not a number", v)
		}
	}
	path := writeSyntheticExport(b, n, 1000)
	var elapsed time.Duration
	var peak atomic.Uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.SQLite.Open(b)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			// runtime/metrics reads the heap without stopping the world.
			sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			for {
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		avatars := avatar.New([]byte("k"))
		im := &wordpress.Importer{Store: db, Articles: newsroom.New(db), Comments: discussion.New(db, avatars, nil), Avatar: avatars.Hash}
		sum, err := im.Import(context.Background(), f)
		elapsed += time.Since(start)
		b.StopTimer()
		close(stop)
		wg.Wait()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if got := sum.Counts["comments"].Total(); got != n {
			b.Fatalf("imported %d comments, want %d", got, n)
		}
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "comments/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}
