package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/testenv"
)

// person is the name a letter in these tests is filed under: it must appear in no
// log line.
const person = "Nguyễn Văn Tố Cáo"

func noNameIn(t *testing.T, logs string) {
	t.Helper()
	for _, piece := range []string{person, "Tố Cáo", "Nguyễn Văn"} {
		if strings.Contains(logs, piece) {
			t.Fatalf("a log line holds %q:\n%s", piece, logs)
		}
	}
}

// fakeRoutes is the case system a hot folder's routes are checked against: units
// STNMT and HT, case KN-2026-000001 of HT. Unit folders match their code in any
// letter case; a case code is upper-cased.
func fakeRoutes(fail *error) func(ctx context.Context, unit, caseCode string) (string, string, error) {
	return func(_ context.Context, unit, caseCode string) (string, string, error) {
		if *fail != nil {
			return "", "", *fail
		}
		u := strings.ToUpper(unit)
		if u != "STNMT" && u != "HT" {
			return "", "", errs.Errorf(errs.Invalid, "đơn vị '%s' không tồn tại (unit '%s' does not exist)", unit, unit)
		}
		c := strings.ToUpper(caseCode)
		switch {
		case c == "":
		case !strings.HasPrefix(c, "KN-"):
			return u, "", errs.Errorf(errs.Invalid, "'%s' không phải mã hồ sơ (not a case code)", caseCode)
		case c == "KN-2026-000001" && u != "HT":
			return u, "", errs.Errorf(errs.Invalid, "hồ sơ %s thuộc đơn vị khác (the case belongs to another unit)", c)
		}
		return u, c, nil
	}
}

func quarantined(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	days, err := os.ReadDir(dir)
	must(t, err)
	for _, d := range days {
		files, err := os.ReadDir(filepath.Join(dir, d.Name()))
		must(t, err)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, d.Name(), f.Name()))
			must(t, err)
			out[f.Name()] = string(b)
		}
	}
	return out
}

