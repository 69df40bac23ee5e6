package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/cases"
	"kntc/ingest"
	"kntc/search"
	"kntc/web"
)

// pipelineMetrics are the document pipeline's figures on /metrics (issue 15, item
// 6). deploy/prometheus/kntc-alerts.yml and deploy/grafana/kntc.json use them by
// name; TestDeployUsesOnlyExportedMetrics keeps the three in step.
type pipelineMetrics struct {
	pages       *prometheus.CounterVec
	ocrSeconds  prometheus.Histogram
	failures    *prometheus.CounterVec
	quarantined *prometheus.CounterVec
}

func newPipelineMetrics(reg prometheus.Registerer) *pipelineMetrics {
	m := &pipelineMetrics{
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kntc_pages_processed_total",
			Help: "Pages saved by the pipeline, by how their text was had (ocr, text, cover); rate() is pages per second."}, []string{"source"}),
		ocrSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "kntc_ocr_page_seconds",
			Help:    "Time one OCR'd page took: decode, clean, recognise, save.",
			Buckets: []float64{0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300}}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kntc_document_failures_total",
			Help: "Failed processing attempts that will be retried, by reason."}, []string{"reason"}),
		quarantined: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kntc_documents_quarantined_total",
			Help: "Documents put in quarantine, by reason (bad_input, attempts_exhausted, killed_worker)."}, []string{"reason"}),
	}
	for _, s := range []string{"ocr", "text", "cover"} {
		m.pages.WithLabelValues(s) // shown at 0 from the start, so rate() has a series
	}
	for _, r := range []string{ingest.ReasonTimeout, ingest.ReasonError} {
		m.failures.WithLabelValues(r)
	}
	for _, r := range []string{ingest.ReasonBadInput, ingest.ReasonExhausted, ingest.ReasonKilledWorker} {
		m.quarantined.WithLabelValues(r)
	}
	reg.MustRegister(m.pages, m.ocrSeconds, m.failures, m.quarantined)
	return m
}

func (m *pipelineMetrics) PageDone(source string, took time.Duration) {
	m.pages.WithLabelValues(source).Inc()
	if source == "ocr" {
		m.ocrSeconds.Observe(took.Seconds())
	}
}
func (m *pipelineMetrics) Failed(reason string)      { m.failures.WithLabelValues(reason).Inc() }
func (m *pipelineMetrics) Quarantined(reason string) { m.quarantined.WithLabelValues(reason).Inc() }

var _ ingest.Observer = (*pipelineMetrics)(nil)

// queueCollector reads the job queue's depth and the age of its oldest unfinished
// job from the database at each scrape (every node sees the same queue).
type queueCollector struct {
	st          *stores
	logger      *slog.Logger
	depth, age  *prometheus.Desc
	scrapeError *prometheus.Desc
}

func newQueueCollector(st *stores, logger *slog.Logger) *queueCollector {
	return &queueCollector{
		st: st, logger: logger,
		depth: prometheus.NewDesc("kntc_queue_depth", "Document jobs not finished yet (waiting, running or to be retried).", nil, nil),
		age:   prometheus.NewDesc("kntc_queue_oldest_job_age_seconds", "Age of the oldest unfinished document job; 0 when the queue is empty.", nil, nil),
		scrapeError: prometheus.NewDesc("kntc_queue_scrape_error",
			"1 when the queue figures could not be read from the database at this scrape.", nil, nil),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.age
	ch <- c.scrapeError
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The age is computed by the database, on its own clock, from River's table.
	q := `SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at))::double precision, 0)
		FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`
	if c.st.db.Dialect() == "sqlite" {
		q = `SELECT count(*), COALESCE((julianday('now') - julianday(min(created_at))) * 86400.0, 0)
		FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`
	}
	var n int64
	var age float64
	if err := c.st.db.SQL().QueryRowContext(ctx, q).Scan(&n, &age); err != nil {
		c.logger.Warn("read queue metrics", "error", err)
		ch <- prometheus.MustNewConstMetric(c.scrapeError, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, max(age, 0))
	ch <- prometheus.MustNewConstMetric(c.scrapeError, prometheus.GaugeValue, 0)
}

// registerDiskMetrics shows the free space and size of the data directory and of
// the spool (each may be its own mount).
func registerDiskMetrics(reg prometheus.Registerer, dirs map[string]string) {
	free := prometheus.NewDesc("kntc_disk_free_bytes", "Bytes kntc may still write in the file system of dir (data, spool).", []string{"dir"}, nil)
	size := prometheus.NewDesc("kntc_disk_size_bytes", "Size of the file system of dir (data, spool).", []string{"dir"}, nil)
	reg.MustRegister(collectorFunc{descs: []*prometheus.Desc{free, size}, collect: func(ch chan<- prometheus.Metric) {
		for name, dir := range dirs {
			f, s, err := web.DiskSpace(dir)
			if err != nil {
				continue // unsupported system or the directory is gone: no figure rather than a false one
			}
			ch <- prometheus.MustNewConstMetric(free, prometheus.GaugeValue, float64(f), name)
			ch <- prometheus.MustNewConstMetric(size, prometheus.GaugeValue, float64(s), name)
		}
	}})
}

type collectorFunc struct {
	descs   []*prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// timedSearch measures every search the web layer runs.
type timedSearch struct {
	web.Searcher
	seconds prometheus.Histogram
}

func newTimedSearch(s web.Searcher, reg prometheus.Registerer) web.Searcher {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "kntc_search_duration_seconds",
		Help: "Time the search index took to answer a query.", Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}})
	reg.MustRegister(h)
	return timedSearch{Searcher: s, seconds: h}
}

func (t timedSearch) Search(ctx context.Context, q search.Query) (search.Result, error) {
	start := time.Now()
	res, err := t.Searcher.Search(ctx, q)
	t.seconds.Observe(time.Since(start).Seconds())
	return res, err
}

// auditMetrics verifies the audit chain at start and every `every`, and shows
// the outcome: kntc_audit_chain_ok 1 intact, 0 broken (the alert), and when the
// last check ran.
func startAuditMetrics(ctx context.Context, st *stores, reg prometheus.Registerer, every time.Duration, logger *slog.Logger) (wait func()) {
	ok := prometheus.NewGauge(prometheus.GaugeOpts{Name: "kntc_audit_chain_ok",
		Help: "1 when the last check of the audit chain (kntc verify's) found it intact, 0 when it found tampering."})
	last := prometheus.NewGauge(prometheus.GaugeOpts{Name: "kntc_audit_chain_last_check_timestamp_seconds",
		Help: "When the audit chain was last checked."})
	ok.Set(1) // unknown until the first check: not an alarm
	reg.MustRegister(ok, last)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The first check waits for the anchorer's first anchor (started with the
		// server): a keyed chain without one reads as rewritten.
		select {
		case <-time.After(time.Minute):
		case <-ctx.Done():
			return
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			rep, err := cases.VerifyAuditTrail(ctx, st.db, st.blobs, st.db.AuditKey())
			switch {
			case err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled):
				logger.Warn("check the audit chain", "error", err)
			case err == nil:
				if rep.OK() {
					ok.Set(1)
				} else {
					ok.Set(0)
					logger.Error("audit chain broken", "problems", rep.Err().Error())
				}
				last.SetToCurrentTime()
			}
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() { <-done }
}
