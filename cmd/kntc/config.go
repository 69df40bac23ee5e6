package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
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

	TokenTTL   time.Duration // KNTC_TOKEN_TTL
	LoginLimit int           // KNTC_LOGIN_LIMIT: attempts per minute per address and per username

	LogFormat string // KNTC_LOG_FORMAT: json or text
	LogLevel  string // KNTC_LOG_LEVEL: debug, info, warn, error

	envErrs []error // variables that could not be read (bad numbers, unreadable _FILE)
	// secrets from the environment, applied by Validate to flags left empty; never
	// flag defaults, which --help would print.
	envSecrets map[*string]string
}

// configVar documents one KNTC_* variable; README's table is made from the same list
// (TestReadmeListsEveryVariable keeps them in step).
type configVar struct {
	env, flag, def, help string
}

func configVars() []configVar {
	return []configVar{
		{"KNTC_ADDR", "addr", ":8080", "address to listen on (host:port)"},
		{"KNTC_BASE_URL", "base-url", "", "public URL of kntc, e.g. https://kntc.tayninh.gov.vn (default: from --addr)"},
		{"KNTC_DATA_DIR", "data-dir", "./data", "data directory: SQLite database, objects, index, hot folder, spool, quarantine"},
		{"KNTC_DATABASE_URL", "database-url", "", "PostgreSQL URL postgres://USER:PASS@HOST:5432/DB (default: SQLite file DATA/kntc.db)"},
		{"KNTC_S3_ENDPOINT", "s3-endpoint", "", "S3 endpoint host:port, e.g. minio.internal:9000 (default: objects in DATA/objects)"},
		{"KNTC_S3_BUCKET", "s3-bucket", "kntc", "S3 bucket (created when absent)"},
		{"KNTC_S3_ACCESS_KEY", "s3-access-key", "", "S3 access key (or KNTC_S3_ACCESS_KEY_FILE)"},
		{"KNTC_S3_SECRET_KEY", "s3-secret-key", "", "S3 secret key (or KNTC_S3_SECRET_KEY_FILE)"},
		{"KNTC_S3_REGION", "s3-region", "", "S3 region (default: ask the server)"},
		{"KNTC_S3_USE_SSL", "s3-use-ssl", "false", "connect to S3 with TLS"},
		{"KNTC_ADMIN_PASSWORD", "admin-password", "", "password of the first 'admin' account, used only on an empty database (or KNTC_ADMIN_PASSWORD_FILE; default: generated and printed once)"},
		{"KNTC_ROOT_UNIT_CODE", "root-unit-code", "TINH", "code of the root unit created on an empty database"},
		{"KNTC_ROOT_UNIT_NAME", "root-unit-name", "Ủy ban nhân dân tỉnh", "name of the root unit created on an empty database"},
		{"KNTC_TOKEN_TTL", "token-ttl", "12h", "lifetime of a login token"},
		{"KNTC_LOGIN_LIMIT", "login-limit", "10", "login attempts per minute per client address and per username"},
		{"KNTC_LOG_FORMAT", "log-format", "json", "log format: json or text"},
		{"KNTC_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn or error"},
	}
}

var secretVars = map[string]bool{"KNTC_S3_ACCESS_KEY": true, "KNTC_S3_SECRET_KEY": true, "KNTC_ADMIN_PASSWORD": true, "KNTC_DATABASE_URL": true}

// bindConfig declares every configuration flag on fs, with defaults taken from the
// environment, and returns the Config they fill.
func bindConfig(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{}
	val := func(v configVar) string {
		if s := getenv(v.env); s != "" {
			return s
		}
		if secretVars[v.env] {
			if path := getenv(v.env + "_FILE"); path != "" {
				b, err := os.ReadFile(path)
				if err != nil {
					c.envErrs = append(c.envErrs, fmt.Errorf("%s_FILE: %w", v.env, err))
					return v.def
				}
				return strings.TrimRight(string(b), "\r\n")
			}
		}
		return v.def
	}
	c.envSecrets = map[*string]string{}
	for _, v := range configVars() {
		help := v.help + " [" + v.env + "]"
		def := val(v)
		if secretVars[v.env] {
			help = v.help + " [" + v.env + ", value not shown]"
			ptr := map[string]*string{"KNTC_S3_ACCESS_KEY": &c.S3AccessKey, "KNTC_S3_SECRET_KEY": &c.S3SecretKey,
				"KNTC_ADMIN_PASSWORD": &c.AdminPassword, "KNTC_DATABASE_URL": &c.DatabaseURL}[v.env]
			c.envSecrets[ptr] = def
			fs.StringVar(ptr, v.flag, "", help)
			continue
		}
		switch v.env {
		case "KNTC_ADDR":
			fs.StringVar(&c.Addr, v.flag, def, help)
		case "KNTC_BASE_URL":
			fs.StringVar(&c.BaseURL, v.flag, def, help)
		case "KNTC_DATA_DIR":
			fs.StringVar(&c.DataDir, v.flag, def, help)
		case "KNTC_S3_ENDPOINT":
			fs.StringVar(&c.S3Endpoint, v.flag, def, help)
		case "KNTC_S3_BUCKET":
			fs.StringVar(&c.S3Bucket, v.flag, def, help)
		case "KNTC_S3_REGION":
			fs.StringVar(&c.S3Region, v.flag, def, help)
		case "KNTC_S3_USE_SSL":
			b, err := strconv.ParseBool(def)
			if err != nil {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q: not true or false", v.env, def))
			}
			fs.BoolVar(&c.S3UseSSL, v.flag, b, help)
		case "KNTC_ROOT_UNIT_CODE":
			fs.StringVar(&c.RootUnitCode, v.flag, def, help)
		case "KNTC_ROOT_UNIT_NAME":
			fs.StringVar(&c.RootUnitName, v.flag, def, help)
		case "KNTC_TOKEN_TTL":
			d, err := time.ParseDuration(def)
			if err != nil {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q: not a duration such as 12h or 30m", v.env, def))
			}
			fs.DurationVar(&c.TokenTTL, v.flag, d, help)
		case "KNTC_LOGIN_LIMIT":
			n, err := strconv.Atoi(def)
			if err != nil {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q: not a whole number", v.env, def))
			}
			fs.IntVar(&c.LoginLimit, v.flag, n, help)
		case "KNTC_LOG_FORMAT":
			fs.StringVar(&c.LogFormat, v.flag, def, help)
		case "KNTC_LOG_LEVEL":
			fs.StringVar(&c.LogLevel, v.flag, def, help)
		default:
			panic("configVars has an unbound variable " + v.env)
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
	if c.LoginLimit < 1 {
		errs = append(errs, fmt.Errorf("login-limit %d: at least 1", c.LoginLimit))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("log-format %q: json or text", c.LogFormat))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cấu hình không hợp lệ (invalid configuration):\n%w", err)
	}
	return nil
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
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// The data directory's parts (../shared/DESIGN.md).
func (c *Config) dbPath() string       { return filepath.Join(c.DataDir, "kntc.db") }
func (c *Config) objectsDir() string   { return filepath.Join(c.DataDir, "objects") }
func (c *Config) hotfolderDir() string { return filepath.Join(c.DataDir, "hotfolder") }
func (c *Config) spoolDir() string     { return filepath.Join(c.DataDir, "spool") }
func (c *Config) quarantineDir() string {
	return filepath.Join(c.DataDir, "quarantine")
}
