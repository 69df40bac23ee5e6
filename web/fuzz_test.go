package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// jsonEndpoint is a JSON endpoint with a body it accepts, the user who may call it.
type jsonEndpoint struct {
	user, method, path string
	body               map[string]any
}

// jsonEndpoints lists every endpoint that reads a JSON body, with a valid body,
// on the world of the role matrix.
func jsonEndpoints(e *env, w *world) []jsonEndpoint {
	party := map[string]any{"role": "related", "name": "Bà Lê Thị Liên Quan", "id_number": "072000555666", "address": "ấp 2", "phone": "0903111222", "note": "ghi chú"}
	pw := publicationWorld(e)
	return []jsonEndpoint{
		{uLeaderP, "POST", "/api/v1/documents/" + pw.doc.ID + "/publication", map[string]any{"rects": []map[string]any{{"page": 1, "x0": 10, "y0": 10, "x1": 600, "y1": 200}}}},
		{uLeaderP, "POST", "/api/v1/publications/" + pw.posted.ID + "/unpublish", map[string]any{"reason": "lộ thông tin", "ground": "lo_thong_tin"}},
		{"", "POST", "/api/v1/login", map[string]any{"username": uClerk, "password": "mật-khẩu-thử-nghiệm"}},
		{uLeaderP, "PATCH", "/api/v1/documents/" + w.docA.ID, map[string]any{"confidential": false}},
		{uLeaderP, "POST", "/api/v1/documents/" + w.docInbox.ID + "/link", map[string]any{"case": w.tc.Code, "kind": "cong_van"}},
		{uLeaderP, "POST", "/api/v1/cases", map[string]any{"kind": "khieu_nai", "source": "buu_chinh", "received_on": "2026-03-09",
			"subject": "Khiếu nại quyết định thu hồi đất", "summary": "Tóm tắt", "unit_id": e.units["A"].ID, "complex": false, "remote": true,
			"round": 1, "parties": []map[string]any{party}}},
		{uLeaderP, "PATCH", "/api/v1/cases/" + w.kn.Code, map[string]any{"version": 1, "subject": "Trích yếu", "summary": "x", "complex": true,
			"remote": false, "round": 1, "unit_id": e.units["B"].ID, "handler_id": e.users[uHandlerB].ID}},
		{uLeaderP, "POST", "/api/v1/cases/" + w.kn.Code + "/transitions", map[string]any{"to": "phan_loai", "version": 1, "result": "", "on": "2026-03-09", "note": "x"}},
		{uLeaderP, "POST", "/api/v1/cases/" + w.tc.Code + "/extensions", map[string]any{"decision_number": "05/QĐ-UBND", "decision_date": "2026-03-09", "days": 30, "reason": "phức tạp"}},
		{uLeaderP, "POST", "/api/v1/cases/" + w.kn.Code + "/parties", party},
		{uLeaderP, "PUT", fmt.Sprintf("/api/v1/cases/%s/parties/%d", w.kn.Code, w.respB), map[string]any{"role": "respondent", "name": "Chủ tịch UBND huyện B"}},
		{uLeaderP, "POST", "/api/v1/cases/" + w.kn.Code + "/grants", map[string]any{"user_id": e.users[uHandlerB].ID}},
		{uLeaderP, "POST", "/api/v1/petitions", map[string]any{"unit_id": e.units["B"].ID, "source": "buu_chinh", "kind": "khieu_nai",
			"received_on": "2026-03-09", "petitioner": map[string]any{"name": "Trần Văn Thử", "id_number": "072111000999"}, "subject": "Khiếu nại",
			"content": "nội dung", "admissibility": "du_dieu_kien", "competence": "thuoc_tham_quyen", "handling": "chuyen_don", "transferred_to": "Sở X",
			"document_id": ""}},
		{uLeaderP, "PATCH", fmt.Sprintf("/api/v1/petitions/%d", w.petB.ID), map[string]any{"kind": "khieu_nai", "subject": "Khiếu nại", "content": "x",
			"admissibility": "du_dieu_kien", "competence": "thuoc_tham_quyen", "handling": "huong_dan", "transferred_to": "", "document_id": ""}},
		{uLeaderP, "POST", fmt.Sprintf("/api/v1/petitions/%d/case", w.petB.ID), map[string]any{"subject": "Khiếu nại", "source": "buu_chinh"}},
		{uLeaderP, "POST", "/api/v1/receptions", map[string]any{"unit_id": e.units["B"].ID, "kind": "khieu_nai", "at": "2026-03-09T08:00:00+07:00",
			"visitors": []map[string]any{{"name": "Võ Văn Đến", "phone": "0903000111"}}, "group_size": 1, "content": "Trình bày", "outcome": "tiep_nhan_don"}},
		{uLeaderP, "POST", fmt.Sprintf("/api/v1/receptions/%d/case", w.recB.ID), map[string]any{"subject": "Khiếu nại"}},
		{uAdmin, "POST", "/api/v1/users", map[string]any{"username": "nguoi.moi", "full_name": "Người Mới", "role": "clerk", "unit": "A",
			"scope": "A", "password": "mật-khẩu-người-mới"}},
		{uAdmin, "PATCH", "/api/v1/users/" + uInspector, map[string]any{"disabled": false, "role": "inspector", "unit": "A", "scope": "A",
			"full_name": "Thanh Tra"}},
		{uAdmin, "POST", "/api/v1/users/" + uInspector + "/password", map[string]any{"password": "mật-khẩu-thanh-tra"}},
		{uAdmin, "POST", "/api/v1/units", map[string]any{"code": "C", "name": "UBND huyện C", "level": "district", "parent": "P"}},
		{uAdmin, "PATCH", "/api/v1/units/B", map[string]any{"name": "UBND huyện B"}},
		{uLeaderP, "POST", "/api/v1/cases", map[string]any{"kind": "khieu_nai", "source": "buu_chinh", "received_on": "2026-03-09",
			"subject": "Khiếu nại", "unit_id": e.units["B"].ID, "handler": uHandlerB}},
		{uLeaderP, "PATCH", "/api/v1/cases/" + w.kn.Code, map[string]any{"version": 1, "handler": uHandlerB}},
		{uLeaderP, "POST", "/api/v1/cases/" + w.kn.Code + "/grants", map[string]any{"user": uHandlerB}},
	}
}

