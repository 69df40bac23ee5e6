package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
	"kntc/internal/textin"
)

// The administration pages: the unit tree, the accounts (through auth.Service,
// as /api/v1/users) and the audit trail with its check (as /api/v1/audit and
// `kntc verify`). Units and accounts are the administrators'; the audit trail is
// every audit reader's.

// adminOnly refuses (the 403 page) anyone but an administrator, as the API's
// requireAdministrator does.
func (p *pages) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := r.Context().Value(userKey).(auth.User); !ok || u.Role != auth.RoleAdministrator {
			p.fail(w, r, errs.Errorf(errs.Forbidden, "chỉ quản trị viên (administrators only)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unitRow is a unit of the tree as the page lists it.
type unitRow struct {
	auth.Unit
	Depth  int
	Parent string
	Users  int
}

// unitTree lists every unit depth first, each after its parent.
func (p *pages) unitTree(r *http.Request) ([]unitRow, error) {
	units, err := p.deps.Accounts.Store.Units(r.Context())
	if err != nil {
		return nil, err
	}
	users, err := p.deps.Accounts.Store.Users(r.Context())
	if err != nil {
		return nil, err
	}
	count := map[int64]int{}
	for _, u := range users {
		count[u.UnitID]++
	}
	byID := make(map[int64]auth.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	var out []unitRow
	for _, root := range units {
		if root.ParentID != 0 {
			continue
		}
		for _, id := range auth.Subtree(units, root.ID) {
			j := newUnitJSON(byID[id], units)
			out = append(out, unitRow{Unit: byID[id], Depth: j.Depth, Parent: j.Parent, Users: count[id]})
		}
	}
	return out, nil
}

// unitForm is the unit form as typed, with its problems by field.
type unitForm struct {
	Code, Name, Level, Parent string
	Problems                  map[string]string
}

// unitsPage is the unit tree with the form to add a unit.
type unitsPage struct {
	Units  []unitRow
	Levels []auth.Level
	Form   unitForm
}

func (p *pages) renderUnits(w http.ResponseWriter, r *http.Request, status int, v view, f unitForm) {
	rows, err := p.unitTree(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v.Path = "/admin/units" // the language switch comes back here, not to a POST
	v.Data = unitsPage{Units: rows, Levels: auth.Levels, Form: f}
	p.render(w, r, status, "admin_units", v)
}

func (p *pages) handleAdminUnits() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "admin-units", "admin.units.title")
		q := r.URL.Query()
		if code := q.Get("created"); code != "" && utf8Len(code) <= 32 {
			v.Notice = v.L.T("admin.units.created", code)
		}
		if code := q.Get("renamed"); code != "" && utf8Len(code) <= 32 {
			v.Notice = v.L.T("admin.units.renamed", code)
		}
		p.renderUnits(w, r, http.StatusOK, v, unitForm{Level: string(auth.LevelCommune)})
	})
}

// handleAdminUnitCreate adds a unit under its parent through auth.Service.AddUnit
// (the checks of POST /api/v1/units; the store audits the creation under the
// signed-in administrator); the problems come back next to their fields.
func (p *pages) handleAdminUnitCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "admin-units", "admin.units.title")
		form := r.PostForm
		f := unitForm{Code: strings.TrimSpace(textin.Strip(form.Get("code"))), Name: textin.Strip(form.Get("name")),
			Level: form.Get("level"), Parent: form.Get("parent"), Problems: map[string]string{}}
		u := auth.Unit{Code: f.Code, Name: f.Name, Level: auth.Level(f.Level)}
		if strings.TrimSpace(f.Parent) == "" {
			f.Problems["parent"] = v.L.T("form.required")
		} else {
			u.ParentID = p.unitField(r, f.Problems, "parent", f.Parent, v.L)
		}
		if err := auth.ValidateUnit(&u); err != nil && !fieldProblems(f.Problems, err) {
			p.fail(w, r, err)
			return
		}
		if len(f.Problems) == 0 {
			err := p.deps.Accounts.AddUnit(r.Context(), &u)
			if err == nil {
				p.logger.InfoContext(r.Context(), "unit created", "unit", u.Code, "by", v.User.ID, "via", "page")
				http.Redirect(w, r, "/admin/units?created="+url.QueryEscape(u.Code), http.StatusSeeOther)
				return
			}
			switch {
			case errors.Is(err, errs.ErrConflict):
				f.Problems["code"] = problemText(err)
			case errors.Is(err, errs.ErrNotFound):
				f.Problems["parent"] = v.L.T("admin.unit.unknown", f.Parent)
			case !fieldProblems(f.Problems, err):
				p.fail(w, r, err)
				return
			}
		}
		v.Error = v.L.T("form.problems")
		p.renderUnits(w, r, http.StatusUnprocessableEntity, v, f)
	})
}

