// Package lease runs work on one node of a cluster at a time: a node holds a
// named lease in the shared database (storage/sqldb) while it works, renews it
// well before it runs out, and stops the moment it cannot be sure it still holds
// it. kntc watches each hot folder, and runs the backups and the scrub, under one.
package lease

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Store keeps the leases. Each method is one compare-and-set on the database's
// clock; all are safe for concurrent use by many nodes.
type Store interface {
	// AcquireLease takes name for holder for ttl when it is free, ran out, or is
	// holder's already; ok is false when another node holds it.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (token int64, ok bool, err error)
	// RenewLease extends holder's lease by ttl; false when it is no longer holder's.
	RenewLease(ctx context.Context, name, holder string, token int64, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up at once.
	ReleaseLease(ctx context.Context, name, holder string, token int64) error
}

// DefaultTTL is a lease's time when Lease.TTL is 0: a node that dies leaves its
// work to another within this time and a third of it.
const DefaultTTL = 30 * time.Second

// Lease is one named lease as this node sees it.
type Lease struct {
	Store  Store
	Name   string // what the lease guards: "hotfolder:/srv/scan", "backup"
	Holder string // this node's id
	TTL    time.Duration
	Logger *slog.Logger
}

// Run holds the lease whenever it can and calls work while it holds it. work's
// context ends the moment the lease may be lost: a renewal refused, or none
// confirmed by the local deadline (the time the lease was last confirmed for, less
// a margin, measured from before the statement was sent, so this node stops before
// the database lets another node in). Run waits for work to return, then tries
// to acquire the lease again (the next holder may be this node again). Run
// returns when ctx ends, after releasing the lease if it holds it.
//
// The lease is renewed every TTL/3 and asked for every TTL/3 while another node
// holds it.
func (l *Lease) Run(ctx context.Context, work func(ctx context.Context)) {
	ttl := l.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	every := ttl / 3
	logger := l.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("lease", l.Name, "node", l.Holder)
	for ctx.Err() == nil {
		sent := time.Now()
		token, ok, err := l.Store.AcquireLease(ctx, l.Name, l.Holder, ttl)
		if err != nil && ctx.Err() == nil {
			logger.Warn("lease: cannot ask for it", "error", err)
		}
		if err != nil || !ok {
			sleep(ctx, every)
			continue
		}
		logger.Info("lease acquired", "token", token)
		l.hold(ctx, logger, token, ttl, every, sent, work)
		sleep(ctx, every) // work that returned by itself is not restarted in a loop
	}
}

// hold runs work while the lease (token) is held, renewing it.
func (l *Lease) hold(ctx context.Context, logger *slog.Logger, token int64, ttl, every time.Duration, sent time.Time, work func(context.Context)) {
	margin := ttl / 6
	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	deadline := time.AfterFunc(time.Until(sent.Add(ttl-margin)), func() { stop(errLeaseUnsure) })
	defer deadline.Stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(wctx)
	}()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-done:
			l.release(logger, token)
			return
		case <-wctx.Done():
			<-done
			if ctx.Err() != nil {
				l.release(logger, token)
				return
			}
			logger.Warn("lease lost: stopped its work", "token", token, "reason", context.Cause(wctx).Error())
			return
		case <-tick.C:
			sent := time.Now()
			rctx, cancel := context.WithTimeout(wctx, ttl-margin)
			ok, err := l.Store.RenewLease(rctx, l.Name, l.Holder, token, ttl)
			cancel()
			switch {
			case err != nil:
				if wctx.Err() == nil {
					logger.Warn("lease: renewal failed; will retry until its deadline", "error", err)
				}
			case !ok:
				stop(errLeaseTaken)
			default:
				// Reset returns false once the deadline fired: the work is stopping.
				if !deadline.Reset(time.Until(sent.Add(ttl - margin))) {
					stop(errLeaseUnsure)
				}
			}
		}
	}
}

var (
	errLeaseUnsure = errors.New("no renewal confirmed before the lease's deadline")
	errLeaseTaken  = errors.New("the lease ran out or another node took it")
)

// release gives the lease up so that another node need not wait for it to run out.
func (l *Lease) release(logger *slog.Logger, token int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Store.ReleaseLease(ctx, l.Name, l.Holder, token); err != nil {
		logger.Warn("lease: release failed; it runs out by itself", "error", err)
		return
	}
	logger.Info("lease released", "token", token)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
