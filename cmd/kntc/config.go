package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/reqid"
)

// Config is kntc's whole configuration, from flags and KNTC_* environment variables
// (a flag wins over its variable). Secrets also come from files: KNTC_X_FILE holds
// the value of KNTC_X.
type Config struct {
	Addr        string // KNTC_ADDR
	BaseURL     string // KNTC_BASE_URL: how users reach kntc, for printed links
	DataDir     string // KNTC_DATA_DIR
	DatabaseURL string // KNTC_DATABASE_URL: empty = SQLite in DataDir

	S3Endpoint  string // KNTC_S3_ENDPOINT: empty = objects on local disk in DataDir
	S3Bucket    string // KNTC_S3_BUCKET
	S3AccessKey string // KNTC_S3_ACCESS_KEY
	S3SecretKey string // KNTC_S3_SECRET_KEY
	S3Region    string // KNTC_S3_REGION
	S3UseSSL    bool   // KNTC_S3_USE_SSL

	AdminPassword string // KNTC_ADMIN_PASSWORD: the first admin's password
	RootUnitCode  string // KNTC_ROOT_UNIT_CODE
	RootUnitName  string // KNTC_ROOT_UNIT_NAME

	TokenTTL time.Duration // KNTC_TOKEN_TTL
	// SessionIdle and SessionMax end a staff page session unused this long, and
	// any session this long after it began (KNTC_SESSION_IDLE, KNTC_SESSION_MAX).
	SessionIdle, SessionMax time.Duration
	LoginLimit              int // KNTC_LOGIN_LIMIT: attempts per minute per address and per username

	HotFolders     string        // KNTC_HOTFOLDERS: extra hot folders, comma-separated
	HotFolderPoll  time.Duration // KNTC_HOTFOLDER_POLL
	StableDelay    time.Duration // KNTC_STABLE_DELAY
	RescanInterval time.Duration // KNTC_RESCAN_INTERVAL
	OCRWorkers     int           // KNTC_OCR_WORKERS: 0 = one per CPU
	OCRLang        string        // KNTC_OCR_LANG
	PageTimeout    time.Duration // KNTC_PAGE_TIMEOUT
	MaxAttempts    int           // KNTC_MAX_ATTEMPTS
	MaxInterrupted int           // KNTC_MAX_INTERRUPTIONS: attempts a file may end by killing its worker
	MaxFileSize    int64         // KNTC_MAX_FILE_SIZE
	MaxPages       int           // KNTC_MAX_PAGES
	MaxPixels      int64         // KNTC_MAX_PIXELS
	OfficeTimeout  time.Duration // KNTC_OFFICE_TIMEOUT: one LibreOffice run
	OfficeWorkers  int           // KNTC_OFFICE_WORKERS: LibreOffice conversions at once

	SealKey     string // KNTC_SEAL_KEY: AES-256 key sealing denouncers' identities
	SealKeyID   string // KNTC_SEAL_KEY_ID
	SealOldKeys string // KNTC_SEAL_OLD_KEYS: retired keys, "id:key,id:key"
	AuditKey    string // KNTC_AUDIT_KEY: HMAC key of the audit chain and its anchors
	PINKey      string // KNTC_PIN_KEY: HMAC key of the citizens' lookup PIN verifiers
	ObjectLock  string // KNTC_S3_OBJECT_LOCK: auto, off, governance or compliance
	DueSoonDays int    // KNTC_DUE_SOON_DAYS

	Role      string        // KNTC_ROLE: all, web or worker (kntc serve)
	LeaseTTL  time.Duration // KNTC_LEASE_TTL: hot-folder and backup leases
	LogFormat string        // KNTC_LOG_FORMAT: json or text
	LogLevel  string        // KNTC_LOG_LEVEL: debug, info, warn, error

	// Hostile load (issue 19): TLS, proxies, request bodies, page memory, disk,
	// metrics.
	TLSCert        string        // KNTC_TLS_CERT: PEM certificate chain; with TLSKey, serve https
	TLSKey         string        // KNTC_TLS_KEY
	TrustedProxies string        // KNTC_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
	BodyTimeout    time.Duration // KNTC_BODY_TIMEOUT: time to send a JSON body; uploads' grace
	UploadMinRate  int64         // KNTC_UPLOAD_MIN_RATE: bytes/s an upload must average
	MaxUploads     int           // KNTC_MAX_UPLOADS: uploads sending at once
	MaxBodies      int           // KNTC_MAX_BODIES: request bodies being read at once
	DecodeMemory   int64         // KNTC_DECODE_MEMORY: bytes of decoded page rasters at once
	MinFreeDisk    int64         // KNTC_MIN_FREE_DISK: /healthz fails below this
	MetricsToken   string        // KNTC_METRICS_TOKEN: bearer token for /metrics
	MetricsAddr    string        // KNTC_METRICS_ADDR: separate listener for /metrics

	// Backups (issue 15).
	BackupKey         string // KNTC_BACKUP_KEY: the backup repository's key
	BackupTo          string // KNTC_BACKUP_TO: directory or s3://HOST:PORT/BUCKET
	BackupS3AccessKey string // KNTC_BACKUP_S3_ACCESS_KEY
	BackupS3SecretKey string // KNTC_BACKUP_S3_SECRET_KEY
	BackupS3UseSSL    bool   // KNTC_BACKUP_S3_USE_SSL
	BackupSchedule    string // KNTC_BACKUP_SCHEDULE: "HH:MM DAY" (daily, full on DAY) or off
	BackupKeep        string // KNTC_BACKUP_KEEP: retention, daily=N,weekly=N,monthly=N
	ScrubDays         int    // KNTC_SCRUB_DAYS: every object read back once in this many days
	ToneCorrection    bool   // KNTC_TONE_CORRECTION: restore tone marks from context after OCR
	RetentionYears    int    // KNTC_RETENTION_YEARS: decisions' archive copies kept write-once

	envErrs []error // variables that could not be read (bad numbers, unreadable _FILE)
	// secrets from the environment, applied by Validate to flags left empty; never
	// flag defaults, which --help would print.
	envSecrets map[*string]string
	// secretFiles are the KNTC_*_FILE paths secrets were read from, by variable.
	secretFiles map[string]string
}

