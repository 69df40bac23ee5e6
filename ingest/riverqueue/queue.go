// Package riverqueue runs kntc's document jobs on River (riverqueue.com), durable in
// the metadata database itself: SQLite for the embedded default, PostgreSQL in
// production. A document's row and its first job are written in one transaction.
package riverqueue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"kntc/ingest"
	"kntc/storage/sqldb"
)

// ProcessArgs is the job that takes one document through the pipeline.
type ProcessArgs struct {
	DocumentID string `json:"document_id"`
}

// Kind implements river.JobArgs.
func (ProcessArgs) Kind() string { return "process_document" }

// InsertOpts makes a document's job unique while it is queued or running.
func (ProcessArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{
		ByArgs:  true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled},
	}}
}

// Processor is what a job calls: ingest.Processor.
type Processor interface {
	Process(ctx context.Context, documentID string, final bool) error
}

// Config sizes the queue.
type Config struct {
	// ID names this process among the workers; a restarted process with the same ID
	// takes back the jobs its previous run left running (after a crash or kill -9).
	ID           string
	Workers      int           // documents in progress at once; their pages share the OCR slots
	MaxAttempts  int           // tries before quarantine; 5 when 0
	PollInterval time.Duration // how often idle workers look for jobs; 200 ms when 0
	JobTimeout   time.Duration // one attempt's limit; 2 h when 0
	Logger       *slog.Logger
}

// Queue is the job queue. It implements ingest.Registrar.
type Queue struct {
	db     *sqldb.DB
	client *river.Client[*sql.Tx]
	id     string
	logger *slog.Logger
}

// New makes a queue on db with the River driver for its dialect (riversqlite, or
// riverdatabasesql with a pgx listener). With a nil proc the queue only inserts jobs.
func New(db *sqldb.DB, driver riverdriver.Driver[*sql.Tx], proc Processor, cfg Config) (*Queue, error) {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 2 * time.Hour
	}
	rc := &river.Config{
		ID:                   cfg.ID,
		MaxAttempts:          cfg.MaxAttempts,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.JobTimeout + 10*time.Minute,
		RetryPolicy:          backoff{},
		Logger:               cfg.Logger,
	}
	if rc.Logger == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	}
	if proc != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, &worker{proc: proc}); err != nil {
			return nil, err
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(cfg.Workers, 1)}}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Queue{db: db, client: client, id: cfg.ID, logger: cfg.Logger}, nil
}

// Register implements ingest.Registrar: the document row and its job in one
// transaction.
func (q *Queue) Register(ctx context.Context, d *ingest.Document) error {
	return q.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := q.db.CreateDocumentTx(ctx, tx, d); err != nil {
			return err
		}
		if _, err := q.client.InsertTx(ctx, tx, ProcessArgs{DocumentID: d.ID}, nil); err != nil {
			return fmt.Errorf("queue document %s: %w", d.ID, err)
		}
		return nil
	})
}

// Enqueue queues a document again (unless its job is already waiting or running).
func (q *Queue) Enqueue(ctx context.Context, documentID string) error {
	_, err := q.client.Insert(ctx, ProcessArgs{DocumentID: documentID}, nil)
	if err != nil {
		return fmt.Errorf("queue document %s: %w", documentID, err)
	}
	return nil
}

// Start takes back the jobs this worker ID left running when it last stopped
// abruptly, then starts working.
func (q *Queue) Start(ctx context.Context) error {
	if q.id != "" {
		var query string
		switch q.db.Dialect() {
		case "sqlite":
			query = `UPDATE river_job SET state = 'available' WHERE state = 'running' AND json_extract(attempted_by, '$[#-1]') = ?`
		default:
			query = `UPDATE river_job SET state = 'available' WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1`
		}
		res, err := q.db.SQL().ExecContext(ctx, query, q.id)
		if err != nil {
			return fmt.Errorf("take back interrupted jobs: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			q.logger.Info("took back interrupted jobs", "jobs", n)
		}
	}
	return q.client.Start(ctx)
}

// Stop lets running jobs finish (until ctx ends), then stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// Counts returns how many jobs wait and run (for tests and metrics).
func (q *Queue) Counts(ctx context.Context) (waiting, running int, err error) {
	err = q.db.SQL().QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN state IN ('available', 'retryable', 'scheduled', 'pending') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0) FROM river_job`).Scan(&waiting, &running)
	return waiting, running, err
}

type worker struct {
	river.WorkerDefaults[ProcessArgs]
	proc Processor
}

func (w *worker) Work(ctx context.Context, job *river.Job[ProcessArgs]) error {
	return w.proc.Process(ctx, job.Args.DocumentID, job.Attempt >= job.MaxAttempts)
}

// backoff retries after 5 s, 30 s, 2 min, 10 min, then every 30 min: a store that is
// down for a moment (MinIO restarting) is waited for, a broken one does not spin.
type backoff struct{}

func (backoff) NextRetry(job *rivertype.JobRow) time.Time {
	steps := []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute}
	i := job.Attempt - 1
	if i < 0 {
		i = 0
	}
	d := 30 * time.Minute
	if i < len(steps) {
		d = steps[i]
	}
	return time.Now().Add(d)
}
