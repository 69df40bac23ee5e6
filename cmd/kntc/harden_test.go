package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kntc/internal/testenv"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and localhost and
// its key into dir, and returns their paths and a pool that trusts it.
func selfSigned(t *testing.T, dir string) (certPath, keyPath string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kntc test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	must(t, err)
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	must(t, os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	must(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certPath, keyPath, pool
}

// startRaw runs `kntc serve` with args and returns the URL it prints, without
// waiting for /healthz (the caller knows how to reach it).
func startRaw(t *testing.T, env map[string]string, args ...string) (url string, stderr *testenv.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &testenv.Buffer{}, &testenv.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), envFunc(env), strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	urlRE := regexp.MustCompile(`running at\) (https?://\S+)`)
	for {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stderr
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited before listening: %v\nstderr:\n%s", err, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitHealthy polls url/healthz with client until it answers 200.
func waitHealthy(t *testing.T, client *http.Client, url string) *http.Response {
	t.Helper()
	for range 1000 {
		resp, err := client.Get(url + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return resp
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s/healthz never answered 200", url)
	return nil
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, pool := selfSigned(t, dir)
	url, _ := startRaw(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword, "KNTC_TLS_CERT": certPath, "KNTC_TLS_KEY": keyPath},
		"--data-dir", filepath.Join(dir, "data"))
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("serve with a certificate prints %s, want an https URL", url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp := waitHealthy(t, client, url)
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("not TLS 1.2 or later: %+v", resp.TLS)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("https answer without Strict-Transport-Security")
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if resp, err := old.Get(url + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatalf("a TLS 1.1 client was served")
	}
	plain := strings.Replace(url, "https://", "http://", 1)
	if resp, err := http.Get(plain + "/healthz"); err == nil {
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("plain http was served on the TLS address")
		}
	}
}

func TestServeMetricsAddr(t *testing.T) {
	url, stderr := startRaw(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword},
		"--data-dir", t.TempDir(), "--metrics-addr", "127.0.0.1:0")
	waitHealthy(t, http.DefaultClient, url)
	resp, err := http.Get(url + "/metrics")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the public address without a token: %d, want 404", resp.StatusCode)
	}
	m := regexp.MustCompile(`"msg":"metrics serving","addr":"([^"]+)"`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", stderr)
	}
	resp, err = http.Get("http://" + m[1] + "/metrics")
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "go_goroutines") {
		t.Fatalf("/metrics on its own address: %d %.200s", resp.StatusCode, body)
	}
}

func TestServeCutsOffSlowBody(t *testing.T) {
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", t.TempDir(), "--body-timeout", "1s")
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	must(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /api/v1/login HTTP/1.1\r\nHost: kntc\r\nContent-Length: 200\r\n\r\n{\"username\":")
	must(t, err)
	// Only so that a broken server cannot hang the test.
	must(t, conn.SetReadDeadline(time.Now().Add(time.Minute)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("stalled body: %d, want 408", resp.StatusCode)
	}
}
