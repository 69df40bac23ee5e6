package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

var update = flag.Bool("update", false, "rewrite web/openapi.json from the route table of openapi_gen_test.go")

// This file describes every route for the OpenAPI document (openapi.json): what
// a route takes and answers is written here once, and the schemas are read from
// the request and response structs themselves (their json tags and Go types), so
// a field added to a struct reaches the document by running
//
//	go test ./web -run TestOpenAPIFileIsGenerated -update
//
// and TestOpenAPIFileIsGenerated fails until it is run.

// apiParam is a query parameter.
type apiParam struct {
	name, desc string
	schema     map[string]any
}

// apiOp is one route.
type apiOp struct {
	method, path string
	tag, summary string
	public       bool // no bearer token needed
	query        []apiParam
	body         any      // the request struct (a zero value), nil when none
	optionalBody bool     // the body may be left out
	required     []string // the body's required fields
	multipart    bool     // POST /documents
	status       int      // the success status
	resp         any      // the success body's struct, nil when none
	respType     string   // a success body that is not JSON (its media type)
	errs         []int    // statuses beyond those computed (409…)
	errBodies    map[int]any
}

func qString(name, desc string) apiParam {
	return apiParam{name, desc, map[string]any{"type": "string"}}
}

func qEnum(name, desc, ref string) apiParam {
	return apiParam{name, desc, refTo(ref)}
}

func qInt(name, desc string, lo, hi, def int) apiParam {
	s := map[string]any{"type": "integer", "minimum": lo}
	if hi > 0 {
		s["maximum"] = hi
	}
	if def > 0 || lo == 0 {
		s["default"] = def
	}
	return apiParam{name, desc, s}
}

func qDate(name, desc string) apiParam {
	return apiParam{name, desc, map[string]any{"type": "string", "format": "date"}}
}

func qBool(name, desc string) apiParam {
	return apiParam{name, desc, map[string]any{"type": "string", "enum": []string{"1", "0", "true", "false"}, "default": "0"}}
}

var (
	qLimit  = qInt("limit", "Trang: số mục tối đa (page size).", 1, 1000, 50)
	qOffset = qInt("offset", "Bỏ qua bao nhiêu mục đầu (items to skip).", 0, 1<<30, 0)
	qUnit   = qString("unit", "Đơn vị, theo id hoặc mã (unit id or code).")
	qHandle = qInt("handler", "Cán bộ xử lý, theo id (handling officer's user id).", 1, 0, 0)
)

