package cases

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/viet"
	"kntc/ocr/redact"
)

// Publication (công khai) of a decision: the public copy of a case's decision,
// or of its acceptance decision, that the citizens' portal lists, searches and
// serves. The copy is made from the archive copy's page images with the chosen
// rectangles burnt black and a new text layer of the words that remain
// (kntc/ocr/redact; OCR's words on a scanned page, the text layer's on a typed
// one: a born-digital PDF, an office file), checked before it goes out, and
// stored as its own object; the archive copy is never touched. A publication is
// posted for at least MinPostingDays; taking it down earlier needs a ground
// (UnpublishGrounds).

// MinPostingDays is how long a decision stays posted at least (the provincial
// regulation on the portal: decisions on complaints and conclusions on
// denunciations are posted for at least 15 days).
const MinPostingDays = 15

// PermPublish publishes and unpublishes decisions on the portal: leaders only.
const PermPublish Permission = "document.publish"

// Actions of the audit trail for publication.
const (
	ActionPublish   = "publish"   // Detail: "publication=ID document=ID rects=N"
	ActionUnpublish = "unpublish" // Detail: "publication=ID ground=… early=true|false"
)

// Grounds for taking a publication down before its minimum period is over: the copy
// shows what it must not (a personal datum or the denouncer's identity found after
// publication: Luật Tố cáo 2018 Điều 47, Nghị định 13/2023 on personal data), or
// the decision itself was annulled or withdrawn by a competent authority. With any
// other reason the minimum period stands.
const (
	GroundLeak     = "lo_thong_tin" // the copy discloses protected data
	GroundAnnulled = "bi_huy"       // the decision was annulled or withdrawn
)

// UnpublishGrounds are the grounds that allow an early unpublication.
var UnpublishGrounds = []string{GroundLeak, GroundAnnulled}

// Publication is one public copy and its posting.
type Publication struct {
	ID         string
	CaseCode   string
	CaseKind   Kind
	UnitCode   string
	UnitName   string
	DocumentID string
	Kind       ingest.Kind
	Number     string // the header's number
	Date       string // the header's date, YYYY-MM-DD; "" when unknown
	Year       int    // of Date, else of PublishedAt
	Key        string // object key of the public copy
	SHA256     string // of the public copy
	Size       int64
	Pages      int
	// Text is the public copy's text as a reader extracts it (pdftotext): what the
	// portal's search finds, and nothing else.
	Text          string
	Rects         []redact.Rect
	PublishedAt   time.Time
	PublishedBy   int64
	MinUntil      time.Time // the first day it may be taken down without a ground
	UnpublishedAt time.Time // zero while posted
	UnpublishedBy int64
	Reason        string // why it was taken down
	Ground        string // GroundLeak, GroundAnnulled or "" (after the minimum period)
}

// Live reports whether the publication is posted.
func (p Publication) Live() bool { return p.UnpublishedAt.IsZero() }

// PublicationFilter selects publications. Zero values do not filter.
type PublicationFilter struct {
	LiveOnly   bool
	UnitCodes  []string // when not nil, only these units (an empty list matches nothing)
	UnitCode   string
	Kind       ingest.Kind
	Year       int
	CaseCode   string
	DocumentID string
	// Words keeps publications whose public text has every one of these folded words
	// (viet.FoldWords) as a word, the last one as a word or a word's start (the
	// visitor may not have finished typing it). Newest first, as without words.
	Words  []string
	Limit  int // 0 means 20; at most 100
	Offset int
	// CountUpTo, when > 0, stops counting there: the count returned is then at
	// most CountUpTo (the portal shows no page past its 500th, so counting all
	// 100,000 copies of a common word on every request would be work for nothing).
	// When < 0, nothing is counted and the count returned is 0 (a caller that
	// shows no count, or keeps its own).
	CountUpTo int
}

// PublicationStore keeps publications. Missing rows are errs.ErrNotFound; a second
// live publication of a document and unpublishing twice are errs.ErrConflict.
// Every change appends its audit Record in the same transaction. Safe for
// concurrent use.
type PublicationStore interface {
	CreatePublication(ctx context.Context, p *Publication, rec Record) error
	Publication(ctx context.Context, id string) (Publication, error)
	// Publications lists the matching publications, newest first, and their count.
	// Text is left empty (lists do not need it).
	Publications(ctx context.Context, f PublicationFilter) ([]Publication, int, error)
	// Unpublish records that a live publication was taken down (UnpublishedAt,
	// UnpublishedBy, Reason, Ground of p).
	Unpublish(ctx context.Context, p *Publication, rec Record) error
}