// configVar documents one KNTC_* variable and binds it to its Config field; README's
// table lists the same variables (TestReadmeListsEveryVariable keeps them in step).
type configVar struct {
	env, flag, def, help string
	ptr                  any // *string, *bool, *int, *int64 or *time.Duration
	secret               bool
}

func configVars(c *Config) []configVar {
	return []configVar{
		{"KNTC_ADDR", "addr", ":8080", "address to listen on (host:port)", &c.Addr, false},
		{"KNTC_BASE_URL", "base-url", "", "public URL of kntc, e.g. https://kntc.tayninh.gov.vn (default: from --addr)", &c.BaseURL, false},
		{"KNTC_DATA_DIR", "data-dir", "./data", "data directory: SQLite database, objects, index, hot folder, spool, quarantine", &c.DataDir, false},
		{"KNTC_DATABASE_URL", "database-url", "", "PostgreSQL URL postgres://USER:PASS@HOST:5432/DB (default: SQLite file DATA/kntc.db)", &c.DatabaseURL, true},
		{"KNTC_S3_ENDPOINT", "s3-endpoint", "", "S3 endpoint host:port, e.g. minio.internal:9000 (default: objects in DATA/objects)", &c.S3Endpoint, false},
		{"KNTC_S3_BUCKET", "s3-bucket", "kntc", "S3 bucket (created when absent)", &c.S3Bucket, false},
		{"KNTC_S3_ACCESS_KEY", "s3-access-key", "", "S3 access key (or KNTC_S3_ACCESS_KEY_FILE)", &c.S3AccessKey, true},
		{"KNTC_S3_SECRET_KEY", "s3-secret-key", "", "S3 secret key (or KNTC_S3_SECRET_KEY_FILE)", &c.S3SecretKey, true},
		{"KNTC_S3_REGION", "s3-region", "", "S3 region (default: ask the server)", &c.S3Region, false},
		{"KNTC_S3_USE_SSL", "s3-use-ssl", "false", "connect to S3 with TLS", &c.S3UseSSL, false},
		{"KNTC_ADMIN_PASSWORD", "admin-password", "", "password of the first 'admin' account, used only on an empty database (or KNTC_ADMIN_PASSWORD_FILE; default: generated and printed once)", &c.AdminPassword, true},
		{"KNTC_ROOT_UNIT_CODE", "root-unit-code", "TINH", "code of the root unit created on an empty database", &c.RootUnitCode, false},
		{"KNTC_ROOT_UNIT_NAME", "root-unit-name", "Ủy ban nhân dân tỉnh", "name of the root unit created on an empty database", &c.RootUnitName, false},
		{"KNTC_TOKEN_TTL", "token-ttl", "12h", "lifetime of a login token", &c.TokenTTL, false},
		{"KNTC_SESSION_IDLE", "session-idle", "1h", "a staff page session unused this long ends", &c.SessionIdle, false},
		{"KNTC_SESSION_MAX", "session-max", "12h", "a staff page session ends this long after sign-in, used or not", &c.SessionMax, false},
		{"KNTC_LOGIN_LIMIT", "login-limit", "10", "login attempts per minute per client address and per username", &c.LoginLimit, false},
		{"KNTC_HOTFOLDERS", "hotfolders", "", "more hot folders besides DATA/hotfolder, comma-separated (e.g. SMB or NFS mounts)", &c.HotFolders, false},
		{"KNTC_HOTFOLDER_POLL", "hotfolder-poll", "10s", "scan interval of the extra hot folders (network shares send no file events); 0 disables polling", &c.HotFolderPoll, false},
		{"KNTC_STABLE_DELAY", "stable-delay", "3s", "a hot-folder file is taken once its size and time have not changed for this long", &c.StableDelay, false},
		{"KNTC_RESCAN_INTERVAL", "rescan-interval", "1m", "full rescan of every hot folder", &c.RescanInterval, false},
		{"KNTC_OCR_WORKERS", "ocr-workers", "0", "pages recognised at once, one Tesseract thread each (0: one per CPU)", &c.OCRWorkers, false},
		{"KNTC_OCR_LANG", "ocr-lang", "vie", "Tesseract language model(s), e.g. vie or vie+eng", &c.OCRLang, false},
		{"KNTC_PAGE_TIMEOUT", "page-timeout", "5m", "OCR time limit per page", &c.PageTimeout, false},
		{"KNTC_MAX_ATTEMPTS", "max-attempts", "5", "tries per document before it is quarantined", &c.MaxAttempts, false},
		{"KNTC_MAX_INTERRUPTIONS", "max-interruptions", "3", "attempts at a document that may end with its worker process dying (a crash, a power cut) before the file is quarantined unopened", &c.MaxInterrupted, false},
		{"KNTC_MAX_FILE_SIZE", "max-file-size", "524288000", "largest accepted file in bytes", &c.MaxFileSize, false},
		{"KNTC_MAX_PAGES", "max-pages", "2000", "most pages per file", &c.MaxPages, false},
		{"KNTC_MAX_PIXELS", "max-pixels", "150000000", "most pixels per page (decompression bombs)", &c.MaxPixels, false},
		{"KNTC_OFFICE_TIMEOUT", "office-timeout", "2m", "time limit of one LibreOffice run converting an office file (.doc, .docx, .odt, .rtf, .xls, .xlsx, .ods); over it, LibreOffice is stopped and the file quarantined", &c.OfficeTimeout, false},
		{"KNTC_OFFICE_WORKERS", "office-workers", "1", "office files LibreOffice converts at once (each run takes a core and a few hundred MB)", &c.OfficeWorkers, false},
		{"KNTC_SEAL_KEY", "seal-key", "", "AES-256 key (64 hex digits or base64 of 32 bytes) sealing denouncers' identities (or KNTC_SEAL_KEY_FILE; default: generated once into DATA/seal.key; required on a shared database unless that file exists — every server of one database must share it)", &c.SealKey, true},
		{"KNTC_SEAL_KEY_ID", "seal-key-id", "k1", "name of KNTC_SEAL_KEY, stored with every sealed value so keys can be rotated", &c.SealKeyID, false},
		{"KNTC_SEAL_OLD_KEYS", "seal-old-keys", "", "retired sealing keys still needed to open old values: id:key,id:key (or KNTC_SEAL_OLD_KEYS_FILE)", &c.SealOldKeys, true},
		{"KNTC_AUDIT_KEY", "audit-key", "", "HMAC-SHA256 key (64 hex digits or base64 of 32 bytes) chaining the audit trail and signing its anchors; keep it away from the database and object-store administrators (or KNTC_AUDIT_KEY_FILE; default: generated once into DATA/audit.key — every server of one database must share it)", &c.AuditKey, true},
		{"KNTC_PIN_KEY", "pin-key", "", "HMAC-SHA256 key (64 hex digits or base64 of 32 bytes) of the citizens' lookup PIN verifiers, a pepper: keep it out of the database and its backups (or KNTC_PIN_KEY_FILE; default: generated once into DATA/pin.key — every server of one database must share it; losing it means resetting the PINs)", &c.PINKey, true},
		{"KNTC_S3_OBJECT_LOCK", "s3-object-lock", "auto", "audit anchors on S3 under object lock: auto (when the bucket has object locking), off, governance or compliance (these two also create the bucket with object locking)", &c.ObjectLock, false},
		{"KNTC_DUE_SOON_DAYS", "due-soon-days", "5", "a case's deadline is 'due soon' this many days ahead", &c.DueSoonDays, false},
		{"KNTC_ROLE", "role", "all", "what kntc serve does: all; web (pages, API, search; no OCR, no hot folders); worker (hot folders and OCR jobs; only /healthz and /metrics on --addr)", &c.Role, false},
		{"KNTC_LEASE_TTL", "lease-ttl", "30s", "a hot folder, and the backups and scrub, are one node's at a time under a lease of this time, renewed every third of it; a node that stops leaves them to another within it", &c.LeaseTTL, false},
		{"KNTC_LOG_FORMAT", "log-format", "json", "log format: json or text", &c.LogFormat, false},
		{"KNTC_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn or error", &c.LogLevel, false},

		{"KNTC_TLS_CERT", "tls-cert", "", "PEM certificate (chain) file: with --tls-key, serve https (TLS 1.2+) natively", &c.TLSCert, false},
		{"KNTC_TLS_KEY", "tls-key", "", "PEM private key file of --tls-cert", &c.TLSKey, false},
		{"KNTC_TRUSTED_PROXIES", "trusted-proxies", "", "reverse proxies whose X-Forwarded-For names the client, as CIDRs, comma-separated (e.g. 127.0.0.1/32,10.0.0.5/32)", &c.TrustedProxies, false},
		{"KNTC_BODY_TIMEOUT", "body-timeout", "30s", "time a client has to send a request body (an upload: the grace before --upload-min-rate counts)", &c.BodyTimeout, false},
		{"KNTC_UPLOAD_MIN_RATE", "upload-min-rate", "32768", "slowest average rate of an upload in bytes per second; a slower one is cut off (408)", &c.UploadMinRate, false},
		{"KNTC_MAX_UPLOADS", "max-uploads", "4", "uploads receiving at once; more are answered 503 with Retry-After", &c.MaxUploads, false},
		{"KNTC_MAX_BODIES", "max-bodies", "64", "request bodies being received at once; more are answered 503 with Retry-After", &c.MaxBodies, false},
		{"KNTC_DECODE_MEMORY", "decode-memory", "2147483648", "bytes of page images the OCR workers may hold decoded at once (a page larger than this runs alone)", &c.DecodeMemory, false},
		{"KNTC_MIN_FREE_DISK", "min-free-disk", "1073741824", "/healthz answers 503 when the data directory, spool or a hot folder has fewer free bytes (0: no check)", &c.MinFreeDisk, false},
		{"KNTC_METRICS_TOKEN", "metrics-token", "", "serve /metrics on the main address to requests with this bearer token (or KNTC_METRICS_TOKEN_FILE; without it and --metrics-addr there is no /metrics)", &c.MetricsToken, true},
		{"KNTC_METRICS_ADDR", "metrics-addr", "", "serve /metrics on this address of its own (host:port, e.g. 127.0.0.1:9090), for the monitoring only", &c.MetricsAddr, false},

		{"KNTC_BACKUP_KEY", "backup-key", "", "key of the backup repository, 64 hex digits or base64 of 32 bytes (`kntc backup keygen` makes one); keep it away from the data directory and apart from the sealing and audit keys (or KNTC_BACKUP_KEY_FILE)", &c.BackupKey, true},
		{"KNTC_BACKUP_TO", "backup-to", "", "backup target: a directory (a mounted share) or s3://HOST:PORT/BUCKET on another server; the default of --to and --from, and where kntc serve backs up on its schedule", &c.BackupTo, false},
		{"KNTC_BACKUP_S3_ACCESS_KEY", "backup-s3-access-key", "", "access key of an s3:// backup target (or KNTC_BACKUP_S3_ACCESS_KEY_FILE)", &c.BackupS3AccessKey, true},
		{"KNTC_BACKUP_S3_SECRET_KEY", "backup-s3-secret-key", "", "secret key of an s3:// backup target (or KNTC_BACKUP_S3_SECRET_KEY_FILE)", &c.BackupS3SecretKey, true},
		{"KNTC_BACKUP_S3_USE_SSL", "backup-s3-use-ssl", "false", "connect to an s3:// backup target with TLS", &c.BackupS3UseSSL, false},
		{"KNTC_BACKUP_SCHEDULE", "backup-schedule", "02:00 sun", "when kntc serve backs up to --backup-to: every day at HH:MM (local time), a full backup (every object re-read) on the named day; off disables", &c.BackupSchedule, false},
		{"KNTC_BACKUP_KEEP", "backup-keep", "daily=7,weekly=4,monthly=12", "backups kept by kntc serve after each scheduled backup: the newest of each of the last N days, weeks and months", &c.BackupKeep, false},
		{"KNTC_RETENTION_YEARS", "retention-years", "10", "the archive copy of a resolving decision or conclusion is kept write-once this many years once it decides its case: S3 object lock (KNTC_S3_OBJECT_LOCK) when the bucket has it, else a read-only file that kntc verify checks; 0 disables", &c.RetentionYears, false},
		{"KNTC_TONE_CORRECTION", "tone-correction", "true", "restore tone and vowel marks OCR read as their neighbours from the sentence around them (README, OCR tone correction); false keeps Tesseract's reading", &c.ToneCorrection, false},
		{"KNTC_SCRUB_DAYS", "scrub-days", "30", "kntc serve reads every stored original back once in this many days (a share each day) and checks its SHA-256; 0 disables", &c.ScrubDays, false},
	}
}

