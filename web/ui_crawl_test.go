package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"kntc/cases"
)

// pageWorld fills an env with what the pages show: in district A a complaint
// assigned to the handler with documents, and a denunciation whose petitioner is
// protected (granted.a holds a grant), a document waiting in triage; in district
// B a complaint. It returns the case codes by name.
func pageWorld(e *env) map[string]string {
	e.t.Helper()
	codes := map[string]string{}
	open := func(name, unit string, kind cases.Kind, subject string, parties ...cases.Party) {
		c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: kind, Source: cases.SourcePost,
			ReceivedOn: date("2026-03-02"), Subject: subject, UnitID: e.units[unit].ID, Parties: parties})
		if err != nil {
			e.t.Fatal(err)
		}
		codes[name] = c.Code
	}
	open("complaint", "A", cases.KindComplaint, "Khiếu nại quyết định thu hồi đất số 125/QĐ-UBND",
		cases.Party{Role: cases.RolePetitioner, Person: cases.Person{Name: "Trần Văn Bình", Address: "ấp 3, xã Tân Phú"}},
		cases.Party{Role: cases.RoleRespondent, Person: cases.Person{Name: "UBND xã Tân Phú"}})
	open("denunciation", "A", cases.KindDenunciation, "Tố cáo cán bộ địa chính xã nhận tiền",
		cases.Party{Role: cases.RolePetitioner, Person: denouncer})
	open("other", "B", cases.KindComplaint, "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất")
	h := e.users[uHandler].ID
	if _, err := e.svc.UpdateCase(e.ctx, e.actor(uLeader), codes["complaint"], cases.CasePatch{Version: 1, HandlerID: &h}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.Grant(e.ctx, e.actor(uLeader), codes["denunciation"], e.users[uGranted].ID); err != nil {
		e.t.Fatal(err)
	}
	e.document(docSpec{unit: "A", caseCode: codes["complaint"], kind: "don_khieu_nai", pages: []string{"ĐƠN KHIẾU NẠI\nKính gửi: UBND huyện A"}, finish: true})
	e.document(docSpec{unit: "A", caseCode: codes["complaint"], kind: "quyet_dinh_thu_ly", number: "15/QĐ-UBND", date: "2026-03-05",
		pages: []string{"QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại"}, finish: true})
	e.document(docSpec{unit: "A", pages: []string{"CÔNG VĂN\nV/v báo cáo tình hình"}})
	return codes
}

// pageLink is one request a page offers: a link or a form.
type pageLink struct {
	method, path string
	form         url.Values
}

func (l pageLink) key() string { return l.method + " " + l.path + " " + l.form.Encode() }

// linksOf reads the links and forms of a page (same site only).
func linksOf(t testing.TB, body string) []pageLink {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []pageLink
	var form *pageLink
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := func(k string) (string, bool) {
				for _, a := range n.Attr {
					if a.Key == k {
						return a.Val, true
					}
				}
				return "", false
			}
			switch n.Data {
			case "a":
				if href, ok := attr("href"); ok && strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//") {
					out = append(out, pageLink{method: "GET", path: href})
				}
			case "form":
				action, _ := attr("action")
				method, _ := attr("method")
				out = append(out, pageLink{method: strings.ToUpper(method), path: action, form: url.Values{}})
				form = &out[len(out)-1]
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				form = nil
				return
			case "input", "select", "textarea":
				name, ok := attr("name")
				if form == nil || !ok {
					break
				}
				value, _ := attr("value")
				if n.Data == "select" {
					for o := n.FirstChild; o != nil; o = o.NextSibling {
						for _, a := range o.Attr {
							if a.Key == "value" && value == "" {
								value = a.Val
							}
						}
					}
				}
				if typ, _ := attr("type"); typ == "date" {
					value = ""
				}
				form.form.Add(name, value)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// crawl follows every link and submits every form a user's pages offer, from
// the dashboard, up to max requests, signing out last. Every answer must be a
// page or a redirect, 403 or 404 (or a form's own refusal, 409 or 422); never a
// 5xx. Each answer's body goes to onPage. It returns the paths it answered 200.
func crawl(t *testing.T, c *pageClient, max int, onPage func(req, body string)) []string {
	t.Helper()
	queue := []pageLink{{method: "GET", path: "/"}}
	seen := map[string]bool{}
	var ok []string
	var logout *pageLink
	for n := 0; len(queue) > 0 && n < max; n++ {
		l := queue[0]
		queue = queue[1:]
		if seen[l.key()] {
			n--
			continue
		}
		seen[l.key()] = true
		if l.path == "/logout" {
			logout = &l
			n--
			continue
		}
		var code int
		var body string
		var res *http.Response
		if l.method == "POST" {
			code, body, res = c.post(l.path, l.form)
		} else {
			p := l.path
			if l.form != nil {
				p += "?" + l.form.Encode()
			}
			code, body, res = c.get(p)
		}
		onPage(l.method+" "+l.path, body)
		switch {
		case code >= 500:
			t.Fatalf("%s %s %v: %d\n%s", l.method, l.path, l.form, code, body)
		case !slices.Contains([]int{200, 303, 403, 404, 409, 422}, code):
			t.Errorf("%s %s: %d, want 200, 303, 403, 404, 409 or 422", l.method, l.path, code)
		}
		if code == 303 {
			if loc := res.Header.Get("Location"); strings.HasPrefix(loc, "/") {
				queue = append(queue, pageLink{method: "GET", path: loc})
			}
		}
		if code == 200 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			ok = append(ok, l.path)
			queue = append(queue, linksOf(t, body)...)
		}
	}
	if logout == nil {
		t.Fatal("no logout form found")
	}
	if code, _, _ := c.post(logout.path, logout.form); code != 303 {
		t.Errorf("logout: %d", code)
	}
	return ok
}