// publishableKinds are the documents the portal publishes: the decisions that
// settle a case and the acts that accept it.
var publishableKinds = []ingest.Kind{ingest.KindQuyetDinhGiaiQuyetKhieuNai, ingest.KindKetLuanNoiDungToCao,
	ingest.KindQuyetDinhThuLy, ingest.KindThongBaoThuLyToCao, ingest.KindThongBaoThuLyKhieuNai}

// Publishable reports whether documents of kind k are published on the portal
// (a case's decision of another kind is too: Service.Publish checks).
func Publishable(k ingest.Kind) bool { return slices.Contains(publishableKinds, k) }

// acceptanceKind reports whether k is an act accepting a case.
func acceptanceKind(k ingest.Kind) bool {
	return k == ingest.KindQuyetDinhThuLy || k == ingest.KindThongBaoThuLyToCao || k == ingest.KindThongBaoThuLyKhieuNai
}

// RedactPage is one page of a document to publish: its size in the pixels the
// rectangles are given in.
type RedactPage struct {
	Number int
	Width  int
	Height int
	DPI    int
}

// Proposal is what kntc proposes to black out on a document before publishing it.
type Proposal struct {
	Document ingest.Document
	Case     Case
	Pages    []RedactPage
	// Rects are the proposed rectangles; a denouncer's have no Text.
	Rects []redact.Rect
	// Live is the document's current publication, when it is posted.
	Live *Publication
}

// publishing gathers what proposing and publishing need: the document (visible to
// a, publishable), its case, its pages with their words and the terms to look for.
type publishing struct {
	doc     ingest.Document
	c       Case
	pages   []redact.Page
	terms   []redact.Term
	secrets []redact.Secret // the denouncer's identity: checked whatever the rectangles
}

func (s *Service) prepare(ctx context.Context, a Actor, docID string) (publishing, error) {
	var pb publishing
	if err := a.require(PermPublish); err != nil {
		return pb, err
	}
	if s.Publications == nil || s.Blobs == nil {
		return pb, errors.New("publication is not configured (no publication store or object store)")
	}
	d, err := s.Document(ctx, a, docID)
	if err != nil {
		return pb, err
	}
	if d.Status != ingest.StatusStored || d.CaseCode == "" {
		return pb, errs.Errorf(errs.Conflict, "chỉ công khai được văn bản đã lưu của một hồ sơ (only a stored document of a case can be published)")
	}
	c, err := s.visibleCase(ctx, a, d.CaseCode)
	if err != nil {
		return pb, err
	}
	if !slices.Contains(publishableKinds, d.Kind) && d.ID != c.DecisionDocument {
		return pb, errs.Errorf(errs.Conflict, "văn bản loại %q không phải quyết định, kết luận hay thông báo thụ lý (only decisions, conclusions and acceptance acts are published)", d.Kind)
	}
	switch {
	case acceptanceKind(d.Kind) && d.ID != c.DecisionDocument:
		if c.AcceptedOn.IsZero() {
			return pb, errs.Errorf(errs.Conflict, "hồ sơ %s chưa được thụ lý (case %s is not accepted yet)", c.Code, c.Code)
		}
	case c.DecidedOn.IsZero():
		return pb, errs.Errorf(errs.Conflict, "hồ sơ %s chưa có quyết định giải quyết (case %s is not decided yet)", c.Code, c.Code)
	}
	pb.doc, pb.c = d, c
	if pb.pages, err = s.redactPages(ctx, d); err != nil {
		return pb, err
	}
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return pb, err
	}
	for _, p := range ps {
		reason := redact.ReasonParty
		if p.Secret {
			if s.Sealer == nil {
				return pb, errors.New("no sealing key configured: the denouncer's identity cannot be looked for")
			}
			if err := s.openParty(&p); err != nil {
				return pb, fmt.Errorf("open party %d of %s: %w", p.ID, c.Code, err)
			}
			reason = redact.ReasonDenouncer
		}
		for i, v := range []string{p.Person.Name, p.Person.Address, p.Person.IDNumber, p.Person.Phone} {
			if strings.TrimSpace(v) == "" {
				continue
			}
			pb.terms = append(pb.terms, redact.Term{Text: v, Reason: reason})
			if p.Secret {
				what := []string{"họ tên", "địa chỉ", "số giấy tờ", "số điện thoại"}[i]
				pb.secrets = append(pb.secrets, redact.Secret{Text: v, Where: what + " người tố cáo"})
				for _, part := range redact.Parts(v) {
					pb.secrets = append(pb.secrets, redact.Secret{Text: part, Where: "một phần " + what + " người tố cáo"})
				}
			}
		}
	}
	return pb, nil
}

