package s3_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/testenv"
	"kntc/storage/s3"
	"kntc/storage/storagetest"
)

func TestBlobStore(t *testing.T) {
	testenv.RequireS3(t) // once here, not in every subtest
	storagetest.TestBlobStore(t, func(t *testing.T) ingest.BlobStore {
		return mustNew(t, testConfig(t))
	})
}

func TestNewCreatesBucket(t *testing.T) {
	cfg := testConfig(t)
	admin := adminClient(t)
	if ok, err := admin.BucketExists(t.Context(), cfg.Bucket); err != nil || ok {
		t.Fatalf("before New: BucketExists(%s) = %v, %v; want false", cfg.Bucket, ok, err)
	}
	s := mustNew(t, cfg)
	if ok, err := admin.BucketExists(t.Context(), cfg.Bucket); err != nil || !ok {
		t.Fatalf("after New: BucketExists(%s) = %v, %v; want true", cfg.Bucket, ok, err)
	}
	storagetest.MustPut(t, s, "k", []byte("v"))

	// Opening an existing bucket keeps its objects, also when several open it at once.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := s3.New(t.Context(), cfg); err != nil {
				t.Errorf("New on an existing bucket: %v", err)
			}
		})
	}
	wg.Wait()
	if got := storagetest.MustGet(t, mustNew(t, cfg), "k", 0, -1); string(got) != "v" {
		t.Errorf("Get k after reopening = %q, want %q", got, "v")
	}
}

func TestNewWrongSecretKey(t *testing.T) {
	cfg := testConfig(t)
	cfg.SecretKey += "-wrong"
	// Only a guard against hanging: the server answers at once.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := s3.New(ctx, cfg)
	if err == nil {
		t.Fatal("New with a wrong secret key succeeded")
	}
	t.Logf("New: %v", err)
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("New with a wrong secret key ran into the timeout: %v", err)
	}
	if msg := strings.ToLower(err.Error()); !strings.Contains(msg, cfg.Bucket) || !strings.Contains(msg, "signature") {
		t.Errorf("New with a wrong secret key: error %q should name the bucket and the signature problem", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  s3.Config
	}{
		{"no endpoint", s3.Config{Bucket: "b"}},
		{"no bucket", s3.Config{Endpoint: "127.0.0.1:1"}},
		{"part size too small", s3.Config{Endpoint: "127.0.0.1:1", Bucket: "b", PartSize: 1 << 20}},
		{"part size too large", s3.Config{Endpoint: "127.0.0.1:1", Bucket: "b", PartSize: 6 << 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s3.New(t.Context(), tt.cfg); !errors.Is(err, errs.ErrInvalid) {
				t.Errorf("New: err = %v, want ErrInvalid", err)
			}
		})
	}
}

// Every object carries its SHA-256 as metadata, also a multipart one whose hash Put
// learnt only at the end.
func TestSHA256Metadata(t *testing.T) {
	cfg := testConfig(t)
	s := mustNew(t, cfg)
	small := []byte("small object")
	large := bytes.Repeat([]byte("0123456789abcdef"), (6<<20)/16) // two 5 MiB parts
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"single part", small, ""},
		{"multipart with wantSHA256", large, storagetest.SHA256Hex(large)},
		{"multipart without wantSHA256", large, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := strings.ReplaceAll(tt.name, " ", "-")
			if _, err := s.Put(t.Context(), key, bytes.NewReader(tt.data), -1, tt.want); err != nil {
				t.Fatalf("Put: %v", err)
			}
			info, err := adminClient(t).StatObject(t.Context(), cfg.Bucket, key, minio.StatObjectOptions{})
			if err != nil {
				t.Fatalf("StatObject: %v", err)
			}
			if got, want := info.UserMetadata[s3.MetadataSHA256], storagetest.SHA256Hex(tt.data); got != want {
				t.Errorf("metadata %s = %q, want %q", s3.MetadataSHA256, got, want)
			}
		})
	}
}

// A multipart Put that fails must not leave its parts on the server.
func TestFailedMultipartPutIsAborted(t *testing.T) {
	cfg := testConfig(t)
	s := mustNew(t, cfg)
	large := bytes.Repeat([]byte("x"), 6<<20)
	_, err := s.Put(t.Context(), "big", bytes.NewReader(large), -1, storagetest.SHA256Hex([]byte("other")))
	if !errors.Is(err, errs.ErrChecksum) {
		t.Fatalf("Put with a wrong wantSHA256: err = %v, want ErrChecksum", err)
	}
	for up := range adminClient(t).ListIncompleteUploads(t.Context(), cfg.Bucket, "", true) {
		if up.Err != nil {
			t.Fatalf("ListIncompleteUploads: %v", up.Err)
		}
		t.Errorf("incomplete upload left behind: %s %s", up.Key, up.UploadID)
	}
}

