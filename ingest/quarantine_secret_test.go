package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
)

// TestRefusedDenunciationLetterIsQuarantinedByID: a letter dropped under a
// denunciation's code its folder may not take (here a code the route refuses)
// is refused and quarantined, judged first by its name and the route it was
// dropped in, as any claimed file is: carrying a protected identity, it goes in
// under its document ID, since the quarantine's names are listed to
// administrators, audited and logged. A refused file that carries none keeps its
// name for the clerk.
func TestRefusedDenunciationLetterIsQuarantinedByID(t *testing.T) {
	e := newSpoolEnv(t, "")
	var fail error
	e.spool.CheckRoute = fakeRoutes(&fail)
	e.spool.Quarantine = &ingest.Quarantine{Dir: t.TempDir(), Now: func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }}
	// As the case system judges an arrival (cases.Service.VetArrival): routed to
	// a denunciation's code, it is confidential.
	e.spool.Vet = func(_ context.Context, o *ingest.Origin) error {
		if strings.HasPrefix(strings.ToUpper(o.CaseCode), "TC-") {
			o.Confidential = true
		}
		return nil
	}
	ctx := t.Context()
	letter, err := e.spool.Claim(ctx, e.drop(t, "STNMT/tc-2026-000001/"+person+".pdf", "thư tố cáo"))
	must(t, err)
	plain, err := e.spool.Claim(ctx, e.drop(t, "ZZ/bien-ban.pdf", "biên bản"))
	must(t, err)
	stored, err := e.db.Document(ctx, letter.ID)
	must(t, err)
	if stored.Status != ingest.StatusQuarantined || !stored.Confidential {
		t.Fatalf("the refused letter: status %s, confidential %v; want quarantined and confidential", stored.Status, stored.Confidential)
	}
	q := quarantined(t, e.spool.Quarantine.Dir)
	for name := range q {
		if strings.Contains(name, "Tố Cáo") || strings.Contains(name, "Nguyễn") {
			t.Errorf("quarantined under its sender's name: %q", name)
		}
	}
	if q[letter.ID+".pdf"] != "thư tố cáo" || !strings.Contains(q[letter.ID+".pdf.error.txt"], person) {
		t.Errorf("quarantine holds %v; want %s.pdf, its reason naming the file for the clerk", keys(q), letter.ID)
	}
	if q["bien-ban.pdf"] != "biên bản" {
		t.Errorf("a refused file naming nobody lost its name: %v (document %s)", keys(q), plain.ID)
	}
}