// redactPages reads the document's pages with their words (ingest.BoxesKey): a
// scanned page's OCR words, and for a page that carried its own text (a
// born-digital PDF, an office file), which OCR never read, the words of the
// archive copy's text layer in the pixels of its page image (redact.TextPages),
// which the pipeline read when it stored the document, or, for one stored before
// it did, read here once and kept where the pipeline keeps them.
func (s *Service) redactPages(ctx context.Context, d ingest.Document) ([]redact.Page, error) {
	pages, err := s.Docs.Pages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out := make([]redact.Page, len(pages))
	var typed []int // indexes into pages of the typed pages not cached yet
	for i, pg := range pages {
		key := ingest.BoxesKey(d, pg)
		if key == "" {
			return nil, errs.Errorf(errs.Conflict, "trang %d không có hộp chữ nhận dạng (OCR) (page %d has no OCR word boxes)", pg.Number, pg.Number)
		}
		pw, err := s.pageWords(ctx, key)
		if pg.Source == "text" && errors.Is(err, errs.ErrNotFound) {
			typed = append(typed, i)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("words of page %d of %s: %w", pg.Number, d.ID, err)
		}
		if pw.Width <= 0 || pw.Height <= 0 {
			return nil, errs.Errorf(errs.Conflict, "trang %d không có kích thước ảnh (page %d has no image size)", pg.Number, pg.Number)
		}
		out[i] = redact.Page{Number: pg.Number, Width: pw.Width, Height: pw.Height, DPI: max(pw.DPI, pg.DPI), Words: pw.Words}
	}
	if len(out) == 0 {
		return nil, errs.Errorf(errs.Conflict, "văn bản không có trang nào (the document has no pages)")
	}
	if len(typed) > 0 {
		path, err := s.archiveFile(ctx, d)
		if err != nil {
			return nil, err
		}
		defer os.Remove(path)
		nums := make([]int, len(typed))
		for k, i := range typed {
			nums[k] = pages[i].Number
		}
		read, err := redact.TextPages(ctx, path, nums)
		if err != nil {
			return nil, fmt.Errorf("words of the text layer of %s: %w", d.ID, err)
		}
		for k, i := range typed {
			p := read[k]
			body, err := json.Marshal(ingest.PageWords{Width: p.Width, Height: p.Height, DPI: p.DPI, Words: p.Words})
			if err != nil {
				return nil, err
			}
			if _, err := s.Blobs.Put(ctx, ingest.TextWordsKey(d.SHA256, d.Pipeline, p.Number), bytes.NewReader(body), int64(len(body)), ""); err != nil {
				return nil, fmt.Errorf("cache the words of page %d of %s: %w", p.Number, d.ID, err)
			}
			out[i] = p
		}
	}
	for i, pg := range pages {
		// A typed page whose text the pipeline read but whose text layer gives no
		// word boxes (a font without a Unicode map): nothing could be found, let
		// alone checked, on it, so it is not published blind.
		if pg.Source == "text" && len(out[i].Words) == 0 && strings.TrimSpace(pg.Text) != "" {
			return nil, errs.Errorf(errs.Conflict, "trang %d có chữ nhưng lớp chữ của bản lưu trữ không cho biết vị trí từng chữ; không thể đề xuất và kiểm tra vùng che (page %d has text but its text layer gives no word positions: redaction cannot be proposed or checked)", pg.Number, pg.Number)
		}
	}
	return out, nil
}

// pageWords reads a page's words object.
func (s *Service) pageWords(ctx context.Context, key string) (ingest.PageWords, error) {
	var pw ingest.PageWords
	rc, err := s.Blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return pw, err
	}
	defer rc.Close()
	err = json.NewDecoder(io.LimitReader(rc, 32<<20)).Decode(&pw)
	return pw, err
}

