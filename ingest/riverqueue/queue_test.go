package riverqueue_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"kntc/ingest"
	"kntc/ingest/riverqueue"
	"kntc/internal/testenv"
	"kntc/storage/postgres"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

// blocker is a Processor whose documents run until released.
type blocker struct {
	mu      sync.Mutex
	calls   map[string]int
	started chan string
	release chan struct{}
}

func (b *blocker) Process(ctx context.Context, id string, _ bool) error {
	b.mu.Lock()
	b.calls[id]++
	b.mu.Unlock()
	b.started <- id
	select {
	case <-b.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *blocker) count(id string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[id]
}

type dialect struct {
	name   string
	open   func(t *testing.T) (*sqldb.DB, riverdriver.Driver[*sql.Tx])
	stale  string // SQL making job $1 look started long ago by a dead worker
	runFor string // SQL: seconds job $1 has been running, by the database's clock
}

func dialects() []dialect {
	return []dialect{
		{"sqlite", func(t *testing.T) (*sqldb.DB, riverdriver.Driver[*sql.Tx]) {
			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
			must(t, err)
			t.Cleanup(func() { db.Close() })
			return db, riversqlite.New(db.SQL())
		}, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', '-1 hour'), attempted_by = jsonb('["dead-node"]') WHERE id = ?`,
			`SELECT (julianday('now') - julianday(created_at)) * 86400 FROM river_job WHERE id = ?`},
		{"postgres", func(t *testing.T) (*sqldb.DB, riverdriver.Driver[*sql.Tx]) {
			db, pool, err := postgres.Open(t.Context(), testenv.PostgresDatabase(t))
			must(t, err)
			t.Cleanup(func() { db.Close() })
			return db, riverdatabasesql.NewWithPgxListener(db.SQL(), pool)
		}, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 hour', attempted_by = ARRAY['dead-node'] WHERE id = $1`,
			`SELECT EXTRACT(EPOCH FROM now() - created_at) FROM river_job WHERE id = $1`},
	}
}

// TestHeartbeat: a job whose worker died (no heartbeat) is taken over by another
// worker; a job running far longer than that, alive, is never taken from its
// worker, though another worker sweeps all along.
func TestHeartbeat(t *testing.T) {
	for _, d := range dialects() {
		t.Run(d.name, func(t *testing.T) {
			ctx := t.Context()
			db, driver := d.open(t)
			_, err := db.Migrate(ctx)
			must(t, err)
			cfg := func(id string) riverqueue.Config {
				return riverqueue.Config{ID: id, Workers: 2, PollInterval: 50 * time.Millisecond, Heartbeat: 100 * time.Millisecond, StaleAfter: 3 * time.Second}
			}
			inserter, err := riverqueue.New(db, driver, nil, cfg("inserter"))
			must(t, err)
			register := func(id string) int64 {
				must(t, inserter.Register(ctx, &ingest.Document{ID: id, Status: ingest.StatusReceived, SHA256: id + "00", Filename: id}))
				var job int64
				must(t, db.SQL().QueryRowContext(ctx, `SELECT id FROM river_job ORDER BY id DESC LIMIT 1`).Scan(&job))
				return job
			}
			// A dead worker's job, from before these workers started.
			dead := register("01900000-0000-7000-8000-00000000dead")
			_, err = db.SQL().ExecContext(ctx, d.stale, dead)
			must(t, err)

			b := &blocker{calls: map[string]int{}, started: make(chan string, 10), release: make(chan struct{})}
			var queues []*riverqueue.Queue
			for _, id := range []string{"node-a", "node-b"} {
				q, err := riverqueue.New(db, driver, b, cfg(id))
				must(t, err)
				must(t, q.Start(ctx))
				queues = append(queues, q)
			}
			t.Cleanup(func() {
				for _, q := range queues {
					sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					_ = q.Stop(sctx)
					cancel()
				}
			})
			wait := func(what string) string {
				t.Helper()
				select {
				case id := <-b.started:
					return id
				case <-time.After(2 * time.Minute):
					t.Fatalf("timed out waiting for %s", what)
					return ""
				}
			}
			if id := wait("the dead worker's job to be taken over"); id != "01900000-0000-7000-8000-00000000dead" {
				t.Fatalf("started %s", id)
			}
			long := register("01900000-0000-7000-8000-0000000001a9")
			wait("the long job to start")
			// Running for several times StaleAfter, by the database's clock, while
			// both workers sweep: never taken over.
			deadline := time.Now().Add(2 * time.Minute)
			for {
				var secs float64
				must(t, db.SQL().QueryRowContext(ctx, d.runFor, long).Scan(&secs))
				if secs > 10 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the database's clock does not move")
				}
				time.Sleep(100 * time.Millisecond)
			}
			if n := b.count("01900000-0000-7000-8000-0000000001a9"); n != 1 {
				t.Fatalf("the long job ran %d times, want once", n)
			}
			var state string
			must(t, db.SQL().QueryRowContext(ctx, `SELECT state FROM river_job WHERE id = `+map[bool]string{true: "?", false: "$1"}[d.name == "sqlite"], long).Scan(&state))
			if state != "running" {
				t.Fatalf("the long job is %s, want running", state)
			}
			close(b.release)
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
