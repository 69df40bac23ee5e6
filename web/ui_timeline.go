package web

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
)

// The case page's timeline in words from the catalogue. The case system writes
// each event with a type, the statuses it moved between, the document it concerns
// and a short note in its own shorthand ("đơn vị 12", "thêm petitioner Trần Văn
// Bình", "folder"); the page says the same in the reader's language, with names
// for the IDs. A note a person typed (with a workflow step) is shown as typed, and
// so is any note the page does not know: nothing the system recorded is hidden.

// timelineEntry is one event as the page shows it.
type timelineEntry struct {
	At     time.Time
	What   string // the kind of event
	Detail string // what happened, in words
	Note   string // what a person typed, or a note the page cannot word
	By     string // who: a person's name, or the system
	Doc    string // the document the event concerns (its ID), for a link
}

// The shapes of the case system's notes (cases/*.go), read back into their parts.
var (
	noteByDocument = regexp.MustCompile(`^theo văn bản (.*)$`)
	noteUnit       = regexp.MustCompile(`^đơn vị (\d+)$`)
	noteHandler    = regexp.MustCompile(`^cán bộ (\d+)$`)
	noteExtended   = regexp.MustCompile(`^gia hạn (\d+) ngày theo (.*), hạn mới (\d{4}-\d{2}-\d{2})$`)
	noteRecounted  = regexp.MustCompile(`^hạn tính lại theo lịch ngày nghỉ: (.*)$`)
	notePublished  = regexp.MustCompile(`^công khai văn bản (.*)$`)
	noteGrant      = regexp.MustCompile(`^cấp quyền xem thông tin bảo mật cho (.+)$`)
	noteRevoke     = regexp.MustCompile(`^thu hồi quyền xem thông tin bảo mật của người dùng (\d+)$`)
	notePartyGone  = regexp.MustCompile(`^xóa đương sự \d+$`)
	noteParty      = regexp.MustCompile(`^(thêm|sửa) (.+)$`)
)

// caseFields are the names UpdateCase lists the changed fields by.
var caseFields = map[string]bool{"subject": true, "summary": true, "complex": true, "remote": true, "round": true, "unit": true, "handler": true}

// timeline words the events of a case for the reader; names of units and users
// are looked up once each.
func (p *pages) timeline(ctx context.Context, L *printer, events []cases.Event) []timelineEntry {
	users := map[int64]string{}
	userName := func(id int64) string {
		if n, ok := users[id]; ok {
			return n
		}
		n := L.T("timeline.someone", id)
		if u, err := p.deps.Accounts.Store.User(ctx, id); err == nil {
			n = u.FullName
		}
		users[id] = n
		return n
	}
	unitName := func(id int64) string {
		if u, err := p.deps.Accounts.Store.Unit(ctx, id); err == nil {
			return u.Name
		}
		return L.T("timeline.someunit", id)
	}
	out := make([]timelineEntry, 0, len(events))
	for _, ev := range events {
		e := timelineEntry{At: ev.At, What: L.T("event." + ev.Type), Doc: ev.DocumentID, By: L.T("timeline.system")}
		if ev.UserID != 0 {
			e.By = userName(ev.UserID)
		}
		note := strings.TrimSpace(ev.Note)
		status := func(s cases.Status) string { return L.T("status." + string(s)) }
		switch ev.Type {
		case cases.EventCreated:
			if ev.To != "" {
				e.Detail = L.T("timeline.created", status(ev.To))
			}
			e.Note = note
		case cases.EventTransition:
			if ev.From != "" {
				e.Detail = L.T("timeline.moved", status(ev.From), status(ev.To))
			} else {
				e.Detail = L.T("timeline.movedto", status(ev.To))
			}
			if m := noteByDocument.FindStringSubmatch(note); m != nil && ev.DocumentID != "" {
				e.Detail += " " + L.T("timeline.bydocument", m[1])
			} else {
				e.Note = note // typed with the step
			}
		case cases.EventLinked:
			key := "timeline.linked." + note
			if _, ok := L.c[key]; !ok {
				key = "timeline.linked.manual"
			}
			e.Detail = L.T(key)
		case cases.EventUnlinked:
			e.Detail = L.T("timeline.unlinked")
			e.Note = note
		case cases.EventAssigned:
			if m := noteUnit.FindStringSubmatch(note); m != nil {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				e.Detail = L.T("timeline.assigned.unit", unitName(id))
			} else if m := noteHandler.FindStringSubmatch(note); m != nil {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				e.Detail = L.T("timeline.assigned.handler", userName(id))
			} else {
				e.Note = note
			}
		case cases.EventExtended:
			if m := noteExtended.FindStringSubmatch(note); m != nil {
				e.Detail = L.T("timeline.extended", m[1], m[2], isoToDate(m[3]))
			} else {
				e.Note = note
			}
		case cases.EventGrant:
			if m := noteGrant.FindStringSubmatch(note); m != nil {
				name := m[1]
				if u, err := p.deps.Accounts.UserByRef(ctx, name); err == nil {
					name = u.FullName
				}
				e.Detail = L.T("timeline.grant", name)
			} else if m := noteRevoke.FindStringSubmatch(note); m != nil {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				e.Detail = L.T("timeline.revoke", userName(id))
			} else {
				e.Note = note
			}
		case cases.EventParty:
			e.Detail, e.Note = partyDetail(L, note)
		case cases.EventUpdated:
			e.Detail, e.Note = updateDetail(L, note)
		default:
			e.Note = note
		}
		out = append(out, e)
	}
	return out
}

// isoToDate writes a YYYY-MM-DD date as dd/mm/yyyy; anything else as it is.
func isoToDate(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return uiDate(t)
	}
	return s
}

// partyDetail words a party event: added or changed (with the role and, unless
// protected, the name), or removed.
func partyDetail(L *printer, note string) (detail, rest string) {
	if notePartyGone.MatchString(note) {
		return L.T("timeline.party.removed"), ""
	}
	m := noteParty.FindStringSubmatch(note)
	if m == nil {
		return "", note
	}
	verb := "timeline.party.added"
	if m[1] == "sửa" {
		verb = "timeline.party.changed"
	}
	who := m[2]
	if who == "người tố cáo (được giữ bí mật)" {
		return L.T(verb, L.T("timeline.party.protected")), ""
	}
	role, name, _ := strings.Cut(who, " ")
	if _, ok := L.c["party."+role]; !ok {
		return "", note
	}
	return L.T(verb, L.T("party."+role)+" "+name), ""
}

// updateDetail words an update: the fields changed, a deadline recounted after
// a holiday change, the outcome recorded, a decision published.
func updateDetail(L *printer, note string) (detail, rest string) {
	if m := noteRecounted.FindStringSubmatch(note); m != nil {
		return L.T("timeline.recounted", isoToDate(m[1])), ""
	}
	if m := notePublished.FindStringSubmatch(note); m != nil {
		return L.T("timeline.published", m[1]), ""
	}
	if note == "kết quả giải quyết, thi hành" {
		return L.T("timeline.outcome"), ""
	}
	var names []string
	for _, f := range strings.Split(note, ",") {
		f = strings.TrimSpace(f)
		if !caseFields[f] {
			return "", note
		}
		names = append(names, L.T("timeline.field."+f))
	}
	if len(names) == 0 {
		return "", note
	}
	return L.T("timeline.changed", strings.Join(names, ", ")), ""
}