// bindConfig declares every configuration flag on fs, with defaults taken from the
// environment, and returns the Config they fill.
func bindConfig(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{envSecrets: map[*string]string{}, secretFiles: map[string]string{}}
	for _, v := range configVars(c) {
		def := v.def
		if s := getenv(v.env); s != "" {
			def = s
		} else if path := getenv(v.env + "_FILE"); v.secret && path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s_FILE: %w", v.env, err))
			} else {
				def = strings.TrimRight(string(b), "\r\n")
				c.secretFiles[v.env] = path
			}
		}
		if v.env == "KNTC_ROLE" && fs.Lookup(v.flag) != nil {
			c.Role = "all" // `kntc user add --role` is the account's role, not serve's
			continue
		}
		help := v.help + " [" + v.env + "]"
		bad := func(what string) {
			c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q: not %s", v.env, def, what))
		}
		switch p := v.ptr.(type) {
		case *string:
			if v.secret {
				// Never a flag default: --help would print it. Validate applies it.
				c.envSecrets[p] = def
				fs.StringVar(p, v.flag, "", v.help+" ["+v.env+", value not shown]")
				continue
			}
			fs.StringVar(p, v.flag, def, help)
		case *bool:
			b, err := strconv.ParseBool(def)
			if err != nil {
				bad("true or false")
			}
			fs.BoolVar(p, v.flag, b, help)
		case *int:
			n, err := strconv.Atoi(def)
			if err != nil {
				bad("a whole number")
			}
			fs.IntVar(p, v.flag, n, help)
		case *int64:
			n, err := strconv.ParseInt(def, 10, 64)
			if err != nil {
				bad("a whole number")
			}
			fs.Int64Var(p, v.flag, n, help)
		case *time.Duration:
			d, err := time.ParseDuration(def)
			if err != nil {
				bad("a duration such as 12h, 30m or 3s")
			}
			fs.DurationVar(p, v.flag, d, help)
		default:
			panic("configVars: unsupported field type for " + v.env)
		}
	}
	return c
}

