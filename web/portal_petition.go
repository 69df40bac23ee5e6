package web

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // attachments' content is checked by decoding their header
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/ocr/cover"
)

// Online petitions (nộp đơn trực tuyến) on the portal: a plain multipart form
// (no JavaScript) for a complaint, denunciation or petition with up to
// cases.MaxOnlineDocuments attachments. Attachments are judged by their bytes
// (PDF, JPEG, PNG; the name's extension and the declared type must agree with
// them), written into the spool directory and claimed into the ingestion
// pipeline like any upload; cases.Service.SubmitOnline then registers the letter
// (source truc_tuyen) through RegisterPetition, as a clerk would.
//
// No third-party captcha: each address may send petitionsPerHour petitions and
// questionsPerHour questions an hour (429 with Retry-After and a Vietnamese
// message beyond), every form carries a field hidden from people that bots fill
// in (the honeypot), and every field and file is size-limited. A proof-of-work is
// not asked: what a flood could do is bounded by those limits and by the upload
// gate, and a puzzle would need JavaScript.
//
// The receipt is shown in the answer to the POST itself (not after a redirect):
// the PIN exists only there, as on the staff side's receipt. Its printable PDF is
// a POST of the code and PIN, checked as a lookup is.

// Per-address limits of the portal's forms, in an hour. Mobile networks put many
// citizens behind one address (CGNAT), so they are not tight.
const (
	petitionsPerHour = 10
	questionsPerHour = 20
	submitWindow     = time.Hour
)

// Size limits of the petition form.
const (
	portalFileMax  = 10 << 20 // one attachment, unless the server's upload limit is lower
	portalFieldMax = 32 << 10 // one text field (the content is at most 10,000 characters)
	portalFieldsN  = 32       // fields read at most
)

// honeypot is the form field people never see or fill in.
const honeypot = "website"

// submitLimiter counts the submissions of each address in a sliding window.
type submitLimiter struct {
	now    func() time.Time
	window time.Duration

	mu    sync.Mutex
	hits  map[string][]time.Time
	sweep time.Time
}

func newSubmitLimiter(now func() time.Time) *submitLimiter {
	return &submitLimiter{now: now, window: submitWindow, hits: map[string][]time.Time{}}
}

// refused reports whether key has had limit submissions within the window, and
// how long until it may send again.
func (l *submitLimiter) refused(key string, limit int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	ts := recentFailures(l.hits, key, now, l.window)
	if len(ts) < limit {
		return 0, false
	}
	return ts[len(ts)-limit].Add(l.window).Sub(now), true
}

// add records a submission of key.
func (l *submitLimiter) add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.After(l.sweep) || len(l.hits) >= maxPortalKeys {
		for k := range l.hits {
			recentFailures(l.hits, k, now, l.window)
			if len(l.hits) >= maxPortalKeys {
				delete(l.hits, k)
			}
		}
		l.sweep = now.Add(l.window)
	}
	ts := recentFailures(l.hits, key, now, l.window)
	if len(ts) > 2*questionsPerHour {
		ts = ts[1:]
	}
	l.hits[key] = append(ts, now)
}

// portalForms serves the portal's forms: online petitions, questions and the
// reception schedule.
type portalForms struct {
	*portal
	cfg     Config
	submits *submitLimiter
}

// addPortalFormRoutes declares the forms' routes under the portal (ui_routes.go
// calls it inside /cong-dan).
func addPortalFormRoutes(r chi.Router, p *portal, cfg Config) {
	f := &portalForms{portal: p, cfg: cfg, submits: newSubmitLimiter(cfg.Clock)}
	r.Method("GET", "/nop-don", f.handlePetitionPage())
	r.With(uploadGate(cfg.MaxUploads, cfg.BodyTimeout, cfg.UploadMinRate)).Method("POST", "/nop-don", f.handlePetitionPost())
	r.Method("POST", "/nop-don/phieu", f.handleReceiptPDF())
	r.Method("GET", "/hoi-dap", f.handleQuestionsPage())
	r.Method("POST", "/hoi-dap", f.handleQuestionPost())
	r.Method("GET", "/lich-tiep", f.handleSchedulePage())
}

