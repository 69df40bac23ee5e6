package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/web"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "", "Runs kntc: the web server with the API, the hot-folder watcher and the OCR\nworkers (--role web or worker: one side only, for several machines). Migrates the database forward on start; refuses a database made by a\nnewer kntc.", stderr)
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	logger := cfg.Logger(stderr)

	st, err := openStores(ctx, cfg, true, logger)
	if err != nil {
		return err
	}
	defer st.Close()

	accounts := &auth.Service{Store: st.db, TokenTTL: cfg.TokenTTL, SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax}
	password, generated, err := accounts.Bootstrap(ctx, cfg.RootUnitCode, cfg.RootUnitName, cfg.AdminPassword)
	if err != nil {
		return err
	}

	caseSvc, err := newCaseService(cfg, st, accounts, logger)
	if err != nil {
		return err
	}
	// --role: a web node serves pages, API and searches (its index follows the
	// database) and takes uploads; a worker node takes hot folders and OCR jobs.
	webRole, workRole := cfg.Role != "worker", cfg.Role != "web"
	pl, err := newPipeline(ctx, cfg, st, logger, workRole, webRole)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(newQueueCollector(st, logger))
	registerDiskMetrics(reg, map[string]string{"data": cfg.DataDir, "spool": cfg.spoolDir()})
	if pl.proc != nil {
		pl.proc.Metrics = newPipelineMetrics(reg)
		pl.proc.Finish = caseSvc.Finish
	}
	pl.spool.Vet = caseSvc.VetArrival
	if cfg.Role != "all" {
		// Another machine may run the job: the original goes to the object store
		// as it is claimed, not from this spool later.
		pl.spool.Blobs = st.blobs
	}
	// Stopped after the HTTP server (below), so uploads in flight still reach the queue.
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pl.stop(stopCtx)
	}()
	if err := pl.start(ctx, workRole); err != nil {
		return err
	}
	// This node's id in the leases and the job queue (workerID).
	node := workerID(cfg)
	watchDone := make(chan struct{})
	if workRole {
		go func() { defer close(watchDone); pl.watch(ctx, st.db, node, cfg.LeaseTTL) }()
	} else {
		close(watchDone)
	}
	followDone := make(chan error, 1)
	if webRole {
		go func() { followDone <- pl.follow.Run(ctx) }()
	} else {
		followDone <- nil
	}
	anchorDone := make(chan struct{})
	anchorer := &cases.Anchorer{Store: st.db, Blobs: st.blobs, Key: st.db.AuditKey(), Logger: logger}
	go func() { defer close(anchorDone); anchorer.Run(ctx) }()

	auditCtx, stopAudit := context.WithCancel(ctx)
	waitAudit := startAuditMetrics(auditCtx, st, reg, time.Hour, logger)
	defer func() { stopAudit(); waitAudit() }()
	// Scheduled backups, retention and the daily scrub (backup.go, schedule.go).
	backupCtx, stopBackups := context.WithCancel(ctx)
	waitBackups := startBackups(backupCtx, cfg, st, reg, node, logger)
	defer func() { stopBackups(); waitBackups() }()
	// The words of typed pages stored before the pipeline read them (typedwords.go).
	if pl.proc != nil {
		typedCtx, stopTyped := context.WithCancel(ctx)
		waitTyped := startTypedWords(typedCtx, st, pl.proc, node, cfg.LeaseTTL, logger)
		defer func() { stopTyped(); waitTyped() }()
	}
	proxies, _ := parseProxies(cfg.TrustedProxies) // checked by Validate
	tlsOn := cfg.TLSCert != ""
	var handler http.Handler
	if webRole {
		handler = web.NewServer(logger, web.Config{
			LoginLimit: cfg.LoginLimit, TrustedProxies: proxies,
			BodyTimeout: cfg.BodyTimeout, UploadMinRate: cfg.UploadMinRate, MaxUploads: cfg.MaxUploads, MaxBodies: cfg.MaxBodies,
			MetricsToken: cfg.MetricsToken, HSTS: tlsOn || strings.HasPrefix(cfg.BaseURL, "https://"), Version: versionString(),
		}, web.Deps{
			Accounts:       accounts,
			Cases:          caseSvc,
			Documents:      st.db,
			Blobs:          st.blobs,
			Claim:          pl.spool.Claim,
			SpoolDir:       cfg.spoolDir(),
			MaxUploadBytes: cfg.MaxFileSize,
			Search:         newTimedSearch(pl.index, reg),
			Ready:          st.db.Ping,
			DiskDirs:       cfg.diskDirs(),
			MinFreeDisk:    cfg.MinFreeDisk,
			Registry:       reg,
			Quarantine:     &ingest.Quarantine{Dir: cfg.quarantineDir()},
			HotFolders:     hotFolderRoots(cfg),
		})
	} else {
		// A worker serves no pages: /healthz for the load balancer and systemd,
		// /metrics with the token (or on --metrics-addr).
		mux := http.NewServeMux()
		mux.Handle("GET /healthz", web.HealthHandler(st.db.Ping, cfg.diskDirs(), cfg.MinFreeDisk))
		if cfg.MetricsToken != "" {
			mux.Handle("GET /metrics", web.MetricsHandler(reg, cfg.MetricsToken))
		}
		handler = mux
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// Bodies have their own deadlines (web.Config.BodyTimeout); no ReadTimeout or
	// WriteTimeout, which would cut large uploads and downloads.
	// The server's own complaints (TLS handshakes of scanners, …) go to the log.
	errLog := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ErrorLog: errLog}
	if tlsOn {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	url := cfg.BaseURL
	if url == "" {
		url = localURL(ln.Addr(), tlsOn)
	}
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s: %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", web.MetricsHandler(reg, cfg.MetricsToken))
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
		defer metricsSrv.Close() // after Shutdown below; on an early return, at once
		go func() {
			if err := metricsSrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("metrics listener", "error", err)
			}
		}()
		logger.Info("metrics serving", "addr", mln.Addr().String())
	}
	logger.Info("kntc serving", "addr", ln.Addr().String(), "url", url, "tls", tlsOn, "database", st.db.Dialect(), "role", cfg.Role, "version", version)

	fmt.Fprintf(stdout, "kntc đang chạy tại (running at) %s\n", url)
	switch {
	case generated:
		fmt.Fprintf(stdout, "Đăng nhập lần đầu (first login): tên đăng nhập (username) admin, mật khẩu (password) %s\n", password)
		fmt.Fprintln(stdout, "Mật khẩu này chỉ in một lần; hãy ghi lại. (This password is printed only once; write it down.)")
	case password != "":
		fmt.Fprintln(stdout, "Đăng nhập lần đầu (first login): admin, với mật khẩu trong KNTC_ADMIN_PASSWORD (the password in KNTC_ADMIN_PASSWORD)")
	default:
		fmt.Fprintln(stdout, "Đăng nhập bằng tài khoản đã tạo (log in with an existing account; `kntc user add` creates one)")
	}

	serveErr := make(chan error, 1)
	go func() {
		if tlsOn {
			serveErr <- srv.ServeTLS(ln, "", "") // the certificate is in TLSConfig
			return
		}
		serveErr <- srv.Serve(ln)
	}()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("kntc shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(shutdownCtx)
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-watchDone
	if err := <-followDone; err != nil {
		logger.Error("search index follower", "error", err)
	}
	<-anchorDone
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("kntc stopped")
	return nil
}

// localURL turns the listening address into a URL a person on this machine can open.
func localURL(addr net.Addr, tlsOn bool) string {
	scheme := "http://"
	if tlsOn {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, port)
}

// hotFolderRoots are the hot folders' paths, for the ingestion page.
func hotFolderRoots(cfg *Config) []string {
	var out []string
	for _, hf := range cfg.hotFolders() {
		out = append(out, hf.Root)
	}
	return out
}
