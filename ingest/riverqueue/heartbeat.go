package riverqueue

import (
	"context"
	"errors"
	"time"
)

// A running job's worker writes the job's attempted_at every Heartbeat; any
// worker node takes over (sweep) a running job not heard of for StaleAfter. So a
// worker killed mid-document leaves its job to another within StaleAfter and a
// Heartbeat (50 s by default), while an OCR run of any length, alive, is never
// taken from its worker. Both clocks are the database's.

var (
	errTakenOver     = errors.New("another worker took the job over (its heartbeat was missed)")
	errHeartbeatLost = errors.New("the job's heartbeat could not be written: stopped before another worker takes it over")
)

// beat keeps job id's heartbeat while ctx lives. The returned context ends when
// the job is no longer this worker's (taken over) or its heartbeat could not be
// written for half of StaleAfter, so that this worker stops before another
// begins. stop ends the heartbeat.
func (q *Queue) beat(ctx context.Context, id int64) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	query := `UPDATE river_job SET attempted_at = now() WHERE id = $1 AND state = 'running'`
	if q.db.Dialect() == "sqlite" {
		query = `UPDATE river_job SET attempted_at = datetime('now', 'subsec') WHERE id = ? AND state = 'running'`
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		last := time.Now()
		tick := time.NewTicker(q.heartbeat)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			sent := time.Now()
			bctx, c := context.WithTimeout(ctx, q.heartbeat)
			res, err := q.db.SQL().ExecContext(bctx, query, id)
			c()
			var n int64
			if err == nil {
				n, err = res.RowsAffected()
			}
			switch {
			case ctx.Err() != nil:
				return
			case err == nil && n == 0:
				cancel(errTakenOver)
				return
			case err == nil:
				last = sent
			case time.Since(last) > q.staleAfter/2:
				cancel(errHeartbeatLost)
				return
			default:
				q.logger.Warn("job heartbeat not written; will retry", "job_id", id, "error", err)
			}
		}
	}()
	return ctx, func() { cancel(nil); <-done }
}

// sweep gives the running jobs whose heartbeat stopped back to the queue, every
// Heartbeat, until ctx ends. Every worker node sweeps: one statement, so a job
// is given back once however many sweep.
func (q *Queue) sweep(ctx context.Context) {
	query := `UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE kind = $1 AND state = 'running' AND attempted_at < now() - make_interval(secs => $2)`
	arg := any(q.staleAfter.Seconds())
	if q.db.Dialect() == "sqlite" {
		query = `UPDATE river_job SET state = 'available', scheduled_at = datetime('now', 'subsec')
		WHERE kind = ? AND state = 'running' AND julianday(attempted_at) < julianday('now') - ?`
		arg = q.staleAfter.Seconds() / 86400
	}
	tick := time.NewTicker(q.heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		res, err := q.db.SQL().ExecContext(ctx, query, ProcessArgs{}.Kind(), arg)
		if err != nil {
			if ctx.Err() == nil {
				q.logger.Warn("take over stalled jobs", "error", err)
			}
			continue
		}
		if n, _ := res.RowsAffected(); n > 0 {
			q.logger.Warn("took over jobs whose worker stopped (no heartbeat)", "jobs", n, "stale_after", q.staleAfter.String())
		}
	}
}