// Validate fills the secrets not given as flags from the environment, then reports
// every problem at once.
func (c *Config) Validate() error {
	for ptr, v := range c.envSecrets {
		if *ptr == "" {
			*ptr = v
		}
	}
	errs := append([]error(nil), c.envErrs...)
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port, e.g. :8080 or 127.0.0.1:8080", c.Addr))
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("base-url %q: want http(s)://host[:port]", c.BaseURL))
		}
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir is empty"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("database-url: want postgres://USER:PASS@HOST:PORT/DB (leave empty for the embedded SQLite database)"))
	}
	if c.S3Endpoint != "" {
		if strings.Contains(c.S3Endpoint, "://") {
			errs = append(errs, fmt.Errorf("s3-endpoint %q: give host:port without a scheme; use --s3-use-ssl for https", c.S3Endpoint))
		}
		if c.S3Bucket == "" {
			errs = append(errs, errors.New("s3-bucket is empty"))
		}
		if c.S3AccessKey == "" || c.S3SecretKey == "" {
			errs = append(errs, errors.New("s3-access-key and s3-secret-key are required with s3-endpoint"))
		}
	}
	if c.TokenTTL < time.Minute {
		errs = append(errs, fmt.Errorf("token-ttl %s: at least 1m", c.TokenTTL))
	}
	if c.SessionIdle < time.Minute || c.SessionMax < c.SessionIdle {
		errs = append(errs, fmt.Errorf("session-idle %s, session-max %s: idle at least 1m, max at least idle", c.SessionIdle, c.SessionMax))
	}
	if c.LoginLimit < 1 {
		errs = append(errs, fmt.Errorf("login-limit %d: at least 1", c.LoginLimit))
	}
	if c.StableDelay < 0 || c.RescanInterval < time.Second || c.HotFolderPoll < 0 {
		errs = append(errs, errors.New("stable-delay and hotfolder-poll must not be negative, rescan-interval at least 1s"))
	}
	if c.OCRWorkers < 0 || c.OCRWorkers > 256 {
		errs = append(errs, fmt.Errorf("ocr-workers %d: 0 (one per CPU) to 256", c.OCRWorkers))
	}
	if c.LeaseTTL < 3*time.Second {
		errs = append(errs, fmt.Errorf("lease-ttl %s: at least 3s", c.LeaseTTL))
	}
	if c.PageTimeout < time.Second {
		errs = append(errs, fmt.Errorf("page-timeout %s: at least 1s", c.PageTimeout))
	}
	if c.OfficeTimeout < time.Second {
		errs = append(errs, fmt.Errorf("office-timeout %s: at least 1s", c.OfficeTimeout))
	}
	if c.OfficeWorkers < 1 {
		errs = append(errs, fmt.Errorf("office-workers %d: at least 1", c.OfficeWorkers))
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 100 {
		errs = append(errs, fmt.Errorf("max-attempts %d: 1 to 100", c.MaxAttempts))
	}
	if c.MaxInterrupted < 1 || c.MaxInterrupted > 100 {
		errs = append(errs, fmt.Errorf("max-interruptions %d: 1 to 100", c.MaxInterrupted))
	}
	if c.MaxFileSize < 1 || c.MaxPages < 1 || c.MaxPixels < 1 {
		errs = append(errs, errors.New("max-file-size, max-pages and max-pixels must be positive"))
	}
	if c.SealKey != "" {
		if _, err := cases.ParseKey(c.SealKey); err != nil {
			errs = append(errs, fmt.Errorf("seal-key: %w", err))
		}
	}
	if _, err := cases.ParseOldKeys(c.SealOldKeys); err != nil {
		errs = append(errs, err)
	}
	if c.SealKeyID == "" || strings.ContainsAny(c.SealKeyID, ": ,") {
		errs = append(errs, fmt.Errorf("seal-key-id %q: a name without ':', ',' or spaces", c.SealKeyID))
	}
	if c.AuditKey != "" {
		if _, err := cases.ParseKey(c.AuditKey); err != nil {
			errs = append(errs, fmt.Errorf("audit-key: %w", err))
		}
	}
	if c.PINKey != "" {
		if _, err := cases.ParseKey(c.PINKey); err != nil {
			errs = append(errs, fmt.Errorf("pin-key: %w", err))
		}
	}
	switch c.ObjectLock {
	case "auto", "off", "governance", "compliance":
	default:
		errs = append(errs, fmt.Errorf("s3-object-lock %q: auto, off, governance or compliance", c.ObjectLock))
	}
	if c.DueSoonDays < 1 || c.DueSoonDays > 60 {
		errs = append(errs, fmt.Errorf("due-soon-days %d: 1 to 60", c.DueSoonDays))
	}
	if c.OCRLang == "" {
		errs = append(errs, errors.New("ocr-lang is empty"))
	}
	if c.Role != "all" && c.Role != "web" && c.Role != "worker" {
		errs = append(errs, fmt.Errorf("role %q: all, web or worker", c.Role))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("log-format %q: json or text", c.LogFormat))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateHardening()...)
	errs = append(errs, c.validateBackup()...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cấu hình không hợp lệ (invalid configuration):\n%w", err)
	}
	return nil
}