// crawlRoles are the users TestPagesCrawl signs in as: every one, or under the
// race detector (CI), one of each role and scope whose pages differ — the
// clerk, the unit's leader, a handler of another unit, the province's leader,
// the inspector and the administrator. The two left out there, a handler of
// unit A and one granted a protected identity, differ from those kept only in
// rules TestPagesRoleScope checks page by page for every user.
func crawlRoles() []string {
	if !raceEnabled {
		return requesters
	}
	return []string{uClerk, uLeader, uInspector, uHandlerB, uLeaderP, uAdmin}
}

// TestPagesCrawl: for every role, every link and every form of the staff pages
// answers a page, a redirect, 403 or 404, never an error; no page or answer
// shows a piece of the denouncer's identity to anyone not granted it (her letter
// is in the denunciation's file); nobody reaches a case
// outside their scope, and an administrator sees no case. The crawler reaches
// the forms of a clerk and of a leader, the list of retracted documents of a
// leader and an administrator, and the administrator's purge step.
func TestPagesCrawl(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	quarantineFile(e, "hong.pdf", "A")
	// A document retracted by the unit's leader: its purge is the
	// administrator's (who crawls last).
	gone := e.document(docSpec{unit: "A", caseCode: codes["complaint"], kind: "cong_van", pages: []string{"CÔNG VĂN\nV/v gửi nhầm"}, finish: true})
	if _, err := e.svc.Retract(e.ctx, e.actor(uLeader), gone.ID, "Gửi nhầm đơn vị"); err != nil {
		t.Fatal(err)
	}
	// A visit in district A: 01/TCD's numbers link to what they count.
	if _, err := e.svc.RecordReception(e.ctx, e.actor(uClerk), cases.Reception{UnitID: e.units["A"].ID, Kind: cases.KindComplaint,
		Visitors: []cases.Person{{Name: "Phạm Văn Hỏi"}}, GroupSize: 6, Content: "Đoàn công dân hỏi về bồi thường", Outcome: cases.OutcomeAnswered}); err != nil {
		t.Fatal(err)
	}
	// The denouncer's letter, scanned into the denunciation's file: it names her
	// in full, and the pages around it must not.
	e.document(docSpec{unit: "A", caseCode: codes["denunciation"], kind: "don_to_cao", finish: true,
		pages: []string{"ĐƠN TỐ CÁO\nTôi là " + denouncer.Name + ", CCCD số " + denouncer.IDNumber + ", điện thoại " + denouncer.Phone +
			", trú tại " + denouncer.Address + ".\nTôi tố cáo cán bộ địa chính xã nhận tiền."}})
	srv := e.pageServer()
	forms := map[string][]string{
		uLeader: {"/cases/new", "/petitions/new", "/visits/new", "/cases/" + codes["denunciation"] + "/extension",
			"/cases/" + codes["denunciation"] + "/grant", "/cases/" + codes["complaint"] + "/upload", "/admin/retractions"},
		uAdmin: {"/admin/retractions/" + gone.ID + "/purge"},
		uClerk: {"/cases/new", "/petitions/new", "/visits/new", "/cases/" + codes["complaint"] + "/upload"},
	}
	// The administrator crawls last: their forms disable accounts and reset
	// passwords the others sign in with.
	order := append(slices.DeleteFunc(crawlRoles(), func(u string) bool { return u == uAdmin }), uAdmin)
	for _, user := range order {
		t.Run(user, func(t *testing.T) {
			c := newPageClient(t, srv)
			c.login(user)
			// Nobody but the granted user is ever shown a piece of the
			// denouncer's identity, on any page or in any form's answer.
			shown := 0
			ok := crawl(t, c, 200, func(req, body string) {
				if leak := secretIn(body); leak != "" {
					shown++
					if user != uGranted {
						t.Errorf("%s: %s shows %q of the denouncer", user, req, leak)
					}
				}
			})
			if user == uGranted && shown == 0 {
				t.Errorf("%s, granted, was never shown the denouncer (the check sees nothing)", user)
			}
			for _, p := range forms[user] {
				if !slices.ContainsFunc(ok, func(o string) bool { return strings.HasPrefix(o, p) }) {
					t.Errorf("%s: the crawler did not reach %s (reached %v)", user, p, ok)
				}
			}
			t.Logf("%s: %d pages", user, len(ok))
			if len(ok) < 2 || user != uAdmin && len(ok) < 5 {
				t.Errorf("%s reached only %v", user, ok)
			}
			for _, p := range ok {
				caseA := strings.HasPrefix(p, "/cases/"+codes["complaint"]) || strings.HasPrefix(p, "/cases/"+codes["denunciation"])
				caseB := strings.HasPrefix(p, "/cases/"+codes["other"])
				switch {
				case user == uAdmin && strings.HasPrefix(p, "/cases"):
					t.Errorf("an administrator reached %s", p)
				case user == uHandlerB && caseA, (user != uHandlerB && user != uLeaderP) && caseB:
					t.Errorf("%s reached %s, outside their scope", user, p)
				}
			}
			// The document viewer is reached from the case pages and the search
			// results, and only for documents in the user's scope.
			viewer := 0
			for _, p := range ok {
				id, found := strings.CutPrefix(p, "/documents/")
				if !found || strings.Contains(id, "/") {
					continue
				}
				viewer++
				id, _, _ = strings.Cut(id, "?")
				if d, err := e.db.Document(e.ctx, id); err != nil || user == uHandlerB && d.UnitCode != "B" {
					t.Errorf("%s reached the viewer of %s (%s): outside their scope", user, id, d.UnitCode)
				}
			}
			// (The first crawler's forms unlink the documents; those after it may
			// find none.)
			if user == uClerk && viewer == 0 {
				t.Errorf("%s never reached the document viewer: %v", user, ok)
			}
			// The statistics and a drill-down, for those who read reports.
			reports := []string{"/reports", "/reports?", "/reports/01-TCD/cells/"}
			for _, p := range reports {
				reached := slices.ContainsFunc(ok, func(o string) bool { return strings.HasPrefix(o, p) })
				if reads := user == uLeader || user == uInspector || user == uLeaderP; reached != reads {
					t.Errorf("%s reached %s: %t", user, p, reached)
				}
			}
			for _, p := range map[string][]string{uAdmin: {"/admin/ingest", "/admin/units", "/admin/users", "/admin/audit", "/admin/units/A", "/admin/retractions"},
				uInspector: {"/admin/audit"}}[user] {
				if !slices.Contains(ok, p) {
					t.Errorf("%s did not reach %s", user, p)
				}
			}
			if user == uAdmin {
				if code, _, _ := newPageClientAs(t, srv, user).get("/cases"); code != 403 {
					t.Errorf("an administrator's case list: %d, want 403", code)
				}
			}
		})
	}
}

