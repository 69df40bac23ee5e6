package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"kntc/backup"
	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/localfs"
	"kntc/storage/postgres"
	"kntc/storage/s3"
	"kntc/storage/sqlite"
)

// The backup commands: thin wiring of package backup onto the configured stores.

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return runBackupVerify(ctx, args[1:], getenv, stdin, stdout, stderr)
		case "list":
			return runBackupList(ctx, args[1:], getenv, stdin, stdout, stderr)
		case "keygen":
			fs := newFlagSet("backup keygen", "", "Prints a new random backup key (64 hex digits) for KNTC_BACKUP_KEY_FILE.\nKeep it apart from the data directory, the sealing key and the audit key.", stderr)
			if err := parseNoArgs(fs, args[1:]); err != nil {
				return err
			}
			fmt.Fprintln(stdout, backup.GenerateKey())
			return nil
		}
	}
	fs := newFlagSet("backup", "", "Backs kntc up into a repository at --to: a consistent snapshot of the database\n(SQLite: VACUUM INTO; PostgreSQL: pg_dump custom format, so pg_dump must be\ninstalled) and every object, copying only the contents the repository lacks,\nwith a manifest of every key and its SHA-256, all encrypted with the backup key\n(KNTC_BACKUP_KEY) before it leaves the server. Each backup is named by its UTC\ntime. A backup that fails leaves the earlier ones intact. Subcommands: verify,\nlist, keygen.", stderr)
	to := fs.String("to", "", "target: a directory (a mounted share) or s3://HOST:PORT/BUCKET (default --backup-to)")
	full := fs.Bool("full", false, "read and hash every object instead of trusting size and time against the previous backup")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	if *to == "" {
		*to = cfg.BackupTo
	}
	if *to == "" {
		fs.Usage()
		return fmt.Errorf("backup cần --to (needs --to): %w", errUsage)
	}
	key, err := backupKey(cfg)
	if err != nil {
		return err
	}
	st, err := openStores(ctx, cfg, false, cfg.Logger(io.Discard))
	if err != nil {
		return err
	}
	defer st.Close()
	target, err := openTarget(ctx, cfg, *to, false)
	if err != nil {
		return err
	}
	repo, err := backup.Open(ctx, target, key, true)
	if err != nil {
		return err
	}
	src, err := backupSource(cfg, st)
	if err != nil {
		return err
	}
	bar := newBar(stderr, "kntc backup")
	m, err := repo.Backup(ctx, src, backup.Options{Full: *full, TempDir: backupTempDir(cfg), Progress: bar.progress})
	bar.finish()
	if err != nil {
		return err
	}
	kind := "gia tăng (incremental)"
	if m.Full {
		kind = "đầy đủ (full)"
	}
	fmt.Fprintf(stdout, "Đã sao lưu (backed up) %s: %s, %d đối tượng (objects), %s; mới (new) %d đối tượng, %s; đã ghi (written) %s; trong %s\n",
		m.Name, kind, len(m.Objects), humanBytes(m.Bytes), m.NewObjects, humanBytes(m.NewBytes), humanBytes(m.StoredBytes), time.Since(m.Time).Round(time.Millisecond))
	if keysInDataDir(cfg) {
		fmt.Fprintln(stdout, "Lưu ý: khóa niêm phong, khóa nhật ký và khóa mã PIN nằm trong thư mục dữ liệu và KHÔNG có trong bản sao lưu; hãy giữ một bản của seal.key, audit.key và pin.key ở nơi khác. (Note: the sealing, audit and PIN keys are in the data directory and NOT in the backup; keep a copy of seal.key, audit.key and pin.key elsewhere.)")
	}
	return nil
}

// backupSource describes the configured stores to package backup.
func backupSource(cfg *Config, st *stores) (backup.Source, error) {
	sealer, err := cases.LoadSealer(cases.SealConfig{Key: cfg.SealKey, KeyID: cfg.SealKeyID, OldKeys: cfg.SealOldKeys,
		Path: cfg.sealKeyPath(), Shared: cfg.DatabaseURL != ""}, cfg.Logger(io.Discard))
	if err != nil {
		return backup.Source{}, err
	}
	host, _ := os.Hostname()
	src := backup.Source{Blobs: st.blobs, Dialect: st.db.Dialect(), SchemaVersion: st.db.KnownVersion(),
		SealKeyID: sealer.Fingerprint(), Host: host, Version: versionString()}
	if k := st.db.AuditKey(); k != nil {
		src.AuditKeyID = cases.AuditKeyID(k)
	}
	if cfg.DatabaseURL != "" {
		src.DumpFormat = "pg_dump-custom"
		src.Dump = func(ctx context.Context, path string) error { return postgres.Dump(ctx, cfg.DatabaseURL, path) }
	} else {
		src.DumpFormat = "sqlite-file"
		src.Dump = func(ctx context.Context, path string) error { return sqlite.Snapshot(ctx, st.db, path) }
	}
	return src, nil
}

