package web_test

import (
	"slices"
	"testing"
)

type problemsOut struct {
	Error    string `json:"error"`
	Problems []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"problems"`
}

// TestEveryBadFieldIsNamed: a request with several bad fields answers 422 with
// each of them named in problems, not folded into one string only.
func TestEveryBadFieldIsNamed(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		user   string
		c      call
		fields []string
	}{
		{"open a case", uClerk, call{method: "POST", path: "/api/v1/cases", body: map[string]any{
			"kind": "x", "source": "y", "subject": "\u200b", "received_on": "2026-03-02", "round": 3,
			"parties": []map[string]any{{"role": "petitioner", "name": "A"}, {"role": "z", "name": "", "id_number": "12-34"}},
		}}, []string{"subject", "kind", "source", "round", "parties[1].role", "parties[1].name", "parties[1].id_number"}},
		{"register a petition", uClerk, call{method: "POST", path: "/api/v1/petitions", body: map[string]any{
			"source": "x", "kind": "khieu_nai", "received_on": "2026-03-03", "subject": "", "handling": "chuyen_don",
			"petitioner": map[string]string{"name": "A", "id_number": "số?", "phone": "abc"},
		}}, []string{"source", "subject", "petitioner.id_number", "petitioner.phone"}},
		{"log a visit", uClerk, call{method: "POST", path: "/api/v1/receptions", body: map[string]any{
			"kind": "khieu_nai", "content": "", "outcome": "x",
			"visitors": []map[string]string{{"name": "A"}, {"name": "B", "id_number": "?"}},
		}}, []string{"content", "outcome", "visitors[1].id_number"}},
		{"list cases", uClerk, call{method: "GET", path: "/api/v1/cases?status=x&kind=y&open=2&limit=0&offset=-1"},
			[]string{"status", "kind", "open", "limit", "offset"}},
		{"add a user", uAdmin, call{method: "POST", path: "/api/v1/users", body: map[string]any{
			"username": "A B", "full_name": "x\u202ey", "role": "king", "unit": "P", "password": "short",
		}}, []string{"username", "full_name", "role", "password"}},
		{"search", uClerk, call{method: "GET", path: "/api/v1/search?q=a&from=x&to=y&sort=z&page=0"},
			[]string{"from", "to", "page", "sort"}},
		{"a field of the wrong type", uClerk, call{method: "POST", path: "/api/v1/cases", body: map[string]any{"round": "one"}},
			[]string{"round"}},
		{"an unknown field", uClerk, call{method: "POST", path: "/api/v1/cases", body: map[string]any{"parties": []map[string]any{{"nom": "A"}}}},
			[]string{"parties[0].nom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do(tt.user, tt.c)
			out := decode[problemsOut](t, body)
			if code != 422 || out.Error == "" {
				t.Fatalf("%d %s, want 422 with a message", code, body)
			}
			var got []string
			for _, p := range out.Problems {
				if p.Message == "" {
					t.Errorf("problem of %q without a message", p.Field)
				}
				got = append(got, p.Field)
			}
			for _, f := range tt.fields {
				if !slices.Contains(got, f) {
					t.Errorf("field %q not named in problems %q: %s", f, got, body)
				}
			}
		})
	}
}
