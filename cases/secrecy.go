package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"kntc/auth"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/viet"
)

// Confidentiality is a property kept true, not a decision taken once (Luật Tố cáo
// 2018, Điều 47): a document is confidential when
//   - it is in a denunciation case and is not one of the case's official acts (the
//     letter, its attachments, minutes of reception carry the denouncer), or it was
//     routed to a denunciation's code before that case was opened;
//   - or its text, file name or header names a protected identity of its unit: a
//     denunciation's petitioner or representative, a sealed petition's sender, a
//     sealed visitor — whatever case, if any, it belongs to;
//   - or someone marked it so.
//
// The check runs whenever one of these can change: a document is stored (its text
// is new) or linked, a protected party is added or changed, a sealed petition or
// visit is registered, a case with protected parties is opened or moves unit. It
// only ever marks: a mark is lifted by a user granted the case (SetConfidential),
// which records Cleared so the next check leaves the document alone — until a new
// protected identity is found in it.

// identity is one protected identity as it is looked for in texts.
type identity struct {
	caseCode string   // the case it is protected in; "" for a sealed petition or visit with no case yet
	needles  []string // folded name, ID number and phone digits
}

// minNameWords is the fewest words a name must have to be looked for: a single
// given name ("Hương") would be found in every text.
const minNameWords = 2

// needlesOf returns what a person is looked for by: the folded name (two words at
// least) and the digits of the ID number and phone (nine at least).
func needlesOf(p Person) []string {
	var out []string
	if n := wordsKey(p.Name); len(strings.Fields(n)) >= minNameWords {
		out = append(out, n)
	}
	for _, v := range []string{p.IDNumber, p.Phone} {
		if d := onlyDigits(v); len(d) >= 9 {
			out = append(out, d)
		}
	}
	return out
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wordsKey is s folded (viet.FoldKey) with everything but letters and digits turned
// into spaces: "Hương." and "Hương," are the word "huong".
func wordsKey(s string) string {
	return viet.FoldKey(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			return r
		}
		return ' '
	}, s))
}

// haystack is a text prepared for looking for identities: folded words, and runs
// of digits with the spaces, dots and dashes people write inside numbers removed
// ("0912 345 678" is 0912345678).
type haystack struct {
	words  string
	digits string
}

func newHaystack(texts ...string) haystack {
	all := strings.Join(texts, "\n")
	h := haystack{words: " " + wordsKey(all) + " "}
	rs := []rune(all)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case (r == ' ' || r == '.' || r == '-') && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "|") {
				b.WriteByte('|')
			}
		}
	}
	h.digits = "|" + b.String() + "|"
	return h
}

// names reports whether the text holds one of id's needles: a name as whole
// words, a number as a whole run of digits or within one (a number written with
// a prefix such as +84 still counts).
func (h haystack) names(id identity) bool {
	for _, n := range id.needles {
		if n[0] >= '0' && n[0] <= '9' {
			if strings.Contains(h.digits, n) || len(n) > 9 && n[0] == '0' && strings.Contains(h.digits, "84"+n[1:]) {
				return true
			}
			continue
		}
		if strings.Contains(h.words, " "+n+" ") {
			return true
		}
	}
	return false
}

// maskMark replaces a protected identity in a typed text (maskIdentities).
const maskMark = "[được giữ bí mật]"