// unitPage is one unit with its rename form.
type unitPage struct {
	Unit unitRow
	Form unitForm
}

// adminUnit is the unit the path names (code or ID), else the 404 page.
func (p *pages) adminUnit(w http.ResponseWriter, r *http.Request) (unitRow, bool) {
	u, err := unitByRef(r, p.deps.Accounts, chi.URLParam(r, "unit"))
	if err == nil {
		var rows []unitRow
		if rows, err = p.unitTree(r); err == nil {
			for _, row := range rows {
				if row.ID == u.ID {
					return row, true
				}
			}
			err = errs.ErrNotFound
		}
	}
	p.fail(w, r, err)
	return unitRow{}, false
}

func (p *pages) renderUnit(w http.ResponseWriter, r *http.Request, status int, v view, u unitRow, f unitForm) {
	v.Title = v.L.T("admin.unit.title", u.Name)
	v.Path = "/admin/units/" + url.PathEscape(u.Code)
	v.Data = unitPage{Unit: u, Form: f}
	p.render(w, r, status, "admin_unit", v)
}

func (p *pages) handleAdminUnit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := p.adminUnit(w, r)
		if !ok {
			return
		}
		v := p.view(r, "admin-units", "admin.units.title")
		p.renderUnit(w, r, http.StatusOK, v, u, unitForm{Name: u.Name})
	})
}

// handleAdminUnitRename renames a unit through auth.Service.RenameUnit (as
// PATCH /api/v1/units/{unit}; audited by the store); its code, which hot folders
// and the audit trail name it by, stays.
func (p *pages) handleAdminUnitRename() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := p.adminUnit(w, r)
		if !ok {
			return
		}
		v := p.view(r, "admin-units", "admin.units.title")
		f := unitForm{Name: textin.Strip(r.PostForm.Get("name")), Problems: map[string]string{}}
		_, err := p.deps.Accounts.RenameUnit(r.Context(), u.ID, f.Name)
		if err == nil {
			p.logger.InfoContext(r.Context(), "unit renamed", "unit", u.Code, "by", v.User.ID, "via", "page")
			http.Redirect(w, r, "/admin/units?renamed="+url.QueryEscape(u.Code), http.StatusSeeOther)
			return
		}
		if !fieldProblems(f.Problems, err) {
			p.fail(w, r, err)
			return
		}
		v.Error = v.L.T("form.problems")
		p.renderUnit(w, r, http.StatusUnprocessableEntity, v, u, f)
	})
}

// userForm is the account form as typed (never a password), with its problems by
// field.
type userForm struct {
	Username, FullName, Role, Unit, Scope string
	Problems                              map[string]string
}

// usersPage is the account list with the form to add one.
type usersPage struct {
	Users []userJSON
	Units []unitRow
	Roles []auth.Role
	Form  userForm
}

