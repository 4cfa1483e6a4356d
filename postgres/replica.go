package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"communique"
	"communique/sqlstore"
)

// Replicas routes anonymous readers' queries to PostgreSQL streaming
// replicas. A replica serves a read only while it is reachable, still a
// standby, and has replayed the primary's write-ahead log up to the
// barrier: the primary's position at its last health check, or when this
// node last heard of a change (Barrier). So a page rendered after a
// change never comes from a replica that has not seen it yet, and a page
// cache filled from replicas holds nothing older than what invalidated it.
type Replicas struct {
	logger  atomic.Pointer[slog.Logger]
	primary *sql.DB
	list    []*replica
	barrier atomic.Int64 // WAL position a replica must have replayed
	next    atomic.Uint64
	poke    chan struct{} // a read found replicas behind the barrier
	cancel  context.CancelFunc
	done    chan struct{}
	once    sync.Once
}

// ReplicaMaxLag is how far (bytes of write-ahead log) a replica may trail
// the primary before it leaves the rotation; ReplicaCheckInterval is the
// time between health checks.
const (
	ReplicaMaxLag        = 16 << 20
	ReplicaCheckInterval = time.Second
	replicaRecheck       = 20 * time.Millisecond
)

type replica struct {
	name     string // host:port, for logs
	db       *sql.DB
	healthy  atomic.Bool
	replayed atomic.Int64
	served   atomic.Int64
}

// lsnBytes turns a WAL position into a comparable number of bytes.
const lsnBytes = `pg_wal_lsn_diff(%s, '0/0')::bigint`

// OpenWithReplicas opens the primary as Open does and routes anonymous
// reads (contexts marked communique.WithReplicaReads) to the replicas at
// replicaDSNs, checked every second; writes, transactions and everyone
// else read the primary. The Replicas it returns serve Barrier and
// Stats; closing the store stops them.
func OpenWithReplicas(ctx context.Context, primaryDSN string, replicaDSNs []string) (*sqlstore.DB, *Replicas, error) {
	db, primary, err := open(ctx, primaryDSN)
	if err != nil {
		return nil, nil, err
	}
	if len(replicaDSNs) == 0 {
		return db, nil, nil
	}
	rs := &Replicas{primary: primary, poke: make(chan struct{}, 1), done: make(chan struct{})}
	for _, dsn := range replicaDSNs {
		pool, err := sql.Open("pgx", WithConnectTimeout(dsn))
		if err != nil {
			rs.close()
			db.Close()
			return nil, nil, fmt.Errorf("postgres replica: %w", err)
		}
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(10)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		rs.list = append(rs.list, &replica{name: hostPort(dsn), db: pool})
	}
	// A replica joins the rotation only once checked: until then the
	// primary serves everyone.
	rs.Check(ctx)
	var loopCtx context.Context
	loopCtx, rs.cancel = context.WithCancel(context.Background())
	go rs.watch(loopCtx)
	db.ReadRouter = rs.route
	db.OnClose = rs.close
	return db, rs, nil
}

// hostPort names a replica in logs without its password.
func hostPort(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Host != "" {
		return u.Host
	}
	return "replica"
}

func (rs *Replicas) watch(ctx context.Context) {
	defer close(rs.done)
	tick := time.NewTicker(ReplicaCheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-rs.poke:
			// Replicas are usually milliseconds behind: look again soon
			// rather than leave readers on the primary until the tick.
			select {
			case <-ctx.Done():
				return
			case <-time.After(replicaRecheck):
			}
		}
		rs.Check(ctx)
	}
}

func (rs *Replicas) close() {
	rs.once.Do(func() {
		if rs.cancel != nil {
			rs.cancel()
			<-rs.done
		}
		for _, r := range rs.list {
			r.db.Close()
		}
	})
}

// SetLogger makes replicas leaving or rejoining the rotation be logged.
func (rs *Replicas) SetLogger(l *slog.Logger) { rs.logger.Store(l) }

// route picks a replica for an anonymous read, round robin among those
// in rotation and caught up with the barrier; nil sends it to the primary.
func (rs *Replicas) route(ctx context.Context) *sql.DB {
	if !communique.ReplicaReads(ctx) {
		return nil
	}
	barrier := rs.barrier.Load()
	n := uint64(len(rs.list))
	start := rs.next.Add(1)
	behind := false
	for i := uint64(0); i < n; i++ {
		r := rs.list[(start+i)%n]
		if !r.healthy.Load() {
			continue
		}
		if r.replayed.Load() >= barrier {
			r.served.Add(1)
			return r.db
		}
		behind = true
	}
	if behind {
		select {
		case rs.poke <- struct{}{}:
		default:
		}
	}
	return nil
}

// Barrier makes replicas serve reads only once they have replayed
// everything the primary has committed now. Call it on hearing of a
// change, before dropping cached pages, so that their new renderings see
// the change.
func (rs *Replicas) Barrier(ctx context.Context) {
	if rs == nil {
		return
	}
	if lsn, err := rs.primaryLSN(ctx); err == nil {
		rs.raise(lsn)
	}
}

func (rs *Replicas) raise(lsn int64) {
	for {
		cur := rs.barrier.Load()
		if lsn <= cur || rs.barrier.CompareAndSwap(cur, lsn) {
			return
		}
	}
}

func (rs *Replicas) primaryLSN(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var lsn int64
	err := rs.primary.QueryRowContext(ctx, `SELECT `+fmt.Sprintf(lsnBytes, `pg_current_wal_lsn()`)).Scan(&lsn)
	return lsn, err
}

// Check looks at every replica once: one that does not answer within a
// second, is no longer a standby, or trails the primary by more than
// ReplicaMaxLag leaves the rotation; one that is well again rejoins it.
func (rs *Replicas) Check(ctx context.Context) {
	primary, perr := rs.primaryLSN(ctx)
	var wg sync.WaitGroup
	for _, r := range rs.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			var standby bool
			var replayed int64
			err := r.db.QueryRowContext(cctx, `SELECT pg_is_in_recovery(), COALESCE(`+fmt.Sprintf(lsnBytes, `pg_last_wal_replay_lsn()`)+`, 0)`).Scan(&standby, &replayed)
			why := ""
			switch {
			case err != nil:
				why = err.Error()
			case !standby:
				why = "not a standby (promoted?)"
			case perr == nil && primary-replayed > ReplicaMaxLag:
				why = fmt.Sprintf("%d bytes behind the primary", primary-replayed)
			}
			if err == nil {
				r.replayed.Store(replayed)
			}
			ok := why == ""
			if was := r.healthy.Swap(ok); was != ok && rs.logger.Load() != nil {
				if ok {
					rs.logger.Load().Info("replica back in rotation", "replica", r.name)
				} else {
					rs.logger.Load().Warn("replica out of rotation", "replica", r.name, "reason", why)
				}
			}
		}()
	}
	wg.Wait()
	// Writes committed before this check must be on a replica before it
	// serves again: a lagging replica sits out until it has caught up.
	if perr == nil {
		rs.raise(primary)
	}
}

// ReplicaStats is one replica's state, for metrics and tests.
type ReplicaStats struct {
	Name    string
	Healthy bool
	// Served counts the reads routed to it.
	Served int64
}

// Stats returns the replicas' states in the order they were given.
func (rs *Replicas) Stats() []ReplicaStats {
	var out []ReplicaStats
	for _, r := range rs.list {
		out = append(out, ReplicaStats{r.name, r.healthy.Load(), r.served.Load()})
	}
	return out
}
