package web_test

import (
	"fmt"
	"strings"
	"testing"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/enum"
)

// TestUnknownFieldsAreRefused: a body with a field the endpoint does not take is
// refused 422 naming the field and listing the ones it takes, instead of answering
// 200 and changing nothing; a value of the wrong type names the field and the type
// wanted; data after the JSON value is refused. Nothing is changed by a refusal.
func TestUnknownFieldsAreRefused(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uClerk, "2026-03-02")
	casePath := "/api/v1/cases/" + c.Code
	newCase := map[string]any{"kind": "khieu_nai", "source": "truc_tiep", "received_on": "2026-03-02",
		"subject": "Khiếu nại về bồi thường", "unit_id": e.units["A"].ID}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{k: v}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name string
		c    call
		want []string
	}{
		{"PATCH case assignee", call{method: "PATCH", path: casePath, body: map[string]any{"version": c.Version, "assignee": "lan.nguyen"}},
			[]string{`trường "assignee" không có trong yêu cầu này (unknown field "assignee")`, "version, subject, summary", "handler_id"}},
		{"PATCH case version as text", call{method: "PATCH", path: casePath, body: map[string]any{"version": "1", "subject": "Mới"}},
			[]string{`trường "version" phải là số nguyên (field "version" must be a whole number)`}},
		{"PATCH case trailing data", call{method: "PATCH", path: casePath, raw: []byte(`{"version":1,"subject":"Mới"} {"x":1}`), contentType: "application/json"},
			[]string{"(unexpected data after the JSON value)"}},
		//nolint:misspell // the misspelt field is what this case sends
		{"POST case misspelt field", call{method: "POST", path: "/api/v1/cases", body: with(newCase, "recieved_on", "2026-03-02")},
			[]string{`unknown field "recieved_on"`, "received_on", "parties"}}, //nolint:misspell // as above
		{"POST case party field", call{method: "POST", path: "/api/v1/cases", body: with(newCase, "parties",
			[]map[string]any{{"role": "petitioner", "name": "Đặng Thị Năm", "cccd": "072999888777"}})},
			[]string{`trường "parties[0].cccd" không có trong yêu cầu này (unknown field "parties[0].cccd"); các trường (fields): role, name, id_number`}},
		{"POST case complex as text", call{method: "POST", path: "/api/v1/cases", body: with(newCase, "complex", "yes")},
			[]string{`trường "complex" phải là true hoặc false (field "complex" must be true or false)`}},
		{"POST petition unknown field", call{method: "POST", path: "/api/v1/petitions", body: map[string]any{
			"source": "buu_chinh", "received_on": "2026-03-02", "subject": "Đơn", "sender": "Đặng Thị Năm"}},
			[]string{`unknown field "sender"`, "petitioner", "admissibility"}},
		{"POST petition unit as text", call{method: "POST", path: "/api/v1/petitions", body: map[string]any{
			"source": "buu_chinh", "received_on": "2026-03-02", "subject": "Đơn", "unit_id": "A"}},
			[]string{`trường "unit_id" phải là số nguyên (field "unit_id" must be a whole number)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.do(uClerk, tc.c)
			if code != 422 {
				t.Fatalf("%d %s, want 422", code, body)
			}
			msg := decode[errorOut](t, body).Error
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
	after := decode[caseOut](t, e.get(uClerk, casePath, 200))
	if after.Version != c.Version || after.Subject != c.Subject {
		t.Errorf("a refused PATCH changed the case: %+v, was %+v", after, c)
	}
	total := decode[struct {
		Total int `json:"total"`
	}](t, e.get(uClerk, "/api/v1/cases", 200)).Total
	if total != 1 {
		t.Errorf("%d cases after refused POSTs, want the 1 made first", total)
	}
	// The same fields, spelt right, are taken.
	ok := decode[caseOut](t, e.must(uClerk, call{method: "PATCH", path: casePath, body: map[string]any{"version": c.Version, "subject": "Khiếu nại mới"}}, 200))
	if ok.Subject != "Khiếu nại mới" {
		t.Errorf("PATCH subject: %+v", ok)
	}
}

// TestOptionalBodyIsStrictToo: opening a case from a letter takes an empty body
// (everything from the letter), but a body given is as strict as any other.
func TestOptionalBodyIsStrictToo(t *testing.T) {
	e := newEnv(t)
	p := decode[struct {
		ID int64 `json:"id"`
	}](t, e.must(uClerk, call{method: "POST", path: "/api/v1/petitions", body: map[string]any{
		"source": "buu_chinh", "kind": "khieu_nai", "received_on": "2026-03-02", "subject": "Khiếu nại về bồi thường đất",
		"petitioner": map[string]string{"name": "Đặng Thị Năm"}}}, 201))
	path := fmt.Sprintf("/api/v1/petitions/%d/case", p.ID)
	code, body := e.do(uClerk, call{method: "POST", path: path, body: map[string]any{"assignee": "lan.nguyen"}})
	if msg := decode[errorOut](t, body).Error; code != 422 || !strings.Contains(msg, `unknown field "assignee"`) || !strings.Contains(msg, "handler_id") {
		t.Errorf("an unknown field in an optional body: %d %s, want 422 naming it and listing handler_id", code, body)
	}
	code, body = e.do(uClerk, call{method: "POST", path: path, raw: []byte("{} []"), contentType: "application/json"})
	if code != 422 || !strings.Contains(decode[errorOut](t, body).Error, "(unexpected data after the JSON value)") {
		t.Errorf("data after an optional body: %d %s, want 422", code, body)
	}
	e.must(uClerk, call{method: "POST", path: path}, 201)
}

// TestEnumRefusalsListTheValues: a value outside a closed set is refused 422 with
// every value the field takes, so the client learns the set from the refusal.
func TestEnumRefusalsListTheValues(t *testing.T) {
	e := newEnv(t)
	c := createCase(t, e, uClerk, "2026-03-02")
	d := e.document(docSpec{unit: "A", pages: []string{"Công văn"}})
	newCase := func(k, v string) map[string]any {
		m := map[string]any{"kind": "khieu_nai", "source": "truc_tiep", "received_on": "2026-03-02", "subject": "Khiếu nại"}
		m[k] = v
		return m
	}
	petition := func(k, v string) map[string]any {
		m := map[string]any{"source": "buu_chinh", "received_on": "2026-03-02", "subject": "Đơn"}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name string
		user string
		c    call
		want string
	}{
		{"cover sheet document kind", uClerk, call{method: "GET", path: "/api/v1/cases/" + c.Code + "/cover.pdf?kind=bogus"},
			`loại văn bản "bogus" không hợp lệ (unknown document kind), phải là một trong (one of): ` + enum.List(ingest.Kinds())},
		{"link document kind", uClerk, call{method: "POST", path: "/api/v1/documents/" + d.ID + "/link", body: map[string]any{"case": c.Code, "kind": "bogus"}},
			enum.List(ingest.Kinds())},
		{"case kind", uClerk, call{method: "POST", path: "/api/v1/cases", body: newCase("kind", "khieu_kien")}, enum.List(cases.Kinds)},
		{"case source", uClerk, call{method: "POST", path: "/api/v1/cases", body: newCase("source", "email")}, enum.List(cases.Sources)},
		{"party role", uClerk, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/parties", body: map[string]any{"role": "witness", "name": "Lê Văn Tư"}},
			enum.List(cases.PartyRoles)},
		{"transition status", uHandler, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/transitions", body: map[string]any{"to": "done", "version": c.Version}},
			enum.List(cases.Statuses)},
		{"transition result", uLeader, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/transitions", body: map[string]any{"to": "phan_loai", "result": "ok", "version": c.Version}},
			enum.List(cases.Results)},
		{"petition handling", uClerk, call{method: "POST", path: "/api/v1/petitions", body: petition("handling", "bo_qua")}, enum.List(cases.Handlings)},
		{"petition admissibility", uClerk, call{method: "POST", path: "/api/v1/petitions", body: petition("admissibility", "co")}, enum.List(cases.Admissibilities)},
		{"petition competence", uClerk, call{method: "POST", path: "/api/v1/petitions", body: petition("competence", "co")}, enum.List(cases.Competences)},
		{"reception outcome", uClerk, call{method: "POST", path: "/api/v1/receptions", body: map[string]any{
			"visitors": []map[string]string{{"name": "Lê Văn Tư"}}, "content": "Hỏi về đất", "outcome": "xong"}}, enum.List(cases.Outcomes)},
		{"case list status", uClerk, call{method: "GET", path: "/api/v1/cases?status=open"}, enum.List(cases.Statuses)},
		{"petition list kind", uClerk, call{method: "GET", path: "/api/v1/petitions?kind=x"}, enum.List(cases.Kinds)},
		{"search sort", uClerk, call{method: "GET", path: "/api/v1/search?q=đất&sort=newest"}, "relevance, date"},
		{"user role", uAdmin, call{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "lan.nguyen", "full_name": "Nguyễn Thị Lan",
			"role": "boss", "unit": "A", "password": "một-mật-khẩu-dài-đủ"}}, enum.List(auth.Roles)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.do(tc.user, tc.c)
			if code != 422 {
				t.Fatalf("%d %s, want 422", code, body)
			}
			if msg := decode[errorOut](t, body).Error; !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks the values %q", msg, tc.want)
			}
		})
	}
}

// TestUnitLevelRefusalListsTheLevels: the unit level, refused by the account
// service, names every level.
func TestUnitLevelRefusalListsTheLevels(t *testing.T) {
	err := auth.ValidateUnit(&auth.Unit{Code: "X", Name: "Xã X", Level: "village"})
	if err == nil || !strings.Contains(err.Error(), enum.List(auth.Levels)) {
		t.Errorf("ValidateUnit with level village: %v, want the levels %s", err, enum.List(auth.Levels))
	}
}