// newPageClientAs is a page client signed in as user.
func newPageClientAs(t *testing.T, srv *httptest.Server, user string) *pageClient {
	t.Helper()
	c := newPageClient(t, srv)
	c.login(user)
	return c
}

// TestPagesRoleScope checks the role × scope rules of the staff pages page by
// page for every user (the crawler walks fewer of them under the race
// detector): the case pages of unit A and of unit B, the reveal of a protected
// identity (only the granted user sees it), the triage inbox, the case list,
// the administration, the audit trail and the list of retracted documents. Each answer is exactly the page, 403
// or the 404 page.
func TestPagesRoleScope(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	srv := e.pageServer()
	caseA, caseB, secret := "/cases/"+codes["complaint"], "/cases/"+codes["other"], "/cases/"+codes["denunciation"]+"?reveal=1"
	paths := []string{caseA, caseB, secret, "/triage", "/cases", "/admin/users", "/admin/units/A", "/admin/audit", "/admin/retractions",
		"/reports?form=03-GQKN&period=2026-Q1", "/reports/01-TCD/cells/5?period=2026-Q1&unit=B"}
	for _, tc := range []struct {
		user string
		want []int // in the order of paths
	}{
		{uAdmin, []int{403, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403}},
		{uClerk, []int{200, 404, 200, 200, 200, 403, 403, 403, 403, 403, 403}},
		{uHandler, []int{200, 404, 200, 200, 200, 403, 403, 403, 403, 403, 403}},
		{uGranted, []int{200, 404, 200, 200, 200, 403, 403, 403, 403, 403, 403}},
		{uLeader, []int{200, 404, 200, 200, 200, 403, 403, 403, 200, 200, 404}},
		{uInspector, []int{200, 404, 200, 403, 200, 403, 403, 200, 403, 200, 404}},
		{uHandlerB, []int{404, 200, 404, 200, 200, 403, 403, 403, 403, 403, 403}},
		{uLeaderP, []int{200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 200}},
	} {
		c := newPageClientAs(t, srv, tc.user)
		for i, p := range paths {
			code, body, _ := c.get(p)
			if code != tc.want[i] {
				t.Errorf("%s GET %s: %d, want %d", tc.user, p, code, tc.want[i])
			}
			if p == secret && code == 200 {
				if shown := secretIn(body) != ""; shown != (tc.user == uGranted) {
					t.Errorf("%s GET %s: the protected identity shown %t", tc.user, p, shown)
				}
			}
		}
	}
	if n := count(e.auditOf(e.users[uGranted].ID), cases.ActionSecretRead, "case:"+codes["denunciation"]); n != 1 {
		t.Errorf("the granted user's reveal: %d audit entries, want 1", n)
	}
}
