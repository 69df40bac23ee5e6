package cases_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/localfs"
)

var (
	keyA = bytes.Repeat([]byte{0x11}, 32)
	keyB = bytes.Repeat([]byte{0x22}, 32)
)

// chain builds n entries: the first unkeyed ones without a key, the rest keyed.
func chain(t *testing.T, unkeyed, keyed int) []cases.AuditEntry {
	t.Helper()
	var out []cases.AuditEntry
	prev := cases.AuditEntry{}
	for i := range unkeyed + keyed {
		var key []byte
		unit := ""
		if i >= unkeyed {
			key, unit = keyA, "HT"
		}
		e, err := cases.Chain(prev, cases.Record{At: time.Date(2026, 1, 2, 3, 4, 5, i*1000, time.UTC), UserID: int64(i + 1),
			Username: "u", Action: cases.ActionRead, Object: "case:KN-2026-000001", Unit: unit}, key)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
		prev = e
	}
	return out
}

func verifyEntries(key []byte, es []cases.AuditEntry) error {
	v := cases.ChainVerifier{Key: key}
	for _, e := range es {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

// TestKeyedChain: entries made before the audit key still verify; after the first
// keyed entry every entry must be keyed with the key; the unit is covered.
func TestKeyedChain(t *testing.T) {
	es := chain(t, 2, 3)
	if es[1].Version != cases.AuditV1 || es[2].Version != cases.AuditV2 {
		t.Fatalf("versions %d, %d", es[1].Version, es[2].Version)
	}
	if err := verifyEntries(keyA, es); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	if _, err := cases.Chain(es[4], cases.Record{Action: cases.ActionRead}, nil); err == nil {
		t.Fatal("an unkeyed entry was chained after a keyed one")
	}

	// The old way, over the keyed part: recomputed unkeyed from entry 3 on.
	downgraded := append([]cases.AuditEntry(nil), es[:2]...)
	prev := es[1]
	for _, e := range es[2:] {
		e.PrevHash, e.Unit = prev.Hash, ""
		e.Version, e.Hash = cases.AuditV1, ""
		e.Hash = cases.ChainHash(e)
		downgraded = append(downgraded, e)
		prev = e
	}
	// Still a valid unkeyed chain on its own: only the anchors can tell (see
	// TestAuditAttack); but a keyed entry left behind it is caught.
	if err := verifyEntries(keyA, downgraded); err != nil {
		t.Fatalf("a chain rewritten whole the old way is a valid old chain: %v", err)
	}
	mixed := append(append([]cases.AuditEntry(nil), es[:3]...), downgraded[3:]...)
	mixed[3].PrevHash = es[2].Hash
	mixed[3].Hash = cases.ChainHash(mixed[3])
	if err := verifyEntries(keyA, mixed); err == nil || !strings.Contains(err.Error(), "audit entry 4 is unkeyed after keyed entry 3") {
		t.Fatalf("unkeyed after keyed: %v", err)
	}

	for _, tt := range []struct {
		name   string
		key    []byte
		change func(es []cases.AuditEntry)
		want   string
	}{
		{"unit moved", keyA, func(es []cases.AuditEntry) { es[3].Unit = "KHAC" }, "audit entry 4 was edited, or keyed with another key"},
		{"wrong key", keyB, func([]cases.AuditEntry) {}, "audit entry 3 was edited, or keyed with another key"},
		{"no key", nil, func([]cases.AuditEntry) {}, "audit entry 3 is keyed"},
		{"unkeyed entry with a unit", keyA, func(es []cases.AuditEntry) { es[0].Unit = "HT" }, "audit entry 1 is unkeyed but names a unit"},
		{"unknown version", keyA, func(es []cases.AuditEntry) { es[4].Version = 3 }, "unknown version 3"},
		{"re-keyed with another key", keyA, func(es []cases.AuditEntry) {
			es[3].Detail = "sửa"
			es[3].Hash = cases.ChainMAC(keyB, es[3])
		}, "audit entry 4 was edited, or keyed with another key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := append([]cases.AuditEntry(nil), es...)
			tt.change(x)
			if err := verifyEntries(tt.key, x); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestLoadAuditKey: the embedded default makes a key once, 0600, and reads it back;
// a configured key wins; verification never makes one; a damaged file is an error.
func TestLoadAuditKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "audit.key")
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	key, err := cases.LoadAuditKey(cases.AuditKeySource{Path: path}, logger)
	if err != nil || key != nil {
		t.Fatalf("without Create: %x, %v; want no key", key, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a key file was made without Create: %v", err)
	}
	made, err := cases.LoadAuditKey(cases.AuditKeySource{Path: path, Create: true}, logger)
	if err != nil || len(made) != 32 {
		t.Fatalf("made: %x, %v", made, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", fi, err)
	}
	if !strings.Contains(logs.String(), "generated one for the audit trail") {
		t.Errorf("no warning for the generated key: %s", logs.String())
	}
	again, err := cases.LoadAuditKey(cases.AuditKeySource{Path: path, Create: true, Shared: true}, logger)
	if err != nil || !bytes.Equal(again, made) {
		t.Fatalf("read back: %x, %v; want %x", again, err, made)
	}
	if !strings.Contains(logs.String(), "every kntc server of this database must use the same key") {
		t.Errorf("no warning for a file key with a shared database: %s", logs.String())
	}
	seal, err := os.ReadFile(path)
	if err != nil || strings.TrimSpace(string(seal)) == "" {
		t.Fatal(err)
	}

	configured := strings.Repeat("ab", 32)
	key, err = cases.LoadAuditKey(cases.AuditKeySource{Value: configured, Path: path, Create: true}, logger)
	if err != nil || !bytes.Equal(key, bytes.Repeat([]byte{0xab}, 32)) {
		t.Fatalf("configured: %x, %v", key, err)
	}
	if !strings.Contains(logs.String(), "differs from the configured audit key") {
		t.Errorf("no warning that the file's key differs: %s", logs.String())
	}
	if _, err := cases.LoadAuditKey(cases.AuditKeySource{Value: "ngắn quá"}, logger); err == nil {
		t.Error("a bad configured key was accepted")
	}
	if err := os.WriteFile(path, []byte("hỏng\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cases.LoadAuditKey(cases.AuditKeySource{Path: path, Create: true}, logger); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a damaged key file: %v", err)
	}
	if cases.AuditKeyID(keyA) == cases.AuditKeyID(keyB) || len(cases.AuditKeyID(keyA)) != 16 {
		t.Error("key ids do not tell keys apart")
	}
}

// head is a chain head for the Anchorer.
type head struct{ e cases.AuditEntry }

func (h *head) AuditHead(context.Context) (cases.AuditEntry, error) { return h.e, nil }

func readObject(t *testing.T, blobs ingest.BlobStore, key string) []byte {
	t.Helper()
	rc, err := blobs.Get(t.Context(), key, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAnchorer: each new head is written once, signed, as a new object, and
// logged; an existing anchor object is never overwritten; Run anchors once more
// when it stops.
func TestAnchorer(t *testing.T) {
	ctx := t.Context()
	blobs, err := localfs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := &head{}
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	a := &cases.Anchorer{Store: h, Blobs: blobs, Key: keyA, Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Now: func() time.Time { return at }}

	if an, wrote, err := a.Anchor(ctx); err != nil || wrote || an.Seq != 0 {
		t.Fatalf("empty chain: %+v %t %v; want nothing written", an, wrote, err)
	}
	h.e = cases.AuditEntry{Seq: 7, Hash: "h7", Version: cases.AuditV2}
	an, wrote, err := a.Anchor(ctx)
	if err != nil || !wrote || an.Seq != 7 || an.Hash != "h7" || !cases.CheckAnchor(keyA, an) || cases.CheckAnchor(keyB, an) {
		t.Fatalf("anchor: %+v %t %v", an, wrote, err)
	}
	var stored cases.Anchor
	if err := json.Unmarshal(readObject(t, blobs, cases.AnchorObject(7)), &stored); err != nil || stored.MAC != an.MAC || !stored.At.Equal(at) {
		t.Fatalf("stored anchor %+v, %v", stored, err)
	}
	if !strings.Contains(logs.String(), `"msg":"audit anchor","seq":7,"hash":"h7","mac":"`+an.MAC+`"`) {
		t.Errorf("anchor log line: %s", logs.String())
	}
	if _, wrote, _ := a.Anchor(ctx); wrote {
		t.Error("the same head was anchored twice")
	}

	// Another server (or this one before a restart) anchored entry 9 already; its
	// object is kept as it is, even with another hash.
	before := []byte(`{"seq":9,"hash":"h9-first","mac":"x"}`)
	if _, err := blobs.Put(ctx, cases.AnchorObject(9), bytes.NewReader(before), int64(len(before)), ""); err != nil {
		t.Fatal(err)
	}
	h.e = cases.AuditEntry{Seq: 9, Hash: "h9-second", Version: cases.AuditV2}
	if _, wrote, err := a.Anchor(ctx); err != nil || wrote {
		t.Fatalf("anchor over an existing object: wrote %t, %v", wrote, err)
	}
	if got := readObject(t, blobs, cases.AnchorObject(9)); !bytes.Equal(got, before) {
		t.Fatalf("an anchor object was overwritten: %s", got)
	}

	// Run with a context already over: its one anchor is the final one.
	h.e = cases.AuditEntry{Seq: 12, Hash: "h12", Version: cases.AuditV2}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	a.Run(stopped)
	if got := readObject(t, blobs, cases.AnchorObject(12)); !bytes.Contains(got, []byte(`"hash":"h12"`)) {
		t.Fatalf("Run's final anchor: %s", got)
	}

	anchors, damaged, err := cases.ReadAnchors(ctx, blobs)
	if err != nil || len(anchors) != 3 || len(damaged) != 0 || anchors[0].Seq != 7 || anchors[2].Seq != 12 {
		t.Fatalf("ReadAnchors: %+v %v %v", anchors, damaged, err)
	}

	none := &cases.Anchorer{Store: h, Blobs: blobs}
	if _, _, err := none.Anchor(ctx); err == nil {
		t.Error("anchors were written without a key")
	}
}