// validateHardening checks the settings of the block above.
func (c *Config) validateHardening() []error {
	var errs []error
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key go together"))
	}
	if _, err := parseProxies(c.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	if c.BodyTimeout < time.Second {
		errs = append(errs, fmt.Errorf("body-timeout %s: at least 1s", c.BodyTimeout))
	}
	if c.UploadMinRate < 1 || c.MaxUploads < 1 || c.MaxBodies < 1 {
		errs = append(errs, errors.New("upload-min-rate, max-uploads and max-bodies must be positive"))
	}
	if c.DecodeMemory < 64<<20 {
		errs = append(errs, fmt.Errorf("decode-memory %d: at least 67108864 (64 MiB)", c.DecodeMemory))
	}
	if c.MinFreeDisk < 0 {
		errs = append(errs, fmt.Errorf("min-free-disk %d: not negative", c.MinFreeDisk))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr %q: want host:port, e.g. 127.0.0.1:9090", c.MetricsAddr))
		}
	}
	return errs
}

// parseProxies reads a comma-separated list of CIDRs (a bare address is one host).
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("trusted-proxies %q: want CIDRs such as 10.0.0.5/32 or 192.168.1.0/24", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log-level %q: debug, info, warn or error", s)
	}
	return l, nil
}

// Logger builds the slog logger the configuration asks for.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	// Every line logged with a request's context names the request (reqid).
	if c.LogFormat == "text" {
		return slog.New(reqid.Handler(slog.NewTextHandler(w, opts)))
	}
	return slog.New(reqid.Handler(slog.NewJSONHandler(w, opts)))
}