// maskIdentities returns text with every mention of people's identity replaced by
// maskMark: a name (two words or more) or a full address as whole words, with or
// without diacritics, across line breaks and punctuation; an ID number or phone
// as a run of digits holding it, written with spaces, dots, dashes or +84 (as
// haystack.names finds them). A denouncer writing "Tôi là …, CCCD số …" in the
// content of their own letter is then not named to those who read the register
// without a grant.
func maskIdentities(text string, people ...Person) string {
	if text == "" {
		return text
	}
	var names [][]string
	var numbers []string
	for _, p := range people {
		for _, n := range needlesOf(p) {
			if n[0] >= '0' && n[0] <= '9' {
				numbers = append(numbers, n)
			} else {
				names = append(names, strings.Fields(n))
			}
		}
		if a := strings.Fields(wordsKey(p.Address)); len(a) >= minNameWords {
			names = append(names, a)
		}
	}
	if len(names) == 0 && len(numbers) == 0 {
		return text
	}
	type span struct{ from, to int } // byte offsets, to excluded
	var spans []span
	// Words: runs of letters, digits and marks, each with its folded form.
	type word struct {
		span
		key string
	}
	var words []word
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	start := -1
	for i, r := range text + " " {
		switch {
		case isWord(r) && start < 0:
			start = i
		case !isWord(r) && start >= 0:
			words = append(words, word{span{start, i}, viet.FoldKey(text[start:i])})
			start = -1
		}
	}
	for _, n := range names {
		for i := 0; i+len(n) <= len(words); i++ {
			match := true
			for j := range n {
				if words[i+j].key != n[j] {
					match = false
					break
				}
			}
			if match {
				spans = append(spans, span{words[i].from, words[i+len(n)-1].to})
			}
		}
	}
	// Numbers: runs of digits with the spaces, dots and dashes inside them.
	if len(numbers) > 0 {
		type pos struct {
			at int
			r  rune
		}
		var rs []pos
		for i, r := range text {
			rs = append(rs, pos{i, r})
		}
		digit := func(k int) bool { return k >= 0 && k < len(rs) && rs[k].r >= '0' && rs[k].r <= '9' }
		for k := 0; k < len(rs); {
			if !digit(k) {
				k++
				continue
			}
			from, end := k, k
			var b strings.Builder
		scan:
			for ; k < len(rs); k++ {
				switch r := rs[k].r; {
				case r >= '0' && r <= '9':
					b.WriteRune(r)
					end = k
				case (r == ' ' || r == '.' || r == '-') && digit(k-1) && digit(k+1):
				default:
					break scan
				}
			}
			run := b.String()
			for _, n := range numbers {
				if strings.Contains(run, n) || len(n) > 9 && n[0] == '0' && strings.Contains(run, "84"+n[1:]) {
					to := len(text)
					if end+1 < len(rs) {
						to = rs[end+1].at
					}
					spans = append(spans, span{rs[from].at, to})
					break
				}
			}
		}
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var out strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.to <= last {
			continue
		}
		if sp.from < last {
			sp.from = last
		} else {
			out.WriteString(text[last:sp.from])
			out.WriteString(maskMark)
		}
		last = sp.to
	}
	out.WriteString(text[last:])
	return out.String()
}

// protectedIn returns every protected identity of a unit: the sealed parties of
// its denunciations, the senders of its sealed petitions and its sealed visitors.
func (s *Service) protectedIn(ctx context.Context, unitID int64) ([]identity, error) {
	if s.Sealer == nil || unitID == 0 {
		return nil, nil
	}
	var out []identity
	for f := (CaseFilter{UnitIDs: []int64{unitID}, Kind: KindDenunciation, Limit: 1000}); ; {
		list, total, err := s.Store.Cases(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			ids, err := s.caseIdentities(ctx, c)
			if err != nil {
				return nil, err
			}
			out = append(out, ids...)
		}
		f.Offset += len(list)
		if len(list) == 0 || f.Offset >= total {
			break
		}
	}
	codes := map[int64]string{}
	caseCode := func(id int64) (string, error) {
		if id == 0 {
			return "", nil
		}
		if c, ok := codes[id]; ok {
			return c, nil
		}
		c, err := s.Store.Case(ctx, id)
		if err != nil {
			return "", err
		}
		codes[id] = c.Code
		return c.Code, nil
	}
	for f := (PetitionFilter{UnitIDs: []int64{unitID}, SecretOnly: true, Limit: 1000}); ; {
		list, total, err := s.Store.Petitions(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			who, err := s.petitioner(p)
			if err != nil {
				return nil, err
			}
			code, err := caseCode(p.CaseID)
			if err != nil {
				return nil, err
			}
			out = append(out, identity{caseCode: code, needles: needlesOf(who)})
		}
		f.Offset += len(list)
		if len(list) == 0 || f.Offset >= total {
			break
		}
	}
	for f := (ReceptionFilter{UnitIDs: []int64{unitID}, SecretOnly: true, Limit: 1000}); ; {
		list, total, err := s.Store.Receptions(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			who, err := s.visitors(r)
			if err != nil {
				return nil, err
			}
			code, err := caseCode(r.CaseID)
			if err != nil {
				return nil, err
			}
			for _, p := range who {
				out = append(out, identity{caseCode: code, needles: needlesOf(p)})
			}
		}
		f.Offset += len(list)
		if len(list) == 0 || f.Offset >= total {
			break
		}
	}
	return slices.DeleteFunc(out, func(id identity) bool { return len(id.needles) == 0 }), nil
}

