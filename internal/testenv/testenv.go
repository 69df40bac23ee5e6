// Package testenv tells tests where the real services are (PostgreSQL, MinIO,
// Tesseract) and decides what happens when one is missing: under CI=true the test
// fails, elsewhere it skips with a message that says how to start the service. It
// also finds the sample texts kept outside the repository (SamplesDir); a test that
// needs them skips without them everywhere, CI included (RequireSamples).
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Service names a test dependency for the messages.
const (
	Postgres  = "PostgreSQL"
	MinIO     = "MinIO (S3)"
	Tesseract = "Tesseract"
)

// Missing stops the test because service is not available: t.Fatalf when CI=true
// (a missing service in CI is a broken set-up, never a pass), t.Skipf otherwise.
func Missing(tb testing.TB, service, why string) {
	tb.Helper()
	msg := service + " is not available (" + why + "); run the README's test command (bash deploy/test.sh), which starts it"
	if InCI() {
		tb.Fatalf("%s; CI=true, so this is a failure, not a skip", msg)
	}
	tb.Skip(msg)
}

// InCI reports whether a missing service is a failure: under CI=true, and under
// KNTC_TEST_STRICT=1.
// deploy/test.sh sets KNTC_TEST_STRICT=1 too: it starts every service, so a missing
// one is a failure there as well.
func InCI() bool { return os.Getenv("CI") == "true" || os.Getenv("KNTC_TEST_STRICT") == "1" }

// PostgresURL returns the server URL tests create their databases on
// (KNTC_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
func PostgresURL() string {
	if u := os.Getenv("KNTC_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// S3 holds the MinIO server that deploy/test.sh started.
type S3 struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
}

// RequireS3 returns the test MinIO server from KNTC_TEST_S3_ENDPOINT,
// KNTC_TEST_S3_ACCESS_KEY and KNTC_TEST_S3_SECRET_KEY, or stops the test via Missing.
func RequireS3(tb testing.TB) S3 {
	tb.Helper()
	s := S3{
		Endpoint:  os.Getenv("KNTC_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("KNTC_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("KNTC_TEST_S3_SECRET_KEY"),
	}
	if s.Endpoint == "" || s.AccessKey == "" || s.SecretKey == "" {
		Missing(tb, MinIO, "KNTC_TEST_S3_ENDPOINT, KNTC_TEST_S3_ACCESS_KEY and KNTC_TEST_S3_SECRET_KEY are not all set")
	}
	return s
}

// PostgresDatabase creates a fresh, empty database on the test server and returns
// its URL; the database is dropped when the test ends. A server that does not answer
// stops the test via Missing.
func PostgresDatabase(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin := PostgresURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		Missing(tb, Postgres, err.Error())
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "kntc_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil || u.Scheme == "" {
		// A keyword/value connection string: append the database name.
		return admin + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

// LibreOffice names the office suite the office-file tests convert with.
const LibreOffice = "LibreOffice"