// petitionPage is the petition form's data: what was typed, the problems next to
// their fields, the choices.
type petitionPage struct {
	Values   map[string]string
	Errors   map[string]string
	Kinds    []option
	Units    []option
	MaxFiles int
	MaxMB    int64
	Sender   []textField // name, address, phone, ID number
	Subject  textField
}

// textField is one text input of a portal form.
type textField struct {
	Name, Label, Type, Auto, Value, Error string
	Max                                   int
}

// petitionFields are the form's text fields, as cases.CheckOnline names their
// problems.
var petitionFields = []string{"kind", "unit", "anonymous", "name", "id_number", "address", "phone", "subject", "content"}

func (f *portalForms) fileMax() int64 {
	if m := f.deps.MaxUploadBytes; m > 0 && m < portalFileMax {
		return m
	}
	return portalFileMax
}

// petitionPage builds the form's data with the values given.
func (f *portalForms) petitionPage(r *http.Request, L *printer, vals url.Values) (petitionPage, error) {
	pg := petitionPage{Values: map[string]string{}, Errors: map[string]string{}, MaxFiles: cases.MaxOnlineDocuments,
		MaxMB: (f.fileMax() + (1 << 20) - 1) >> 20}
	for _, k := range petitionFields {
		pg.Values[k] = vals.Get(k)
	}
	for _, k := range cases.OnlineKinds {
		pg.Kinds = append(pg.Kinds, option{Value: string(k), Label: L.T("portal.petition.kind." + string(k))})
	}
	units, err := f.deps.Accounts.Store.Units(r.Context())
	if err != nil {
		return pg, err
	}
	for _, u := range units {
		pg.Units = append(pg.Units, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	if len(units) == 1 && pg.Values["unit"] == "" {
		pg.Values["unit"] = pg.Units[0].Value
	}
	return pg, nil
}

// textFields fills the form's text inputs from its values and problems.
func (pg *petitionPage) textFields(L *printer) {
	field := func(name, typ, label string, max int, auto string) textField {
		return textField{Name: name, Label: L.T(label), Type: typ, Auto: auto, Max: max, Value: pg.Values[name], Error: pg.Errors[name]}
	}
	pg.Sender = []textField{
		field("name", "text", "portal.petition.name", 200, "name"),
		field("address", "text", "portal.petition.address", 500, "street-address"),
		field("phone", "tel", "portal.petition.phone", 20, "tel"),
		field("id_number", "text", "portal.petition.id", 20, "off"),
	}
	pg.Subject = field("subject", "text", "portal.petition.subject", 1000, "off")
}

// renderPetition shows the form with status (200 fresh, 422 with problems…).
func (f *portalForms) renderPetition(w http.ResponseWriter, r *http.Request, status int, vals url.Values, errsByField map[string]string, msg string) {
	v := f.view("portal.petition.title")
	pg, err := f.petitionPage(r, v.L, vals)
	if err != nil {
		f.logger.ErrorContext(r.Context(), "portal petition form", "error", err)
		status, msg = http.StatusInternalServerError, v.L.T("portal.error.500")
	}
	for k, m := range errsByField {
		pg.Errors[k] = m
	}
	pg.textFields(v.L)
	v.Error, v.Data = msg, pg
	f.render(w, r, status, "no-store", "petition", v)
}

func (f *portalForms) handlePetitionPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.renderPetition(w, r, http.StatusOK, url.Values{}, nil, "")
	})
}

// attachment is a file of the form, in the spool directory until claimed.
type attachment struct {
	path string
	ext  string // what its bytes are: ".pdf", ".jpg" or ".png"
}

// sniffAttachment says what a file is by its first bytes: ".pdf", ".jpg",
// ".png", or "" for anything else.
func sniffAttachment(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return ".pdf"
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return ".jpg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return ".png"
	}
	return ""
}

// declaredExt is what a file's name and declared type say it is ("" when they
// say nothing), and whether they name a type the form does not take.
func declaredExt(name, ctype string) (string, bool) {
	ext := ""
	switch strings.ToLower(filepath.Ext(name)) {
	case "":
	case ".pdf":
		ext = ".pdf"
	case ".jpg", ".jpeg", ".jpe", ".jfif":
		ext = ".jpg"
	case ".png":
		ext = ".png"
	default:
		return "", false
	}
	byType := map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/pjpeg": ".jpg", "image/png": ".png"}
	if t, ok := byType[strings.ToLower(strings.TrimSpace(strings.Split(ctype, ";")[0]))]; ok {
		if ext != "" && t != ext {
			return ext, false
		}
		ext = t
	}
	return ext, true
}