// TestClaimChecksRoute: a file under an unknown unit, a malformed case code or
// another unit's case is quarantined at claim time with a reason a clerk reads,
// recorded in no unit it does not belong to and no case; a case not opened yet is
// accepted; a failure to check leaves the file where it is.
func TestClaimChecksRoute(t *testing.T) {
	e := newSpoolEnv(t, "")
	logs := &testenv.Buffer{}
	e.spool.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var fail error
	e.spool.CheckRoute = fakeRoutes(&fail)
	e.spool.Quarantine = &ingest.Quarantine{Dir: t.TempDir(), Now: func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }}
	ctx := t.Context()

	tests := []struct {
		name, rel      string
		unit, caseCode string // as recorded
		reason         string // "" when accepted
	}{
		{"unknown unit", "ZZ/" + person + ".pdf", "", "", "đơn vị 'ZZ' không tồn tại"},
		{"unknown unit in lower case", "ha/KN-2026-000002/" + person + " 2.pdf", "", "", "unit 'ha' does not exist"},
		{"malformed case code", "STNMT/thư mục lạ/a.pdf", "STNMT", "", "không phải mã hồ sơ"},
		{"another unit's case", "STNMT/KN-2026-000001/b.pdf", "STNMT", "", "thuộc đơn vị khác"},
		{"unit in lower case", "stnmt/c.pdf", "STNMT", "", ""},
		{"a letter named after its sender", "HT/" + person + " 3.pdf", "HT", "", ""},
		{"a case not opened yet", "HT/kn-2026-000777/d.pdf", "HT", "KN-2026-000777", ""},
		{"its own unit's case", "HT/KN-2026-000001/e.pdf", "HT", "KN-2026-000001", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := e.drop(t, tt.rel, fmt.Sprintf("nội dung %d", i))
			d, err := e.spool.Claim(ctx, o)
			must(t, err)
			if _, err := os.Stat(o.Path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the file is still in the hot folder: %v", err)
			}
			stored, err := e.db.Document(ctx, d.ID)
			must(t, err)
			if stored.UnitCode != tt.unit || stored.CaseCode != tt.caseCode {
				t.Fatalf("recorded in unit %q case %q, want %q %q", stored.UnitCode, stored.CaseCode, tt.unit, tt.caseCode)
			}
			if tt.reason == "" {
				if stored.Status != ingest.StatusReceived {
					t.Fatalf("status %s, want received", stored.Status)
				}
				return
			}
			if stored.Status != ingest.StatusQuarantined || !strings.Contains(stored.Error, tt.reason) {
				t.Fatalf("status %s, error %q; want quarantined saying %q", stored.Status, stored.Error, tt.reason)
			}
			name := filepath.Base(o.Path)
			q := quarantined(t, e.spool.Quarantine.Dir)
			if q[name] != fmt.Sprintf("nội dung %d", i) || !strings.Contains(q[name+".error.txt"], tt.reason) {
				t.Fatalf("quarantine holds %v; want %s with its reason", keys(q), name)
			}
			if _, err := os.Stat(e.spool.Path(d.ID)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a refused file stayed in the spool: %v", err)
			}
		})
	}
	if files := spoolFiles(t, e.spool.Dir); len(files) != 4 {
		t.Errorf("spool holds %v, want the 4 accepted files and no claim record", files)
	}
	if waiting, _, _ := e.queue.Counts(ctx); waiting != 4 {
		t.Errorf("%d jobs, want 4 (refused files are not processed)", waiting)
	}

	fail = errors.New("database went away")
	o := e.drop(t, "ZZ/f.pdf", "sau")
	if _, err := e.spool.Claim(ctx, o); err == nil {
		t.Fatal("a claim whose route could not be checked succeeded")
	}
	if _, err := os.Stat(o.Path); err != nil {
		t.Fatalf("the file left the hot folder although its route was not checked: %v", err)
	}
	if files := spoolFiles(t, e.spool.Dir); len(files) != 4 {
		t.Errorf("spool holds %v after a failed check", files)
	}
	noNameIn(t, logs.String())
	if !strings.Contains(logs.String(), `"msg":"file claimed"`) || !strings.Contains(logs.String(), `"document_id"`) {
		t.Fatalf("claims were not logged by document id:\n%s", logs)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRecoverRefusedClaim: a crash after a refused file reached the spool is
// finished by quarantining it, not by recording it in its unit.
func TestRecoverRefusedClaim(t *testing.T) {
	e := newSpoolEnv(t, "")
	e.spool.Quarantine = &ingest.Quarantine{Dir: t.TempDir()}
	o := e.drop(t, "ZZ/"+person+".pdf", "nội dung")
	id := "01900000-0000-7000-8000-000000000009"
	must(t, os.WriteFile(filepath.Join(e.spool.Dir, id+".claim.json"), []byte(fmt.Sprintf(
		`{"id":%q,"origin":{"Path":%q,"Filename":%q,"Source":"hotfolder","UnitCode":"","CaseCode":""},"refused":"đơn vị 'ZZ' không tồn tại (unit 'ZZ' does not exist)"}`,
		id, o.Path, filepath.Base(o.Path))), 0o640))
	must(t, os.Rename(o.Path, e.spool.Path(id)))
	must(t, e.spool.Recover(t.Context()))
	d, err := e.db.Document(t.Context(), id)
	must(t, err)
	if d.Status != ingest.StatusQuarantined || d.UnitCode != "" || !strings.Contains(d.Error, "'ZZ'") {
		t.Fatalf("recovered %+v", d)
	}
	q := quarantined(t, e.spool.Quarantine.Dir)
	if q[person+".pdf"] != "nội dung" || !strings.Contains(q[person+".pdf.error.txt"], "không tồn tại") {
		t.Fatalf("quarantine holds %v", keys(q))
	}
	if files := spoolFiles(t, e.spool.Dir); len(files) != 0 {
		t.Fatalf("spool holds %v", files)
	}
}

// TestWatcherLogsNoNames: a claim that fails with an error naming the file's path
// is logged with the hot folder, the unit and case sub-folders and the error
// without the file's (or a deeper folder's) name.
func TestWatcherLogsNoNames(t *testing.T) {
	root := t.TempDir()
	clk := &clock{now: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)}
	logs := &testenv.Buffer{}
	w := &ingest.Watcher{
		Folders: []ingest.HotFolder{{Root: root}}, StableFor: time.Second, Now: clk.Now,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		Claim: func(_ context.Context, o ingest.Origin) error {
			return &os.PathError{Op: "open", Path: o.Path, Err: os.ErrPermission}
		},
	}
	dir := filepath.Join(root, "STNMT", "KN-2026-000001", "Thư của "+person)
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, person+".pdf"), []byte("x"), 0o644))
	w.ScanAll()
	clk.Add(2 * time.Second)
	w.Check(t.Context())
	out := logs.String()
	if !strings.Contains(out, "claim failed; will retry") || !strings.Contains(out, `"unit":"STNMT"`) || !strings.Contains(out, `"case":"KN-2026-000001"`) || !strings.Contains(out, "permission denied") {
		t.Fatalf("the failed claim was not logged with its unit, case and error:\n%s", out)
	}
	noNameIn(t, out)
}

// TestProcessingLogsNoNames: splitting a batch named after a person and
// quarantining another log their document IDs, never their names.
func TestProcessingLogsNoNames(t *testing.T) {
	e := newSplitEnv(t)
	logs := &testenv.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.spool.Logger, e.proc.Logger = logger, logger
	covers := e.claimBatch(t, "STNMT/"+person+".txt", "COVER KN-2026-000001 khac", "COVER KN-2026-000002")
	must(t, e.proc.Process(t.Context(), covers.ID, false))
	batch := e.claimBatch(t, "STNMT/"+person+" lô 2.txt", "COVER KN-2026-000001 khac", "trang một", "COVER KN-2026-000002", "trang hai")
	must(t, e.proc.Process(t.Context(), batch.ID, false))
	out := logs.String()
	for _, msg := range []string{"document quarantined", "batch split at its cover sheets", "file claimed"} {
		if !strings.Contains(out, `"msg":"`+msg+`"`) {
			t.Fatalf("no %q line:\n%s", msg, out)
		}
	}
	if !strings.Contains(out, covers.ID) || !strings.Contains(out, batch.ID) {
		t.Fatalf("the documents are not logged by ID:\n%s", out)
	}
	noNameIn(t, out)
}
