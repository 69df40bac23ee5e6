package web_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/search"
	"kntc/storage/localfs"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
	"kntc/web"
)

// ict is Vietnam's time (UTC+7), where the case system counts its days.
var ict = time.FixedZone("ICT", 7*3600)

// testNow is the case system's clock in these tests: dates and deadlines do not
// depend on the day the tests run.
var testNow = time.Date(2026, 3, 10, 9, 0, 0, 0, ict)

// denouncer is the protected identity of the tests: distinctive, so that finding
// any piece of it in a response or a log line means it leaked.
var denouncer = cases.Person{
	Name:     "Lưu Thị Diễm Hương",
	IDNumber: "079187654321",
	Address:  "số 14 đường Trưng Nữ Vương, phường Hiệp Ninh",
	Phone:    "0912345678",
}

// denouncer2 is a second protected identity, for a case whose denouncer is
// added after its documents.
var denouncer2 = cases.Person{
	Name:     "Khổng Văn Thầm Lặng",
	IDNumber: "001099887766",
	Phone:    "0977654321",
}

// secretIn returns the piece of a denouncer's identity that s holds, written
// with or without diacritics, in any case; "" when none.
// testPINKey keys the lookup PINs' verifiers, as kntc serve does (DATA/pin.key).
var testPINKey = cases.PINKey(bytes.Repeat([]byte{0x3c}, 32))

func secretIn(s string) string {
	folded := strings.ToLower(viet.Fold(s))
	for _, piece := range []string{"luu thi diem huong", "diem huong", denouncer.IDNumber, denouncer.Phone, "trung nu vuong",
		"khong van tham lang", "tham lang", denouncer2.IDNumber, denouncer2.Phone} {
		if strings.Contains(folded, piece) {
			return piece
		}
	}
	return ""
}

// testUser is an account with its bearer token and its actor.
type testUser struct {
	auth.User
	token string
	actor cases.Actor
}

// exchange is one request made through env.do and its answer.
type exchange struct {
	user   string
	label  string
	status int
	body   []byte
}

// env is a whole server on real services: SQLite and local objects in a temporary
// directory, a search index on disk, accounts, the case system with a sealing key.
type env struct {
	t        testing.TB
	ctx      context.Context
	db       *sqldb.DB
	blobs    ingest.BlobStore
	index    *search.Index
	accounts *auth.Service
	svc      *cases.Service
	server   http.Handler
	logs     *testenv.Buffer
	units    map[string]auth.Unit
	users    map[string]*testUser
	// quarantine and hot are the ingestion page's quarantine and hot folder.
	quarantine *ingest.Quarantine
	hot        string
	seen       []exchange
	made       int // documents made, for distinct contents
}

// Usernames of the accounts every env has: the roles at district A (scope A), a
// handler of district B, a leader of the province (every unit), and a user the
// matrix grants and revokes (who never makes a request).
const (
	uAdmin     = "admin.a"
	uClerk     = "clerk.a"
	uHandler   = "handler.a"
	uGranted   = "granted.a"
	uLeader    = "leader.a"
	uInspector = "inspector.a"
	uHandlerB  = "handler.b"
	uLeaderP   = "leader.p"
	uGrantee   = "grantee.a"
)

// testAuditKey keys the audit chain of every env.
var testAuditKey = bytes.Repeat([]byte{0xa7}, 32)

// anchor writes a signed anchor of the audit chain's head, as the server does.
func (e *env) anchor() cases.Anchor {
	e.t.Helper()
	a := &cases.Anchorer{Store: e.db, Blobs: e.blobs, Key: testAuditKey}
	an, _, err := a.Anchor(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return an
}

// requesters are the users of the matrix, in the order of its table.
var requesters = []string{uAdmin, uClerk, uHandler, uGranted, uLeader, uInspector, uHandlerB, uLeaderP}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, web.Config{})
}