// The data directory's parts (../shared/DESIGN.md).
func (c *Config) dbPath() string       { return filepath.Join(c.DataDir, "kntc.db") }
func (c *Config) objectsDir() string   { return filepath.Join(c.DataDir, "objects") }
func (c *Config) hotfolderDir() string { return filepath.Join(c.DataDir, "hotfolder") }
func (c *Config) spoolDir() string     { return filepath.Join(c.DataDir, "spool") }
func (c *Config) quarantineDir() string {
	return filepath.Join(c.DataDir, "quarantine")
}
func (c *Config) indexDir() string    { return filepath.Join(c.DataDir, "index") }
func (c *Config) sealKeyPath() string { return filepath.Join(c.DataDir, "seal.key") }
func (c *Config) pinKeyPath() string  { return filepath.Join(c.DataDir, "pin.key") }
func (c *Config) auditKeyPath() string {
	return filepath.Join(c.DataDir, "audit.key")
}

// diskDirs are the directories whose free space /healthz watches: the data
// directory, its spool, and every hot folder (network shares fill up too).
func (c *Config) diskDirs() []string {
	dirs := []string{c.DataDir, c.spoolDir()}
	for _, hf := range c.hotFolders() {
		dirs = append(dirs, hf.Root)
	}
	return dirs
}

// hotFolders are the data directory's inbox plus the configured ones.
func (c *Config) hotFolders() []ingest.HotFolder {
	hf := []ingest.HotFolder{{Root: c.hotfolderDir()}}
	for _, p := range strings.Split(c.HotFolders, ",") {
		if p = strings.TrimSpace(p); p != "" {
			hf = append(hf, ingest.HotFolder{Root: p, Poll: c.HotFolderPoll})
		}
	}
	return hf
}
