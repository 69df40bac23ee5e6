package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

// openAPIDoc is the embedded document, parsed.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPISpec, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

// bareServer is the whole router on no services: enough to walk its routes and
// to serve what needs none.
func bareServer(t *testing.T) http.Handler {
	t.Helper()
	return NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{MetricsToken: "metrics-token"},
		Deps{Registry: prometheus.NewRegistry()})
}

// TestOpenAPIMatchesRouter: every route of routes.go is in the document with its
// method, and every path and method of the document is a route.
func TestOpenAPIMatchesRouter(t *testing.T) {
	routes, ok := bareServer(t).(chi.Routes)
	if !ok {
		t.Fatal("NewServer's handler is not a chi router")
	}
	var served []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served = append(served, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range openAPIDoc(t)["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	if len(served) < 40 {
		t.Fatalf("walked only %d routes: %v", len(served), served)
	}
	for _, r := range served {
		if isStaffPageRoute(r) {
			continue // the staff pages are HTML for browsers, not the API
		}
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("openapi.json documents %s, which is no route", d)
		}
	}
}

// TestOpenAPIDocumentIsValid: an OpenAPI 3.1 document whose every $ref resolves,
// every operation answers a success and its refusals with the error body.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := openAPIDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", v)
	}
	refs := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if _, err := resolvePointer(doc, ref); err != "" {
					t.Errorf("%s: $ref %s: %s", at, ref, err)
				}
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(at+"/[]", x)
			}
		}
	}
	walk("#", doc)
	if refs < 100 {
		t.Errorf("only %d $refs: the walk missed the document", refs)
	}
	errSchema, _ := resolvePointer(doc, "#/components/schemas/Error")
	if props := keys(errSchema.(map[string]any)["properties"]); !slices.Equal(props, []string{"error", "problems"}) {
		t.Errorf("the error body has %v, want error and problems", props)
	}
	statuses := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			resps := op.(map[string]any)["responses"].(map[string]any)
			success := false
			for code, r := range resps {
				if code[0] == '2' {
					success = true
					continue
				}
				statuses[code] = true
				r := r.(map[string]any)
				if ref, ok := r["$ref"].(string); ok {
					r0, _ := resolvePointer(doc, ref)
					r = r0.(map[string]any)
				}
				body := r["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"]
				if body != "#/components/schemas/Error" && !(path == "/healthz" && code == "503") {
					t.Errorf("%s %s answers %s with %v, not the error body", method, path, code, body)
				}
			}
			if !success {
				t.Errorf("%s %s has no success answer", method, path)
			}
			if !slices.Contains([]string{"/", "/healthz", "/metrics", "/api/v1/openapi.json", "/api/v1/login"}, path) && resps["401"] == nil {
				t.Errorf("%s %s needs a login but does not say 401", method, path)
			}
		}
	}
	for _, code := range []string{"401", "403", "404", "409", "413", "422", "429", "503"} {
		if !statuses[code] {
			t.Errorf("no operation documents status %s", code)
		}
	}
}

