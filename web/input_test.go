package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// wantRefused sends c as user and fails unless the answer is 422 with an error
// holding every part.
func wantRefused(t *testing.T, e *env, user string, c call, parts ...string) {
	t.Helper()
	body := e.must(user, c, 422)
	var out errorOut
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s %s: %v: %s", c.method, c.path, err, body)
	}
	for _, p := range parts {
		if !strings.Contains(out.Error, p) {
			t.Fatalf("%s %s: error %q does not say %q", c.method, c.path, out.Error, p)
		}
	}
}

// TestDatesGivenAreReal: a date given that is not a real date is refused with 422
// naming the field, never taken as today; only an absent date means today.
func TestDatesGivenAreReal(t *testing.T) {
	e := newEnv(t)
	newCase := func(received any) map[string]any {
		m := map[string]any{"kind": "khieu_nai", "source": "buu_chinh", "subject": "Khiếu nại"}
		if received != nil {
			m["received_on"] = received
		}
		return m
	}
	post := func(path string, body any) call { return call{method: "POST", path: path, body: body} }
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase("0001-01-01")), "received_on", "không phải ngày hợp lệ", "1945-01-01")
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase("1900-01-01")), "received_on", "not a real date")
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase("2026-3-1")), "received_on", "YYYY-MM-DD")
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase("2026-03-11")), "ngày nhận đơn", "in the future")
	c := decode[caseOut](t, e.must(uClerk, post("/api/v1/cases", newCase(nil)), 201))
	if c.ReceivedOn != "2026-03-10" {
		t.Fatalf("no received_on: %s, want today 2026-03-10", c.ReceivedOn)
	}
	c = decode[caseOut](t, e.must(uClerk, post("/api/v1/cases", newCase("2026-03-02")), 201))
	if c.ReceivedOn != "2026-03-02" {
		t.Fatalf("received_on 2026-03-02 stored as %s", c.ReceivedOn)
	}

	wantRefused(t, e, uClerk, post("/api/v1/petitions", map[string]any{"source": "buu_chinh", "subject": "Đơn", "received_on": "0001-01-01"}), "received_on")
	visit := map[string]any{"content": "Hỏi", "outcome": "huong_dan", "visitors": []map[string]string{{"name": "A"}}, "at": "0001-01-01T00:00:00Z"}
	wantRefused(t, e, uClerk, post("/api/v1/receptions", visit), "at:", "không phải thời điểm hợp lệ")
	visit["at"] = "2026-03-12T08:00:00+07:00"
	wantRefused(t, e, uClerk, post("/api/v1/receptions", visit), "ở tương lai")
	delete(visit, "at")
	e.must(uClerk, post("/api/v1/receptions", visit), 201)

	path := "/api/v1/cases/" + c.Code
	wantRefused(t, e, uClerk, post(path+"/transitions", map[string]any{"to": "phan_loai", "on": "0001-01-01", "version": c.Version}), "on:", "1945-01-01")
	wantRefused(t, e, uLeader, post(path+"/extensions", map[string]any{"decision_number": "1/QĐ", "decision_date": "0001-01-01", "days": 30}), "decision_date:")
}

// TestTextHygiene: the inputs an attack found accepted are refused with 422 naming
// the field or the limit.
func TestTextHygiene(t *testing.T) {
	e := newEnv(t)
	newCase := func(parties ...map[string]string) map[string]any {
		return map[string]any{"kind": "khieu_nai", "source": "buu_chinh", "subject": "Khiếu nại", "parties": parties}
	}
	post := func(path string, body any) call { return call{method: "POST", path: path, body: body} }
	party := func(name string) map[string]string { return map[string]string{"role": "petitioner", "name": name} }
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase(party("Nguyễn\x00Văn A"))), "tên đương sự chứa ký tự điều khiển")
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase(party("Nguyễn\u202eVăn A"))), "party name contains bidirectional")
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase(party(strings.Repeat("a", 5000)))), "tối đa 200 ký tự")
	many := make([]map[string]string, 20000)
	for i := range many {
		many[i] = party("A")
	}
	wantRefused(t, e, uClerk, post("/api/v1/cases", newCase(many...)), "tối đa 50 đương sự", "at most 50 parties")
	subject := newCase()
	subject["subject"] = "\u200b"
	wantRefused(t, e, uClerk, post("/api/v1/cases", subject), "trích yếu nội dung bắt buộc")
	wantRefused(t, e, uClerk, post("/api/v1/petitions", map[string]any{"source": "buu_chinh", "subject": "\u200b"}), "subject is required")
	visitors := make([]map[string]string, 101)
	for i := range visitors {
		visitors[i] = map[string]string{"name": "A"}
	}
	wantRefused(t, e, uClerk, post("/api/v1/receptions", map[string]any{"content": "Hỏi", "outcome": "huong_dan", "visitors": visitors}), "tối đa 100 công dân")
	list := string(e.get(uLeaderP, "/api/v1/cases", 200))
	if !strings.Contains(list, `"total":0`) {
		t.Fatalf("a refused case was stored: %s", list)
	}
}

// TestPasswordChangeRevokesTokens: a token issued before a password change answers
// 401 after it.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	e := newEnv(t)
	e.get(uClerk, "/api/v1/cases", 200)
	if err := e.accounts.SetPassword(e.ctx, e.users[uClerk].ID, "mật khẩu mới của văn thư"); err != nil {
		t.Fatal(err)
	}
	e.get(uClerk, "/api/v1/cases", 401)
	e.get(uHandler, "/api/v1/cases", 200) // another user's session stays
}
