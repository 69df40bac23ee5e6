package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/localfs"
	"kntc/storage/postgres"
	"kntc/storage/s3"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

// stores are the metadata database and the object store the configuration names.
type stores struct {
	db    *sqldb.DB
	pool  *pgxpool.Pool // PostgreSQL's pool (for the job queue's listener); nil on SQLite
	blobs ingest.BlobStore
}

func (s *stores) Close() error { return s.db.Close() }

// openDatabase opens PostgreSQL when a URL is configured, else the SQLite file in the
// data directory. migrate applies pending migrations; without it a database that is
// not at exactly this binary's schema is refused.
func openDatabase(ctx context.Context, cfg *Config, migrate bool, logger *slog.Logger) (*sqldb.DB, *pgxpool.Pool, error) {
	var db *sqldb.DB
	var pool *pgxpool.Pool
	var err error
	if cfg.DatabaseURL != "" {
		db, pool, err = postgres.Open(ctx, cfg.DatabaseURL)
	} else {
		if !migrate {
			// A command that only reads must not leave an empty database (and a data
			// directory) wherever it was run from by mistake.
			if _, err := os.Stat(cfg.dbPath()); errors.Is(err, fs.ErrNotExist) {
				return nil, nil, newNoDatabaseError(cfg.DataDir)
			}
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, nil, fmt.Errorf("create data directory: %w", err)
		}
		db, err = sqlite.Open(ctx, cfg.dbPath())
	}
	if err != nil {
		return nil, nil, err
	}
	// The audit key is loaded (and, on the embedded default, made) by every
	// command that opens the database, so every entry appended is keyed; a command
	// that does not migrate (verify, search) only reads a key, never makes one.
	key, err := cases.LoadAuditKey(cases.AuditKeySource{Value: cfg.AuditKey, Path: cfg.auditKeyPath(),
		Create: migrate, Shared: cfg.DatabaseURL != ""}, logger)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	db.SetAuditKey(key)
	if migrate {
		applied, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		if len(applied) > 0 {
			logger.Info("database migrated", "database", db.Dialect(), "applied", applied, "schema_version", db.KnownVersion())
		}
	} else if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, pool, nil
}

// noDatabaseError: a command that only reads found no database to read.
type noDatabaseError struct{ dataDir string }

func (e noDatabaseError) Error() string {
	return fmt.Sprintf("không có cơ sở dữ liệu kntc trong %s; chạy kntc serve hoặc chỉ định --data-dir (no kntc database in %s; run kntc serve or give --data-dir)",
		e.dataDir, e.dataDir)
}

func newNoDatabaseError(dataDir string) error {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	return noDatabaseError{dataDir: dataDir}
}

// openStores opens the database (migrating it when asked) and the object store.
func openStores(ctx context.Context, cfg *Config, migrate bool, logger *slog.Logger) (*stores, error) {
	db, pool, err := openDatabase(ctx, cfg, migrate, logger)
	if err != nil {
		return nil, err
	}
	var blobs ingest.BlobStore
	if cfg.S3Endpoint != "" {
		blobs, err = s3.New(ctx, s3.Config{
			Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey, Region: cfg.S3Region, UseSSL: cfg.S3UseSSL, ObjectLock: cfg.ObjectLock,
		})
	} else {
		blobs, err = localfs.New(cfg.objectsDir())
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open object store: %w", err)
	}
	return &stores{db: db, pool: pool, blobs: blobs}, nil
}