// apiOps is every route of routes.go. TestOpenAPIMatchesRouter checks that this
// table and the router agree.
var apiOps = []apiOp{
	{method: "GET", path: "/healthz", tag: "vận hành", summary: "Sẵn sàng phục vụ (readiness: database, free disk)", public: true,
		status: 200, resp: healthJSON{}, errBodies: map[int]any{503: healthJSON{}}},
	{method: "GET", path: "/metrics", tag: "vận hành", summary: "Số đo Prometheus (Prometheus metrics; only with KNTC_METRICS_TOKEN, as its bearer token)",
		public: true, status: 200, respType: "text/plain", errs: []int{401}},
	{method: "GET", path: "/api/v1/openapi.json", tag: "vận hành", summary: "Tài liệu này (this OpenAPI description)", public: true,
		status: 200, respType: "application/json"},
	{method: "GET", path: "/", tag: "vận hành", summary: "Trang chủ của cán bộ: đăng nhập, hoặc trang tổng quan khi đã đăng nhập (the staff pages' home: sign-in, or the dashboard when signed in)", public: true,
		status: 200, respType: "text/html"},
	{method: "GET", path: "/api/v1/holidays", tag: "lịch", summary: "Các ngày nghỉ, nghỉ bù, làm bù của một năm (the marked days of a year)",
		query: []apiParam{qInt("year", "Năm, mặc định năm nay (year; this year when absent).", 1945, 9999, 0)}, status: 200, resp: holidayListJSON{}},
	{method: "PUT", path: "/api/v1/holidays/{date}", tag: "lịch", summary: "Đánh dấu một ngày; chỉ quản trị viên (mark a day; administrators only)",
		body: holidayRequest{}, required: []string{"name"}, status: 200, resp: holidayJSON{}},
	{method: "DELETE", path: "/api/v1/holidays/{date}", tag: "lịch", summary: "Bỏ đánh dấu một ngày; chỉ quản trị viên (unmark a day; administrators only)",
		status: 204},

	{method: "POST", path: "/api/v1/login", tag: "tài khoản", summary: "Đăng nhập, nhận token (log in: a bearer token)", public: true,
		body: loginRequest{}, required: []string{"username", "password"}, status: 200, resp: loginResponse{}, errs: []int{401, 429}},
	{method: "POST", path: "/api/v1/logout", tag: "tài khoản", summary: "Đăng xuất, thu hồi token (log out: revoke the token)", status: 204},
	{method: "GET", path: "/api/v1/me", tag: "tài khoản", summary: "Người dùng hiện tại (the current user)", status: 200, resp: userResponse{}},
	{method: "GET", path: "/api/v1/users", tag: "tài khoản", summary: "Mọi tài khoản; chỉ quản trị viên (every account; administrators only)",
		status: 200, resp: userListJSON{}},
	{method: "POST", path: "/api/v1/users", tag: "tài khoản", summary: "Tạo tài khoản; chỉ quản trị viên (add an account; administrators only)",
		body: userCreateRequest{}, required: []string{"username", "role", "unit", "password"}, status: 201, resp: userJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/users/{user}", tag: "tài khoản", summary: "Một tài khoản, theo id hoặc tên đăng nhập; chỉ quản trị viên (one account, by id or username)",
		status: 200, resp: userJSON{}},
	{method: "PATCH", path: "/api/v1/users/{user}", tag: "tài khoản", summary: "Sửa tài khoản: khóa, vai trò, đơn vị, phạm vi (change an account: disable, role, unit, scope)",
		body: userPatchRequest{}, status: 200, resp: userJSON{}, errs: []int{409}},
	{method: "POST", path: "/api/v1/users/{user}/password", tag: "tài khoản", summary: "Đặt lại mật khẩu, thu hồi mọi phiên (reset the password, revoke every session)",
		body: passwordRequest{}, optionalBody: true, status: 200, resp: passwordJSON{}},
	{method: "GET", path: "/api/v1/units", tag: "tài khoản", summary: "Cây đơn vị; chỉ quản trị viên (the unit tree; administrators only)",
		status: 200, resp: unitListJSON{}},
	{method: "POST", path: "/api/v1/units", tag: "tài khoản", summary: "Thêm đơn vị (add a unit)",
		body: unitCreateRequest{}, required: []string{"code", "name", "level", "parent"}, status: 201, resp: unitJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/units/{unit}", tag: "tài khoản", summary: "Một đơn vị, theo mã hoặc id (one unit, by code or id)",
		status: 200, resp: unitJSON{}},
	{method: "PATCH", path: "/api/v1/units/{unit}", tag: "tài khoản", summary: "Đổi tên đơn vị (rename a unit)",
		body: unitPatchRequest{}, required: []string{"name"}, status: 200, resp: unitJSON{}},

	{method: "GET", path: "/api/v1/documents", tag: "văn bản", summary: "Văn bản trong phạm vi (documents in scope)",
		query: []apiParam{qEnum("status", "Trạng thái xử lý (pipeline status).", "DocumentStatus"), qString("case", "Mã hồ sơ (case code)."),
			qString("unit", "Mã đơn vị (unit code)."), qLimit, qOffset}, status: 200, resp: documentListJSON{}},
	{method: "POST", path: "/api/v1/documents", tag: "văn bản", summary: "Tải lên một tệp vào quy trình số hoá (upload a file into the pipeline)",
		multipart: true, status: 202, resp: uploadResponse{}, errs: []int{408, 413, 503, 507}},
	{method: "GET", path: "/api/v1/documents/{id}", tag: "văn bản", summary: "Một văn bản (a document; the read is recorded)", status: 200, resp: documentJSON{}},
	{method: "PATCH", path: "/api/v1/documents/{id}", tag: "văn bản", summary: "Đánh dấu mật hoặc bỏ dấu mật (mark confidential or not)",
		body: documentPatchRequest{}, required: []string{"confidential"}, status: 200, resp: documentJSON{}},
	{method: "GET", path: "/api/v1/documents/{id}/pdf", tag: "văn bản", summary: "Bản PDF/A (the PDF/A copy, once stored; the download is recorded)",
		status: 200, respType: "application/pdf"},
	{method: "GET", path: "/api/v1/documents/{id}/original", tag: "văn bản", summary: "Tệp gốc (the original bytes; the download is recorded)",
		status: 200, respType: "application/octet-stream"},
	{method: "GET", path: "/api/v1/documents/{id}/text", tag: "văn bản", summary: "Văn bản nhận dạng, các trang cách nhau bởi \\f (OCR text, pages separated by form feeds)",
		status: 200, respType: "text/plain"},
	{method: "POST", path: "/api/v1/documents/{id}/link", tag: "văn bản", summary: "Đưa văn bản vào hồ sơ (file a document into a case)",
		body: linkRequest{}, required: []string{"case"}, status: 200, resp: documentJSON{}, errs: []int{409}},
	{method: "DELETE", path: "/api/v1/documents/{id}/link", tag: "văn bản", summary: "Rút văn bản khỏi hồ sơ (take a document out of its case)",
		status: 200, resp: documentJSON{}, errs: []int{409}},
	{method: "POST", path: "/api/v1/documents/{id}/retract", tag: "văn bản", summary: "Rút bỏ văn bản đưa vào nhầm, cần lý do; lãnh đạo (retract a document put in by mistake: it leaves every list, search answer and case; a reason is required; leaders, administrators by its ID)",
		body: documentRetractRequest{}, required: []string{"reason"}, status: 204},
	{method: "POST", path: "/api/v1/documents/{id}/purge", tag: "văn bản", summary: "Xoá tệp của văn bản đã rút (trừ quyết định đang được lưu giữ không sửa xoá); quản trị viên (purge a retracted document's files, never a write-once decision; administrators)",
		status: 200, resp: purgeJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/retractions", tag: "văn bản", summary: "Văn bản đã rút trong phạm vi, mới nhất trước; lãnh đạo, quản trị viên (retracted documents in scope, newest first; leaders, administrators)",
		query: []apiParam{{"purged", "1: chỉ văn bản đã xoá tệp, 0: chưa xoá (1: purged only, 0: not purged).", map[string]any{"type": "string", "enum": []string{"0", "1"}}},
			qInt("page", "Trang, 50 mỗi trang (page of 50).", 1, 10000, 1)},
		status: 200, resp: retractionListJSON{}},
	{method: "GET", path: "/api/v1/documents/{id}/redaction", tag: "công khai", summary: "Đề xuất vùng che trước khi công khai: số CCCD/CMND, điện thoại, thư điện tử, họ tên và địa chỉ đương sự, mọi thông tin người tố cáo; lãnh đạo (the proposed redaction of a decision before publishing; leaders)",
		status: 200, resp: proposalJSON{}, errs: []int{409}},
	{method: "POST", path: "/api/v1/documents/{id}/publication", tag: "công khai", summary: "Công khai bản đã che: dựng lại từ ảnh trang, kiểm tra rồi đăng lên cổng; lãnh đạo (publish the redacted public copy: rebuilt from the page images, checked, posted; 409 when the check fails, with the reason; leaders)",
		body: publishRequest{}, required: []string{"rects"}, status: 201, resp: publicationJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/publications", tag: "công khai", summary: "Các bản công khai trong phạm vi (publications in scope, newest first; leaders)",
		query: []apiParam{qString("case", "Mã hồ sơ (case code)."), qString("document", "Mã văn bản (document id)."), qBool("live", "1: chỉ bản đang đăng (posted only)."),
			qInt("limit", "Trang: số mục tối đa (page size).", 1, 100, 20), qInt("offset", "Bỏ qua bao nhiêu mục đầu (items to skip).", 0, 100000, 0)},
		status: 200, resp: publicationListJSON{}},
	{method: "GET", path: "/api/v1/publications/{id}", tag: "công khai", summary: "Một bản công khai với các vùng che (one publication with its rectangles; leaders)",
		status: 200, resp: publicationJSON{}},
	{method: "POST", path: "/api/v1/publications/{id}/unpublish", tag: "công khai", summary: "Gỡ bản công khai khỏi cổng ngay; trước 15 ngày cần căn cứ lo_thong_tin hoặc bi_huy (unpublish at once; before 15 days a ground is required; leaders)",
		body: unpublishRequest{}, required: []string{"reason"}, status: 200, resp: publicationJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/search", tag: "văn bản", summary: "Tìm kiếm toàn văn trong phạm vi (full-text search in scope)",
		query: []apiParam{qString("q", "Câu tìm (query text)."), qString("case", "Mã hồ sơ (case code)."), qEnum("kind", "Loại văn bản (document kind).", "DocumentKind"),
			qEnum("sort", "Sắp xếp (order).", "SearchSort"), qDate("from", "Từ ngày văn bản (document date from)."), qDate("to", "Đến ngày (to)."),
			{"fuzzy", "1: tìm gần đúng (fuzzy matching).", map[string]any{"type": "string", "enum": []string{"1"}}},
			qInt("page", "Trang, 20 kết quả mỗi trang (page of 20 hits).", 1, 500, 1)},
		status: 200, resp: searchJSON{}},

	{method: "GET", path: "/api/v1/cases", tag: "hồ sơ", summary: "Hồ sơ trong phạm vi (cases in scope)",
		query: []apiParam{qEnum("status", "Trạng thái (status).", "CaseStatus"), qEnum("kind", "Loại đơn (kind).", "Kind"), qUnit, qHandle,
			qBool("open", "1: chỉ hồ sơ chưa đóng (open cases only)."), qString("q", "Tìm trong mã, trích yếu (text in code, subject)."), qLimit, qOffset},
		status: 200, resp: caseListJSON{}},
	{method: "POST", path: "/api/v1/cases", tag: "hồ sơ", summary: "Mở hồ sơ; mã PIN tra cứu chỉ hiện lần này (open a case; the lookup PIN is shown this once)",
		body: caseCreateRequest{}, required: []string{"kind", "source", "subject"}, status: 201, resp: caseCreatedJSON{}},
	{method: "GET", path: "/api/v1/cases/{code}", tag: "hồ sơ", summary: "Một hồ sơ (a case)", status: 200, resp: caseJSON{}},
	{method: "PATCH", path: "/api/v1/cases/{code}", tag: "hồ sơ", summary: "Sửa hồ sơ; trường vắng giữ nguyên (change a case; absent fields stay)",
		body: casePatchRequest{}, required: []string{"version"}, status: 200, resp: caseJSON{}, errs: []int{409}},
	{method: "POST", path: "/api/v1/cases/{code}/transitions", tag: "hồ sơ", summary: "Chuyển bước quy trình (move the case one step of the workflow)",
		body: transitionRequest{}, required: []string{"to", "version"}, status: 200, resp: caseJSON{}, errs: []int{409}},
	{method: "POST", path: "/api/v1/cases/{code}/extensions", tag: "hồ sơ", summary: "Ghi quyết định gia hạn (record a decision extending the period)",
		body: extensionRequest{}, required: []string{"decision_number", "decision_date", "days"}, status: 200, resp: caseJSON{}, errs: []int{409}},
	{method: "PUT", path: "/api/v1/cases/{code}/outcome", tag: "hồ sơ", summary: "Ghi kết quả giải quyết và thi hành: tiền, đất, người bị xử lý (record the decision's outcome and its enforcement; the report forms sum it)",
		body: outcomeRequest{}, required: []string{"version"}, status: 200, resp: caseJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/cases/{code}/events", tag: "hồ sơ", summary: "Diễn biến hồ sơ, cũ trước (the case's timeline, oldest first)", status: 200, resp: eventListJSON{}},
	{method: "GET", path: "/api/v1/cases/{code}/documents", tag: "hồ sơ", summary: "Văn bản của hồ sơ (the case's documents the user may see)",
		query: []apiParam{qLimit, qOffset}, status: 200, resp: documentListJSON{}},
	{method: "GET", path: "/api/v1/cases/{code}/parties", tag: "hồ sơ", summary: "Đương sự; danh tính được bảo vệ chỉ mở cho người được cấp quyền (parties; a protected identity only with a grant)",
		status: 200, resp: partyListJSON{}},
	{method: "POST", path: "/api/v1/cases/{code}/parties", tag: "hồ sơ", summary: "Thêm đương sự (add a party)",
		body: partyRequest{}, required: []string{"role", "name"}, status: 201, resp: partyJSON{}},
	{method: "PUT", path: "/api/v1/cases/{code}/parties/{id}", tag: "hồ sơ", summary: "Thay thông tin đương sự (replace a party's fields)",
		body: partyRequest{}, required: []string{"role", "name"}, status: 200, resp: partyJSON{}},
	{method: "DELETE", path: "/api/v1/cases/{code}/parties/{id}", tag: "hồ sơ", summary: "Xoá đương sự (remove a party)", status: 204},
	{method: "POST", path: "/api/v1/cases/{code}/grants", tag: "hồ sơ", summary: "Cấp quyền xem danh tính được bảo vệ (grant a user the case's protected identities)",
		body: grantRequest{}, required: []string{"user_id"}, status: 201, resp: grantJSON{}, errs: []int{409}},
	{method: "DELETE", path: "/api/v1/cases/{code}/grants/{user_id}", tag: "hồ sơ", summary: "Thu hồi quyền (revoke a grant)", status: 204},
	{method: "POST", path: "/api/v1/cases/{code}/pin", tag: "hồ sơ", summary: "Cấp mã PIN tra cứu mới (issue a new lookup PIN; the old one stops working)",
		status: 200, resp: pinJSON{}},
	{method: "GET", path: "/api/v1/cases/{code}/cover.pdf", tag: "hồ sơ", summary: "Phiếu bìa có mã QR (a QR cover sheet for scanning into the case)",
		query:  []apiParam{qEnum("kind", "Loại văn bản phiếu bìa nộp kèm (the kind of the documents the sheet files).", "DocumentKind")},
		status: 200, respType: "application/pdf"},
	{method: "GET", path: "/api/v1/deadlines", tag: "hồ sơ", summary: "Hồ sơ quá hạn và sắp đến hạn (overdue and due-soon cases)",
		query: []apiParam{qUnit, qHandle}, status: 200, resp: deadlinesJSON{}},

	{method: "GET", path: "/api/v1/reports/{form}", tag: "thống kê", summary: "Biểu số liệu TT 06/2025/TT-TTCP của đơn vị và đơn vị cấp dưới; lãnh đạo, thanh tra (a statistical form for a unit tree; leaders and inspectors)",
		query: []apiParam{qUnit, qString("period", "Kỳ: 2026-Q1…Q4, 2026-H1, 2026-9M, 2026 (cut-off 15/12 năm trước – 14/…) (the period)."),
			qDate("from", "Từ ngày, thay cho period (from, instead of period)."), qDate("to", "Đến ngày, gồm cả ngày này (to, included)."),
			{"format", "json (mặc định), xlsx hoặc pdf: bảng tính theo mẫu biểu; bản PDF để ký (A4 ngang, kèm biểu đồ) (json, an Excel workbook laid out like the form, or a PDF to sign, A4 landscape, with the charts).", map[string]any{"type": "string", "enum": []string{"json", "xlsx", "pdf"}, "default": "json"}},
			qString("cell", "DÒNG,CỘT: liệt kê hồ sơ, đơn, lượt tiếp mà một số đếm, ví dụ total,5 (ROW,COLUMN: what one number counts).")},
		status: 200, resp: reportJSON{}},
	{method: "GET", path: "/api/v1/reports/{form}/cells/{ms}", tag: "thống kê", summary: "Những hồ sơ, đơn, lượt tiếp mà một số của biểu đếm (what one number of a form counts: case codes, don-ID, tiep-ID; never a person)",
		query: []apiParam{qUnit, qString("period", "Kỳ, như trên (the period)."), qDate("from", "Từ ngày (from)."), qDate("to", "Đến ngày (to)."),
			qString("row", "Mã đơn vị của dòng; vắng: dòng tổng (the row's unit code; the total when absent).")},
		status: 200, resp: reportCellJSON{}},
	{method: "GET", path: "/api/v1/reports/charts/{chart}", tag: "thống kê", summary: "Biểu đồ cho lãnh đạo, ảnh SVG: months (đơn tiếp nhận theo tháng), cases (vụ việc theo loại, trạng thái), overdue (quá hạn theo đơn vị), results (đúng, sai, đúng một phần) (a leaders' chart as SVG)",
		query:  []apiParam{qUnit, qString("period", "Kỳ, như trên (the period)."), qDate("from", "Từ ngày (from)."), qDate("to", "Đến ngày (to).")},
		status: 200, respType: "image/svg+xml"},
	{method: "POST", path: "/api/v1/petitions", tag: "sổ đơn", summary: "Vào sổ một đơn (enter a letter in the register)",
		body: petitionRequest{}, required: []string{"source", "subject"}, status: 201, resp: petitionJSON{}},
	{method: "GET", path: "/api/v1/petitions", tag: "sổ đơn", summary: "Sổ theo dõi đơn trong phạm vi (the register in scope)",
		query:  []apiParam{qEnum("kind", "Phân loại (kind).", "Kind"), qUnit, qBool("unhandled", "1: chỉ đơn chưa xử lý (unhandled letters only)."), qLimit, qOffset},
		status: 200, resp: petitionListJSON{}},
	{method: "GET", path: "/api/v1/petitions/{id}", tag: "sổ đơn", summary: "Một đơn (a letter)", status: 200, resp: petitionJSON{}},
	{method: "PATCH", path: "/api/v1/petitions/{id}", tag: "sổ đơn", summary: "Phân loại, xử lý đơn; trường vắng giữ nguyên (classify and decide a letter; absent fields stay)",
		body: petitionPatchRequest{}, status: 200, resp: petitionJSON{}, errs: []int{409}},
	{method: "POST", path: "/api/v1/petitions/{id}/case", tag: "sổ đơn", summary: "Thụ lý: mở hồ sơ từ đơn; thân rỗng lấy mọi thứ từ đơn; đơn scan và tệp gửi kèm vào hồ sơ (open the case a letter asks for; an empty body takes everything from the letter; its scan and attachments go into the case)",
		body: openCaseRequest{}, optionalBody: true, status: 201, resp: petitionCaseJSON{}, errs: []int{409}},

	{method: "POST", path: "/api/v1/receptions", tag: "tiếp công dân", summary: "Ghi sổ tiếp công dân (record a visit)",
		body: receptionRequest{}, required: []string{"visitors", "content"}, status: 201, resp: receptionJSON{}},
	{method: "GET", path: "/api/v1/receptions", tag: "tiếp công dân", summary: "Sổ tiếp công dân trong phạm vi (the reception log in scope)",
		query:  []apiParam{qUnit, qDate("from", "Từ ngày, giờ Việt Nam (from this day, Vietnam time)."), qDate("to", "Đến hết ngày (to this day, included)."), qLimit, qOffset},
		status: 200, resp: receptionListJSON{}},
	{method: "GET", path: "/api/v1/receptions/{id}", tag: "tiếp công dân", summary: "Một lượt tiếp (a visit)", status: 200, resp: receptionJSON{}},
	{method: "POST", path: "/api/v1/receptions/{id}/case", tag: "tiếp công dân", summary: "Mở hồ sơ từ lượt tiếp; thân rỗng lấy mọi thứ từ lượt tiếp (open a case from a visit; an empty body takes everything from it)",
		body: openCaseRequest{}, optionalBody: true, status: 201, resp: receptionCaseJSON{}, errs: []int{409}},

	{method: "GET", path: "/api/v1/triage", tag: "văn bản", summary: "Văn bản chưa vào hồ sơ, với hồ sơ gợi ý (documents in no case, with suggested cases)",
		query: []apiParam{qLimit, qOffset}, status: 200, resp: triageJSON{}},

	{method: "GET", path: "/api/v1/questions", tag: "cổng công dân", summary: "Câu hỏi của công dân (hỏi – đáp) trong phạm vi và không thuộc đơn vị nào (citizens' questions in scope and of no unit)",
		query: []apiParam{qBool("unanswered", "1: chỉ câu hỏi chưa trả lời (unanswered only)."), qLimit, qOffset}, status: 200, resp: questionListJSON{}},
	{method: "GET", path: "/api/v1/questions/{id}", tag: "cổng công dân", summary: "Một câu hỏi, với thông tin liên hệ của người hỏi (a question, with the asker's contact)", status: 200, resp: questionJSON{}},
	{method: "PUT", path: "/api/v1/questions/{id}/answer", tag: "cổng công dân", summary: "Trả lời câu hỏi; public: đăng lên cổng, 409 khi câu hỏi hoặc câu trả lời nêu danh tính người được bảo vệ (answer a question; public lists it on the portal; 409 when the question or the answer names a protected person)",
		body: answerRequest{}, required: []string{"answer"}, status: 200, resp: questionJSON{}, errs: []int{409}},
	{method: "GET", path: "/api/v1/reception-days", tag: "cổng công dân", summary: "Lịch tiếp công dân của các đơn vị trong phạm vi (the reception schedule in scope)", status: 200, resp: receptionDayListJSON{}},
	{method: "POST", path: "/api/v1/reception-days", tag: "cổng công dân", summary: "Thêm một lịch tiếp: thường xuyên hoặc của lãnh đạo (add a schedule entry)",
		body: receptionDayRequest{}, required: []string{"kind", "hours", "place"}, status: 201, resp: receptionDayJSON{}},
	{method: "PUT", path: "/api/v1/reception-days/{id}", tag: "cổng công dân", summary: "Sửa một lịch tiếp (rewrite a schedule entry)",
		body: receptionDayRequest{}, required: []string{"kind", "hours", "place"}, status: 200, resp: receptionDayJSON{}},
	{method: "DELETE", path: "/api/v1/reception-days/{id}", tag: "cổng công dân", summary: "Xóa một lịch tiếp (delete a schedule entry)", status: 204},
	{method: "GET", path: "/api/v1/petitions/{id}/online", tag: "sổ đơn", summary: "Đơn gửi trực tuyến: mã tra cứu, tố cáo nặc danh, tệp đính kèm (a petition sent online: code, anonymous, attachments)",
		status: 200, resp: onlineJSON{}},

	{method: "GET", path: "/api/v1/audit", tag: "nhật ký", summary: "Nhật ký kiểm tra trong phạm vi (the audit trail in scope)",
		query: []apiParam{qString("object", "Đối tượng, ví dụ case:KN-2026-000001 (object)."), qInt("user", "Người dùng, theo id (user id).", 1, 0, 0),
			qInt("after", "Số thứ tự cuối đã đọc (last sequence number read).", 0, 0, 0), qInt("limit", "Số mục tối đa (page size).", 1, 1000, 100)},
		status: 200, resp: auditListJSON{}},
	{method: "GET", path: "/api/v1/audit/verify", tag: "nhật ký", summary: "Kiểm tra chuỗi nhật ký và các mốc (verify the chain and its anchors)", status: 200, resp: auditVerifyJSON{}},
	{method: "GET", path: "/api/v1/audit/anchors", tag: "nhật ký", summary: "Xuất các mốc của chuỗi nhật ký (export the chain's anchors)", status: 200, resp: auditAnchorsJSON{}},
}

// healthJSON is /healthz's answer (a map in health.go).
type healthJSON struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// enumRef names the schema of a closed set of values, by Go type.
var enumRef = map[reflect.Type]string{
	reflect.TypeFor[cases.Kind]():          "Kind",
	reflect.TypeFor[cases.Source]():        "Source",
	reflect.TypeFor[cases.Status]():        "CaseStatus",
	reflect.TypeFor[cases.Result]():        "Result",
	reflect.TypeFor[cases.PartyRole]():     "PartyRole",
	reflect.TypeFor[cases.Admissibility](): "Admissibility",
	reflect.TypeFor[cases.Competence]():    "Competence",
	reflect.TypeFor[cases.Handling]():      "Handling",
	reflect.TypeFor[auth.Role]():           "Role",
}

// fieldRef gives a plain string field its closed set: "struct.field".
var fieldRef = map[string]string{
	"documentJSON.kind":        "DocumentKind",
	"documentJSON.status":      "DocumentStatus",
	"uploadResponse.status":    "DocumentStatus",
	"linkRequest.kind":         "DocumentKind",
	"receptionJSON.outcome":    "Outcome",
	"receptionRequest.outcome": "Outcome",
	"healthJSON.status":        "HealthStatus",
}

// emptyOK are the fields of a closed set that may also be "" (not decided yet,
// or taken from elsewhere).
var emptyOK = map[string]bool{
	"caseJSON.result": true, "caseCreatedJSON.result": true, "transitionRequest.result": true, "casePatchRequest.result": true,
	"petitionJSON.kind": true, "petitionJSON.admissibility": true, "petitionJSON.competence": true, "petitionJSON.handling": true,
	"petitionRequest.kind": true, "petitionRequest.admissibility": true, "petitionRequest.competence": true, "petitionRequest.handling": true,
	"petitionPatchRequest.admissibility": true, "petitionPatchRequest.competence": true, "petitionPatchRequest.handling": true,
	"receptionJSON.kind": true, "receptionJSON.outcome": true, "receptionRequest.kind": true, "receptionRequest.outcome": true,
	"eventJSON.from": true, "eventJSON.to": true, "documentJSON.kind": true, "linkRequest.kind": true,
	"openCaseRequest.kind": true, "openCaseRequest.source": true,
}

// fieldDesc explains fields whose name does not say enough, by JSON name (or
// "struct.field" for one struct's).
var fieldDesc = map[string]string{
	"version":                 "Phiên bản đã đọc; sửa đổi đồng thời bị từ chối 409 (the version read: a concurrent change is refused 409).",
	"pin":                     "Mã PIN tra cứu của công dân, chỉ hiện một lần (the citizen's lookup PIN, shown this once).",
	"redacted":                "Danh tính được bảo vệ bị ẩn với người dùng này (a protected identity hidden from this user).",
	"secret":                  "Danh tính được bảo vệ: người tố cáo (a protected identity: a denouncer).",
	"confidential":            "Văn bản mật: chỉ người được cấp quyền hồ sơ thấy (only users granted the case see it).",
	"round":                   "Lần giải quyết: 1, hoặc 2 với khiếu nại (1, or 2 for complaints).",
	"complex":                 "Vụ việc phức tạp: thời hạn dài hơn (complex: longer periods).",
	"remote":                  "Vùng sâu, vùng xa: thời hạn dài hơn (remote area: longer periods).",
	"unit_id":                 "Đơn vị, theo id (unit id); vắng: đơn vị của người dùng (absent: the user's unit).",
	"handler_id":              "Cán bộ xử lý, theo id; 0 khi chưa giao (handling officer's user id; 0 while unassigned).",
	"userCreateRequest.unit":  "Mã đơn vị của tài khoản (the account's unit code).",
	"userCreateRequest.scope": "Mã đơn vị phạm vi xem; vắng: đơn vị của tài khoản (the unit code of the scope; absent: the account's unit).",
	"receptionRequest.at":     "Thời điểm tiếp, RFC 3339; vắng: bây giờ (the time of the visit; absent: now).",
	"case":                    "Mã hồ sơ (case code).",
	"duplicate_of":            "Trùng với (a duplicate of).",
	"token":                   "Token dùng trong Authorization: Bearer (the bearer token).",
}

// casePathCode is a case code as written in a path (upper case is not required),
// as an ECMA-262 pattern.
var casePathCode = `^([Kk][Nn]|[Tt][Cc]|[Pp][Aa]|[Nn][Dd])-[0-9]{4}-[0-9]{6}$`

// schemaName is the name of a struct's schema in components.
func schemaName(t reflect.Type) string {
	n := t.Name()
	for _, suf := range []string{"JSON", "Response"} {
		n = strings.TrimSuffix(n, suf)
	}
	if t == reflect.TypeFor[errorResponse]() {
		return "Error"
	}
	r := []rune(n)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func refTo(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// specBuilder collects the schemas met while describing the routes.
type specBuilder struct {
	schemas  map[string]any
	required map[reflect.Type][]string // request structs' required fields
}

// structSchema describes struct t under its name and returns a reference to it.
func (b *specBuilder) structSchema(t reflect.Type) map[string]any {
	name := schemaName(t)
	if _, ok := b.schemas[name]; ok {
		return refTo(name)
	}
	b.schemas[name] = nil // taken: recursive types end here
	props := map[string]any{}
	var always []string
	// personJSON is also taken in requests (a petitioner, visitors): strict as
	// they are, and with no field required of a request.
	request := strings.HasSuffix(t.Name(), "Request") || t == reflect.TypeFor[personJSON]()
	b.fields(t, t.Name(), props, &always, true)
	s := map[string]any{"type": "object", "properties": props}
	if request {
		// decodeJSON refuses a field the struct does not have.
		s["additionalProperties"] = false
		if req := b.required[t]; len(req) > 0 {
			s["required"] = req
		}
	} else if len(always) > 0 {
		// Answers always carry every field but those marked omitempty.
		slices.Sort(always)
		s["required"] = always
	}
	b.schemas[name] = s
	return refTo(name)
}

// fields adds t's fields (an embedded struct's in their place) to props.
func (b *specBuilder) fields(t reflect.Type, owner string, props map[string]any, always *[]string, present bool) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				// A nil embedded pointer leaves its fields out altogether.
				b.fields(et.Elem(), owner, props, always, false)
				continue
			}
			b.fields(et, owner, props, always, present)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		key := owner + "." + name
		var s map[string]any
		switch {
		case fieldRef[key] != "":
			s = refTo(fieldRef[key])
		default:
			s = b.typeSchema(f.Type)
		}
		if emptyOK[key] {
			s = map[string]any{"anyOf": []any{s, map[string]any{"type": "string", "const": ""}}}
		}
		if strings.HasSuffix(name, "_on") || name == "decision_date" {
			s = map[string]any{"type": "string", "format": "date", "description": "YYYY-MM-DD"}
			if !strings.HasSuffix(owner, "Request") {
				s["description"] = "YYYY-MM-DD; rỗng khi chưa có (empty until set)"
			}
		}
		if d := fieldDesc[key]; d != "" {
			s = withDesc(s, d)
		} else if d := fieldDesc[name]; d != "" {
			s = withDesc(s, d)
		}
		props[name] = s
		if present && !strings.Contains(opts, "omitempty") {
			*always = append(*always, name)
		}
	}
}

// withDesc adds a description to a schema (next to a $ref too: 3.1 allows it).
func withDesc(s map[string]any, d string) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	if prev, ok := out["description"].(string); ok && prev != "" {
		d = prev + " " + d
	}
	out["description"] = d
	return out
}

