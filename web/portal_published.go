package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/textin"
)

// The portal's published decisions (công khai): the posted public copies, newest
// first, searched in their own text only (the public copy's, as a reader extracts
// it; never the staff index), with or without diacritics, filtered by unit, kind
// and year. Not cached beyond revalidation: a copy taken down leaves at once.

// publishedKinds are the kinds a visitor filters by.
var publishedKinds = []ingest.Kind{ingest.KindQuyetDinhGiaiQuyetKhieuNai, ingest.KindKetLuanNoiDungToCao,
	ingest.KindQuyetDinhThuLy, ingest.KindThongBaoThuLyKhieuNai, ingest.KindThongBaoThuLyToCao}

// publishedPerPage is the length of a page of the list.
const publishedPerPage = 20

// publishedMaxPages is the last page the list shows: past it, a visitor narrows
// the search (and the count stops there).
const publishedMaxPages = 500

// publishedSearchMaxPages is publishedMaxPages of a search by words: its count
// stops at 200 matches ("more than 200"; a visitor adds a word or a filter),
// which keeps a search to a walk of the newest entries of the index, whatever
// the words (make bench-portal).
const publishedSearchMaxPages = 10

type pubOption struct {
	Value, Label string
	Selected     bool
}

type publishedRow struct {
	ID, Label, Number, Date, Unit, Published string
	Pages                                    int
}

type publishedView struct {
	Q           string
	Units       []pubOption
	Kinds       []pubOption
	Years       []pubOption
	Rows        []publishedRow
	Total       int
	More        bool // more than Total: counting stopped at the last page shown
	Page, Pages int
	PrevURL     string
	NextURL     string
	Filtered    bool
}

// handlePublished answers GET /cong-dan/cong-khai.
func (p *portal) handlePublished() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view("published.title")
		q := r.URL.Query()
		text := textin.Strip(q.Get("q"))
		if len([]rune(text)) > 200 {
			text = string([]rune(text)[:200])
		}
		unit, kind, year := q.Get("unit"), q.Get("kind"), q.Get("year")
		maxPages := publishedMaxPages
		if text != "" {
			maxPages = publishedSearchMaxPages
		}
		page, _ := strconv.Atoi(q.Get("page"))
		page = min(max(page, 1), maxPages)
		f := cases.PublicationFilter{Limit: publishedPerPage, Offset: (page - 1) * publishedPerPage,
			CountUpTo: maxPages*publishedPerPage + 1}
		pv := publishedView{Q: text, Page: page}
		units, err := p.deps.Accounts.Store.Units(r.Context())
		if err != nil {
			p.logger.ErrorContext(r.Context(), "portal published: units", "error", err)
			v.Error = v.L.T("portal.error.500")
			p.render(w, r, http.StatusInternalServerError, "no-store", "published", v)
			return
		}
		for _, u := range units {
			o := pubOption{Value: u.Code, Label: u.Name, Selected: u.Code == unit}
			if o.Selected {
				f.UnitCode = u.Code
			}
			pv.Units = append(pv.Units, o)
		}
		for _, k := range publishedKinds {
			o := pubOption{Value: string(k), Label: k.Label(), Selected: string(k) == kind}
			if o.Selected {
				f.Kind = k
			}
			pv.Kinds = append(pv.Kinds, o)
		}
		for _, y := range p.deps.Cases.PublicationYears() {
			o := pubOption{Value: y, Label: y, Selected: y == year}
			if o.Selected {
				f.Year, _ = strconv.Atoi(y)
			}
			pv.Years = append(pv.Years, o)
		}
		pv.Filtered = text != "" || f.UnitCode != "" || f.Kind != "" || f.Year != 0
		list, total, err := p.deps.Cases.PublishedList(r.Context(), f, text)
		if err != nil {
			p.logger.ErrorContext(r.Context(), "portal published", "error", err)
			v.Error = v.L.T("portal.error.500")
			p.render(w, r, http.StatusInternalServerError, "no-store", "published", v)
			return
		}
		pv.Total, pv.Pages = total, min((total+publishedPerPage-1)/publishedPerPage, maxPages)
		if pv.More = total > maxPages*publishedPerPage; pv.More {
			pv.Total = maxPages * publishedPerPage
		}
		for _, pub := range list {
			pv.Rows = append(pv.Rows, publishedRow{ID: pub.ID, Label: pub.Kind.Label(), Number: pub.Number, Date: pub.Date,
				Unit: pub.UnitName, Published: uiDate(pub.PublishedAt.In(vietnam)), Pages: pub.Pages})
		}
		link := func(n int) string {
			u := url.Values{}
			for k, val := range map[string]string{"q": text, "unit": f.UnitCode, "kind": string(f.Kind), "year": year} {
				if val != "" && (k != "year" || f.Year != 0) {
					u.Set(k, val)
				}
			}
			u.Set("page", strconv.Itoa(n))
			return portalPrefix + "/cong-khai?" + u.Encode()
		}
		if page > 1 {
			pv.PrevURL = link(page - 1)
		}
		if page < pv.Pages {
			pv.NextURL = link(page + 1)
		}
		v.Data = pv
		p.render(w, r, http.StatusOK, "no-cache", "published", v)
	})
}
