package errs_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"

	"kntc/internal/errs"
)

func TestCodesSurviveWrapping(t *testing.T) {
	illegal := errs.New(errs.Invalid, "quy trình không cho phép (not allowed by the workflow)")
	tests := []struct {
		name      string
		err       error
		code      errs.Code
		msg       string
		is, isNot []error
	}{
		{"nil", nil, "", "", nil, []error{errs.ErrNotFound}},
		{"foreign error", io.ErrUnexpectedEOF, errs.Internal, errs.ErrInternal.Message, []error{io.ErrUnexpectedEOF}, []error{errs.ErrInternal}},
		{"bare sentinel", errs.ErrNotFound, errs.NotFound, "không tìm thấy (not found)", []error{errs.ErrNotFound}, []error{errs.ErrInvalid}},
		{"sentinel wrapped for the log", fmt.Errorf("get case 7: %w", errs.ErrNotFound), errs.NotFound,
			"không tìm thấy (not found)", []error{errs.ErrNotFound}, []error{errs.ErrConflict}},
		{"Errorf", errs.Errorf(errs.Conflict, "mã %s đã có (code %s is taken)", "A", "A"), errs.Conflict,
			"mã A đã có (code A is taken)", []error{errs.ErrConflict}, []error{errs.ErrInvalid, errs.ErrNotFound}},
		{"Errorf wrapped twice", fmt.Errorf("add: %w", fmt.Errorf("unit: %w", errs.Errorf(errs.Forbidden, "vai trò (role)"))), errs.Forbidden,
			"vai trò (role)", []error{errs.ErrForbidden}, []error{errs.ErrUnauthorized}},
		{"Errorf wrapping a cause", errs.Errorf(errs.Invalid, "hỏng (broken): %w", io.ErrUnexpectedEOF), errs.Invalid,
			"hỏng (broken): unexpected EOF", []error{errs.ErrInvalid, io.ErrUnexpectedEOF}, []error{errs.ErrInternal}},
		{"named sentinel", illegal, errs.Invalid, illegal.Message, []error{illegal, errs.ErrInvalid}, []error{errs.ErrConflict}},
		{"instance of a named sentinel", fmt.Errorf("step: %w", illegal.Errorf("hồ sơ đã đóng (closed)")), errs.Invalid,
			"hồ sơ đã đóng (closed)", []error{illegal, errs.ErrInvalid}, []error{errs.ErrConflict}},
		{"a code's instance is not a named sentinel", errs.Errorf(errs.Invalid, "x"), errs.Invalid, "x", []error{errs.ErrInvalid}, []error{illegal}},
		{"joined", errors.Join(io.EOF, errs.Errorf(errs.TooLarge, "tệp quá lớn (too large)")), errs.TooLarge,
			"tệp quá lớn (too large)", []error{errs.ErrTooLarge, io.EOF}, []error{errs.ErrTimeout}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errs.CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %q, want %q", got, tt.code)
			}
			if got := errs.MessageOf(tt.err); got != tt.msg {
				t.Errorf("MessageOf = %q, want %q", got, tt.msg)
			}
			for _, target := range tt.is {
				if !errors.Is(tt.err, target) {
					t.Errorf("errors.Is(%v, %v) = false", tt.err, target)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(tt.err, target) {
					t.Errorf("errors.Is(%v, %v) = true", tt.err, target)
				}
			}
		})
	}
}

func TestErrorsAsFindsTheError(t *testing.T) {
	err := fmt.Errorf("save: %w", errs.Errorf(errs.Conflict, "phiên bản cũ (stale version)"))
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Conflict || e.Message != "phiên bản cũ (stale version)" {
		t.Fatalf("errors.As = %v, %+v", errors.As(err, &e), e)
	}
	if got, want := err.Error(), "save: phiên bản cũ (stale version)"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestProblemsReportsEveryField(t *testing.T) {
	var p errs.Problems
	if p.Err() != nil {
		t.Fatal("no problem recorded, yet Err() is not nil")
	}
	p.Add("name", "cần tên (name is required)")
	p.Addf("year", "năm %d ngoài khoảng (year out of range)", 3000)
	if !p.Check(true, "ok", "never") || p.Check(false, "code", "mã sai (bad code)") {
		t.Fatal("Check did not report ok")
	}
	err := fmt.Errorf("add unit: %w", p.Err())
	want := []errs.Problem{
		{Field: "name", Message: "cần tên (name is required)"},
		{Field: "year", Message: "năm 3000 ngoài khoảng (year out of range)"},
		{Field: "code", Message: "mã sai (bad code)"},
	}
	if got := errs.ProblemsOf(err); !slices.Equal(got, want) {
		t.Fatalf("ProblemsOf = %+v, want %+v", got, want)
	}
	if !errors.Is(err, errs.ErrInvalid) || errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("problems are not Invalid: %v", errs.CodeOf(err))
	}
	if got, want := errs.MessageOf(err), "cần tên (name is required); năm 3000 ngoài khoảng (year out of range); mã sai (bad code)"; got != want {
		t.Fatalf("MessageOf = %q, want %q", got, want)
	}
	p.Add("later", "x") // Err's problems are a copy
	if got := errs.ProblemsOf(err); len(got) != 3 {
		t.Fatalf("problems changed after Err: %+v", got)
	}
	if errs.ProblemsOf(errs.ErrInvalid) != nil || errs.ProblemsOf(nil) != nil {
		t.Fatal("ProblemsOf of an error without problems is not nil")
	}
}

func TestAddErrNestsProblems(t *testing.T) {
	var inner errs.Problems
	inner.Add("cccd", "số CCCD sai (bad id number)")
	inner.Add("", "thiếu tên (no name)")
	var p errs.Problems
	if err := p.AddErr("parties[0]", fmt.Errorf("party: %w", inner.Err())); err != nil {
		t.Fatal(err)
	}
	if err := p.AddErr("due", errs.Errorf(errs.Invalid, "ngày sai (bad date)")); err != nil {
		t.Fatal(err)
	}
	if err := p.AddErr("x", nil); err != nil {
		t.Fatal(err)
	}
	store := fmt.Errorf("db down: %w", io.ErrClosedPipe)
	if err := p.AddErr("y", store); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("AddErr of a foreign error = %v, want it back", err)
	}
	want := []errs.Problem{
		{Field: "parties[0].cccd", Message: "số CCCD sai (bad id number)"},
		{Field: "parties[0]", Message: "thiếu tên (no name)"},
		{Field: "due", Message: "ngày sai (bad date)"},
	}
	if got := errs.ProblemsOf(p.Err()); !slices.Equal(got, want) {
		t.Fatalf("ProblemsOf = %+v, want %+v", got, want)
	}
}
