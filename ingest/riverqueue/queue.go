// Package riverqueue runs kntc's document jobs on River (riverqueue.com), durable in
// the metadata database itself: SQLite for the embedded default, PostgreSQL in
// production. A document's row and its first job are written in one transaction.
package riverqueue

import (
	"context"
	"database/sql"
	"errors"
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
	// Heartbeat is how often a running job says it is alive; 10 s when 0. A job
	// whose worker has not said so for StaleAfter (4 heartbeats when 0) is taken
	// over by another worker: its worker was killed or cut off.
	Heartbeat  time.Duration
	StaleAfter time.Duration
	Logger     *slog.Logger
}

// Queue is the job queue. It implements ingest.Registrar.
type Queue struct {
	db      *sqldb.DB
	client  *river.Client[*sql.Tx]
	id      string
	logger  *slog.Logger
	working bool // has workers (not only inserts)

	jobTimeout, heartbeat, staleAfter time.Duration
	stopSweep                         context.CancelFunc
	sweepDone                         chan struct{}
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
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 10 * time.Second
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 4 * cfg.Heartbeat
	}
	// River's own timeout and rescuer measure a job from when it started: a job
	// rescued after a minute would take a long document's OCR from a worker
	// still reading it, one rescued after the longest document's time leaves a
	// killed worker's job waiting that long. The worker (Timeout -1) opts out of
	// both; its heartbeat tells a live job from a dead one instead (heartbeat.go),
	// and the attempt's limit (JobTimeout) is applied in Work.
	rc := &river.Config{
		ID:                cfg.ID,
		MaxAttempts:       cfg.MaxAttempts,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:        -1,
		RetryPolicy:       backoff{},
		Logger:            cfg.Logger,
	}
	if rc.Logger == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	q := &Queue{db: db, id: cfg.ID, logger: cfg.Logger, jobTimeout: cfg.JobTimeout, heartbeat: cfg.Heartbeat, staleAfter: cfg.StaleAfter}
	if proc != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, &worker{proc: proc, q: q}); err != nil {
			return nil, err
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(cfg.Workers, 1)}}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	q.client, q.working = client, proc != nil
	return q, nil
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
	if err := q.client.Start(ctx); err != nil {
		return err
	}
	if q.working {
		sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		q.stopSweep, q.sweepDone = stop, make(chan struct{})
		go func() { defer close(q.sweepDone); q.sweep(sctx) }()
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends), then stops.
func (q *Queue) Stop(ctx context.Context) error {
	if q.stopSweep != nil {
		q.stopSweep()
		<-q.sweepDone
	}
	return q.client.Stop(ctx)
}

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
	q    *Queue
}

// Timeout opts the job out of River's timeout and rescuer (see New).
func (w *worker) Timeout(*river.Job[ProcessArgs]) time.Duration { return -1 }

func (w *worker) Work(ctx context.Context, job *river.Job[ProcessArgs]) error {
	ctx, cancel := context.WithTimeoutCause(ctx, w.q.jobTimeout, errJobTimeout)
	defer cancel()
	ctx, stop := w.q.beat(ctx, job.ID)
	defer stop()
	err := w.proc.Process(ctx, job.Args.DocumentID, job.Attempt >= job.MaxAttempts)
	if cause := context.Cause(ctx); err != nil && cause != nil && !errors.Is(cause, context.Canceled) {
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
}

var errJobTimeout = errors.New("the attempt ran over its time (JobTimeout)")

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