// checkAttachment checks a written file against what it claims to be and reads
// enough of it to know it is one: an image's header decodes, a PDF ends with
// its end-of-file marker. It returns the message for the citizen, "" when fine.
func checkAttachment(L *printer, path, name, ctype string) (string, string) {
	shown := []rune(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	if len(shown) > 80 {
		shown = append(shown[:77], '…')
	}
	fl, err := os.Open(path)
	if err != nil {
		return "", L.T("portal.petition.file.unreadable", string(shown))
	}
	defer fl.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(fl, head)
	got := sniffAttachment(head[:n])
	want, known := declaredExt(name, ctype)
	switch {
	case got == "" || !known:
		return "", L.T("portal.petition.file.type", string(shown))
	case want != "" && want != got:
		return "", L.T("portal.petition.file.mismatch", string(shown), strings.TrimPrefix(want, "."))
	}
	switch got {
	case ".pdf":
		info, err := fl.Stat()
		if err != nil {
			return "", L.T("portal.petition.file.unreadable", string(shown))
		}
		tail := make([]byte, min(info.Size(), 2048))
		if _, err := fl.ReadAt(tail, info.Size()-int64(len(tail))); err != nil || !bytes.Contains(tail, []byte("%%EOF")) {
			return "", L.T("portal.petition.file.broken", string(shown))
		}
	default:
		if _, err := fl.Seek(0, io.SeekStart); err != nil {
			return "", L.T("portal.petition.file.unreadable", string(shown))
		}
		if _, _, err := image.DecodeConfig(fl); err != nil {
			return "", L.T("portal.petition.file.broken", string(shown))
		}
	}
	return got, ""
}

// errNotMultipart: the form was sent another way than the page's (a script,
// a crawler): it is shown again to be filled in (422).
var errNotMultipart = errs.Errorf(errs.Invalid, "not a multipart form")

// petitionBody is a read petition form.
type petitionBody struct {
	vals    url.Values
	files   []attachment
	fileErr string
}

// cleanup removes the files not claimed.
func (b *petitionBody) cleanup() {
	for _, a := range b.files {
		if a.path != "" {
			_ = os.Remove(a.path)
		}
	}
}

// readPetition reads the multipart form: small fields into vals, each file into
// the spool directory, judged as it is written. An error is the body's (too
// large, broken, not multipart): the form cannot be shown again with its values.
func (f *portalForms) readPetition(w http.ResponseWriter, r *http.Request, L *printer) (*petitionBody, error) {
	b := &petitionBody{vals: url.Values{}}
	fileMax := f.fileMax()
	limit := int64(cases.MaxOnlineDocuments)*fileMax + 256<<10
	if r.ContentLength > limit {
		return b, errTooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return b, errNotMultipart
	}
	bodyErr := func(err error) error {
		if e := bodyReadError(err, limit); e != nil {
			return e
		}
		return errs.Errorf(errs.Invalid, "malformed form: %v", err)
	}
	fields := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return b, bodyErr(err)
		}
		name := part.FormName()
		switch {
		case name == "files":
			if part.FileName() == "" { // no file chosen: browsers send an empty part
				if _, err := io.Copy(io.Discard, io.LimitReader(part, 1<<10)); err != nil {
					return b, bodyErr(err)
				}
				break
			}
			if len(b.files) >= cases.MaxOnlineDocuments {
				b.fileErr = L.T("portal.petition.file.many", cases.MaxOnlineDocuments)
				if _, err := io.Copy(io.Discard, part); err != nil {
					return b, bodyErr(err)
				}
				break
			}
			tmp, err := os.CreateTemp(f.deps.SpoolDir, ".portal-*.tmp")
			if err != nil {
				return b, err
			}
			a := attachment{path: tmp.Name()}
			b.files = append(b.files, a)
			src := &readErr{r: part}
			n, err := io.Copy(tmp, io.LimitReader(src, fileMax+1))
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if src.err != nil {
				return b, bodyErr(src.err)
			}
			if err != nil {
				return b, err
			}
			msg := ""
			switch {
			case n > fileMax:
				msg = L.T("portal.petition.file.large", sizeText(fileMax))
				if _, err := io.Copy(io.Discard, part); err != nil {
					return b, bodyErr(err)
				}
			case n == 0:
				msg = L.T("portal.petition.file.empty")
			default:
				a.ext, msg = checkAttachment(L, a.path, part.FileName(), part.Header.Get("Content-Type"))
			}
			if msg != "" {
				if b.fileErr == "" {
					b.fileErr = msg
				}
				_ = os.Remove(a.path)
				b.files = b.files[:len(b.files)-1]
				break
			}
			b.files[len(b.files)-1] = a
		case name != "" && fields < portalFieldsN:
			fields++
			v, err := io.ReadAll(io.LimitReader(part, portalFieldMax+1))
			if err != nil {
				return b, bodyErr(err)
			}
			if len(v) > portalFieldMax {
				v = v[:portalFieldMax] // the field's own check says it is too long
				if _, err := io.Copy(io.Discard, part); err != nil {
					return b, bodyErr(err)
				}
			}
			if !b.vals.Has(name) {
				b.vals.Set(name, string(v))
			}
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return b, bodyErr(err)
			}
		}
	}
	nfcValues(b.vals)
	return b, nil
}