// Transient faults (a dropped connection, 503 SlowDown) on every other request are
// retried, request bodies included, so all operations still succeed.
func TestRetriesTransientFaults(t *testing.T) {
	cfg := testConfig(t)
	mustNew(t, cfg) // create the bucket without faults
	ft := &faultyTransport{base: baseTransport(t)}
	cfg.Transport = ft
	s := mustNew(t, cfg)

	small := []byte("small object")
	large := bytes.Repeat([]byte("0123456789abcdef"), (6<<20)/16)
	for _, tc := range []struct {
		key  string
		data []byte
	}{{"small", small}, {"large", large}} {
		res, err := s.Put(t.Context(), tc.key, struct{ io.Reader }{bytes.NewReader(tc.data)}, -1, "")
		if err != nil {
			t.Fatalf("Put %s: %v", tc.key, err)
		}
		if res.SHA256 != storagetest.SHA256Hex(tc.data) {
			t.Errorf("Put %s SHA256 = %s, want %s", tc.key, res.SHA256, storagetest.SHA256Hex(tc.data))
		}
		if got := storagetest.MustGet(t, s, tc.key, 0, -1); !bytes.Equal(got, tc.data) {
			t.Errorf("Get %s returned other bytes", tc.key)
		}
	}
	if got := storagetest.ListKeys(t, s, ""); len(got) != 2 {
		t.Errorf("List = %q, want large and small", got)
	}
	storagetest.MustDelete(t, s, "small")
	storagetest.MustNotExist(t, s, "small")
	if n := ft.injected(); n < 10 {
		t.Errorf("only %d faults injected; the test did not exercise retries", n)
	}
}

// A byte changed on the way to the server makes it refuse the upload: the SHA-256
// Put signs is checked there, for a single PUT and for every part.
func TestServerRejectsCorruptedUpload(t *testing.T) {
	cfg := testConfig(t)
	mustNew(t, cfg)
	cfg.Transport = corruptingTransport{base: baseTransport(t)}
	s := mustNew(t, cfg)
	for _, size := range []int{1000, 6 << 20} {
		data := bytes.Repeat([]byte("z"), size)
		_, err := s.Put(t.Context(), "corrupt", bytes.NewReader(data), int64(size), "")
		if err == nil {
			t.Errorf("Put of %d bytes corrupted on the way succeeded", size)
		}
		t.Logf("Put of %d bytes: %v", size, err)
		storagetest.MustNotExist(t, s, "corrupt")
	}
}

// testConfig returns the test server's config with a fresh bucket name; the bucket
// and everything in it are removed when the test ends.
func testConfig(t *testing.T) s3.Config {
	t.Helper()
	env := testenv.RequireS3(t)
	cfg := s3.Config{
		Endpoint:  env.Endpoint,
		AccessKey: env.AccessKey,
		SecretKey: env.SecretKey,
		Bucket:    "kntc-test-" + randomHex(8),
		PartSize:  s3.MinPartSize,
	}
	t.Cleanup(func() {
		// t.Context() is already cancelled here.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin := adminClient(t)
		if ok, err := admin.BucketExists(ctx, cfg.Bucket); err != nil || !ok {
			return
		}
		if err := admin.RemoveBucketWithOptions(ctx, cfg.Bucket, minio.RemoveBucketOptions{ForceDelete: true}); err != nil {
			t.Errorf("remove test bucket %s: %v", cfg.Bucket, err)
		}
	})
	return cfg
}

func mustNew(t *testing.T, cfg s3.Config) *s3.Store {
	t.Helper()
	s, err := s3.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// adminClient talks to the test server directly, to look behind the store's back.
func adminClient(t *testing.T) *minio.Client {
	t.Helper()
	env := testenv.RequireS3(t)
	c, err := minio.New(env.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(env.AccessKey, env.SecretKey, "")})
	if err != nil {
		t.Fatalf("minio client: %v", err)
	}
	return c
}

func baseTransport(t *testing.T) http.RoundTripper {
	t.Helper()
	tr, err := minio.DefaultTransport(false)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// faultyTransport fails every other request, alternating between a dropped
// connection and 503 SlowDown. It reads the request body first, as a connection that
// dies mid-upload would, so a retry that does not rewind the body would send nothing.
// Requests must not run concurrently for the pattern to let each retry through.
type faultyTransport struct {
	base http.RoundTripper

	mu     sync.Mutex
	calls  int
	faults int
}

func (f *faultyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.calls++
	fail, drop := f.calls%2 == 1, f.calls%4 == 1
	if fail {
		f.faults++
	}
	f.mu.Unlock()
	if !fail {
		return f.base.RoundTrip(req)
	}
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	if drop {
		return nil, errors.New("injected fault: connection reset")
	}
	body := `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected fault</Message></Error>`
	return &http.Response{
		Status:     "503 Service Unavailable",
		StatusCode: http.StatusServiceUnavailable,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{"Content-Type": {"application/xml"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    req,
	}, nil
}

func (f *faultyTransport) injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faults
}

// corruptingTransport flips the first byte of every PUT body.
type corruptingTransport struct{ base http.RoundTripper }

func (c corruptingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && req.Body != nil && req.ContentLength > 0 {
		req = req.Clone(req.Context())
		req.Body = &flipFirst{ReadCloser: req.Body}
	}
	return c.base.RoundTrip(req)
}

type flipFirst struct {
	io.ReadCloser
	done bool
}

func (f *flipFirst) Read(p []byte) (int, error) {
	n, err := f.ReadCloser.Read(p)
	if n > 0 && !f.done {
		p[0] ^= 0xff
		f.done = true
	}
	return n, err
}
