package wxr_test

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"communique/wxr"
)

// FuzzWXR feeds arbitrary bytes to the reader: it must never panic, and
// whatever it reads must survive being written and read again.
func FuzzWXR(f *testing.F) {
	f.Add([]byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>` +
		`<wp:author><wp:author_login>a</wp:author_login></wp:author>` +
		`<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>c</wp:category_nicename><wp:cat_name>C</wp:cat_name></wp:category>` +
		`<item><title>T</title><wp:post_id>2</wp:post_id><wp:comment><wp:comment_id>3</wp:comment_id></wp:comment></item></channel></rss>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><rss/>`))
	f.Add([]byte(`<rss><channel><item><content:encoded><p>x</p></content:encoded></item></channel></rss>`))
	if p := os.Getenv("COMMUNIQUE_WXR_SAMPLE"); p != "" {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := readAll(t, bytes.NewReader(data))
		if err != nil {
			if _, ok := err.(*wxr.Error); !ok {
				t.Fatalf("error %T %v is not a *wxr.Error", err, err)
			}
			return
		}
		var buf bytes.Buffer
		var w *wxr.Writer
		for _, rec := range recs {
			switch v := rec.(type) {
			case *wxr.Channel:
				w, err = wxr.NewWriter(&buf, v)
			case *wxr.Author:
				err = w.WriteAuthor(v)
			case *wxr.Term:
				err = w.WriteTerm(v)
			case *wxr.Item:
				err = w.WriteItem(v)
			case *wxr.Comment:
				err = w.WriteComment(v)
			}
			if err != nil {
				t.Fatalf("write %T: %v", rec, err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := readAll(t, &buf)
		if err != nil {
			t.Fatalf("reading what was written: %v\n%s", err, buf.String())
		}
		normalize(recs)
		normalize(again)
		if !reflect.DeepEqual(recs, again) {
			t.Fatalf("records changed on a round trip:\n%#v\n%#v", recs, again)
		}
	})
}

// normalize clears what the writer rightly does not carry over: the
// version (always 1.2) and parents of flat taxonomies.
func normalize(recs []any) {
	for _, rec := range recs {
		switch v := rec.(type) {
		case *wxr.Channel:
			v.WXRVersion = "1.2"
		case *wxr.Term:
			if v.Taxonomy == wxr.TaxonomyTag {
				v.Parent = ""
			}
		}
	}
}