func (p *pages) renderUsers(w http.ResponseWriter, r *http.Request, status int, v view, f userForm) {
	users, err := p.deps.Accounts.Store.Users(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	codes, err := unitCodes(r, p.deps.Accounts)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	units, err := p.unitTree(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := usersPage{Units: units, Roles: auth.Roles, Form: f}
	for _, u := range users {
		d.Users = append(d.Users, newUserJSON(u, codes))
	}
	v.Data = d
	p.render(w, r, status, "admin_users", v)
}

func (p *pages) handleAdminUsers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "admin-users", "admin.users.title")
		if n := r.URL.Query().Get("created"); n != "" {
			v.Notice = v.L.T("admin.users.created", n)
		}
		p.renderUsers(w, r, http.StatusOK, v, userForm{Role: string(auth.RoleClerk)})
	})
}

// fieldProblems puts err's field problems into m (the field names of the form);
// it reports whether err had any, else err is not a form problem.
func fieldProblems(m map[string]string, err error) bool {
	probs := errs.ProblemsOf(err)
	for _, pr := range probs {
		field := pr.Field
		if field == "" {
			field = "form"
		}
		if m[field] == "" {
			m[field] = pr.Message
		}
	}
	if len(probs) == 0 && errors.Is(err, errs.ErrInvalid) {
		m["form"] = problemText(err)
		return true
	}
	return len(probs) > 0
}

// unitField reads a unit chosen in a form (its code); "" is "none".
func (p *pages) unitField(r *http.Request, probs map[string]string, field, code string, L *printer) int64 {
	if strings.TrimSpace(code) == "" {
		return 0
	}
	u, err := unitByRef(r, p.deps.Accounts, code)
	if err != nil {
		probs[field] = L.T("admin.unit.unknown", code)
		return 0
	}
	return u.ID
}

// handleAdminUserCreate adds an account through auth.Service.AddUser (the checks
// of POST /api/v1/users); the problems come back next to their fields.
func (p *pages) handleAdminUserCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "admin-users", "admin.users.title")
		f := userForm{Username: textin.Strip(r.PostForm.Get("username")), FullName: textin.Strip(r.PostForm.Get("full_name")),
			Role: r.PostForm.Get("role"), Unit: r.PostForm.Get("unit"), Scope: r.PostForm.Get("scope"), Problems: map[string]string{}}
		password, confirm := r.PostForm.Get("password"), r.PostForm.Get("confirm")
		u := auth.User{Username: f.Username, FullName: f.FullName, Role: auth.Role(f.Role)}
		if strings.TrimSpace(f.Unit) == "" {
			f.Problems["unit"] = v.L.T("form.required")
		} else {
			u.UnitID = p.unitField(r, f.Problems, "unit", f.Unit, v.L)
		}
		u.ScopeUnitID = p.unitField(r, f.Problems, "scope", f.Scope, v.L)
		if password != confirm {
			f.Problems["confirm"] = v.L.T("password.mismatch")
		}
		if len(f.Problems) == 0 {
			err := p.deps.Accounts.AddUser(r.Context(), &u, password)
			if err == nil {
				p.logger.InfoContext(r.Context(), "user created", "user_id", u.ID, "by", v.User.ID, "via", "page")
				http.Redirect(w, r, "/admin/users?created="+url.QueryEscape(u.Username), http.StatusSeeOther)
				return
			}
			if errors.Is(err, errs.ErrConflict) {
				f.Problems["username"] = problemText(err)
			} else if !fieldProblems(f.Problems, err) {
				p.fail(w, r, err)
				return
			}
		}
		v.Error = v.L.T("form.problems")
		p.renderUsers(w, r, http.StatusUnprocessableEntity, v, f)
	})
}

// userPage is one account with its forms; Password is a generated password,
// shown this once.
type userPage struct {
	User     userJSON
	Units    []unitRow
	Roles    []auth.Role
	Form     userForm
	Password string
	// Self: the page's user's own account (no disable or reset here: /password).
	Self bool
}

