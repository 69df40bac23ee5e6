package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ocr/ocrtest"
)

// TestHotFolderRouteEndToEnd: in a running kntc, a file dropped under a unit
// folder no unit has (ZZ/) is quarantined with a reason a clerk reads and taken
// into no unit; a unit folder written in lower case (ht/) is the unit HT; no log
// line names the file, which is named after its sender.
// addUnits adds units under the root unit TINH of the kntc in dir, so that
// hot-folder sub-folders named by their codes are accepted.
func addUnits(t testing.TB, dir string, codes ...string) {
	t.Helper()
	for _, code := range codes {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"unit", "add", "--code", code, "--name", "Đơn vị " + code, "--level", "district", "--parent", "TINH", "--data-dir", dir},
			envFunc(nil), strings.NewReader(""), &out, &out); err != nil {
			t.Fatalf("unit add %s: %v\n%s", code, err, &out)
		}
	}
}

func TestHotFolderRouteEndToEnd(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir, "--stable-delay", "1s")
	addUnits(t, dir, "HT")
	token := s.login(t)
	hot := filepath.Join(dir, "hotfolder")
	const sender = "Phạm Thị Tố Giác"
	img, _ := page(t, "ĐƠN TỐ CÁO việc cán bộ địa chính xã nhận tiền")
	for _, rel := range []string{"ZZ/" + sender + ".png", "ht/" + sender + " (2).png"} {
		p := filepath.Join(hot, rel)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		data := ocrtest.PNG(img)
		if strings.HasPrefix(rel, "ht/") {
			data = append(data, 0) // other bytes: not a duplicate of the first
		}
		must(t, os.WriteFile(p, data, 0o644))
	}
	docs := s.waitFinished(t, token, 2, hot)
	byName := map[string]docJSON{}
	for _, d := range docs {
		byName[d.Filename] = d
	}
	zz := byName[sender+".png"]
	if zz.Status != "quarantined" || zz.Unit != "" || !strings.Contains(zz.Error, "đơn vị 'ZZ' không tồn tại") || !strings.Contains(zz.Error, "unit 'ZZ' does not exist") {
		t.Fatalf("the file under ZZ/: %+v, want quarantined in no unit with the reason", zz)
	}
	if ht := byName[sender+" (2).png"]; ht.Unit != "HT" {
		t.Fatalf("the file under ht/: %+v, want unit HT", ht)
	}
	var reason []byte
	for _, f := range filesIn(t, filepath.Join(dir, "quarantine")) {
		if strings.HasSuffix(f, sender+".png.error.txt") {
			reason, _ = os.ReadFile(f)
		}
	}
	if !strings.Contains(string(reason), "đơn vị 'ZZ' không tồn tại") {
		t.Fatalf("no reason beside the quarantined file: %q (quarantine holds %v)", reason, filesIn(t, filepath.Join(dir, "quarantine")))
	}
	logs := s.stdout.String() + s.stderr.String()
	for _, piece := range []string{sender, "Tố Giác"} {
		if strings.Contains(logs, piece) {
			t.Fatalf("a log line names the sender (%q):\n%s", piece, logs)
		}
	}
	if !strings.Contains(logs, zz.ID) {
		t.Fatalf("the quarantined file is not logged by its document id:\n%s", logs)
	}
}