// hostile are values put in place of each field of a valid body.
var hostile = []any{nil, true, false, 0, -1, 1e300, -9223372036854775808, 18446744073709551616.0, "", " ", "\x00", "\u202e", "\u200b",
	strings.Repeat("Đ", 20000), "2026-13-45", "0001-01-01", "9999-12-31", "null", []any{}, []any{1, "a"}, map[string]any{},
	map[string]any{"$ne": 1}, "'; DROP TABLE cases; --", "../../etc/passwd"}

// malformed are whole bodies that are not what any endpoint takes.
var malformed = []string{"", "null", "[]", "{}", "{", `{"a":`, `"x"`, "1", `{"version":"1"}`, "\xff\xfe", `{"a":1}{"b":2}`,
	strings.Repeat("[", 10000), `{"subject":"` + strings.Repeat("x", 2<<20) + `"}`}

// TestJSONEndpointsNeverFail sends every JSON endpoint malformed bodies and its
// valid body with each field replaced by hostile values: the server answers
// each with a 4xx or a 2xx, never a 500 (a crash or an unhandled case).
func TestJSONEndpointsNeverFail(t *testing.T) {
	e := newEnv(t)
	w := newWorld(e)
	sent := 0
	for _, ep := range jsonEndpoints(e, w) {
		send := func(raw []byte, what string) {
			t.Helper()
			code, body := e.do(ep.user, call{method: ep.method, path: ep.path, raw: raw, contentType: "application/json"})
			sent++
			if code >= 500 {
				t.Errorf("%s %s with %s: %d %.300s", ep.method, ep.path, what, code, body)
			}
		}
		for _, m := range malformed {
			send([]byte(m), fmt.Sprintf("body %.40q", m))
		}
		for field := range ep.body {
			for _, v := range hostile {
				b := make(map[string]any, len(ep.body))
				for k, x := range ep.body {
					b[k] = x
				}
				b[field] = v
				raw, err := json.Marshal(b)
				if err != nil {
					t.Fatal(err)
				}
				send(raw, fmt.Sprintf("%s=%.40v", field, v))
			}
		}
		raw, _ := json.Marshal(ep.body)
		send(raw, "its valid body")
	}
	t.Logf("%d requests to %d JSON endpoints, none answered 5xx", sent, len(jsonEndpoints(e, w)))
}

// FuzzJSONEndpoints sends fuzzed bodies to every JSON endpoint (go test -fuzz
// FuzzJSONEndpoints ./web); without -fuzz it runs the seeds.
func FuzzJSONEndpoints(f *testing.F) {
	for _, m := range malformed[:10] {
		f.Add(uint8(0), []byte(m))
	}
	f.Add(uint8(3), []byte(`{"kind":"to_cao","source":"truc_tuyen","subject":"x","parties":[{"role":"petitioner","name":"A B"}]}`))
	f.Add(uint8(10), []byte(`{"source":"buu_chinh","kind":"to_cao","subject":"Tố cáo","petitioner":{"name":"Lưu Thị X"}}`))
	e := newEnv(f)
	eps := jsonEndpoints(e, newWorld(e))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		ep := eps[int(which)%len(eps)]
		e.t = t
		code, out := e.do(ep.user, call{method: ep.method, path: ep.path, raw: body, contentType: "application/json"})
		if code >= 500 {
			t.Errorf("%s %s with %q: %d %.300s", ep.method, ep.path, body, code, out)
		}
	})
}
