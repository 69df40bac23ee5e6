package web

import (
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

// TestCatalogueComplete: every key the templates and the page handlers name
// literally, and every key they build from a closed set (statuses, kinds,
// results, roles, party roles, timeline events, document kinds and statuses,
// day counts), is in the catalogue in every language. A page in a branch no
// test visits cannot show a missing key either.
func TestCatalogueComplete(t *testing.T) {
	c := loadCatalogue()
	var keys []string
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"|\.T\("([a-z0-9_.]+)"|view\(r, "[a-z]*", "([a-z0-9_.]+)"\)`)
	files, err := fs.Glob(uiTemplateFiles, "templates/ui/*.html")
	if err != nil || len(files) < 5 {
		t.Fatalf("templates: %v %v", files, err)
	}
	texts := map[string]string{}
	for _, f := range files {
		b, _ := uiTemplateFiles.ReadFile(f)
		texts[f] = string(b)
	}
	for _, f := range []string{"ui.go", "ui_auth.go", "ui_cases.go", "ui_search.go", "ui_forms.go"} {
		b, err := os.ReadFile(f) // tests run in the package's directory
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = string(b)
	}
	for f, text := range texts {
		ms := literal.FindAllStringSubmatch(text, -1)
		if len(ms) == 0 && strings.HasSuffix(f, ".html") {
			t.Errorf("%s names no message", f)
		}
		for _, m := range ms {
			if k := m[1] + m[2] + m[3]; !strings.HasSuffix(k, ".") { // "kind."+…: the sets below
				keys = append(keys, k)
			}
		}
	}
	for _, s := range cases.Statuses {
		keys = append(keys, "status."+string(s))
	}
	for _, k := range cases.Kinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, r := range cases.Results {
		keys = append(keys, "result."+string(r))
	}
	for _, r := range auth.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, r := range cases.PartyRoles {
		keys = append(keys, "party."+string(r))
	}
	for _, e := range []string{cases.EventCreated, cases.EventTransition, cases.EventUpdated, cases.EventLinked,
		cases.EventUnlinked, cases.EventExtended, cases.EventAssigned, cases.EventParty, cases.EventGrant} {
		keys = append(keys, "event."+e)
	}
	for _, k := range append(ingest.Kinds(), "") {
		keys = append(keys, "dockind."+string(k))
		if k != "" && !slices.Contains(procedureOrder, k) {
			t.Errorf("document kind %s is not in the case page's procedureOrder", k)
		}
	}
	for _, s := range documentStatuses {
		keys = append(keys, "docstatus."+string(s))
	}
	keys = append(keys, "daycount."+string(cases.CountCalendar), "daycount."+string(cases.CountWorking))
	for _, k := range procedureOrder {
		keys = append(keys, "dockind."+string(k))
	}
	if len(keys) < 150 {
		t.Fatalf("only %d keys checked", len(keys))
	}
	for _, k := range keys {
		for _, lang := range languages {
			if c[k][lang] == "" {
				t.Errorf("message %q has no %s text", k, lang)
			}
		}
	}
}
