package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"kntc/auth"
	"kntc/cases"
)

// fieldWant is the expected answer of PATCH /cases/{code} for one field, per stage
// (open, decided, closed) and role letter (Clerk, Handler, Leader, Inspector,
// Administrator): written out here, independently of the table in cases/fields.go.
var fieldWant = map[string]map[cases.Stage]map[string]int{
	"subject": {
		cases.StageOpen:    {"C": 200, "H": 200, "L": 200},
		cases.StageDecided: {"C": 422, "H": 422, "L": 200},
		cases.StageClosed:  {"C": 422, "H": 422, "L": 422},
	},
	"summary": {
		cases.StageOpen:    {"C": 200, "H": 200, "L": 200},
		cases.StageDecided: {"C": 422, "H": 422, "L": 200},
		cases.StageClosed:  {"C": 422, "H": 422, "L": 422},
	},
	"complex": {
		cases.StageOpen:    {"C": 403, "H": 200, "L": 200},
		cases.StageDecided: {"C": 403, "H": 422, "L": 422},
		cases.StageClosed:  {"C": 403, "H": 422, "L": 422},
	},
	"remote": {
		cases.StageOpen:    {"C": 403, "H": 200, "L": 200},
		cases.StageDecided: {"C": 403, "H": 422, "L": 422},
		cases.StageClosed:  {"C": 403, "H": 422, "L": 422},
	},
	"round": {
		cases.StageOpen:    {"C": 403, "H": 200, "L": 200},
		cases.StageDecided: {"C": 403, "H": 422, "L": 422},
		cases.StageClosed:  {"C": 403, "H": 422, "L": 422},
	},
	"unit_id": {
		cases.StageOpen:    {"C": 403, "H": 403, "L": 200},
		cases.StageDecided: {"C": 403, "H": 403, "L": 200},
		cases.StageClosed:  {"C": 403, "H": 403, "L": 422},
	},
	"handler_id": {
		cases.StageOpen:    {"C": 403, "H": 403, "L": 200},
		cases.StageDecided: {"C": 403, "H": 403, "L": 200},
		cases.StageClosed:  {"C": 403, "H": 403, "L": 422},
	},
	// Results are the workflow's: nobody writes them directly.
	"result": {
		cases.StageOpen:    {"C": 422, "H": 422, "L": 422},
		cases.StageDecided: {"C": 422, "H": 422, "L": 422},
		cases.StageClosed:  {"C": 422, "H": 422, "L": 422},
	},
}