func (p *pages) renderUser(w http.ResponseWriter, r *http.Request, status int, v view, u auth.User, f userForm, pw string) {
	codes, err := unitCodes(r, p.deps.Accounts)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	units, err := p.unitTree(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	j := newUserJSON(u, codes)
	if f.Role == "" { // not a form coming back: the account as stored
		f = userForm{FullName: u.FullName, Role: string(u.Role), Unit: j.Unit, Scope: j.Scope, Problems: f.Problems}
	}
	v.Title = v.L.T("admin.user.title", u.Username)
	v.Path = "/admin/users/" + url.PathEscape(u.Username) // the language switch comes back here, not to a POST
	v.Data = userPage{User: j, Units: units, Roles: auth.Roles, Form: f, Password: pw, Self: v.User != nil && v.User.ID == u.ID}
	p.render(w, r, status, "admin_user", v)
}

func (p *pages) adminUser(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	u, err := p.deps.Accounts.UserByRef(r.Context(), chi.URLParam(r, "user"))
	if err != nil {
		p.fail(w, r, err)
		return auth.User{}, false
	}
	return u, true
}

func (p *pages) handleAdminUser() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := p.adminUser(w, r)
		if !ok {
			return
		}
		v := p.view(r, "admin-users", "admin.users.title")
		switch r.URL.Query().Get("done") {
		case "saved":
			v.Notice = v.L.T("admin.user.saved")
		case "disabled":
			v.Notice = v.L.T("admin.user.disabled.done")
		case "enabled":
			v.Notice = v.L.T("admin.user.enabled.done")
		}
		p.renderUser(w, r, http.StatusOK, v, u, userForm{}, "")
	})
}

// handleAdminUserChange changes full name, role, unit and scope, or disables or
// enables the account, through auth.Service.ChangeUser (the last administrator
// stays; disabling signs the user out everywhere).
func (p *pages) handleAdminUserChange() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := p.adminUser(w, r)
		if !ok {
			return
		}
		v := p.view(r, "admin-users", "admin.users.title")
		f := userForm{FullName: textin.Strip(r.PostForm.Get("full_name")), Role: r.PostForm.Get("role"),
			Unit: r.PostForm.Get("unit"), Scope: r.PostForm.Get("scope"), Problems: map[string]string{}}
		var patch auth.UserPatch
		done := "saved"
		switch r.PostForm.Get("action") {
		case "disable", "enable":
			d := r.PostForm.Get("action") == "disable"
			patch.Disabled = &d
			done = r.PostForm.Get("action") + "d"
			f = userForm{}
		default:
			role := auth.Role(f.Role)
			patch.FullName, patch.Role = &f.FullName, &role
			unit := p.unitField(r, f.Problems, "unit", f.Unit, v.L)
			if strings.TrimSpace(f.Unit) == "" {
				f.Problems["unit"] = v.L.T("form.required")
			}
			scope := p.unitField(r, f.Problems, "scope", f.Scope, v.L)
			if scope == 0 {
				scope = unit
			}
			patch.UnitID, patch.ScopeUnitID = &unit, &scope
		}
		if len(f.Problems) == 0 {
			_, err := p.deps.Accounts.ChangeUser(r.Context(), u.ID, patch)
			if err == nil {
				p.logger.InfoContext(r.Context(), "user changed", "user_id", u.ID, "by", v.User.ID, "via", "page")
				http.Redirect(w, r, "/admin/users/"+url.PathEscape(u.Username)+"?done="+done, http.StatusSeeOther)
				return
			}
			if f.Problems == nil {
				f.Problems = map[string]string{}
			}
			if errors.Is(err, errs.ErrConflict) {
				f.Problems["form"] = problemText(err)
			} else if !fieldProblems(f.Problems, err) {
				p.fail(w, r, err)
				return
			}
		}
		v.Error = v.L.T("form.problems")
		if msg := f.Problems["form"]; msg != "" {
			v.Error = msg
		}
		p.renderUser(w, r, http.StatusUnprocessableEntity, v, u, f, "")
	})
}