// resolvePointer follows a local JSON pointer ("#/a/b").
func resolvePointer(doc map[string]any, ref string) (any, string) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, "not a local reference"
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			return nil, "nothing at " + part
		}
		cur = m[part]
	}
	return cur, ""
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIRequestSchemasMatchStructs: the documented request body of each
// endpoint has exactly the JSON fields of the struct its handler decodes (a
// field added to a struct must be documented), and refuses any other field.
func TestOpenAPIRequestSchemasMatchStructs(t *testing.T) {
	doc := openAPIDoc(t)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/login", loginRequest{}},
		{"POST", "/api/v1/users", userCreateRequest{}},
		{"PATCH", "/api/v1/documents/{id}", documentPatchRequest{}},
		{"POST", "/api/v1/documents/{id}/link", linkRequest{}},
		{"POST", "/api/v1/documents/{id}/retract", documentRetractRequest{}},
		{"POST", "/api/v1/cases", caseCreateRequest{}},
		{"PATCH", "/api/v1/cases/{code}", casePatchRequest{}},
		{"POST", "/api/v1/cases/{code}/transitions", transitionRequest{}},
		{"POST", "/api/v1/cases/{code}/extensions", extensionRequest{}},
		{"POST", "/api/v1/cases/{code}/parties", partyRequest{}},
		{"PUT", "/api/v1/cases/{code}/parties/{id}", partyRequest{}},
		{"POST", "/api/v1/cases/{code}/grants", grantRequest{}},
		{"POST", "/api/v1/petitions", petitionRequest{}},
		{"PATCH", "/api/v1/petitions/{id}", petitionPatchRequest{}},
		{"POST", "/api/v1/petitions/{id}/case", openCaseRequest{}},
		{"POST", "/api/v1/receptions", receptionRequest{}},
		{"POST", "/api/v1/receptions/{id}/case", openCaseRequest{}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			op, errText := resolvePointer(doc, "#/paths/"+strings.ReplaceAll(tc.path, "/", "~1")+"/"+strings.ToLower(tc.method))
			if errText != "" {
				t.Fatalf("not documented: %s", errText)
			}
			ref, _ := resolvePointer(op.(map[string]any), "#/requestBody/content/application~1json/schema/$ref")
			schema, errText := resolvePointer(doc, ref.(string))
			if errText != "" {
				t.Fatalf("request schema %v: %s", ref, errText)
			}
			s := schema.(map[string]any)
			want := jsonFields(reflect.TypeOf(tc.body))
			slices.Sort(want)
			if got := keys(s["properties"]); !slices.Equal(got, want) {
				t.Errorf("documented fields %v, the struct has %v", got, want)
			}
			if s["additionalProperties"] != false {
				t.Errorf("the schema does not refuse other fields (additionalProperties: %v)", s["additionalProperties"])
			}
			required, _ := s["required"].([]any)
			for _, r := range required {
				if !slices.Contains(want, r.(string)) {
					t.Errorf("required field %v is not in the struct", r)
				}
			}
		})
	}
}

// TestOpenAPIEnumsMatchGo: every closed set in the document is the Go list it
// stands for (a document kind added to cases must reach the document).
func TestOpenAPIEnumsMatchGo(t *testing.T) {
	doc := openAPIDoc(t)
	for name, want := range map[string][]string{
		"DocumentKind":   strs(ingest.Kinds()),
		"Kind":           strs(cases.Kinds),
		"Source":         strs(cases.Sources),
		"CaseStatus":     strs(cases.Statuses),
		"Result":         strs(cases.Results),
		"PartyRole":      strs(cases.PartyRoles),
		"Admissibility":  strs(cases.Admissibilities),
		"Competence":     strs(cases.Competences),
		"Handling":       strs(cases.Handlings),
		"Outcome":        cases.Outcomes,
		"Role":           strs(auth.Roles),
		"DocumentStatus": strs(documentStatuses),
		"SearchSort":     searchSorts,
	} {
		s, errText := resolvePointer(doc, "#/components/schemas/"+name)
		if errText != "" {
			t.Errorf("%s: %s", name, errText)
			continue
		}
		var got []string
		for _, v := range s.(map[string]any)["enum"].([]any) {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: documented %v, Go has %v", name, got, want)
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// TestOpenAPIIsServedWithoutLogin: GET /api/v1/openapi.json needs no token and
// answers the committed document.
func TestOpenAPIIsServedWithoutLogin(t *testing.T) {
	rec := httptest.NewRecorder()
	bareServer(t).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if rec.Body.String() != string(openAPISpec) || len(openAPISpec) < 10000 {
		t.Errorf("the answer (%d bytes) is not the document (%d bytes)", rec.Body.Len(), len(openAPISpec))
	}
}

// isStaffPageRoute reports whether a walked route ("GET /cases") is one of the
// staff pages (addPageRoutes) other than the home page, which the API document
// keeps as where its address leads.
func isStaffPageRoute(route string) bool {
	_, path, _ := strings.Cut(route, " ")
	return !strings.HasPrefix(path, "/api/") && path != "/" && path != "/healthz" && path != "/metrics"
}