// typeSchema describes a Go type.
func (b *specBuilder) typeSchema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if name, ok := enumRef[t]; ok {
		return refTo(name)
	}
	if t == reflect.TypeFor[time.Time]() {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": b.typeSchema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": b.typeSchema(t.Elem())}
	case reflect.Struct:
		return b.structSchema(t)
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

// enumSchema is a closed set with its values' labels.
func enumSchema[T ~string](desc string, values []T, label func(T) string) map[string]any {
	s := map[string]any{"type": "string", "enum": values}
	if label != nil {
		var parts []string
		for _, v := range values {
			parts = append(parts, string(v)+": "+label(v))
		}
		desc += " " + strings.Join(parts, "; ") + "."
	}
	s["description"] = desc
	return s
}

// errorResponses are the refusals, each with the error body.
var errorResponses = map[int][2]string{
	401: {"Unauthorized", "Cần đăng nhập, hoặc sai tên/mật khẩu (authentication required, or bad credentials). WWW-Authenticate: Bearer."},
	403: {"Forbidden", "Vai trò không được làm việc này; thông báo nêu vai trò (the role may not do this; the message names it)."},
	404: {"NotFound", "Không tìm thấy, hoặc ngoài phạm vi đơn vị của người dùng (not found, or outside the user's unit scope)."},
	408: {"Timeout", "Gửi dữ liệu quá chậm (the body was sent too slowly)."},
	409: {"Conflict", "Xung đột: đã bị sửa đồng thời (phiên bản cũ) hoặc đã tồn tại (changed concurrently — a stale version — or already exists)."},
	413: {"TooLarge", "Dữ liệu quá lớn (the body is too large)."},
	422: {"Invalid", "Yêu cầu không hợp lệ; thông báo nêu mọi vấn đề: trường lạ, sai kiểu, giá trị ngoài danh sách kèm các giá trị cho phép (the request is invalid; the message names every problem: an unknown field, a wrong type, a value outside a closed set with the values allowed)."},
	429: {"TooManyRequests", "Đăng nhập sai quá nhiều lần; xem Retry-After (too many failed logins; see Retry-After)."},
	503: {"Busy", "Máy chủ đang nhận quá nhiều yêu cầu có thân hoặc tệp tải lên; thử lại sau Retry-After (too many requests with bodies or uploads in progress; retry after Retry-After)."},
	507: {"DiskFull", "Máy chủ hết dung lượng đĩa (the server's disk is full)."},
}

