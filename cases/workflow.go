package cases

import (
	"slices"
	"time"

	"kntc/auth"
	"kntc/internal/enum"
	"kntc/internal/errs"
)

// Status is where a case is in the workflow of the provincial regulation:
// tiếp nhận → phân loại → xử lý đơn (→ hướng dẫn / chuyển đơn, or →) thụ lý →
// xác minh → đối thoại → kết luận / quyết định → công khai → đóng.
type Status string

// The statuses, in workflow order.
const (
	StatusReceived    Status = "tiep_nhan"  // tiếp nhận
	StatusClassified  Status = "phan_loai"  // phân loại
	StatusScreening   Status = "xu_ly_don"  // xử lý đơn: đủ điều kiện? thuộc thẩm quyền?
	StatusGuided      Status = "huong_dan"  // not for this unit or not admissible: the petitioner is guided
	StatusTransferred Status = "chuyen_don" // sent on to the competent body
	StatusAccepted    Status = "thu_ly"     // thụ lý
	StatusVerifying   Status = "xac_minh"   // xác minh
	StatusDialogue    Status = "doi_thoai"  // đối thoại (complaints)
	StatusDecided     Status = "ket_luan"   // kết luận / quyết định giải quyết
	StatusPublished   Status = "cong_khai"  // công khai
	StatusClosed      Status = "dong"       // đóng hồ sơ
)