// RedactionProposal proposes what to black out on a document before publishing
// it: ID numbers, phone numbers, e-mail addresses, the case's parties' names,
// addresses, IDs and phones and, in a denunciation, every trace of the denouncer.
// Only leaders; the document must be one they may see (a confidential one needs a
// grant on its case).
func (s *Service) RedactionProposal(ctx context.Context, a Actor, docID string) (Proposal, error) {
	pb, err := s.prepare(ctx, a, docID)
	if err != nil {
		return Proposal{}, err
	}
	pr := Proposal{Document: pb.doc, Case: pb.c, Rects: redact.Propose(pb.pages, pb.terms)}
	for _, p := range pb.pages {
		pr.Pages = append(pr.Pages, RedactPage{Number: p.Number, Width: p.Width, Height: p.Height, DPI: p.DPI})
	}
	for i := range pr.Rects {
		if pr.Rects[i].Reason == redact.ReasonDenouncer {
			pr.Rects[i].Text = ""
		}
	}
	live, _, err := s.Publications.Publications(ctx, PublicationFilter{DocumentID: docID, LiveOnly: true, Limit: 1})
	if err != nil {
		return Proposal{}, err
	}
	if len(live) > 0 {
		pr.Live = &live[0]
	}
	return pr, nil
}

// Publish makes the public copy of a document with these rectangles blacked out,
// checks it and posts it. The rectangles are the whole set (the proposal is a
// starting point the leader edits); in a denunciation the denouncer's identity is
// checked for whatever they are. A rectangle off its page, or too many, is
// errs.Invalid; a copy that fails its check is errs.Conflict with the reason, and
// nothing is posted. Publishing a case's decision moves a decided case to
// StatusPublished.
func (s *Service) Publish(ctx context.Context, a Actor, docID string, rects []redact.Rect) (Publication, error) {
	pb, err := s.prepare(ctx, a, docID)
	if err != nil {
		return Publication{}, err
	}
	if err := redact.CheckRects(pb.pages, rects); err != nil {
		var probs errs.Problems
		probs.Add("rects", "vùng che không hợp lệ: "+err.Error()+" (a rectangle is not on its page)")
		return Publication{}, probs.Err()
	}
	if live, _, err := s.Publications.Publications(ctx, PublicationFilter{DocumentID: docID, LiveOnly: true, Limit: 1}); err != nil {
		return Publication{}, err
	} else if len(live) > 0 {
		return Publication{}, errs.Errorf(errs.Conflict, "văn bản đã được công khai (publication %s); hãy gỡ trước khi công khai lại (already published: unpublish it first)", live[0].ID)
	}
	rects = slices.Clone(rects)
	for i := range rects {
		if rects[i].Reason == "" {
			rects[i].Reason = redact.ReasonManual
		}
		rects[i].Text = ""
	}
	now := s.now()
	today := s.today()
	path, err := s.archiveFile(ctx, pb.doc)
	if err != nil {
		return Publication{}, err
	}
	defer os.Remove(path)
	res, err := redact.Build(ctx, path, pb.pages, rects, redact.Options{Title: publicTitle(pb.doc), Date: today, Producer: "kntc"})
	if errors.Is(err, redact.ErrRect) {
		return Publication{}, errs.Errorf(errs.Invalid, "%v", err)
	}
	if err != nil {
		return Publication{}, fmt.Errorf("build the public copy of %s: %w", docID, err)
	}
	// The strings under the rectangles (as OCR read them) must be gone too.
	secrets := slices.Clone(pb.secrets)
	for i, r := range rects {
		if t := coveredText(pb.pages[r.Page-1], r); t != "" {
			secrets = append(secrets, redact.Secret{Text: t, Where: fmt.Sprintf("vùng che %d, trang %d", i+1, r.Page)})
		}
	}
	text, err := redact.Verify(ctx, res, rects, secrets)
	if errors.Is(err, redact.ErrLeak) {
		return Publication{}, errs.Errorf(errs.Conflict, "không công khai: %v (not published)", err)
	}
	if err != nil {
		return Publication{}, fmt.Errorf("check the public copy of %s: %w", docID, err)
	}
	// Any protected identity of the unit (a denouncer of another case, a sealed
	// petitioner) is looked for in the text as well.
	ids, err := s.protectedIn(ctx, pb.c.UnitID)
	if err != nil {
		return Publication{}, err
	}
	h := newHaystack(text)
	for _, id := range ids {
		if h.names(id) {
			return Publication{}, errs.Errorf(errs.Conflict, "không công khai: văn bản công khai vẫn nêu danh tính một người được bảo vệ; hãy che thêm (not published: the copy still names a protected person; black out more)")
		}
	}
	unit, err := s.unitOfCase(ctx, pb.c)
	if err != nil {
		return Publication{}, err
	}
	sum := sha256.Sum256(res.PDF)
	p := Publication{ID: newPublicationID(), CaseCode: pb.c.Code, CaseKind: pb.c.Kind, UnitCode: unit.Code, UnitName: unit.Name,
		DocumentID: pb.doc.ID, Kind: pb.doc.Kind, Number: pb.doc.Meta.Number, Date: pb.doc.Meta.Date,
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(res.PDF)), Pages: res.Pages, Text: text, Rects: rects,
		PublishedAt: now, PublishedBy: a.User.ID, MinUntil: today.AddDate(0, 0, MinPostingDays)}
	p.Year = today.Year()
	if t, err := ParseDate(p.Date); err == nil && !t.IsZero() {
		p.Year = t.Year()
	}
	p.Key = PublicKey(p.SHA256)
	if _, err := s.Blobs.Put(ctx, p.Key, bytes.NewReader(res.PDF), p.Size, p.SHA256); err != nil {
		return Publication{}, fmt.Errorf("store the public copy: %w", err)
	}
	rec := a.record(ActionPublish, "case:"+pb.c.Code, fmt.Sprintf("publication=%s document=%s rects=%d", p.ID, p.DocumentID, len(rects)))
	if err := s.Publications.CreatePublication(ctx, &p, rec); err != nil {
		return Publication{}, err
	}
	if pb.doc.ID == pb.c.DecisionDocument && pb.c.Status == StatusDecided {
		c := pb.c
		from := c.Status
		Apply(&c, Transition{To: StatusPublished}, today)
		ev := Event{Type: EventTransition, From: from, To: c.Status, DocumentID: pb.doc.ID, Note: "công khai bản đã che thông tin cá nhân"}
		if err := s.updateCase(ctx, a, &c, []Event{ev}, ActionTransition, string(from)+"->"+string(c.Status)); err != nil {
			return p, fmt.Errorf("published, but the case's status: %w", err)
		}
	}
	return p, nil
}