var pathParamRe = regexp.MustCompile(`\{([a-z_]+)\}`)

// buildOpenAPI makes the whole document.
func buildOpenAPI() map[string]any {
	b := &specBuilder{schemas: map[string]any{}, required: map[reflect.Type][]string{}}
	for _, op := range apiOps {
		if op.body != nil && len(op.required) > 0 {
			t := reflect.TypeOf(op.body)
			if prev, ok := b.required[t]; ok && !slices.Equal(prev, op.required) {
				panic(fmt.Sprintf("openapi: %s required differently by two routes", t))
			}
			b.required[t] = op.required
		}
	}
	b.schemas["Kind"] = enumSchema("Loại đơn (kind of case).", cases.Kinds, cases.Kind.Label)
	b.schemas["Source"] = enumSchema("Nguồn đơn: trực tiếp, bưu chính, chuyển đến, trực tuyến (how the petition arrived).", cases.Sources, nil)
	b.schemas["CaseStatus"] = enumSchema("Trạng thái hồ sơ, theo thứ tự quy trình (case status, in workflow order).", cases.Statuses, cases.Status.Label)
	b.schemas["Result"] = enumSchema("Kết quả giải quyết (result).", cases.Results, func(r cases.Result) string { return r.Label(cases.KindComplaint) })
	b.schemas["PartyRole"] = enumSchema("Vai trò đương sự: người khiếu nại/tố cáo/kiến nghị, người bị khiếu nại/tố cáo, người đại diện, người có quyền lợi liên quan (party role).", cases.PartyRoles, nil)
	b.schemas["Admissibility"] = enumSchema("Đủ điều kiện xử lý hay không (admissibility).", cases.Admissibilities, nil)
	b.schemas["Competence"] = enumSchema("Thuộc thẩm quyền hay không (competence).", cases.Competences, nil)
	b.schemas["Handling"] = enumSchema("Hướng xử lý đơn: thụ lý, hướng dẫn, chuyển đơn, lưu đơn (handling).", cases.Handlings, nil)
	b.schemas["Outcome"] = enumSchema("Kết quả tiếp công dân (outcome of a visit).", cases.Outcomes, nil)
	b.schemas["Role"] = enumSchema("Vai trò người dùng (user role).", auth.Roles, auth.Role.Label)
	b.schemas["DocumentKind"] = enumSchema("Loại văn bản (document kind).", ingest.Kinds(), nil)
	b.schemas["DocumentStatus"] = enumSchema("Trạng thái xử lý văn bản (pipeline status).", documentStatuses, nil)
	b.schemas["SearchSort"] = enumSchema("Sắp xếp kết quả; mặc định relevance (order; relevance by default).", searchSorts, nil)
	b.schemas["HealthStatus"] = enumSchema("ok hoặc unavailable.", []string{"ok", "unavailable"}, nil)
	b.typeSchema(reflect.TypeFor[errorResponse]())

	responses := map[string]any{}
	for _, r := range errorResponses {
		responses[r[0]] = map[string]any{"description": r[1],
			"content": map[string]any{"application/json": map[string]any{"schema": refTo("Error")}}}
	}

	paths := map[string]any{}
	for _, op := range apiOps {
		o := map[string]any{"summary": op.summary, "tags": []string{op.tag},
			"operationId": strings.ToLower(op.method) + operationName(op.path)}
		if op.public {
			o["security"] = []any{}
		}
		if op.path == "/metrics" {
			o["security"] = []any{map[string]any{"metricsToken": []string{}}}
		}
		var params []any
		for _, m := range pathParamRe.FindAllStringSubmatch(op.path, -1) {
			s := map[string]any{"type": "integer", "format": "int64", "minimum": 1}
			switch {
			case m[1] == "code":
				s = map[string]any{"type": "string", "pattern": casePathCode}
			case strings.HasPrefix(op.path, "/api/v1/documents/"):
				s = map[string]any{"type": "string"}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": s})
		}
		for _, q := range op.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": q.schema})
		}
		if params != nil {
			o["parameters"] = params
		}
		errs := slices.Clone(op.errs)
		if !op.public {
			errs = append(errs, 401, 403)
		}
		if len(op.query) > 0 || op.body != nil || op.multipart {
			errs = append(errs, 422)
		}
		if strings.Contains(op.path, "{") {
			errs = append(errs, 404)
		}
		switch {
		case op.body != nil:
			// A JSON body is read up to 1 MiB: a longer one is cut, and so
			// malformed (422), never 413.
			errs = append(errs, 408, 503)
			content := map[string]any{"application/json": map[string]any{"schema": b.typeSchema(reflect.TypeOf(op.body))}}
			o["requestBody"] = map[string]any{"required": !op.optionalBody, "content": content}
		case op.multipart:
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": map[string]any{"type": "object", "required": []string{"file"}, "properties": map[string]any{
					"file": map[string]any{"type": "string", "format": "binary", "description": "Một tệp (one file)."},
					"case": map[string]any{"type": "string", "description": "Mã hồ sơ để đưa vào (a case code to file it into)."},
				}}}}}
		}
		resps := map[string]any{}
		ok := map[string]any{"description": okDescription(op.status)}
		switch {
		case op.resp != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": b.typeSchema(reflect.TypeOf(op.resp))}}
		case op.respType != "":
			ok["content"] = map[string]any{op.respType: map[string]any{"schema": map[string]any{"type": "string",
				"format": map[bool]string{true: "binary", false: "text"}[op.respType != "text/plain" && op.respType != "application/json"]}}}
		}
		resps[fmt.Sprint(op.status)] = ok
		for code, v := range op.errBodies {
			resps[fmt.Sprint(code)] = map[string]any{"description": "Chưa sẵn sàng (not ready); error nói vì sao (says why).",
				"content": map[string]any{"application/json": map[string]any{"schema": b.typeSchema(reflect.TypeOf(v))}}}
		}
		slices.Sort(errs)
		for _, code := range slices.Compact(errs) {
			if _, done := resps[fmt.Sprint(code)]; !done {
				resps[fmt.Sprint(code)] = map[string]any{"$ref": "#/components/responses/" + errorResponses[code][0]}
			}
		}
		o["responses"] = resps
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = o
	}

	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "kntc API",
			"version": "1",
			"description": "API JSON của hệ thống quản lý hồ sơ khiếu nại, tố cáo (the JSON API of kntc). " +
				"Đăng nhập bằng POST /api/v1/login, gửi token trong Authorization: Bearer (log in, then send the token as a bearer token). " +
				"Thân yêu cầu là JSON tối đa 1 MiB; trường không có trong lược đồ bị từ chối 422 (request bodies are JSON of at most 1 MiB; " +
				"a field the schema does not have is refused 422). Mọi lỗi có thân {\"error\": \"…\"}, tiếng Việt kèm tiếng Anh trong ngoặc " +
				"(every error has the body {\"error\": \"…\"}, Vietnamese with English in brackets). " +
				"Sinh ra từ web/openapi_gen_test.go (generated): đừng sửa tay (do not edit by hand).",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearer": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas":   b.schemas,
			"responses": responses,
			"securitySchemes": map[string]any{
				"bearer":       map[string]any{"type": "http", "scheme": "bearer", "description": "Token từ POST /api/v1/login (a token from POST /api/v1/login)."},
				"metricsToken": map[string]any{"type": "http", "scheme": "bearer", "description": "KNTC_METRICS_TOKEN."},
			},
		},
	}
}