// caseIdentities returns the protected parties of a case as identities.
func (s *Service) caseIdentities(ctx context.Context, c Case) ([]identity, error) {
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []identity
	for _, p := range ps {
		if !p.Secret {
			continue
		}
		if err := s.openParty(&p); err != nil {
			return nil, fmt.Errorf("open party %d of %s: %w", p.ID, c.Code, err)
		}
		if n := needlesOf(p.Person); len(n) > 0 {
			out = append(out, identity{caseCode: c.Code, needles: n})
		}
	}
	return out, nil
}

// officialKinds are documents the case's own bodies issue; by law they do not name
// the denouncer. Anything else in a denunciation case (the letter itself —
// don_to_cao or any other —, a giấy ủy quyền, a phiếu chuyển đơn, minutes of
// reception, attachments) is treated as carrying the identity.
var officialKinds = []ingest.Kind{ingest.KindQuyetDinhThuLy, ingest.KindQuyetDinhGiaoXacMinh, ingest.KindThongBaoThuLyToCao,
	ingest.KindKetLuanNoiDungToCao, ingest.KindQuyetDinhGiaiQuyetKhieuNai, ingest.KindBaoCaoKetQuaXacMinh,
	ingest.KindThongBaoThuLyKhieuNai, ingest.KindQuyetDinhGiaHan}

// denunciationCode reports whether a case code is a denunciation's (TC-…).
func denunciationCode(code string) bool {
	return strings.HasPrefix(strings.ToUpper(code), KindDenunciation.Prefix()+"-")
}

// verdict is what the check decided for a document.
type verdict struct {
	confidential bool
	secretCase   string // the case whose protected identity it names, when not its own
	why          string // for the audit trail, never the identity
}

// judge decides whether d must be confidential: c is its case (nil when it has
// none, or its case is not opened yet), ids the protected identities of its unit.
func (s *Service) judge(ctx context.Context, d ingest.Document, c *Case, ids []identity) (verdict, error) {
	return judgeText(d, c, ids, func() (haystack, error) { return s.haystackOf(ctx, d) })
}

// judgeText is judge with the document's texts read by text, only when an
// identity must be looked for in them (the page texts of a stored document, the
// file name alone of one arriving).
func judgeText(d ingest.Document, c *Case, ids []identity, text func() (haystack, error)) (verdict, error) {
	switch {
	case c != nil && c.Kind == KindDenunciation && !slices.Contains(officialKinds, d.Kind):
		return verdict{confidential: true, why: "denunciation paper"}, nil
	case c == nil && d.CaseCode != "" && denunciationCode(d.CaseCode):
		return verdict{confidential: true, why: "routed to a denunciation not opened yet"}, nil
	}
	if len(ids) == 0 {
		return verdict{}, nil
	}
	h, err := text()
	if err != nil {
		return verdict{}, err
	}
	var v verdict
	for _, id := range ids {
		if !h.names(id) {
			continue
		}
		v.confidential, v.why = true, "names a protected party"
		if c != nil && id.caseCode == c.Code {
			return verdict{confidential: true, why: v.why}, nil // its own case's: nothing else to record
		}
		if v.secretCase == "" {
			v.secretCase = id.caseCode
		}
	}
	return v, nil
}

// haystackOf gathers everything of d that may name a person: its pages, its file
// name and its header.
func (s *Service) haystackOf(ctx context.Context, d ingest.Document) (haystack, error) {
	pages, err := s.Docs.Pages(ctx, d.ID)
	if err != nil {
		return haystack{}, err
	}
	texts := []string{d.Filename, d.Meta.Issuer, d.Meta.Subject}
	for _, p := range pages {
		texts = append(texts, p.Text)
	}
	return newHaystack(texts...), nil
}

// apply sets d's marks from v (only ever marking: a cleared document stays
// cleared unless reset) and reports whether anything changed.
func (v verdict) apply(d *ingest.Document) bool {
	if !v.confidential || d.Cleared {
		return false
	}
	changed := !d.Confidential || v.secretCase != "" && d.SecretCase != v.secretCase
	d.Confidential = true
	if v.secretCase != "" {
		d.SecretCase = v.secretCase
	}
	return changed
}

// unitOfCase returns the unit a case is handled by.
func (s *Service) unitOfCase(ctx context.Context, c Case) (auth.Unit, error) {
	u, err := s.Accounts.Store.Unit(ctx, c.UnitID)
	if err != nil {
		return auth.Unit{}, fmt.Errorf("unit of case %s: %w", c.Code, err)
	}
	return u, nil
}

// unitIdentities returns the protected identities of the unit with this code.
func (s *Service) unitIdentities(ctx context.Context, unitCode string) ([]identity, error) {
	if unitCode == "" {
		return nil, nil
	}
	u, err := s.Accounts.Store.UnitByCode(ctx, unitCode)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.protectedIn(ctx, u.ID)
}

