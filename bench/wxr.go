package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"
)

// The hot article is the first in the export; the harness reads its id
// from the comment form once the site runs.
var (
	hotPath = "/2026/01/15/harbour-bridge-reopens-after-repairs/"
	hotID   = 0
)

var categories = []string{"World", "Politics", "Business", "Science", "Culture", "Sport", "Local", "Health", "Technology", "Opinion"}

var words = strings.Fields(`harbour bridge council vote library river festival market election budget school hospital
train station weather storm report minister mayor court museum theatre season league match
market prices energy climate research university study water street housing transport`)

// writeWXR writes a WordPress export of n articles and m comments: the
// hot article with exactly 50 comments, the rest spread over the others,
// every fourth a reply.
func writeWXR(path string, n, m int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench Gazette</title>
<link>http://bench.example</link>
<description>Generated for the benchmark</description>
<language>en</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://bench.example</wp:base_site_url>
<wp:base_blog_url>http://bench.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[editor]]></wp:author_login><wp:author_email><![CDATA[editor@example.org]]></wp:author_email><wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>
`)
	for i, c := range categories {
		fmt.Fprintf(w, "<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename><![CDATA[%s]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[%s]]></wp:cat_name></wp:category>\n", i+1, strings.ToLower(c), c)
	}
	hotDate := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	commentID := 1
	rest := max(m-50, 0)
	for i := 0; i < n; i++ {
		id := i + 1
		title := fmt.Sprintf("%s %s %s, report %d", capitalize(words[i%len(words)]), words[(i*7)%len(words)], words[(i*13)%len(words)], id)
		slug := fmt.Sprintf("story-%d", id)
		date := hotDate.Add(-time.Duration(i) * time.Hour)
		comments := rest / max(n-1, 1)
		if i > 0 && i-1 < rest%max(n-1, 1) {
			comments++
		}
		if i == 0 {
			title, slug, date, comments = "Harbour bridge reopens after repairs", "harbour-bridge-reopens-after-repairs", hotDate, min(50, m)
		}
		cat := categories[i%len(categories)]
		var body strings.Builder
		for p := 0; p < 6; p++ {
			body.WriteString("<p>")
			for k := 0; k < 40; k++ {
				body.WriteString(words[(i+p*31+k*17)%len(words)])
				body.WriteByte(' ')
			}
			body.WriteString("and so the story goes.</p>\n")
		}
		fmt.Fprintf(w, `<item>
<title><![CDATA[%s]]></title>
<link>http://bench.example/?p=%d</link>
<pubDate>%s</pubDate>
<dc:creator><![CDATA[editor]]></dc:creator>
<guid isPermaLink="false">http://bench.example/?p=%d</guid>
<description></description>
<content:encoded><![CDATA[%s]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>%d</wp:post_id>
<wp:post_date><![CDATA[%s]]></wp:post_date>
<wp:post_date_gmt><![CDATA[%s]]></wp:post_date_gmt>
<wp:comment_status><![CDATA[open]]></wp:comment_status>
<wp:ping_status><![CDATA[closed]]></wp:ping_status>
<wp:post_name><![CDATA[%s]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:post_password><![CDATA[]]></wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
<category domain="category" nicename="%s"><![CDATA[%s]]></category>
`, title, id, date.Format(time.RFC1123Z), id, body.String(), id, date.Format("2006-01-02 15:04:05"), date.Format("2006-01-02 15:04:05"),
			slug, strings.ToLower(cat), cat)
		first := commentID
		for k := 0; k < comments; k++ {
			parent := 0
			if i > 0 && k%4 == 3 {
				parent = commentID - 1
			}
			cd := date.Add(time.Duration(k+1) * time.Minute)
			fmt.Fprintf(w, `<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author><![CDATA[Reader %d]]></wp:comment_author><wp:comment_author_email><![CDATA[reader%d@example.org]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP><![CDATA[127.0.0.%d]]></wp:comment_author_IP><wp:comment_date><![CDATA[%s]]></wp:comment_date><wp:comment_date_gmt><![CDATA[%s]]></wp:comment_date_gmt><wp:comment_content><![CDATA[Comment %d on this story: the %s and the %s matter to all of us here.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>%d</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
`, commentID, commentID%5000, commentID%5000, 1+commentID%250, cd.Format("2006-01-02 15:04:05"), cd.Format("2006-01-02 15:04:05"),
				commentID-first+1, words[commentID%len(words)], words[(commentID*3)%len(words)], parent)
			commentID++
		}
		w.WriteString("</item>\n")
	}
	w.WriteString("</channel>\n</rss>\n")
	return w.Flush()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