func okDescription(status int) string {
	switch status {
	case 201:
		return "Đã tạo (created)."
	case 202:
		return "Đã nhận, đang xử lý (accepted into the pipeline)."
	case 204:
		return "Xong (done)."
	}
	return "Thành công (success)."
}

// operationName makes a path into the rest of an operationId: /api/v1/cases/{code}/parties → CasesCodeParties.
func operationName(path string) string {
	path = strings.TrimPrefix(path, "/api/v1")
	var out strings.Builder
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '.' || r == '_' }) {
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		out.WriteString(string(r))
	}
	return out.String()
}

// marshalOpenAPI is the document as committed: indented, keys sorted, NFC.
func marshalOpenAPI(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(buildOpenAPI()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOpenAPIFileIsGenerated: openapi.json is what the route table and the
// structs say today (a new field, route or document kind fails it until
// -update is run).
func TestOpenAPIFileIsGenerated(t *testing.T) {
	want := marshalOpenAPI(t)
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote openapi.json (%d bytes)", len(want))
	}
	got, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("openapi.json is out of date with the route table or the structs: run go test ./web -run TestOpenAPIFileIsGenerated -update")
	}
	if !bytes.Equal(openAPISpec, want) && !*update {
		t.Errorf("the embedded document differs from the generated one")
	}
}