// refuse429 answers a limited address.
func (f *portalForms) refuse429(w http.ResponseWriter, r *http.Request, wait time.Duration, page string, data any) {
	v := f.view("portal.limited.title")
	w.Header().Set("Retry-After", retryAfter(wait))
	v.Error = v.L.T("portal.limited", int((wait+59*time.Second)/time.Minute))
	v.Data = data
	f.render(w, r, http.StatusTooManyRequests, "no-store", page, v)
}

// viOnly is the Vietnamese part of a service message "tiếng Việt (english)",
// as a sentence.
func viOnly(msg string) string {
	if strings.HasSuffix(msg, ")") {
		if i := strings.LastIndex(msg, " ("); i > 0 {
			msg = msg[:i]
		}
	}
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:]
}

// portalProblems maps a service error's problems to fields (the Vietnamese part);
// ok is false for an error that is not the input's fault.
func portalProblems(err error) (map[string]string, bool) {
	if !errors.Is(err, errs.ErrInvalid) {
		return nil, false
	}
	out := map[string]string{}
	for _, p := range errs.ProblemsOf(err) {
		k := p.Field
		if k == "" {
			k = "content"
		}
		if out[k] != "" {
			out[k] += "; "
		}
		out[k] += viOnly(p.Message)
	}
	if len(out) == 0 {
		out["content"] = viOnly(problemText(err))
	}
	return out, true
}

