package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"communique"
)

// Engine is the behaviour that differs between SQLite and PostgreSQL
// beyond a word of SQL: the sqlite and postgres packages implement it,
// and neither this package nor the operations on a store (storeops) ask
// which database they run on. Methods take the pools or the transaction
// they work in, so an implementation needs nothing else of the store.
type Engine interface {
	// Name is "sqlite" or "postgres", for people and backup manifests.
	Name() string
	// Rebind writes the ? placeholders of query as the database wants.
	Rebind(query string) string
	// Time converts a time for binding as a parameter.
	Time(t time.Time) any
	// Tables returns the columns of every ordinary table, as the
	// database's own catalogue has them: search indexes, and columns the
	// database derives by itself, left out.
	Tables(ctx context.Context, db *sql.DB) (map[string][]string, error)
	// BeginRead begins a read-only transaction that sees one moment of
	// the store, however much is written meanwhile.
	BeginRead(ctx context.Context, db *sql.DB) (*sql.Tx, error)
	// Bytewise returns the ORDER BY term that sorts the text column col
	// byte by byte, as both databases then agree on the order.
	Bytewise(col string) string
	// Snapshot writes a consistent copy of the database to the file path
	// and reports true; false (and no error) when the store is not one
	// file, and is then dumped table by table.
	Snapshot(ctx context.Context, db *sql.DB, path string) (bool, error)
	// EmptyTables removes every row of the tables, whose generated ids
	// start again.
	EmptyTables(ctx context.Context, tx *sql.Tx, tables []string) error
	// FollowIDs makes the generated values of table.col continue after
	// the highest there is, once rows came in with their ids.
	FollowIDs(ctx context.Context, tx *sql.Tx, table, col string) error
	// Analyze gathers the planner's statistics of tables just filled.
	Analyze(ctx context.Context, db *sql.DB, tables []string) error
	// CheckFile returns what the database's own checks of its storage
	// find wrong; none where the server keeps that to itself.
	CheckFile(ctx context.Context, write, read *sql.DB) ([]string, error)
	// RefreshStatistics gathers statistics of tables changed much since
	// last time, now and then during a long run.
	RefreshStatistics(ctx context.Context, write *sql.DB) error
	// Optimize compacts the search index and gathers statistics after a
	// bulk load.
	Optimize(ctx context.Context, write *sql.DB) error
	// PrepareBulkWrites sets up the writer for a large import.
	PrepareBulkWrites(ctx context.Context, write *sql.DB) error
	// ReserveIDs returns n ids of table that no other row will get.
	ReserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error)
	// RebuildSearch makes the articles' search index again, in the
	// search language, inside tx.
	RebuildSearch(ctx context.Context, tx *sql.Tx, language string) error
	// PrepareSearch readies a full-text search over the published
	// articles read through r; nil when the query holds nothing to look
	// for (only words the language ignores).
	PrepareSearch(ctx context.Context, r Querier, q SearchQuery) (Searcher, error)
}

// SearchQuery is a search as an Engine runs it.
type SearchQuery struct {
	Terms  []communique.SearchTerm
	Filter communique.SearchFilter
	// Categories are the filter's category and its descendants.
	Categories []int64
	// Language reads the search_language setting, for the engines that
	// need it (a query saved where it is not).
	Language func(context.Context) string
	// Before is now: articles published later are not out yet.
	Before time.Time
	// PlanForValues is the dialect's (see Dialect).
	PlanForValues any
}

// Searcher is one prepared search.
type Searcher interface {
	// Rank returns the ids of the newest MaxSearchResults matches, newest
	// first, and the relevance of the newest SearchRankWindow of them
	// (higher is better).
	Rank(ctx context.Context) ([]int64, map[int64]float64, error)
	// Snippets returns the title, excerpt and body of the articles ids
	// with the matching words marked, trimmed around them.
	Snippets(ctx context.Context, ids []int64) (map[int64]SearchSnippet, error)
}

// SearchSnippet is an article's text with the matching words marked.
type SearchSnippet struct{ Title, Excerpt, Body string }

// ScanTableColumns reads the (table, column) rows an engine's Tables
// query returns, in order, and closes rows; err is the query's.
func ScanTableColumns(rows *sql.Rows, err error) (map[string][]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tables := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		tables[t] = append(tables[t], c)
	}
	return tables, rows.Err()
}

// ScanSnippets reads the (id, title, excerpt, body) rows an engine's
// Snippets query returns, for n ids, and closes rows; err is the query's.
func ScanSnippets(rows *sql.Rows, err error, n int) (map[int64]SearchSnippet, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	snips := make(map[int64]SearchSnippet, n)
	for rows.Next() {
		var id int64
		var sn SearchSnippet
		if err := rows.Scan(&id, &sn.Title, &sn.Excerpt, &sn.Body); err != nil {
			return nil, err
		}
		snips[id] = sn
	}
	return snips, rows.Err()
}

// Querier is a pool or a transaction, as an Engine reads through it.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Engine returns the store's engine.
func (db *core) Engine() Engine { return db.dialect.Engine }

// WritePool returns the pool that writes. Operations on the whole store
// (copy, load, checks) use it with the Engine; the services never do.
func (db *core) WritePool() *sql.DB { return db.write }

// ReadPool returns the pool that reads, never a replica.
func (db *core) ReadPool() *sql.DB { return db.read }