// coveredText is what was read under a rectangle: the words it hides (the ones
// the public copy's text layer leaves out), joined.
func coveredText(p redact.Page, r redact.Rect) string {
	var parts []string
	for _, w := range p.Words {
		if redact.Hides(r, w) {
			parts = append(parts, w.Text)
		}
	}
	return strings.Join(parts, " ")
}

// publicTitle is the public copy's title: its kind and number, never its subject
// (which often names a party).
func publicTitle(d ingest.Document) string {
	t := d.Kind.Label()
	if d.Meta.Number != "" {
		t += " số " + d.Meta.Number
	}
	return t
}

// PublicKey is where the public copy with this SHA-256 is stored.
func PublicKey(sha string) string { return "public/" + sha[:2] + "/" + sha + ".pdf" }

func newPublicationID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// archiveFile copies the document's archive copy into a temporary file.
func (s *Service) archiveFile(ctx context.Context, d ingest.Document) (string, error) {
	rc, err := s.Blobs.Get(ctx, ingest.ArchiveKey(d.SHA256, d.Pipeline), 0, -1)
	if err != nil {
		return "", fmt.Errorf("archive copy of %s: %w", d.ID, err)
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "kntc-publish-*.pdf")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Unpublish takes a publication down at once: off the portal's lists, search and
// downloads. Before its minimum period is over it needs a ground (GroundLeak,
// GroundAnnulled); a reason is always required. Only leaders of its unit's scope.
func (s *Service) Unpublish(ctx context.Context, a Actor, id, reason, ground string) (Publication, error) {
	if err := a.require(PermPublish); err != nil {
		return Publication{}, err
	}
	p, err := s.publicationInScope(ctx, a, id)
	if err != nil {
		return Publication{}, err
	}
	var probs errs.Problems
	reason = clean(reason)
	if reason == "" || len([]rune(reason)) > 1000 {
		probs.Add("reason", "cần nêu lý do gỡ (1–1000 ký tự) (a reason of 1–1000 characters is required)")
	}
	if ground != "" && !slices.Contains(UnpublishGrounds, ground) {
		probs.Add("ground", fmt.Sprintf("căn cứ %q không hợp lệ; dùng %s (ground must be one of %s)", ground,
			strings.Join(UnpublishGrounds, ", "), strings.Join(UnpublishGrounds, ", ")))
	}
	if err := probs.Err(); err != nil {
		return Publication{}, err
	}
	if !p.Live() {
		return Publication{}, errs.Errorf(errs.Conflict, "văn bản đã được gỡ (already unpublished)")
	}
	early := s.today().Before(p.MinUntil)
	if early && ground == "" {
		return Publication{}, errs.Errorf(errs.Conflict, "văn bản phải được đăng ít nhất %d ngày, đến %s; gỡ sớm chỉ khi lộ thông tin cá nhân (%s) hoặc quyết định bị hủy (%s) (posted at least %d days: early unpublishing needs a ground)",
			MinPostingDays, FormatDate(p.MinUntil), GroundLeak, GroundAnnulled, MinPostingDays)
	}
	p.UnpublishedAt, p.UnpublishedBy, p.Reason, p.Ground = s.now(), a.User.ID, reason, ground
	rec := a.record(ActionUnpublish, "case:"+p.CaseCode, fmt.Sprintf("publication=%s document=%s ground=%s early=%t", p.ID, p.DocumentID, ground, early))
	if err := s.Publications.Unpublish(ctx, &p, rec); err != nil {
		return Publication{}, err
	}
	return p, nil
}

func (s *Service) publicationInScope(ctx context.Context, a Actor, id string) (Publication, error) {
	if s.Publications == nil {
		return Publication{}, notFound("publication")
	}
	p, err := s.Publications.Publication(ctx, id)
	if err != nil {
		return Publication{}, err
	}
	if _, err := s.visibleCase(ctx, a, p.CaseCode); err != nil {
		return Publication{}, notFound("publication " + id)
	}
	return p, nil
}

// StaffPublication returns a publication in the actor's scope (leaders).
func (s *Service) StaffPublication(ctx context.Context, a Actor, id string) (Publication, error) {
	if err := a.require(PermPublish); err != nil {
		return Publication{}, err
	}
	return s.publicationInScope(ctx, a, id)
}

// StaffPublications lists the publications (live and taken down) of the actor's
// scope, optionally of one case or document.
func (s *Service) StaffPublications(ctx context.Context, a Actor, f PublicationFilter) ([]Publication, int, error) {
	if err := a.require(PermPublish); err != nil {
		return nil, 0, err
	}
	if s.Publications == nil {
		return nil, 0, nil
	}
	if !a.Scope.All {
		f.UnitCodes = slices.Clone(a.Scope.Codes)
		if f.UnitCodes == nil {
			f.UnitCodes = []string{}
		}
	}
	return s.Publications.Publications(ctx, f)
}

// PublishedList is the portal's list of posted decisions, newest first: words
// (with or without diacritics) are looked for in the public copies' text only.
func (s *Service) PublishedList(ctx context.Context, f PublicationFilter, q string) ([]Publication, int, error) {
	if s.Publications == nil {
		return nil, 0, nil
	}
	f.LiveOnly, f.UnitCodes, f.CaseCode, f.DocumentID = true, nil, "", ""
	f.Words = nil
	for _, w := range strings.Fields(viet.FoldWords(q)) {
		if len(f.Words) < 8 && !slices.Contains(f.Words, w) {
			f.Words = append(f.Words, w)
		}
	}
	return s.Publications.Publications(ctx, f)
}

// PublishedCopy returns a posted publication, or ErrNotFound (unknown, taken
// down, or of a retracted document).
func (s *Service) PublishedCopy(ctx context.Context, id string) (Publication, error) {
	if s.Publications == nil || len(id) > 64 {
		return Publication{}, notFound("publication")
	}
	p, err := s.Publications.Publication(ctx, id)
	if err != nil || !p.Live() {
		return Publication{}, notFound("publication")
	}
	// A retracted document's copy is off the portal, its address too.
	if s.Docs != nil {
		d, err := s.Docs.Document(ctx, p.DocumentID)
		switch {
		case errors.Is(err, errs.ErrNotFound):
		case err != nil:
			return Publication{}, fmt.Errorf("publication %s: %w", id, err)
		case d.Retracted:
			return Publication{}, notFound("publication")
		}
	}
	return p, nil
}

// PublicationYears lists the years a filter can choose, newest first: this year
// and the nine before it.
func (s *Service) PublicationYears() []string {
	var out []string
	for y := s.today().Year(); y > s.today().Year()-10; y-- {
		out = append(out, strconv.Itoa(y))
	}
	return out
}