// Statuses lists the statuses in workflow order.
var Statuses = []Status{StatusReceived, StatusClassified, StatusScreening, StatusGuided, StatusTransferred,
	StatusAccepted, StatusVerifying, StatusDialogue, StatusDecided, StatusPublished, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Label is the status's Vietnamese name.
func (s Status) Label() string {
	switch s {
	case StatusReceived:
		return "Tiếp nhận"
	case StatusClassified:
		return "Phân loại"
	case StatusScreening:
		return "Xử lý đơn"
	case StatusGuided:
		return "Hướng dẫn"
	case StatusTransferred:
		return "Chuyển đơn"
	case StatusAccepted:
		return "Thụ lý"
	case StatusVerifying:
		return "Xác minh"
	case StatusDialogue:
		return "Đối thoại"
	case StatusDecided:
		return "Kết luận / quyết định"
	case StatusPublished:
		return "Công khai"
	case StatusClosed:
		return "Đóng"
	}
	return string(s)
}

// pending reports whether the case waits for thụ lý (the accept deadline runs).
func (s Status) pending() bool {
	return s == StatusReceived || s == StatusClassified || s == StatusScreening
}

// handling reports whether the resolution deadline runs.
func (s Status) handling() bool {
	return s == StatusAccepted || s == StatusVerifying || s == StatusDialogue
}

// transitions are the moves a user may make, with who may make them.
var transitions = map[Status][]Status{
	StatusReceived:    {StatusClassified},
	StatusClassified:  {StatusScreening},
	StatusScreening:   {StatusAccepted, StatusGuided, StatusTransferred},
	StatusGuided:      {StatusClosed},
	StatusTransferred: {StatusClosed},
	StatusAccepted:    {StatusVerifying, StatusClosed},
	StatusVerifying:   {StatusDialogue, StatusDecided, StatusClosed},
	StatusDialogue:    {StatusDecided, StatusVerifying, StatusClosed},
	StatusDecided:     {StatusPublished, StatusClosed},
	StatusPublished:   {StatusClosed},
}

// Transition is a requested move.
type Transition struct {
	To     Status
	Result Result    // required when moving to StatusDecided; ResultWithdrawn when closing early
	On     time.Time // the date of the step (thụ lý, decision); today when zero
	Note   string
}

// errTransition words a refused move for the clerk.
func errTransition(c Case, to Status, why string) error {
	return ErrIllegal.Errorf("không thể chuyển hồ sơ %s từ %q sang %q: %s", c.Code, c.Status.Label(), to.Label(), why)
}

// CheckTransition reports whether role may move c as t asks, and why not. It does not
// change c.
func CheckTransition(c Case, role auth.Role, t Transition) error {
	if !t.To.Valid() {
		return errTransition(c, t.To, enum.Unknown("trạng thái", "status", t.To, Statuses))
	}
	if !slices.Contains(transitions[c.Status], t.To) {
		return errTransition(c, t.To, "bước này không có trong quy trình (not a step of the workflow)")
	}
	if !t.Result.Valid() {
		return errTransition(c, t.To, enum.Unknown("kết quả", "result", t.Result, Results))
	}
	switch t.To {
	case StatusDialogue:
		if c.Kind == KindDenunciation {
			return errTransition(c, t.To, "tố cáo không có bước đối thoại (denunciations have no dialogue)")
		}
	case StatusDecided:
		if c.Kind == KindComplaint && c.Round == 2 && c.Status == StatusVerifying {
			return errTransition(c, t.To, "khiếu nại lần hai phải đối thoại trước khi giải quyết (a second complaint needs the dialogue first, Luật Khiếu nại 2011 Điều 39)")
		}
		if (c.Kind == KindComplaint || c.Kind == KindDenunciation) && (t.Result == ResultNone || t.Result == ResultWithdrawn) {
			return errTransition(c, t.To, "cần ghi kết quả: đúng, sai hoặc đúng một phần (the result is required)")
		}
	case StatusPublished:
		if (c.Kind == KindComplaint || c.Kind == KindDenunciation) && c.DecisionDocument == "" {
			return errTransition(c, t.To, "chưa có văn bản quyết định / kết luận đã ký được quét vào hồ sơ (the signed decision must be scanned into the case first)")
		}
		if (c.Kind == KindComplaint || c.Kind == KindDenunciation) && c.Result == ResultNone {
			return errTransition(c, t.To, "cần ghi kết quả giải quyết trước khi công khai (record the result before publishing)")
		}
	case StatusClosed:
		switch c.Status {
		case StatusAccepted, StatusVerifying, StatusDialogue:
			if t.Result != ResultWithdrawn {
				return errTransition(c, t.To, "chỉ đóng trước khi kết luận khi người gửi rút đơn (a case closes before its decision only when withdrawn)")
			}
		case StatusDecided:
			if c.Kind == KindComplaint || c.Kind == KindDenunciation {
				return errTransition(c, t.To, "quyết định, kết luận phải được công khai trước khi đóng hồ sơ (the decision must be published first)")
			}
		}
	}
	if !mayMove(role, c.Status, t.To) {
		return errs.Errorf(errs.Forbidden, "vai trò %s không được chuyển hồ sơ sang %q (role %s may not make this step)", role.Label(), t.To.Label(), role)
	}
	return nil
}

// mayMove says who does which step: clerks register and classify, handlers work
// the case up to its decision, leaders also publish and close.
func mayMove(role auth.Role, from, to Status) bool {
	switch role {
	case auth.RoleLeader:
		return true
	case auth.RoleHandler:
		return to != StatusPublished && !(to == StatusClosed && from == StatusDecided || to == StatusClosed && from == StatusPublished)
	case auth.RoleClerk:
		return to == StatusClassified || to == StatusScreening
	}
	return false
}

// Apply makes the move on c (after CheckTransition), setting the dates it implies,
// and recomputes the deadline.
func Apply(c *Case, t Transition, today time.Time) {
	on := Date(t.On)
	if on.IsZero() {
		on = Date(today)
	}
	switch t.To {
	case StatusAccepted:
		c.AcceptedOn = on
	case StatusDecided:
		c.DecidedOn = on
		c.Result = t.Result
	case StatusPublished:
		c.PublishedOn = on
	case StatusClosed:
		c.ClosedOn = on
		if t.Result == ResultWithdrawn {
			c.Result = ResultWithdrawn
		}
	}
	c.Status = t.To
	c.DueOn = DueOn(*c)
}

// NextSteps lists the statuses the workflow goes to from c's status, in the
// workflow's order; CheckTransition says which of them a role may take now.
func NextSteps(c Case) []Status { return slices.Clone(transitions[c.Status]) }
