package cases_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"kntc/cases"
)

func mustSealer(t *testing.T, current string, ids ...string) *cases.Sealer {
	t.Helper()
	keys := map[string][]byte{}
	for _, id := range ids {
		keys[id] = bytes.Repeat([]byte{id[len(id)-1]}, 32)
	}
	s, err := cases.NewSealer(current, keys)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealer(t *testing.T) {
	who := cases.Person{Name: "Nguyễn Thị Hoà", IDNumber: "079123456789", Address: "Tây Ninh", Phone: "0912345678"}
	old := mustSealer(t, "k1", "k1")
	sealed, err := old.Seal(who, "party")
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{who.Name, who.IDNumber, "Hoa", "0912"} {
		if strings.Contains(sealed, plain) {
			t.Fatalf("sealed value shows %q: %s", plain, sealed)
		}
	}
	again, _ := old.Seal(who, "party")
	if again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	// Rotation: a sealer whose current key is k2 still opens values sealed with k1.
	rotated := mustSealer(t, "k2", "k1", "k2")
	var got cases.Person
	if err := rotated.Open(sealed, "party", &got); err != nil || got != who {
		t.Fatalf("open after rotation = %+v, %v", got, err)
	}
	if s2, _ := rotated.Seal(who, "party"); !strings.HasPrefix(s2, "sealed:v1:k2:") {
		t.Fatalf("new values must use the current key: %s", s2)
	}
	// Wrong binding, missing key, tampering: refused.
	if err := old.Open(sealed, "petition", &got); err == nil {
		t.Fatal("a party's sealed value opened as a petition's")
	}
	if err := mustSealer(t, "k9", "k9").Open(sealed, "party", &got); !errors.Is(err, cases.ErrNoKey) {
		t.Fatalf("missing key: %v", err)
	}
	b := []byte(sealed)
	b[len(b)-3] ^= 1
	if err := old.Open(string(b), "party", &got); err == nil {
		t.Fatal("a tampered value opened")
	}
	if _, err := cases.NewSealer("k1", map[string][]byte{"k1": make([]byte, 16)}); err == nil {
		t.Fatal("a 16-byte key was taken for AES-256")
	}
	if k, err := cases.ParseKey(strings.Repeat("ab", 32)); err != nil || len(k) != 32 {
		t.Fatalf("ParseKey hex: %v", err)
	}
	if _, err := cases.ParseKey("short"); err == nil {
		t.Fatal("ParseKey took a short key")
	}
}

func TestBlindIndex(t *testing.T) {
	s := mustSealer(t, "k1", "k1")
	a, b := s.Blind("Nguyễn Văn  Hòa"), s.Blind("nguyen van hoa")
	if a == "" || a != b {
		t.Fatalf("spelling variants differ: %q %q", a, b)
	}
	if strings.Contains(a, "nguyen") || s.Blind("Nguyễn Văn Hòa") == mustSealer(t, "k2", "k2").Blind("Nguyễn Văn Hòa") {
		t.Fatal("the blind index must depend on the key and not show the value")
	}
	if s.Blind("  ") != "" {
		t.Fatal("an empty value has no index")
	}
}

func TestDuplicatePetitions(t *testing.T) {
	s := mustSealer(t, "k1", "k1")
	mk := func(id int64, name, idno, subject string) cases.Petition {
		return cases.Petition{ID: id, NameKey: s.Blind(name), IDKey: s.Blind(idno), Subject: subject}
	}
	earlier := []cases.Petition{
		mk(1, "Trần Văn Bình", "079000000001", "Khiếu nại quyết định thu hồi đất tại xã Tân Bình"),
		mk(2, "Trần Văn Bình", "079000000001", "Tố cáo cán bộ địa chính nhận tiền"),
		mk(3, "Lê Thị Cúc", "", "Khiếu nại quyết định thu hồi đất tại xã Tân Bình"),
	}
	tests := []struct {
		name string
		p    cases.Petition
		want int64
	}{
		{"same person same matter", mk(10, "Tran Van Binh", "079000000001", "Khiếu nại về quyết định thu hồi đất ở xã Tân Bình"), 1},
		{"same person other matter", mk(11, "Trần Văn Bình", "079000000001", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"), 0},
		{"other person same matter", mk(12, "Phạm Văn Dũng", "079000000009", "Khiếu nại quyết định thu hồi đất tại xã Tân Bình"), 0},
		{"same name, no ID number", mk(13, "Lê Thị Cúc", "", "khieu nai quyet dinh thu hoi dat tai xa Tan Binh"), 3},
		{"same name, different ID numbers", mk(14, "Trần Văn Bình", "079000000002", "Khiếu nại quyết định thu hồi đất tại xã Tân Bình"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cases.FindDuplicate(tt.p, earlier); got != tt.want {
				t.Fatalf("FindDuplicate = %d, want %d", got, tt.want)
			}
		})
	}
	// A duplicate of a duplicate points at the first letter.
	chain := append(earlier, cases.Petition{ID: 20, NameKey: s.Blind("Lê Thị Cúc"), Subject: earlier[2].Subject, DuplicateOf: 3})
	if got := cases.FindDuplicate(mk(21, "Lê Thị Cúc", "", earlier[2].Subject), chain[3:]); got != 3 {
		t.Fatalf("duplicate of a duplicate = %d, want 3", got)
	}
}

func TestAuditChain(t *testing.T) {
	var entries []cases.AuditEntry
	prev := cases.AuditEntry{}
	for i, act := range []string{cases.ActionCreate, cases.ActionLink, cases.ActionSecretRead} {
		var err error
		prev, err = cases.Chain(prev, cases.Record{At: time.Date(2026, 1, 2, 3, 4, 5, 6789, time.UTC), UserID: int64(i + 1), Username: "u", Action: act, Object: "case:KN-2026-000001"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, prev)
	}
	verify := func(es []cases.AuditEntry) error {
		var v cases.ChainVerifier
		for _, e := range es {
			if err := v.Next(e); err != nil {
				return err
			}
		}
		return nil
	}
	if err := verify(entries); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	edited := append([]cases.AuditEntry(nil), entries...)
	edited[1].Detail = "changed"
	if err := verify(edited); err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Fatalf("edited entry: %v", err)
	}
	rehashed := append([]cases.AuditEntry(nil), entries...)
	rehashed[1].UserID = 99
	rehashed[1].Hash = cases.ChainHash(rehashed[1]) // a forger recomputes the hash …
	if err := verify(rehashed); err == nil || !strings.Contains(err.Error(), "entry 3") {
		t.Fatalf("re-hashed entry must break the next link: %v", err) // … and breaks the next link
	}
	deleted := []cases.AuditEntry{entries[0], entries[2]}
	if err := verify(deleted); err == nil || !strings.Contains(err.Error(), "1→3") {
		t.Fatalf("deleted entry: %v", err)
	}
}
