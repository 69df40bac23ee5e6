package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"kntc/auth"
	"kntc/cases"
	"kntc/web"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "", "Runs kntc: the web server with the API, the hot-folder watcher and the OCR\nworkers. Migrates the database forward on start; refuses a database made by a\nnewer kntc.", stderr)
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

	accounts := &auth.Service{Store: st.db, TokenTTL: cfg.TokenTTL}
	password, generated, err := accounts.Bootstrap(ctx, cfg.RootUnitCode, cfg.RootUnitName, cfg.AdminPassword)
	if err != nil {
		return err
	}

	caseSvc, err := newCaseService(cfg, st, accounts, logger)
	if err != nil {
		return err
	}
	pl, err := newPipeline(ctx, cfg, st, logger, true, true)
	if err != nil {
		return err
	}
	pl.proc.Finish, pl.spool.Vet = caseSvc.Finish, caseSvc.VetArrival
	// Stopped after the HTTP server (below), so uploads in flight still reach the queue.
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pl.stop(stopCtx)
	}()
	if err := pl.start(ctx, st); err != nil {
		return err
	}
	watchDone := make(chan error, 1)
	go func() { watchDone <- pl.watcher.Run(ctx) }()
	followDone := make(chan error, 1)
	go func() { followDone <- pl.follow.Run(ctx) }()
	anchorDone := make(chan struct{})
	anchorer := &cases.Anchorer{Store: st.db, Blobs: st.blobs, Key: st.db.AuditKey(), Logger: logger}
	go func() { defer close(anchorDone); anchorer.Run(ctx) }()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	handler := web.NewServer(logger, web.Config{LoginLimit: cfg.LoginLimit}, web.Deps{
		Accounts:       accounts,
		Cases:          caseSvc,
		Documents:      st.db,
		Blobs:          st.blobs,
		Claim:          pl.spool.Claim,
		SpoolDir:       cfg.spoolDir(),
		MaxUploadBytes: cfg.MaxFileSize,
		Search:         pl.index,
		Ready:          st.db.Ping,
		Registry:       reg,
	})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := cfg.BaseURL
	if url == "" {
		url = localURL(ln.Addr())
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	logger.Info("kntc serving", "addr", ln.Addr().String(), "url", url, "database", st.db.Dialect(), "version", version)

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
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("kntc shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-watchDone; err != nil {
		logger.Error("hot-folder watcher", "error", err)
	}
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
func localURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
