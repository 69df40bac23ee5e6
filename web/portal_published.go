package web

import (
	"errors"
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
// and year. Not cached by browsers beyond revalidation, and cached by the portal
// only under the generation it checks on every request: a copy taken down leaves
// at once.

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

// handlePublished answers GET /cong-dan/cong-khai. The list without words is
// served from the portal's cache when the portal generation has not changed
// since it was rendered (portal_cache.go).
func (p *portal) handlePublished() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
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
		// The generation first: all read after it is at least as new as it.
		gen, cacheable, err := p.deps.Cases.PortalGeneration(ctx)
		if err != nil {
			p.logger.WarnContext(ctx, "portal published: generation", "error", err)
		}
		units, err := p.publishedUnits(ctx, gen, cacheable)
		if err != nil {
			p.logger.ErrorContext(ctx, "portal published: units", "error", err)
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
		years := p.deps.Cases.PublicationYears()
		for _, y := range years {
			o := pubOption{Value: y, Label: y, Selected: y == year}
			if o.Selected {
				f.Year, _ = strconv.Atoi(y)
			}
			pv.Years = append(pv.Years, o)
		}
		pv.Filtered = text != "" || f.UnitCode != "" || f.Kind != "" || f.Year != 0
		build := func(counted bool, total int) ([]byte, int, error) {
			return p.buildPublished(r, v, pv, f, year, maxPages, counted, total)
		}
		var body []byte
		if cacheable && text == "" {
			fk := publishedFilter{unit: f.UnitCode, kind: f.Kind, year: f.Year}
			pk := publishedPageKey{publishedFilter: fk, page: pv.Page}
			if len(years) > 0 {
				pk.thisYear, _ = strconv.Atoi(years[0])
			}
			body, err = p.published.fill(ctx, gen, pk, func() ([]byte, error) {
				total, counted := p.published.count(gen, fk)
				b, n, err := build(counted, total)
				if err == nil && !counted {
					p.published.putCount(gen, fk, n)
				}
				return b, err
			})
		} else {
			body, _, err = build(false, 0)
		}
		if err != nil {
			p.logger.ErrorContext(ctx, "portal published", "error", err)
			v.Error = v.L.T("portal.error.500")
			p.render(w, r, http.StatusInternalServerError, "no-store", "published", v)
			return
		}
		p.write(w, http.StatusOK, "no-cache", v.L.lang, body)
	})
}

// buildPublished renders the list's page for filter f, of at most maxPages
// pages (its total already counted when counted is set), and returns it with
// the total.
func (p *portal) buildPublished(r *http.Request, v portalView, pv publishedView, f cases.PublicationFilter, year string,
	maxPages int, counted bool, total int) ([]byte, int, error) {
	if counted {
		f.CountUpTo = -1
	}
	list, n, err := p.deps.Cases.PublishedList(r.Context(), f, pv.Q)
	if err != nil {
		return nil, 0, err
	}
	if !counted {
		total = n
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
		for k, val := range map[string]string{"q": pv.Q, "unit": f.UnitCode, "kind": string(f.Kind), "year": year} {
			if val != "" && (k != "year" || f.Year != 0) {
				u.Set(k, val)
			}
		}
		u.Set("page", strconv.Itoa(n))
		return portalPrefix + "/cong-khai?" + u.Encode()
	}
	if pv.Page > 1 {
		pv.PrevURL = link(pv.Page - 1)
	}
	if pv.Page < pv.Pages {
		pv.NextURL = link(pv.Page + 1)
	}
	v.Data = pv
	b, ok := p.renderPage(r, "published", v)
	if !ok {
		return nil, 0, errors.New("render the published list")
	}
	return b, total, nil
}