// handlePetitionPost takes a petition: read and judge the form and its files;
// with problems the form again (422, values kept, files to choose again); else
// the files into the pipeline, the letter into the register, and the receipt.
func (f *portalForms) handlePetitionPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ip := limitKey(clientIP(r))
		if wait, refused := f.submits.refused("petition\x00"+ip, petitionsPerHour); refused {
			f.logger.WarnContext(ctx, "portal petition refused", "client_ip", ip)
			v := f.view("portal.petition.title")
			pg, _ := f.petitionPage(r, v.L, url.Values{})
			pg.textFields(v.L)
			f.refuse429(w, r, wait, "petition", pg)
			return
		}
		L := f.view("").L
		body, err := f.readPetition(w, r, L)
		defer body.cleanup()
		if err != nil {
			status := http.StatusBadRequest
			msg := L.T("portal.petition.bad")
			if errors.Is(err, errNotMultipart) {
				status = http.StatusUnprocessableEntity
			} else if errors.Is(err, errs.ErrTooLarge) {
				status, msg = http.StatusRequestEntityTooLarge, L.T("portal.petition.file.large", sizeText(f.fileMax()))
			} else if !errors.Is(err, errs.ErrInvalid) && !errors.Is(err, errs.ErrTimeout) {
				f.logger.ErrorContext(ctx, "portal petition", "error", err)
				status, msg = http.StatusInternalServerError, L.T("portal.error.500")
			}
			f.renderPetition(w, r, status, body.vals, nil, msg)
			return
		}
		vals := body.vals
		if vals.Get(honeypot) != "" {
			f.submits.add("petition\x00" + ip)
			f.logger.WarnContext(ctx, "portal petition honeypot", "client_ip", ip)
			f.renderPetition(w, r, http.StatusUnprocessableEntity, vals, nil, L.T("portal.petition.bad"))
			return
		}
		unitID, _ := strconv.ParseInt(strings.TrimSpace(vals.Get("unit")), 10, 64)
		in := cases.OnlinePetition{UnitID: unitID, Kind: cases.Kind(vals.Get("kind")), Anonymous: vals.Get("anonymous") == "1",
			Petitioner: cases.Person{Name: vals.Get("name"), IDNumber: vals.Get("id_number"), Address: vals.Get("address"), Phone: vals.Get("phone")},
			Subject:    vals.Get("subject"), Content: vals.Get("content")}
		problems := map[string]string{}
		if err := f.deps.Cases.CheckOnline(ctx, &in); err != nil {
			var ok bool
			if problems, ok = portalProblems(err); !ok {
				f.logger.ErrorContext(ctx, "portal petition check", "error", err)
				f.renderPetition(w, r, http.StatusInternalServerError, vals, nil, L.T("portal.error.500"))
				return
			}
		}
		if body.fileErr != "" {
			problems["files"] = body.fileErr
		}
		if len(problems) > 0 {
			msg := L.T("portal.form.problems")
			if len(body.files) > 0 || body.fileErr != "" {
				msg += " " + L.T("portal.petition.file.again")
			}
			f.renderPetition(w, r, http.StatusUnprocessableEntity, vals, problems, msg)
			return
		}
		unit, err := f.deps.Accounts.Store.Unit(ctx, in.UnitID)
		if err != nil {
			f.fail(w, r, "portal petition unit", err)
			return
		}
		for i := range body.files {
			a := &body.files[i]
			o := ingest.Origin{Path: a.path, Filename: fmt.Sprintf("don-truc-tuyen-%d%s", i+1, a.ext), Source: "upload",
				UnitCode: unit.Code, Username: cases.Citizen.User.Username,
				// A denunciation's files may show who sent it: hidden from the
				// start (the pipeline judges them again on their text).
				Confidential: in.Kind == cases.KindDenunciation}
			d, err := f.deps.Claim(ctx, o)
			if err != nil {
				if _, ok := portalProblems(err); ok || errors.Is(err, errs.ErrConflict) {
					f.renderPetition(w, r, http.StatusUnprocessableEntity, vals, map[string]string{"files": L.T("portal.petition.file.refused", i+1)},
						L.T("portal.form.problems")+" "+L.T("portal.petition.file.again"))
					return
				}
				f.fail(w, r, "portal petition claim", err)
				return
			}
			a.path = "" // the spool's now
			in.Documents = append(in.Documents, d.ID)
		}
		rc, err := f.deps.Cases.SubmitOnline(ctx, in)
		if err != nil {
			if problems, ok := portalProblems(err); ok {
				f.renderPetition(w, r, http.StatusUnprocessableEntity, vals, problems, L.T("portal.form.problems"))
				return
			}
			f.fail(w, r, "portal petition", err)
			return
		}
		f.submits.add("petition\x00" + ip)
		// Never the content or the sender: only what the audit entry says.
		f.logger.InfoContext(ctx, "portal petition", "petition_id", rc.PetitionID, "kind", string(rc.Kind), "attachments", rc.Documents)
		v := f.view("portal.receipt.title")
		v.Data = f.receiptPage(v.L, rc, unit)
		f.render(w, r, http.StatusOK, "no-store", "receipt", v)
	})
}

// fail is the plain 500 page, logged once.
func (f *portalForms) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	f.logger.ErrorContext(r.Context(), what, "error", err)
	v := f.view("portal.error.title")
	v.Error = v.L.T("portal.error.500")
	f.render(w, r, http.StatusInternalServerError, "no-store", "home", v)
}