// newEnvWith is newEnv with the server's configuration.
func newEnvWith(t testing.TB, cfg web.Config) *env {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	blobs, err := localfs.New(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	sealer, err := cases.NewSealer("test-1", map[string][]byte{"test-1": bytes.Repeat([]byte{0x5a}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(testAuditKey)
	accounts := &auth.Service{Store: db}
	e := &env{
		t: t, ctx: ctx, db: db, blobs: blobs, index: ix, accounts: accounts,
		svc: &cases.Service{Store: db, Docs: db, Accounts: accounts, Sealer: sealer, AuditKey: testAuditKey, Publications: db, Blobs: blobs,
			PINKey: testPINKey, Now: func() time.Time { return testNow }},
		logs: &testenv.Buffer{}, units: map[string]auth.Unit{}, users: map[string]*testUser{},
	}
	spool := filepath.Join(dir, "spool")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		t.Fatal(err)
	}
	e.quarantine, e.hot = &ingest.Quarantine{Dir: filepath.Join(dir, "quarantine")}, filepath.Join(dir, "hot")
	if err := os.MkdirAll(e.hot, 0o750); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.server = web.NewServer(logger, cfg, web.Deps{
		Accounts: accounts, Cases: e.svc, Documents: db, Blobs: blobs, Claim: e.claim, SpoolDir: spool,
		MaxUploadBytes: 1 << 20, Search: ix, Registry: prometheus.NewRegistry(),
		Quarantine: e.quarantine, HotFolders: []string{e.hot},
	})

	e.addUnit("P", "UBND tỉnh", auth.LevelProvince, "")
	e.addUnit("A", "UBND huyện A", auth.LevelDistrict, "P")
	e.addUnit("B", "UBND huyện B", auth.LevelDistrict, "P")
	for _, u := range []struct {
		name        string
		role        auth.Role
		unit, scope string
	}{
		{uAdmin, auth.RoleAdministrator, "A", "A"},
		{uClerk, auth.RoleClerk, "A", "A"},
		{uHandler, auth.RoleHandler, "A", "A"},
		{uGranted, auth.RoleHandler, "A", "A"},
		{uLeader, auth.RoleLeader, "A", "A"},
		{uInspector, auth.RoleInspector, "A", "A"},
		{uHandlerB, auth.RoleHandler, "B", "B"},
		{uLeaderP, auth.RoleLeader, "P", "P"},
		{uGrantee, auth.RoleHandler, "A", "A"},
	} {
		e.addUser(u.name, u.role, u.unit, u.scope)
	}
	return e
}

func (e *env) addUnit(code, name string, level auth.Level, parent string) {
	e.t.Helper()
	u := auth.Unit{Code: code, Name: name, Level: level}
	if parent != "" {
		u.ParentID = e.units[parent].ID
	}
	if err := e.accounts.AddUnit(e.ctx, &u); err != nil {
		e.t.Fatal(err)
	}
	e.units[code] = u
}

func (e *env) addUser(name string, role auth.Role, unit, scope string) {
	e.t.Helper()
	u := auth.User{Username: name, FullName: name, Role: role, UnitID: e.units[unit].ID, ScopeUnitID: e.units[scope].ID}
	if err := e.accounts.AddUser(e.ctx, &u, "mật-khẩu-thử-nghiệm"); err != nil {
		e.t.Fatal(err)
	}
	token, err := e.accounts.IssueToken(e.ctx, u.ID, "test", time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := cases.ActorFor(e.ctx, e.accounts, u)
	if err != nil {
		e.t.Fatal(err)
	}
	e.users[name] = &testUser{User: u, token: token, actor: a}
}

// actor is the case-system actor of a user, for setting things up directly.
func (e *env) actor(name string) cases.Actor { return e.users[name].actor }

// call is one request.
type call struct {
	method, path string
	body         any    // marshalled as JSON when not nil
	raw          []byte // sent as is with contentType, when body is nil
	contentType  string
}

// do sends c as user (nil: without a token) and records the exchange.
func (e *env) do(user string, c call) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	ctype := c.contentType
	switch {
	case c.body != nil:
		b, err := json.Marshal(c.body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(b), "application/json"
	case c.raw != nil:
		rd = bytes.NewReader(c.raw)
	}
	req := httptest.NewRequestWithContext(e.ctx, c.method, c.path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if u := e.users[user]; u != nil {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	rec := httptest.NewRecorder()
	e.server.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	e.seen = append(e.seen, exchange{user: user, label: c.method + " " + c.path, status: rec.Code, body: body})
	return rec.Code, body
}

// get sends a GET and checks the status.
func (e *env) get(user, path string, want int) []byte {
	e.t.Helper()
	return e.must(user, call{method: "GET", path: path}, want)
}

// must sends c and fails the test unless the status is want.
func (e *env) must(user string, c call, want int) []byte {
	e.t.Helper()
	code, body := e.do(user, c)
	if code != want {
		e.t.Fatalf("%s %s as %s: %d, want %d: %s", c.method, c.path, user, code, want, body)
	}
	return body
}

// decode unmarshals a response body or fails the test.
func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// docSpec describes a stored document to make.
type docSpec struct {
	unit, caseCode string
	kind           ingest.Kind
	number, date   string
	confidential   bool
	pages          []string
	filename       string // scan-NNN.pdf when empty
	finish         bool   // go through the pipeline's last step (Service.Finish) as every arrival does
}

// document makes a stored document as the pipeline would have left it: its row
// and pages in the database, its original and PDF/A copy in the object store (the
// original holds the page texts), and its entry in the search index.
func (e *env) document(s docSpec) ingest.Document {
	e.t.Helper()
	e.made++
	content := []byte(fmt.Sprintf("%%PDF-1.7 test document %d\n%s\n", e.made, strings.Join(s.pages, "\n")))
	sum := sha256.Sum256(content)
	d := ingest.Document{
		Status: ingest.StatusReceived, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content)),
		Filename: cmp.Or(s.filename, fmt.Sprintf("scan-%03d.pdf", e.made)), SourcePath: "test", ContentType: "application/pdf",
		UnitCode: s.unit, CaseCode: s.caseCode, Kind: s.kind, Meta: ingest.Metadata{Number: s.number, Date: s.date},
		Confidential: s.confidential, Pipeline: "test-1",
	}
	if err := e.db.CreateDocument(e.ctx, &d); err != nil {
		e.t.Fatal(err)
	}
	var pages []ingest.Page
	for i, text := range s.pages {
		p := ingest.Page{DocumentID: d.ID, Number: i + 1, Text: text}
		if err := e.db.SavePage(e.ctx, &p); err != nil {
			e.t.Fatal(err)
		}
		pages = append(pages, p)
	}
	if s.caseCode == "" || s.finish {
		// The pipeline's last step (always, with finish; for a document in no case
		// otherwise): the case system links it to its case or checks it for
		// protected identities and suggests cases.
		if err := e.svc.Finish(e.ctx, &d); err != nil {
			e.t.Fatal(err)
		}
	}
	d.Status, d.Pages = ingest.StatusStored, len(pages)
	if err := e.db.UpdateDocument(e.ctx, &d); err != nil {
		e.t.Fatal(err)
	}
	for _, key := range []string{ingest.OriginalKey(d.SHA256), ingest.ArchiveKey(d.SHA256, d.Pipeline)} {
		if _, err := e.blobs.Put(e.ctx, key, bytes.NewReader(content), int64(len(content)), ""); err != nil {
			e.t.Fatal(err)
		}
	}
	d, err := e.db.Document(e.ctx, d.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.index.Put(e.ctx, search.EntryOf(d, pages)); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// claim stands in for the pipeline's spool: the uploaded file becomes a received
// document row.
func (e *env) claim(ctx context.Context, o ingest.Origin) (ingest.Document, error) {
	// As the spool does (Spool.Vet): the case system judges the file by its name
	// and route as it is claimed.
	if err := e.svc.VetArrival(ctx, &o); err != nil {
		return ingest.Document{}, err
	}
	b, err := os.ReadFile(o.Path)
	if err != nil {
		return ingest.Document{}, err
	}
	sum := sha256.Sum256(b)
	d := ingest.Document{Status: ingest.StatusReceived, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)),
		Filename: o.Filename, SourcePath: o.Source, UnitCode: o.UnitCode, CaseCode: o.CaseCode,
		Confidential: o.Confidential, SecretCase: o.SecretCase,
		Arrival: ingest.Arrival{Source: o.Source, UserID: o.UserID, Username: o.Username}}
	if err := e.db.CreateDocument(ctx, &d); err != nil {
		return ingest.Document{}, err
	}
	if o.Keep {
		return d, nil
	}
	return d, os.Remove(o.Path)
}

// auditOf returns the audit entries of a user, oldest first.
func (e *env) auditOf(userID int64) []cases.AuditEntry {
	e.t.Helper()
	entries, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{UserID: userID, Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// count returns how many entries have this action and object.
func count(entries []cases.AuditEntry, action, object string) int {
	n := 0
	for _, en := range entries {
		if en.Action == action && en.Object == object {
			n++
		}
	}
	return n
}
