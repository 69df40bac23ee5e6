package web

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/ocr/redact"
)

// Publication of decisions on the portal (cases/publication.go): a leader asks for
// the proposed redaction of a document, edits the rectangles and publishes; the
// public copy is built, checked and posted, or refused with the reason.

type redactPageJSON struct {
	Number int `json:"number"`
	Width  int `json:"width"`  // pixels: the rectangles' coordinate space
	Height int `json:"height"` // pixels
	DPI    int `json:"dpi"`
}

type rectJSON struct {
	Page   int    `json:"page"`
	X0     int    `json:"x0"`
	Y0     int    `json:"y0"`
	X1     int    `json:"x1"`
	Y1     int    `json:"y1"`
	Reason string `json:"reason,omitempty"`
	// Text is what was read under it (OCR, or the text layer of a typed page);
	// never sent for a denouncer's rectangle.
	Text string `json:"text,omitempty"`
}

type proposalJSON struct {
	Document string            `json:"document"`
	Case     string            `json:"case"`
	Pages    []redactPageJSON  `json:"pages"`
	Rects    []rectJSON        `json:"rects"`
	Live     *publicationJSON  `json:"publication,omitempty"`
	Reasons  map[string]string `json:"reasons"`
}

type publicationJSON struct {
	ID            string     `json:"id"`
	Case          string     `json:"case"`
	Document      string     `json:"document"`
	Unit          string     `json:"unit"`
	Kind          string     `json:"kind"`
	Number        string     `json:"number"`
	Date          string     `json:"date"`
	Pages         int        `json:"pages"`
	Size          int64      `json:"size"`
	SHA256        string     `json:"sha256"`
	PublishedAt   string     `json:"published_at"`
	MinUntil      string     `json:"min_until"`
	Live          bool       `json:"live"`
	UnpublishedAt string     `json:"unpublished_at,omitempty"`
	Reason        string     `json:"unpublish_reason,omitempty"`
	Ground        string     `json:"unpublish_ground,omitempty"`
	Rects         []rectJSON `json:"rects,omitempty"`
	URL           string     `json:"url"` // the portal's download
}

func toPublicationJSON(p cases.Publication, withRects bool) publicationJSON {
	j := publicationJSON{ID: p.ID, Case: p.CaseCode, Document: p.DocumentID, Unit: p.UnitCode, Kind: string(p.Kind),
		Number: p.Number, Date: p.Date, Pages: p.Pages, Size: p.Size, SHA256: p.SHA256,
		PublishedAt: p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"), MinUntil: cases.FormatDate(p.MinUntil),
		Live: p.Live(), Reason: p.Reason, Ground: p.Ground, URL: portalPrefix + "/van-ban/" + p.ID}
	if !p.Live() {
		j.UnpublishedAt = p.UnpublishedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	if withRects {
		j.Rects = toRectsJSON(p.Rects)
	}
	return j
}

func toRectsJSON(rs []redact.Rect) []rectJSON {
	out := []rectJSON{}
	for _, r := range rs {
		t := r.Text
		if r.Reason == redact.ReasonDenouncer {
			t = ""
		}
		out = append(out, rectJSON{Page: r.Page, X0: r.X0, Y0: r.Y0, X1: r.X1, Y1: r.Y1, Reason: r.Reason, Text: t})
	}
	return out
}

// redactReasons explains the reasons of the rectangles.
var redactReasons = map[string]string{
	redact.ReasonCCCD: "số căn cước công dân (12 chữ số)", redact.ReasonCMND: "số chứng minh nhân dân (9 chữ số)",
	redact.ReasonPhone: "số điện thoại", redact.ReasonEmail: "địa chỉ thư điện tử", redact.ReasonParty: "họ tên, địa chỉ, giấy tờ của đương sự",
	redact.ReasonDenouncer: "thông tin người tố cáo (bắt buộc che)", redact.ReasonManual: "vùng do lãnh đạo thêm",
}

// handleRedactionProposal answers GET /documents/{id}/redaction.
func handleRedactionProposal(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pr, err := svc.RedactionProposal(r.Context(), currentActor(r.Context()), chi.URLParam(r, "id"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := proposalJSON{Document: pr.Document.ID, Case: pr.Case.Code, Pages: []redactPageJSON{}, Rects: toRectsJSON(pr.Rects), Reasons: redactReasons}
		for _, p := range pr.Pages {
			out.Pages = append(out.Pages, redactPageJSON{Number: p.Number, Width: p.Width, Height: p.Height, DPI: p.DPI})
		}
		if pr.Live != nil {
			j := toPublicationJSON(*pr.Live, false)
			out.Live = &j
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type publishRequest struct {
	// Rects is the whole set of rectangles to black out (the proposal's, edited).
	Rects []rectJSON `json:"rects"`
}

// handlePublish answers POST /documents/{id}/publication: 201 with the
// publication, 422 for rectangles off their page, 409 when the copy fails its
// check (the reason says why) or the document cannot be published.
func handlePublish(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req publishRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if len(req.Rects) > redact.MaxRects {
			respondError(w, r, logger, errs.Errorf(errs.Invalid, "tối đa %d vùng che (at most %d rectangles)", redact.MaxRects, redact.MaxRects))
			return
		}
		rects := make([]redact.Rect, 0, len(req.Rects))
		for _, rj := range req.Rects {
			reason := rj.Reason
			if _, ok := redactReasons[reason]; !ok {
				reason = redact.ReasonManual
			}
			rects = append(rects, redact.Rect{Page: rj.Page, X0: rj.X0, Y0: rj.Y0, X1: rj.X1, Y1: rj.Y1, Reason: reason})
		}
		p, err := svc.Publish(r.Context(), currentActor(r.Context()), chi.URLParam(r, "id"), rects)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusCreated, toPublicationJSON(p, true))
	})
}

type publicationListJSON struct {
	Total        int               `json:"total"`
	Publications []publicationJSON `json:"publications"`
}

// handlePublicationList answers GET /publications?case=&document=&live=.
func handlePublicationList(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := cases.PublicationFilter{CaseCode: q.Get("case"), DocumentID: q.Get("document"), LiveOnly: q.Get("live") == "1" || q.Get("live") == "true"}
		var probs errs.Problems
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				probs.Add("limit", "limit phải từ 1 đến 100 (limit must be 1–100)")
			}
			f.Limit = n
		}
		if v := q.Get("offset"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100000 {
				probs.Add("offset", "offset phải từ 0 đến 100000 (offset must be 0–100000)")
			}
			f.Offset = n
		}
		if err := probs.Err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		list, total, err := svc.StaffPublications(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := publicationListJSON{Total: total, Publications: []publicationJSON{}}
		for _, p := range list {
			out.Publications = append(out.Publications, toPublicationJSON(p, false))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// handlePublicationGet answers GET /publications/{id}.
func handlePublicationGet(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := svc.StaffPublication(r.Context(), currentActor(r.Context()), chi.URLParam(r, "id"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, toPublicationJSON(p, true))
	})
}

type unpublishRequest struct {
	Reason string `json:"reason"`
	// Ground allows taking it down before its minimum period: lo_thong_tin or bi_huy.
	Ground string `json:"ground"`
}

// handleUnpublish answers POST /publications/{id}/unpublish.
func handleUnpublish(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req unpublishRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		p, err := svc.Unpublish(r.Context(), currentActor(r.Context()), chi.URLParam(r, "id"), req.Reason, req.Ground)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, toPublicationJSON(p, false))
	})
}