// handleAdminUserPassword resets an account's password through
// auth.Service.ResetPassword: the one typed, or a generated one shown this once;
// every session and token of the user ends.
func (p *pages) handleAdminUserPassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := p.adminUser(w, r)
		if !ok {
			return
		}
		v := p.view(r, "admin-users", "admin.users.title")
		f := userForm{Problems: map[string]string{}}
		pw, confirm := r.PostForm.Get("password"), r.PostForm.Get("confirm")
		if pw != confirm {
			f.Problems["confirm"] = v.L.T("password.mismatch")
		} else {
			got, generated, err := p.deps.Accounts.ResetPassword(r.Context(), u.ID, pw)
			switch {
			case err == nil:
				p.logger.InfoContext(r.Context(), "password reset", "user_id", u.ID, "by", v.User.ID, "generated", generated, "via", "page")
				v.Notice = v.L.T("admin.user.reset.done")
				if !generated {
					got = ""
				}
				p.renderUser(w, r, http.StatusOK, v, u, userForm{}, got)
				return
			case errors.Is(err, errs.ErrInvalid):
				f.Problems["password"] = problemText(err)
			default:
				p.fail(w, r, err)
				return
			}
		}
		v.Error = v.L.T("form.problems")
		p.renderUser(w, r, http.StatusUnprocessableEntity, v, u, f, "")
	})
}

// auditQuery is the audit page's filters as typed.
type auditQuery struct {
	User, Action, From, To, Case string
	After                        int64
}

// auditPage is a page of the audit trail (25 entries after After), its filters
// and, after the verify button, the check's result.
type auditPage struct {
	Q        auditQuery
	Problems map[string]string
	Entries  []cases.AuditEntry
	Next     string // the next page's URL; "" on the last
	Verify   *auditVerifyJSON
}

const auditPageSize = 25

// parseFormDate reads a date as dd/mm/yyyy or yyyy-mm-dd (the browser's date
// input), as a day in Vietnam's time.
func parseFormDate(s string) (time.Time, bool) {
	for _, layout := range []string{"02/01/2006", time.DateOnly, "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), vietnam); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// auditFilter reads the filters; a filter it cannot read is a problem by field.
func (p *pages) auditFilter(r *http.Request, L *printer) (auditQuery, cases.AuditFilter, map[string]string) {
	q := r.URL.Query()
	aq := auditQuery{User: strings.TrimSpace(q.Get("user")), Action: strings.TrimSpace(q.Get("action")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Case: strings.ToUpper(strings.TrimSpace(q.Get("case")))}
	probs := map[string]string{}
	f := cases.AuditFilter{Action: aq.Action, Limit: auditPageSize + 1}
	if aq.User != "" {
		u, err := p.deps.Accounts.UserByRef(r.Context(), aq.User)
		if err != nil {
			probs["user"] = L.T("admin.audit.user.unknown", aq.User)
		}
		f.UserID = u.ID
	}
	if aq.Case != "" {
		if !cases.ValidCode(aq.Case) {
			probs["case"] = L.T("admin.audit.case.bad")
		}
		f.Object = "case:" + aq.Case
	}
	if aq.From != "" {
		t, ok := parseFormDate(aq.From)
		if !ok {
			probs["from"] = L.T("admin.audit.date.bad")
		}
		f.From = t
	}
	if aq.To != "" {
		t, ok := parseFormDate(aq.To)
		if !ok {
			probs["to"] = L.T("admin.audit.date.bad")
		}
		if ok {
			f.To = t.AddDate(0, 0, 1) // the whole last day
		}
	}
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil && n > 0 {
			aq.After, f.AfterSeq = n, n
		}
	}
	return aq, f, probs
}

// auditField is a filter of the audit page's form.
type auditField struct {
	Name, Value string
	Date        bool
}

// Fields are the filters in the form's order.
func (aq auditQuery) Fields() []auditField {
	return []auditField{{Name: "user", Value: aq.User}, {Name: "action", Value: aq.Action},
		{Name: "from", Value: aq.From, Date: true}, {Name: "to", Value: aq.To, Date: true}, {Name: "case", Value: aq.Case}}
}

func (aq auditQuery) values(after int64) url.Values {
	v := url.Values{}
	for _, f := range aq.Fields() {
		if f.Value != "" {
			v.Set(f.Name, f.Value)
		}
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	return v
}

func (aq auditQuery) url(after int64) string { return "/admin/audit?" + aq.values(after).Encode() }

// VerifyURL is the verify button's action, keeping the filters and page.
func (aq auditQuery) VerifyURL() string { return "/admin/audit/verify?" + aq.values(aq.After).Encode() }

// First is the first page with the same filters.
func (aq auditQuery) First() string { return aq.url(0) }

func (p *pages) renderAudit(w http.ResponseWriter, r *http.Request, verify *auditVerifyJSON) {
	v := p.view(r, "admin-audit", "admin.audit.title")
	a := currentActor(r.Context())
	if err := requireAuditRead(a); err != nil {
		p.fail(w, r, err)
		return
	}
	aq, f, probs := p.auditFilter(r, v.L)
	v.Path = aq.url(aq.After) // the language switch comes back to the list, not to a POST
	d := auditPage{Q: aq, Problems: probs, Verify: verify}
	status := http.StatusOK
	if len(probs) > 0 {
		v.Error, status = v.L.T("form.problems"), http.StatusUnprocessableEntity
	} else {
		entries, err := p.deps.Cases.AuditEntries(r.Context(), a, f)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if len(entries) > auditPageSize {
			entries = entries[:auditPageSize]
			d.Next = aq.url(entries[len(entries)-1].Seq)
		}
		d.Entries = entries
	}
	v.Data = d
	p.render(w, r, status, "admin_audit", v)
}

func (p *pages) handleAdminAudit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.renderAudit(w, r, nil) })
}