// backupTempDir holds database snapshots on their way: in the data directory, where
// the database's own size is known to fit and the rename into place is atomic.
func backupTempDir(cfg *Config) string {
	dir := filepath.Join(cfg.DataDir, "tmp-backup")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return dir
}

func keysInDataDir(cfg *Config) bool {
	if cfg.SealKey != "" && cfg.AuditKey != "" {
		return false
	}
	for _, p := range []string{cfg.sealKeyPath(), cfg.auditKeyPath()} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

func backupKey(cfg *Config) (*backup.Key, error) {
	if cfg.BackupKey == "" {
		return nil, errors.New("cần khóa sao lưu KNTC_BACKUP_KEY hoặc KNTC_BACKUP_KEY_FILE; tạo bằng `kntc backup keygen` (the backup key is required: KNTC_BACKUP_KEY or KNTC_BACKUP_KEY_FILE; make one with `kntc backup keygen`)")
	}
	return backup.ParseKey(cfg.BackupKey)
}

// validateBackup checks the backup settings: the key apart from the other keys and
// from the data, a target kntc can open, a schedule and retention it can read.
func (c *Config) validateBackup() []error {
	var errs []error
	if c.BackupKey != "" {
		if _, err := backup.ParseKey(c.BackupKey); err != nil {
			errs = append(errs, fmt.Errorf("backup-key: %w", err))
		} else {
			bk, _ := cases.ParseKey(c.BackupKey)
			for _, other := range []struct{ name, v string }{{"seal-key", c.SealKey}, {"audit-key", c.AuditKey}} {
				if ok, err := cases.ParseKey(other.v); err == nil && string(ok) == string(bk) {
					errs = append(errs, fmt.Errorf("backup-key: must not be the %s; a backup key must open backups only", other.name))
				}
			}
		}
		if p := c.secretFiles["KNTC_BACKUP_KEY"]; p != "" && within(c.DataDir, p) {
			errs = append(errs, fmt.Errorf("KNTC_BACKUP_KEY_FILE %s is inside the data directory; keep the backup key apart from the data it protects", p))
		}
	}
	if c.BackupTo != "" {
		if _, err := parseTarget(c.BackupTo); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := parseSchedule(c.BackupSchedule); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseKeep(c.BackupKeep); err != nil {
		errs = append(errs, err)
	}
	if c.RetentionYears < 0 || c.RetentionYears > 100 {
		errs = append(errs, fmt.Errorf("retention-years %d: 0 (off) to 100", c.RetentionYears))
	}
	if c.ScrubDays < 0 {
		errs = append(errs, fmt.Errorf("scrub-days %d: 0 (off) or more", c.ScrubDays))
	}
	return errs
}

// within reports whether path lies inside dir.
func within(dir, path string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// target is a parsed --to/--from: a directory or an S3 bucket.
type target struct {
	dir              string
	endpoint, bucket string
}

func parseTarget(s string) (target, error) {
	if !strings.HasPrefix(s, "s3://") {
		if strings.Contains(s, "://") {
			return target{}, fmt.Errorf("backup target %q: a directory or s3://HOST:PORT/BUCKET", s)
		}
		return target{dir: s}, nil
	}
	u, err := url.Parse(s)
	bucket := ""
	if err == nil {
		bucket = strings.Trim(u.Path, "/")
	}
	if err != nil || u.Host == "" || bucket == "" || strings.Contains(bucket, "/") {
		return target{}, fmt.Errorf("backup target %q: want s3://HOST:PORT/BUCKET", s)
	}
	return target{endpoint: u.Host, bucket: bucket}, nil
}

// openTarget opens a backup target; existing asks for a directory that is there
// already (restore, verify: a mistyped path must not become an empty repository).
func openTarget(ctx context.Context, cfg *Config, s string, existing bool) (ingest.BlobStore, error) {
	t, err := parseTarget(s)
	if err != nil {
		return nil, err
	}
	if t.dir != "" {
		if existing {
			if _, err := os.Stat(t.dir); err != nil {
				return nil, fmt.Errorf("không mở được nơi sao lưu (cannot open the backup target) %s: %w", t.dir, err)
			}
		}
		return localfs.New(t.dir)
	}
	if cfg.BackupS3AccessKey == "" || cfg.BackupS3SecretKey == "" {
		return nil, errors.New("đích s3:// cần KNTC_BACKUP_S3_ACCESS_KEY và KNTC_BACKUP_S3_SECRET_KEY (an s3:// target needs KNTC_BACKUP_S3_ACCESS_KEY and KNTC_BACKUP_S3_SECRET_KEY)")
	}
	st, err := s3.New(ctx, s3.Config{Endpoint: t.endpoint, Bucket: t.bucket, AccessKey: cfg.BackupS3AccessKey,
		SecretKey: cfg.BackupS3SecretKey, UseSSL: cfg.BackupS3UseSSL, ObjectLock: "off"})
	if err != nil {
		return nil, fmt.Errorf("không mở được nơi sao lưu (cannot open the backup target) %s: %w", s, err)
	}
	return st, nil
}

// openRepo opens an existing repository for reading.
func openRepo(ctx context.Context, cfg *Config, from string) (*backup.Repo, error) {
	if from == "" {
		from = cfg.BackupTo
	}
	if from == "" {
		return nil, fmt.Errorf("cần --from (needs --from): %w", errUsage)
	}
	key, err := backupKey(cfg)
	if err != nil {
		return nil, err
	}
	t, err := openTarget(ctx, cfg, from, true)
	if err != nil {
		return nil, err
	}
	return backup.Open(ctx, t, key, false)
}

// parseAt reads --at: an RFC 3339 time, a date (the end of that day, local time), a
// date and time, or a backup's name.
func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("20060102T150405.000Z", s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
	}
	return time.Time{}, fmt.Errorf("--at %q: want 2026-12-01, \"2026-12-01 14:00\", 2026-12-01T14:00:00+07:00 or a backup name: %w", s, errUsage)
}

func runBackupList(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup list", "", "Lists the backups of the repository at --from, oldest first.", stderr)
	from := fs.String("from", "", "the repository: a directory or s3://HOST:PORT/BUCKET (default --backup-to)")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	repo, err := openRepo(ctx, cfg, *from)
	if err != nil {
		return err
	}
	names, err := repo.Snapshots(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintln(stdout, n)
	}
	return nil
}

func runBackupVerify(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup verify", "", "Reads a backup back in full: every manifest opens; of the backup (--at, default\nthe newest) every file decrypts and has the SHA-256 its manifest records, and\nthe database snapshot loads (SQLite: integrity check; PostgreSQL: pg_restore\nreads the whole archive). Names every damaged file; exits 1 on any damage.", stderr)
	from := fs.String("from", "", "the repository: a directory or s3://HOST:PORT/BUCKET (default --backup-to)")
	at := fs.String("at", "", "verify the newest backup taken at or before this time (default: the newest)")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	repo, err := openRepo(ctx, cfg, *from)
	if err != nil {
		return err
	}
	name, err := repo.Pick(ctx, when)
	if err != nil {
		return err
	}
	bar := newBar(stderr, "kntc backup verify")
	rep, err := repo.Verify(ctx, name, backup.VerifyOptions{TempDir: os.TempDir(), CheckDB: checkDump, Progress: bar.progress})
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Bản sao lưu (backup) %s: %d đối tượng (objects), %d tệp dữ liệu đã đọc (data files read), %s; cơ sở dữ liệu (database) %s %s; %d bản kê mở được (manifests open)\n",
		name, rep.Objects, rep.Blobs, humanBytes(rep.Bytes), rep.Database.Dialect, rep.Database.File, rep.Manifests)
	if rep.OK() {
		fmt.Fprintln(stdout, "Nguyên vẹn (intact)")
		return nil
	}
	fmt.Fprintf(stdout, "HỎNG (DAMAGED): %d tệp (files)\n", len(rep.Problems))
	for _, p := range rep.Problems {
		if p.Key != "" {
			fmt.Fprintf(stdout, "  %s (đối tượng/object %s): %s\n", p.File, p.Key, p.Reason)
		} else {
			fmt.Fprintf(stdout, "  %s: %s\n", p.File, p.Reason)
		}
	}
	return errVerifyFailed
}

// checkDump proves a decrypted database snapshot loads.
func checkDump(ctx context.Context, db backup.DBEntry, path string) error {
	switch db.Dialect {
	case "sqlite":
		v, err := sqlite.CheckFile(ctx, path)
		if err != nil {
			return err
		}
		if v != db.SchemaVersion {
			return fmt.Errorf("schema version %d, the manifest says %d", v, db.SchemaVersion)
		}
		return nil
	case "postgres":
		return postgres.CheckDump(ctx, path)
	}
	return fmt.Errorf("unknown database %q", db.Dialect)
}

func runRestore(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", "", "Restores a backup from --from into an empty data directory (SQLite and local\nobjects) or an empty PostgreSQL database and bucket, as configured; a target\nthat holds a database or objects is refused. Every file is checked as it is\nread; a damaged file or a wrong key stops the restore, naming the file, and\nwhat was written is removed. Then the search index is rebuilt, the audit trail\nverified and a summary printed. The sealing, audit and PIN keys are not in\nbackups: configure the same ones (or copy seal.key, audit.key and pin.key into\nthe data directory; without the PIN key, citizens' PINs no longer open).", stderr)
	from := fs.String("from", "", "the repository: a directory or s3://HOST:PORT/BUCKET (default --backup-to)")
	at := fs.String("at", "", "restore the newest backup taken at or before this time (default: the newest)")
	ignoreKeys := fs.Bool("ignore-keys", false, "restore even though the configured sealing or audit key is not the backup's (sealed values will not open, the audit trail will not verify)")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	repo, err := openRepo(ctx, cfg, *from)
	if err != nil {
		return err
	}
	name, err := repo.Pick(ctx, when)
	if err != nil {
		return err
	}
	m, err := repo.Manifest(ctx, name)
	if err != nil {
		return err
	}
	logger := cfg.Logger(io.Discard)
	if err := checkRestoreKeys(cfg, m); err != nil && !*ignoreKeys {
		return err
	}
	dst, err := openRestoreTarget(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Khôi phục (restoring) %s từ (from) %s\n", name, m.Host)
	bar := newBar(stderr, "kntc restore")
	tmp := backupTempDir(cfg)
	_, err = repo.Restore(ctx, name, dst, backup.RestoreOptions{TempDir: tmp, Progress: bar.progress})
	bar.finish()
	os.Remove(tmp)
	if err != nil {
		return fmt.Errorf("khôi phục dừng lại, không ghi gì (restore stopped, nothing written): %w", err)
	}

	// The restored database, migrated forward when the backup is older than kntc.
	st, err := openStores(ctx, cfg, true, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	docs, pages, err := rebuildIndex(ctx, cfg, st.db, stderr)
	if err != nil {
		return fmt.Errorf("rebuild the search index: %w", err)
	}
	rep, err := cases.VerifyAuditTrail(ctx, st.db, st.blobs, st.db.AuditKey())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã khôi phục (restored) %s (%s): %d đối tượng (objects), %s; cơ sở dữ liệu (database) %s; chỉ mục (index): %d tài liệu, %d trang (documents, pages)\n",
		name, m.Time.Local().Format("2006-01-02 15:04:05"), len(m.Objects), humanBytes(m.Bytes), m.Database.Dialect, docs, pages)
	printAuditReport(stdout, rep, st.db.AuditKey() != nil)
	if !rep.OK() {
		return errVerifyFailed
	}
	return nil
}

// checkRestoreKeys compares the configured sealing and audit keys with the ones the
// backup was made with, before anything is written.
func checkRestoreKeys(cfg *Config, m *backup.Manifest) error {
	var problems []string
	if m.AuditKeyID != "" {
		key, err := cases.LoadAuditKey(cases.AuditKeySource{Value: cfg.AuditKey, Path: cfg.auditKeyPath(), Shared: cfg.DatabaseURL != ""}, cfg.Logger(io.Discard))
		switch {
		case err != nil:
			return err
		case key == nil:
			problems = append(problems, fmt.Sprintf("không có khóa nhật ký kiểm toán; bản sao lưu cần khóa %s (no audit key configured; the backup needs key %s)", m.AuditKeyID, m.AuditKeyID))
		case cases.AuditKeyID(key) != m.AuditKeyID:
			problems = append(problems, fmt.Sprintf("khóa nhật ký kiểm toán là %s, bản sao lưu cần %s (the audit key is %s, the backup needs %s)", cases.AuditKeyID(key), m.AuditKeyID, cases.AuditKeyID(key), m.AuditKeyID))
		}
	}
	if m.SealKeyID != "" {
		_, statErr := os.Stat(cfg.sealKeyPath())
		if cfg.SealKey == "" && errors.Is(statErr, fs.ErrNotExist) {
			problems = append(problems, fmt.Sprintf("không có khóa niêm phong; bản sao lưu cần khóa %s (no sealing key configured; the backup needs key %s)", m.SealKeyID, m.SealKeyID))
		} else {
			sealer, err := cases.LoadSealer(cases.SealConfig{Key: cfg.SealKey, KeyID: cfg.SealKeyID, OldKeys: cfg.SealOldKeys,
				Path: cfg.sealKeyPath(), Shared: cfg.DatabaseURL != ""}, cfg.Logger(io.Discard))
			if err != nil {
				return err
			}
			if sealer.Fingerprint() != m.SealKeyID {
				problems = append(problems, fmt.Sprintf("khóa niêm phong là %s, bản sao lưu cần %s (the sealing key is %s, the backup needs %s)", sealer.Fingerprint(), m.SealKeyID, sealer.Fingerprint(), m.SealKeyID))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("khóa không khớp, chưa ghi gì (keys do not match, nothing written): %s; dùng --ignore-keys để vẫn khôi phục (use --ignore-keys to restore anyway)", strings.Join(problems, "; "))
	}
	return nil
}

// openRestoreTarget checks that the configured database and object store are empty
// and returns them as a restore destination.
func openRestoreTarget(ctx context.Context, cfg *Config) (backup.Dest, error) {
	var blobs ingest.BlobStore
	var err error
	if cfg.S3Endpoint != "" {
		blobs, err = s3.New(ctx, s3.Config{Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey, Region: cfg.S3Region, UseSSL: cfg.S3UseSSL, ObjectLock: cfg.ObjectLock})
	} else {
		blobs, err = localfs.New(cfg.objectsDir())
	}
	if err != nil {
		return backup.Dest{}, fmt.Errorf("open object store: %w", err)
	}
	var found []string
	n := 0
	if err := blobs.List(ctx, "", func(b ingest.BlobInfo) error {
		n++
		if n > 3 {
			return errStopList
		}
		found = append(found, b.Key)
		return nil
	}); err != nil && !errors.Is(err, errStopList) {
		return backup.Dest{}, fmt.Errorf("list the object store: %w", err)
	}
	var busy []string
	if len(found) > 0 {
		busy = append(busy, fmt.Sprintf("kho đối tượng có dữ liệu (the object store holds objects: %s…)", strings.Join(found, ", ")))
	}
	dest := backup.Dest{Blobs: blobs}
	if cfg.DatabaseURL != "" {
		db, _, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return backup.Dest{}, err
		}
		empty, err := postgres.Empty(ctx, db)
		db.Close()
		if err != nil {
			return backup.Dest{}, err
		}
		if !empty {
			busy = append(busy, "cơ sở dữ liệu PostgreSQL có bảng (the PostgreSQL database holds tables)")
		}
		dest.Dialect = "postgres"
		dest.Load = func(ctx context.Context, _ backup.DBEntry, path string) error {
			return postgres.Restore(ctx, cfg.DatabaseURL, path)
		}
	} else {
		for _, p := range []string{cfg.dbPath(), cfg.dbPath() + "-wal"} {
			if _, err := os.Stat(p); err == nil {
				busy = append(busy, "đã có cơ sở dữ liệu (a database exists) "+p)
			}
		}
		dest.Dialect = "sqlite"
		dest.Load = func(_ context.Context, _ backup.DBEntry, path string) error {
			// Same file system (the temporary directory is in the data directory):
			// the database appears whole or not at all.
			if err := os.Rename(path, cfg.dbPath()); err != nil {
				return err
			}
			return syncDir(cfg.DataDir)
		}
	}
	if len(busy) > 0 {
		return backup.Dest{}, fmt.Errorf("nơi khôi phục không trống, từ chối (the restore target is not empty, refused): %s", strings.Join(busy, "; "))
	}
	return dest, nil
}

var errStopList = errors.New("enough")

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// bar is a progress bar made when the total is first known; safe for the
// concurrent callbacks of package backup.
type bar struct {
	mu   sync.Mutex
	w    io.Writer
	desc string
	b    *progressbar.ProgressBar
}

func newBar(w io.Writer, desc string) *bar { return &bar{w: w, desc: desc} }

func (b *bar) progress(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b == nil {
		b.b = progressbar.NewOptions(total, progressbar.OptionSetWriter(b.w), progressbar.OptionSetDescription(b.desc),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionClearOnFinish())
	}
	if done > int(b.b.State().CurrentNum) { // workers report out of order
		_ = b.b.Set(done)
	}
}

func (b *bar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b != nil {
		_ = b.b.Finish()
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 2, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