// TestCaseFieldMatrix changes every case field as every role in every stage of a
// case (field × role × stage) and checks the answer and that a refused change
// changed nothing; inspectors and administrators never write a case.
func TestCaseFieldMatrix(t *testing.T) {
	e := newEnv(t)
	e.addUnit("A1", "UBND xã A1", auth.LevelCommune, "A")
	lp := e.actor(uLeaderP)
	// The fields of the service's table are all covered here, and nothing else.
	for _, f := range cases.CaseFields() {
		name := map[string]string{"unit": "unit_id", "handler": "handler_id"}[f]
		if name == "" {
			name = f
		}
		if _, ok := fieldWant[name]; !ok {
			t.Errorf("field %s of cases.CaseFields has no row here", f)
		}
	}
	stageCase := func(st cases.Stage) cases.Case {
		t.Helper()
		c, _, err := e.svc.CreateCase(e.ctx, lp, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại quyết định thu hồi đất", UnitID: e.units["A"].ID})
		if err != nil {
			t.Fatal(err)
		}
		steps := []cases.Transition{{To: cases.StatusClassified}, {To: cases.StatusScreening}, {To: cases.StatusAccepted}}
		switch st {
		case cases.StageDecided:
			steps = append(steps, cases.Transition{To: cases.StatusVerifying}, cases.Transition{To: cases.StatusDecided, Result: cases.ResultRight})
		case cases.StageClosed:
			steps = append(steps, cases.Transition{To: cases.StatusClosed, Result: cases.ResultWithdrawn})
		}
		for _, tr := range steps {
			if c, err = e.svc.Transition(e.ctx, lp, c.Code, c.Version, tr); err != nil {
				t.Fatalf("%s to %s: %v", c.Code, tr.To, err)
			}
		}
		if cases.StageOf(c.Status) != st {
			t.Fatalf("case in %s, want stage %s", c.Status, st)
		}
		return c
	}
	value := map[string]any{"subject": "Khiếu nại việc bồi thường khi thu hồi đất", "summary": "Tóm tắt bổ sung",
		"complex": true, "remote": true, "round": 2, "unit_id": e.units["A1"].ID, "handler_id": e.users[uHandler].ID,
		"result": "dung"}
	roles := []string{uClerk, uHandler, uLeader, uInspector, uAdmin}
	var table strings.Builder
	for _, field := range []string{"subject", "summary", "complex", "remote", "round", "unit_id", "handler_id", "result"} {
		for _, st := range []cases.Stage{cases.StageOpen, cases.StageDecided, cases.StageClosed} {
			fmt.Fprintf(&table, "%-11s %-8s", field, st)
			for _, user := range roles {
				c := stageCase(st)
				want, ok := fieldWant[field][st][roleLetter(e.users[user].Role)]
				if !ok {
					want = 403 // inspectors and administrators
				}
				code, body := e.do(user, call{method: "PATCH", path: "/api/v1/cases/" + c.Code,
					body: map[string]any{"version": c.Version, field: value[field]}})
				mark := ""
				if code != want {
					mark = "!"
					t.Errorf("%s in %s as %s: %d, want %d: %s", field, st, user, code, want, body)
				}
				after, err := e.db.CaseByCode(e.ctx, c.Code)
				if err != nil {
					t.Fatal(err)
				}
				if code != 200 && after.Version != c.Version {
					t.Errorf("%s in %s as %s: refused (%d) but the case changed (version %d → %d)", field, st, user, code, c.Version, after.Version)
				}
				fmt.Fprintf(&table, " %s=%s", roleLetter(e.users[user].Role), strconv.Itoa(code)+mark)
			}
			table.WriteString("\n")
		}
	}
	t.Logf("field × role × stage (C clerk, H handler, L leader, I inspector, A administrator):\n%s", table.String())
}

// TestPartyWriters: a protected party (the denouncer) is overwritten or deleted
// only by a user granted the case; an ordinary party by the case's writers while
// the case is open; nobody changes the parties of a closed case.
func TestPartyWriters(t *testing.T) {
	e := newEnv(t)
	w := newWorld(e)
	ps, err := e.svc.Parties(e.ctx, e.actor(uGranted), w.tc.Code)
	if err != nil {
		t.Fatal(err)
	}
	var secret int64
	for _, p := range ps {
		if p.Secret {
			secret = p.ID
		}
	}
	if secret == 0 {
		t.Fatal("no protected party in the denunciation")
	}
	path := fmt.Sprintf("/api/v1/cases/%s/parties/%d", w.tc.Code, secret)
	overwrite := call{method: "PUT", path: path, body: map[string]any{"role": "petitioner", "name": "Người Khác Hẳn"}}
	for _, user := range []string{uClerk, uHandler, uLeader} {
		e.must(user, overwrite, 403)
		e.must(user, call{method: "DELETE", path: path}, 403)
	}
	e.must(uInspector, overwrite, 403)
	e.must(uHandlerB, overwrite, 404)
	if got, err := e.svc.Parties(e.ctx, e.actor(uGranted), w.tc.Code); err != nil || secretIn(fmt.Sprint(got)) == "" {
		t.Fatalf("the denouncer was changed by an ungranted user: %v %v", got, err)
	}
	// The granted user may correct the identity.
	e.must(uGranted, call{method: "PUT", path: path, body: map[string]any{"role": "petitioner", "name": denouncer.Name,
		"id_number": denouncer.IDNumber, "phone": denouncer.Phone, "address": denouncer.Address}}, 200)

	// A respondent is the case writers' to change; once closed, nobody's.
	resp := fmt.Sprintf("/api/v1/cases/%s/parties/%d", w.tc.Code, w.respA)
	e.must(uClerk, call{method: "PUT", path: resp, body: map[string]any{"role": "respondent", "name": "Ông Trần Văn Bị"}}, 200)
	lp := e.actor(uLeaderP)
	c, err := e.db.CaseByCode(e.ctx, w.tc.Code)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []cases.Transition{{To: cases.StatusClassified}, {To: cases.StatusScreening}, {To: cases.StatusAccepted},
		{To: cases.StatusClosed, Result: cases.ResultWithdrawn}} {
		if c, err = e.svc.Transition(e.ctx, lp, c.Code, c.Version, tr); err != nil {
			t.Fatal(err)
		}
	}
	e.must(uLeader, call{method: "PUT", path: resp, body: map[string]any{"role": "respondent", "name": "Ông Trần Văn Bị"}}, 422)
	e.must(uGranted, call{method: "DELETE", path: path}, 422)
	e.must(uLeader, call{method: "POST", path: "/api/v1/cases/" + w.tc.Code + "/parties", body: map[string]any{"role": "related", "name": "Bà Lê Thị Mới"}}, 422)
}

// TestHandlersFromTheCaseUnit: a handler is assigned only from the case's unit or
// a unit below it, only by a leader, at opening as later.
func TestHandlersFromTheCaseUnit(t *testing.T) {
	e := newEnv(t)
	open := func(user string, handler int64, want int) {
		t.Helper()
		e.must(user, call{method: "POST", path: "/api/v1/cases", body: map[string]any{"kind": "khieu_nai", "source": "buu_chinh",
			"received_on": "2026-03-09", "subject": "Khiếu nại quyết định hành chính", "unit_id": e.units["A"].ID,
			"handler_id": handler}}, want)
	}
	open(uClerk, e.users[uHandler].ID, 403)     // assigning is a leader's act
	open(uLeaderP, e.users[uHandlerB].ID, 422)  // a handler of district B on a case of A
	open(uLeaderP, e.users[uInspector].ID, 422) // not a handler
	open(uLeaderP, 999999, 422)                 // nobody
	open(uLeader, e.users[uHandler].ID, 201)

	c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại quyết định thu hồi đất", UnitID: e.units["A"].ID})
	if err != nil {
		t.Fatal(err)
	}
	e.must(uLeaderP, call{method: "PATCH", path: "/api/v1/cases/" + c.Code, body: map[string]any{"version": c.Version, "handler_id": e.users[uHandlerB].ID}}, 422)
	e.must(uLeaderP, call{method: "PATCH", path: "/api/v1/cases/" + c.Code, body: map[string]any{"version": c.Version, "handler_id": e.users[uHandler].ID}}, 200)
	c, _ = e.db.CaseByCode(e.ctx, c.Code)
	// Moved to district B, the case leaves its handler of A behind.
	e.must(uLeaderP, call{method: "PATCH", path: "/api/v1/cases/" + c.Code, body: map[string]any{"version": c.Version, "unit_id": e.units["B"].ID}}, 200)
	if c, _ = e.db.CaseByCode(e.ctx, c.Code); c.HandlerID != 0 || c.UnitID != e.units["B"].ID {
		t.Errorf("after the move to B: unit %d handler %d, want unit %d and no handler", c.UnitID, c.HandlerID, e.units["B"].ID)
	}
}
