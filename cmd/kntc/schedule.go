package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/backup"
	"kntc/internal/lease"
)

// schedule is KNTC_BACKUP_SCHEDULE: a backup every day at hour:minute (local time),
// a full one on fullDay.
type schedule struct {
	off          bool
	hour, minute int
	fullDay      time.Weekday
	hasFullDay   bool
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

func parseSchedule(s string) (schedule, error) {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 1 && f[0] == "off" {
		return schedule{off: true}, nil
	}
	bad := fmt.Errorf("backup-schedule %q: want \"HH:MM DAY\" (every day at HH:MM, a full backup on DAY: sun…sat), \"HH:MM\" or off", s)
	if len(f) < 1 || len(f) > 2 {
		return schedule{}, bad
	}
	t, err := time.Parse("15:04", f[0])
	if err != nil {
		return schedule{}, bad
	}
	sc := schedule{hour: t.Hour(), minute: t.Minute()}
	if len(f) == 2 {
		d, ok := weekdays[f[1]]
		if !ok {
			return schedule{}, bad
		}
		sc.fullDay, sc.hasFullDay = d, true
	}
	return sc, nil
}

// next is the first run after now.
func (s schedule) next(now time.Time) time.Time {
	t := time.Date(now.Year(), now.Month(), now.Day(), s.hour, s.minute, 0, 0, now.Location())
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func parseKeep(s string) (backup.Keep, error) { return backup.ParseKeep(s) }

// backupMetrics are the backup and scrub figures /metrics shows.
type backupMetrics struct {
	lastSize     prometheus.Gauge
	failures     prometheus.Counter
	scrubChecked prometheus.Counter
	scrubDamaged prometheus.Counter
	scrubLast    prometheus.Gauge

	mu       sync.Mutex
	lastSeen time.Time // newest backup found in the target
	checked  time.Time
}

// newBackupMetrics registers the metrics; lastBackup lists the target for the
// newest backup's time (the names are times, so no key is needed), at most every
// five minutes, so a backup made by `kntc backup` counts as well as a scheduled one.
func newBackupMetrics(reg *prometheus.Registry, lastBackup func(context.Context) (time.Time, error)) *backupMetrics {
	m := &backupMetrics{
		lastSize:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "kntc_backup_last_size_bytes", Help: "Bytes of objects in the last backup kntc serve made."}),
		failures:     prometheus.NewCounter(prometheus.CounterOpts{Name: "kntc_backup_failures_total", Help: "Scheduled backups that did not complete."}),
		scrubChecked: prometheus.NewCounter(prometheus.CounterOpts{Name: "kntc_scrub_objects_checked_total", Help: "Stored objects read back by the scrub."}),
		scrubDamaged: prometheus.NewCounter(prometheus.CounterOpts{Name: "kntc_scrub_damaged_total", Help: "Stored objects the scrub found damaged or unreadable."}),
		scrubLast:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "kntc_scrub_last_run_timestamp_seconds", Help: "When the scrub last completed."}),
	}
	reg.MustRegister(m.lastSize, m.failures, m.scrubChecked, m.scrubDamaged, m.scrubLast)
	if lastBackup != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kntc_backup_last_success_timestamp_seconds",
			Help: "Time of the newest complete backup in the backup target (0: none)."}, func() float64 {
			m.mu.Lock()
			defer m.mu.Unlock()
			if time.Since(m.checked) > 5*time.Minute {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				if t, err := lastBackup(ctx); err == nil {
					m.lastSeen, m.checked = t, time.Now()
				}
				cancel()
			}
			if m.lastSeen.IsZero() {
				return 0
			}
			return float64(m.lastSeen.Unix())
		}))
	}
	return m
}

func (m *backupMetrics) succeeded(t time.Time, bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastSeen, m.checked = t, time.Now()
	m.lastSize.Set(float64(bytes))
}