// receiptPage is the receipt's data.
type receiptPage struct {
	Code, PIN, KindLabel, Received, Unit string
	Files                                int
	Anonymous                            bool
	Next                                 []string
}

func (f *portalForms) receiptPage(L *printer, rc cases.OnlineReceipt, unit auth.Unit) receiptPage {
	pg := receiptPage{Code: rc.Code, PIN: rc.PIN, KindLabel: rc.Kind.Label(),
		Received: uiDate(rc.ReceivedOn), Unit: unit.Name, Files: rc.Documents, Anonymous: rc.Anonymous}
	next := "portal.receipt.next." + string(rc.Kind)
	if rc.Anonymous {
		next = "portal.receipt.next.anonymous"
	}
	pg.Next = []string{L.T(next), L.T("portal.receipt.next.lookup")}
	if rc.Kind == cases.KindDenunciation && !rc.Anonymous {
		pg.Next = append(pg.Next, L.T("portal.receipt.next.secret"))
	}
	return pg
}

// handleReceiptPDF prints the receipt again as a PDF for the code and PIN posted
// (from the receipt page). A wrong pair counts as a failed lookup.
func (f *portalForms) handleReceiptPDF() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		v := f.view("portal.home.title")
		if err := r.ParseForm(); err != nil {
			v.Error = v.L.T("portal.lookup.required")
			f.render(w, r, http.StatusBadRequest, "no-store", "home", v)
			return
		}
		code := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("code")))
		pin := strings.TrimSpace(r.PostForm.Get("pin"))
		if !cases.ValidOnlineCode(code) || pin == "" || len(pin) > 40 {
			v.Error = v.L.T("portal.lookup.notfound")
			f.render(w, r, http.StatusNotFound, "no-store", "home", v)
			return
		}
		ip := limitKey(clientIP(r))
		if wait, _, refused := f.limiter.refused(code, ip); refused {
			w.Header().Set("Retry-After", retryAfter(wait))
			v.Error = v.L.T("portal.lookup.limited", int((wait+59*time.Second)/time.Minute))
			f.render(w, r, http.StatusTooManyRequests, "no-store", "home", v)
			return
		}
		select {
		case f.checks <- struct{}{}:
		case <-ctx.Done():
			return
		}
		rc, err := f.deps.Cases.OnlineReceiptOf(ctx, code, pin)
		<-f.checks
		if errors.Is(err, errs.ErrNotFound) {
			for _, scope := range f.limiter.failed(code, ip) {
				if err := f.deps.Cases.PortalAudit(ctx, cases.ActionPortalLockout, "portal", fmt.Sprintf("scope=%s client=%s", scope, ip)); err != nil {
					f.logger.ErrorContext(ctx, "audit portal lockout", "error", err)
				}
			}
			v.Error = v.L.T("portal.lookup.notfound")
			f.render(w, r, http.StatusNotFound, "no-store", "home", v)
			return
		}
		if err != nil {
			f.fail(w, r, "portal receipt", err)
			return
		}
		f.limiter.succeeded(code, ip)
		unit, err := f.deps.Accounts.Store.Unit(ctx, rc.UnitID)
		if err != nil {
			f.fail(w, r, "portal receipt unit", err)
			return
		}
		pg := f.receiptPage(v.L, rc, unit)
		lines := []string{
			v.L.T("portal.receipt.kind") + ": " + pg.KindLabel,
			v.L.T("portal.receipt.received") + ": " + pg.Received,
			v.L.T("portal.receipt.unit") + ": " + pg.Unit,
			v.L.T("portal.receipt.files") + ": " + strconv.Itoa(pg.Files),
			v.L.T("portal.receipt.next.title"),
		}
		lines = append(lines, pg.Next...)
		var buf bytes.Buffer
		if err := cover.WriteReceipt(&buf, cover.Receipt{Title: v.L.T("portal.receipt.pdf.title"), Code: rc.Code, PIN: pin,
			Lines: lines, Date: f.cfg.Clock()}); err != nil {
			f.fail(w, r, "portal receipt pdf", err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		h.Set("Content-Disposition", `attachment; filename="phieu-tiep-nhan-`+rc.Code+`.pdf"`)
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	})
}
