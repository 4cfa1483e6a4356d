package storeops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"communique"
	"communique/sqlite"
	"communique/sqlstore"
	"communique/storeops"
	"communique/storetest"
)

// TestCatalogue proves the catalogue is every table of both schemas with
// their columns: a migration that adds a table or a column fails here
// until the catalogue knows it.
func TestCatalogue(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		have, err := db.Engine().Tables(context.Background(), db.ReadPool())
		if err != nil {
			t.Fatal(err)
		}
		for name, cols := range have {
			tab, ok := storeops.FindTable(name)
			if !ok {
				t.Errorf("table %s is not in the catalogue", name)
				continue
			}
			slices.Sort(cols)
			want := tab.ColumnNames()
			slices.Sort(want)
			if !slices.Equal(cols, want) {
				t.Errorf("table %s has columns %v, the catalogue %v", name, cols, want)
			}
		}
		for _, tab := range storeops.Tables {
			if _, ok := have[tab.Name]; !ok {
				t.Errorf("the catalogue's table %s is not in the schema", tab.Name)
			}
		}
	})
}

// TestCatalogueKinds proves each column's kind, each key and each
// identity column are what PostgreSQL, which types its columns, has.
func TestCatalogueKinds(t *testing.T) {
	db := storetest.PostgreSQL.Open(t)
	kinds := map[string]storeops.Kind{"bigint": storeops.Int, "integer": storeops.Int, "smallint": storeops.Int, "text": storeops.Text,
		"timestamp with time zone": storeops.Time, "boolean": storeops.Bool, "double precision": storeops.Float, "bytea": storeops.Bytes}
	for _, tab := range storeops.Tables {
		rows, err := db.ReadPool().Query(`SELECT column_name, data_type, is_identity FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, tab.Name)
		if err != nil {
			t.Fatal(err)
		}
		types, identity := map[string]string{}, ""
		for rows.Next() {
			var col, typ, ident string
			rows.Scan(&col, &typ, &ident)
			types[col] = typ
			if ident == "YES" {
				identity = col
			}
		}
		rows.Close()
		for _, c := range tab.Columns {
			if k, ok := kinds[types[c.Name]]; !ok || k != c.Kind {
				t.Errorf("%s.%s is %s in PostgreSQL, %s in the catalogue", tab.Name, c.Name, types[c.Name], c.Kind)
			}
		}
		if identity != tab.Identity {
			t.Errorf("%s: identity column %q, the catalogue %q", tab.Name, identity, tab.Identity)
		}
	}
}

// TestCatalogueOrder proves the catalogue lists a table after those it
// refers to, keys and references as SQLite declares them.
func TestCatalogueOrder(t *testing.T) {
	db := storetest.SQLite.Open(t)
	seen := map[string]bool{}
	for _, tab := range storeops.Tables {
		rows, err := db.ReadPool().Query(`SELECT "table", "from" FROM pragma_foreign_key_list(?)`, tab.Name)
		if err != nil {
			t.Fatal(err)
		}
		refs := map[string]string{}
		for rows.Next() {
			var parent, col string
			rows.Scan(&parent, &col)
			refs[col] = parent
		}
		rows.Close()
		for _, c := range tab.Columns {
			if refs[c.Name] != c.Ref {
				t.Errorf("%s.%s refers to %q, the catalogue says %q", tab.Name, c.Name, refs[c.Name], c.Ref)
			}
			if c.Ref != "" && c.Ref != tab.Name && !seen[c.Ref] {
				t.Errorf("%s comes before %s, which it refers to", tab.Name, c.Ref)
			}
		}
		var key []string
		rows, err = db.ReadPool().Query(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, tab.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			rows.Scan(&k)
			key = append(key, k)
		}
		rows.Close()
		if !slices.Equal(key, tab.Key) {
			t.Errorf("%s has key %v, the catalogue %v", tab.Name, key, tab.Key)
		}
		seen[tab.Name] = true
	}
	if storeops.Tables[0].Name != "settings" {
		t.Errorf("first table %s, want settings (search triggers read it)", storeops.Tables[0].Name)
	}
}

// fill gives a store rows of every kind of value: text in several
// scripts, times, booleans, a float, bytes, NULLs, a reply whose parent
// has a higher id.
func fill(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
	a := storetest.MustCreateArticle(t, db, author, "Hafenbrücke öffnet — 港の橋", "The **bridge** is open.")
	storetest.MustCreateArticle(t, db, author, "Zebra crossing", "Text.")
	for _, text := range []string{"First!", "Ünïcode ✓"} {
		c := &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "r@example.com", Text: text, HTML: "<p>" + text + "</p>", Status: communique.CommentApproved}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	storetest.MustCreateMedia(t, db, author, "A bridge")
	if _, err := db.WritePool().Exec(db.Engine().Rebind(`INSERT INTO media_blobs (key, data, created_at) VALUES (?, ?, ?)`),
		"ab/abc.jpg", []byte{0, 1, 2, 0xff}, db.Engine().Time(db.Now())); err != nil {
		t.Fatal(err)
	}
	// Settings keys differ in case: the checksum's order is bytewise.
	for _, k := range []string{"Zeta", "alpha", "beta"} {
		if _, err := db.WritePool().Exec(db.Engine().Rebind(`INSERT INTO settings (key, value) VALUES (?, ?)`), k, "v"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChecksumAcrossStores copies a site from SQLite to PostgreSQL and
// finds every table's checksum the same on both, as Checksums (a backup's
// manifest), Dump and VerifyCopy compute it; a changed row shows.
func TestChecksumAcrossStores(t *testing.T) {
	ctx := context.Background()
	src, dst := storetest.SQLite.Open(t), storetest.PostgreSQL.Open(t)
	fill(t, src)
	if err := storeops.Copy(ctx, dst, src, storeops.CopyOptions{}); err != nil {
		t.Fatal(err)
	}
	a, err := storeops.Checksums(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := storeops.Checksums(ctx, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	dumped, err := storeops.Dump(ctx, dst, func(string) (io.Writer, error) { return io.Discard, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(a) < 25 {
		t.Fatalf("only %d tables summed", len(a))
	}
	for name, sa := range a {
		if sb := b[name]; sa.SHA256 != sb.SHA256 || sa.Rows != sb.Rows {
			t.Errorf("%s: SQLite %d rows %s, PostgreSQL %d rows %s", name, sa.Rows, sa.SHA256[:12], sb.Rows, sb.SHA256[:12])
		}
		if sd := dumped[name]; sd.SHA256 != sa.SHA256 {
			t.Errorf("%s: the dump sums %s, Checksums %s", name, sd.SHA256[:12], sa.SHA256[:12])
		}
	}
	if a["comments"].Rows != 2 || a["settings"].Rows < 3 {
		t.Errorf("comments %d rows, settings %d: the fixture did not land", a["comments"].Rows, a["settings"].Rows)
	}
	checks, err := storeops.VerifyCopy(ctx, dst, src, storeops.CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if !c.OK() {
			t.Errorf("VerifyCopy: %s differs", c.Table)
		}
	}

	if _, err := dst.WritePool().Exec(`UPDATE comments SET text = text || '!' WHERE id = (SELECT MIN(id) FROM comments)`); err != nil {
		t.Fatal(err)
	}
	b, err = storeops.Checksums(ctx, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, sa := range a {
		if changed := b[name].SHA256 != sa.SHA256; changed != (name == "comments") {
			t.Errorf("%s: changed = %v after one comment was edited", name, changed)
		}
	}
}

// TestDumpLoad restores a dump into an emptied store and finds the same
// checksums; the first format's dump (PostgreSQL's text forms) loads too.
func TestDumpLoad(t *testing.T) {
	ctx := context.Background()
	db := storetest.PostgreSQL.Open(t)
	fill(t, db)
	dir := t.TempDir()
	sums, err := storeops.Dump(ctx, db, func(table string) (io.Writer, error) {
		return os.Create(filepath.Join(dir, table+".jsonl"))
	})
	if err != nil {
		t.Fatal(err)
	}
	open := func(table string) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, table+".jsonl")) }
	if err := storeops.Load(ctx, db, sums, open); err != nil {
		t.Fatal(err)
	}
	got, err := storeops.Checksums(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := storeops.CompareTables(sums, got); err != nil {
		t.Error(err)
	}
	u := &communique.User{Login: "newcomer", Email: "n@example.com", Role: communique.RoleAuthor, DisplayName: "N"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatalf("a user after the load: %v (ids did not move on)", err)
	}

	// A first-format line: PostgreSQL's text output of a media_blobs row.
	v1 := map[string]storeops.TableSum{"media_blobs": {Rows: 1, Columns: []string{"key", "data", "created_at"}}}
	line, _ := json.Marshal([]string{"cd/cde.png", `\x00ff`, "2026-01-02 10:00:00.123456+00"})
	err = storeops.Load(ctx, db, v1, func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(line)), nil })
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	var created string
	if err := db.ReadPool().QueryRow(`SELECT data, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM media_blobs`).Scan(&data, &created); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, []byte{0, 0xff}) || created != "2026-01-02 10:00:00.123456" {
		t.Errorf("loaded % x at %s", data, created)
	}
}

// TestArchive writes a backup, reads it back, and checks the manifest;
// a manifest of the first format is read and verified by row counts.
func TestArchive(t *testing.T) {
	ctx := context.Background()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		fill(t, db)
		var buf bytes.Buffer
		m, err := storeops.Write(ctx, &buf, storeops.Source{Store: db, OpenSnapshot: func(ctx context.Context, path string) (storeops.Snapshot, error) {
			return sqlite.OpenReadOnly(ctx, path)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if m.Format != storeops.Format || m.Store != db.Dialect() || m.Tables["comments"].Rows != 2 {
			t.Fatalf("manifest %s of %s, %d comments", m.Format, m.Store, m.Tables["comments"].Rows)
		}
		read, err := storeops.Read(ctx, bytes.NewReader(buf.Bytes()), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		got, err := storeops.Checksums(ctx, db, read.Columns())
		if err != nil {
			t.Fatal(err)
		}
		if err := read.Verify(got); err != nil {
			t.Errorf("the store differs from its own backup: %v", err)
		}

		// The first format's table sums were of another form: only the
		// row counts are compared.
		read.Format = storeops.FormatV1
		for name, ts := range read.Tables {
			ts.SHA256 = strings.Repeat("0", 64)
			read.Tables[name] = ts
		}
		if err := read.Verify(got); err != nil {
			t.Errorf("first format: %v", err)
		}
		ts := read.Tables["comments"]
		ts.Rows++
		read.Tables["comments"] = ts
		if err := read.Verify(got); err == nil || !strings.Contains(err.Error(), "comments has 2 rows, the backup 3") {
			t.Errorf("first format with a row missing: %v", err)
		}
	})
}

// TestCheckIntegrity finds a broken rule between rows.
func TestCheckIntegrity(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		fill(t, db)
		ctx := context.Background()
		if problems, err := storeops.CheckIntegrity(ctx, db); err != nil || len(problems) > 0 {
			t.Fatalf("a sound store: %v %v", problems, err)
		}
		if _, err := db.WritePool().Exec(`UPDATE articles SET comment_count = comment_count + 5`); err != nil {
			t.Fatal(err)
		}
		problems, err := storeops.CheckIntegrity(ctx, db)
		if err != nil || len(problems) != 1 || !strings.Contains(problems[0], "comment count") {
			t.Errorf("problems = %v, %v", problems, err)
		}
	})
}