// handleAdminAuditVerify walks the whole chain and its anchors with
// cases.VerifyAuditTrail, as `kntc verify` and POST /api/v1/audit/verify do.
func (p *pages) handleAdminAuditVerify() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireAuditRead(currentActor(r.Context())); err != nil {
			p.fail(w, r, err)
			return
		}
		rep, err := cases.VerifyAuditTrail(r.Context(), p.deps.Cases.Store, p.deps.Blobs, p.deps.Cases.AuditKey)
		if err != nil {
			p.fail(w, r, fmt.Errorf("verify the audit chain: %w", err))
			return
		}
		out := auditVerifyJSON{Entries: rep.Intact, OK: rep.OK(), Problems: rep.Problems, FirstKeyed: rep.FirstKeyed,
			Anchors: rep.Anchors, Signed: rep.Signed}
		if err := rep.Err(); err != nil {
			out.Error = err.Error()
		}
		p.renderAudit(w, r, &out)
	})
}

// addAdminPageRoutes declares the administration and ingestion pages (signed in).
func addAdminPageRoutes(r chi.Router, p *pages) {
	r.Method("GET", "/admin/audit", p.handleAdminAudit())
	r.Method("POST", "/admin/audit/verify", p.handleAdminAuditVerify())
	r.Group(func(r chi.Router) {
		r.Use(p.adminOnly)
		r.Method("GET", "/admin/units", p.handleAdminUnits())
		r.Method("POST", "/admin/units", p.handleAdminUnitCreate())
		r.Method("GET", "/admin/units/{unit}", p.handleAdminUnit())
		r.Method("POST", "/admin/units/{unit}", p.handleAdminUnitRename())
		r.Method("GET", "/admin/users", p.handleAdminUsers())
		r.Method("POST", "/admin/users", p.handleAdminUserCreate())
		r.Method("GET", "/admin/users/{user}", p.handleAdminUser())
		r.Method("POST", "/admin/users/{user}", p.handleAdminUserChange())
		r.Method("POST", "/admin/users/{user}/password", p.handleAdminUserPassword())
		r.Method("GET", "/admin/ingest", p.handleIngestPage())
		r.Method("POST", "/admin/ingest/retry", p.handleIngestRetry())
		r.Method("POST", "/admin/ingest/discard", p.handleIngestDiscard())
	})
}