// startBackups runs serve's background work: the scheduled backups with retention,
// and the daily scrub. It returns when ctx ends and both have stopped.
//
// On several nodes one runs them at a time, under the lease "backup" (node is
// this node's id): backing up and scrubbing one database and store from every
// node would only multiply the load and the copies.
func startBackups(ctx context.Context, cfg *Config, st *stores, reg *prometheus.Registry, node string, logger *slog.Logger) (wait func()) {
	var lastBackup func(context.Context) (time.Time, error)
	if cfg.BackupTo != "" {
		lastBackup = func(ctx context.Context) (time.Time, error) {
			t, err := openTarget(ctx, cfg, cfg.BackupTo, true)
			if err != nil {
				return time.Time{}, err
			}
			return backup.Newest(ctx, t)
		}
	}
	m := newBackupMetrics(reg, lastBackup)
	sc, _ := parseSchedule(cfg.BackupSchedule) // checked by Validate
	backups := cfg.BackupTo != "" && cfg.BackupKey != "" && !sc.off
	if cfg.BackupTo != "" && cfg.BackupKey == "" && !sc.off {
		logger.Warn("backup target set but no backup key: no scheduled backups (set KNTC_BACKUP_KEY_FILE)")
	}
	if !backups && cfg.ScrubDays <= 0 {
		return func() {}
	}
	l := &lease.Lease{Store: st.db, Name: "backup", Holder: node, TTL: cfg.LeaseTTL, Logger: logger}
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Run(ctx, func(ctx context.Context) {
			var wg sync.WaitGroup
			if backups {
				wg.Go(func() { runSchedule(ctx, cfg, st, sc, m, logger) })
			}
			if cfg.ScrubDays > 0 {
				wg.Go(func() { runScrub(ctx, cfg, st, m, logger) })
			}
			wg.Wait()
		})
	}()
	return func() { <-done }
}

func runSchedule(ctx context.Context, cfg *Config, st *stores, sc schedule, m *backupMetrics, logger *slog.Logger) {
	keep, _ := parseKeep(cfg.BackupKeep)
	for {
		at := sc.next(time.Now())
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(at)):
		}
		full := sc.hasFullDay && at.Weekday() == sc.fullDay
		start := time.Now()
		man, err := scheduledBackup(ctx, cfg, st, full)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			m.failures.Inc()
			logger.Error("scheduled backup failed", "target", cfg.BackupTo, "full", full, "error", err)
			continue
		}
		m.succeeded(man.Time, man.Bytes)
		logger.Info("scheduled backup done", "backup", man.Name, "full", man.Full, "objects", len(man.Objects),
			"new_objects", man.NewObjects, "bytes_written", man.StoredBytes, "duration_ms", time.Since(start).Milliseconds())
		if forgot, pruned, err := scheduledForget(ctx, cfg, keep); err != nil {
			logger.Error("backup retention failed", "error", err)
		} else if len(forgot) > 0 {
			logger.Info("backup retention", "forgotten", forgot, "data_files_removed", pruned)
		}
	}
}

func scheduledBackup(ctx context.Context, cfg *Config, st *stores, full bool) (*backup.Manifest, error) {
	key, err := backupKey(cfg)
	if err != nil {
		return nil, err
	}
	t, err := openTarget(ctx, cfg, cfg.BackupTo, false)
	if err != nil {
		return nil, err
	}
	repo, err := backup.Open(ctx, t, key, true)
	if err != nil {
		return nil, err
	}
	src, err := backupSource(cfg, st)
	if err != nil {
		return nil, err
	}
	return repo.Backup(ctx, src, backup.Options{Full: full, TempDir: backupTempDir(cfg)})
}

func scheduledForget(ctx context.Context, cfg *Config, keep backup.Keep) ([]string, int, error) {
	repo, err := openRepo(ctx, cfg, cfg.BackupTo)
	if err != nil {
		return nil, 0, err
	}
	return repo.Forget(ctx, keep, time.Local)
}

// runScrub reads a share of the stored objects back once a day (the first a few
// minutes after start, so a restart loop does not hammer the disk).
func runScrub(ctx context.Context, cfg *Config, st *stores, m *backupMetrics, logger *slog.Logger) {
	wait := 5 * time.Minute
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = 24 * time.Hour
		day := int(time.Now().Unix() / 86400)
		var expect func(string) (string, bool)
		if cfg.BackupTo != "" && cfg.BackupKey != "" {
			// The newest backup's manifest knows the SHA-256 of the objects not named
			// by it (archive copies, page texts).
			if repo, err := openRepo(ctx, cfg, cfg.BackupTo); err == nil {
				if name, err := repo.Pick(ctx, time.Time{}); err == nil {
					if man, err := repo.Manifest(ctx, name); err == nil {
						expect = man.Expect()
					}
				}
			}
		}
		start := time.Now()
		res, err := backup.Scrub(ctx, st.blobs, day, cfg.ScrubDays, expect)
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("scrub failed", "error", err)
			}
			continue
		}
		m.scrubChecked.Add(float64(res.Checked))
		m.scrubDamaged.Add(float64(len(res.Damaged)))
		m.scrubLast.SetToCurrentTime()
		for _, p := range res.Damaged {
			logger.Error("scrub: stored object damaged", "key", p.File, "reason", p.Reason)
		}
		logger.Info("scrub done", "share", strconv.Itoa(day%cfg.ScrubDays+1)+"/"+strconv.Itoa(cfg.ScrubDays), "objects", res.Checked,
			"bytes", res.Bytes, "damaged", len(res.Damaged), "unproven", res.Unproven, "duration_ms", time.Since(start).Milliseconds())
	}
}