// protectUnit checks every document of a unit again after its protected
// identities changed; fresh are the identities new or changed by that act:
// documents naming them lose a earlier clearing (a granted user cleared them for
// what was known then).
func (s *Service) protectUnit(ctx context.Context, a Actor, unitID int64, fresh []identity) error {
	if len(fresh) == 0 {
		return nil
	}
	u, err := s.Accounts.Store.Unit(ctx, unitID)
	if err != nil {
		return fmt.Errorf("unit %d: %w", unitID, err)
	}
	ids, err := s.protectedIn(ctx, unitID)
	if err != nil {
		return err
	}
	cases := map[string]*Case{}
	caseOf := func(code string) (*Case, error) {
		if code == "" {
			return nil, nil
		}
		if c, ok := cases[code]; ok {
			return c, nil
		}
		c, err := s.Store.CaseByCode(ctx, code)
		if errors.Is(err, errs.ErrNotFound) {
			cases[code] = nil
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		cases[code] = &c
		return &c, nil
	}
	f := ingest.DocumentFilter{UnitCode: u.Code, Limit: 500}
	for {
		docs, total, err := s.Docs.Documents(ctx, f)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.Status != ingest.StatusStored {
				continue // its text is not there yet: Finish checks it when it is
			}
			c, err := caseOf(d.CaseCode)
			if err != nil {
				return err
			}
			// The document's texts are read once, for the clearing and the check.
			var read *haystack
			text := func() (haystack, error) {
				if read == nil {
					h, err := s.haystackOf(ctx, d)
					if err != nil {
						return haystack{}, err
					}
					read = &h
				}
				return *read, nil
			}
			if d.Cleared {
				h, err := text()
				if err != nil {
					return err
				}
				for _, id := range fresh {
					if h.names(id) {
						d.Cleared = false
						break
					}
				}
			}
			v, err := judgeText(d, c, ids, text)
			if err != nil {
				return err
			}
			if !v.apply(&d) {
				continue
			}
			if err := s.Store.LinkDocument(ctx, &d, Event{}, a.record(ActionUpdate, "document:"+d.ID, "confidential=true ("+v.why+")")); err != nil {
				return fmt.Errorf("mark %s confidential: %w", d.ID, err)
			}
		}
		f.Offset += len(docs)
		if len(docs) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// adoptPending links the documents routed to a case's code before the case was
// opened (a scan dropped into hotfolder/UNIT/TC-…/ first): they join it as any
// linked document does, checked and applied.
func (s *Service) adoptPending(ctx context.Context, a Actor, c *Case) error {
	docs, _, err := s.Docs.Documents(ctx, ingest.DocumentFilter{CaseCode: c.Code, Limit: 1000})
	if err != nil {
		return err
	}
	for _, d := range docs {
		// Marked while its case was not opened (routed to a denunciation): judged
		// again now that the case says what it is.
		if d.SecretCase == "" && !d.Cleared {
			d.Confidential = false
		}
		if err := s.link(ctx, a, c, &d, "pending", d.Status == ingest.StatusStored); err != nil {
			return err
		}
	}
	return nil
}

// VetArrival judges a file as it arrives, before any page is read: a file routed
// to a denunciation not opened yet, or whose name names a protected identity of
// its unit (letters are often named after their sender), is confidential from the
// start. The full check runs again on its text (Finish).
func (s *Service) VetArrival(ctx context.Context, o *ingest.Origin) error {
	d := ingest.Document{UnitCode: o.UnitCode, CaseCode: o.CaseCode, Filename: o.Filename, Kind: o.Kind}
	var c *Case
	if d.CaseCode != "" {
		found, err := s.Store.CaseByCode(ctx, d.CaseCode)
		switch {
		case err == nil:
			c = &found
			u, err := s.unitOfCase(ctx, found)
			if err != nil {
				return err
			}
			d.UnitCode = u.Code
		case !errors.Is(err, errs.ErrNotFound):
			return err
		}
	}
	ids, err := s.unitIdentities(ctx, d.UnitCode)
	if err != nil {
		return err
	}
	v, err := judgeText(d, c, ids, func() (haystack, error) { return newHaystack(d.Filename), nil })
	if err != nil {
		return err
	}
	// A mark the origin carries already (a denunciation sent through the portal)
	// is kept: the name and route only add marks.
	o.Confidential = o.Confidential || v.confidential
	if v.secretCase != "" {
		o.SecretCase = v.secretCase
	}
	return nil
}
