package ocrtest_test

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"kntc/ocr/ocrtest"
)

const sentences = "Biên bản làm việc với ông Trần Văn Bảy về nội dung đơn khiếu nại đề ngày 12 tháng 3 năm 2026.\n" +
	"Hai bên đã trao đổi về việc thu hồi đất, bồi thường và hỗ trợ tái định cư tại ấp Long Hải, xã Trường Tây.\n" +
	"Ông Bảy giữ nguyên nội dung khiếu nại và đề nghị cơ quan có thẩm quyền xem xét lại diện tích đất bị thu hồi."

func mustRender(tb testing.TB) *image.Gray {
	tb.Helper()
	img, _, err := ocrtest.Render(sentences, ocrtest.Options{HeightMM: 60, WidthMM: 120})
	if err != nil {
		tb.Skipf("no font to render with: %v", err)
	}
	return img
}

func TestVariantsSizeAndDeterminism(t *testing.T) {
	page := mustRender(t)
	w, h := page.Bounds().Dx(), page.Bounds().Dy()
	want := map[string]struct{ w, h, dpi int }{
		"clean":       {w, h, 300},
		"speckled":    {w, h, 300},
		"photocopy":   {w, h, 300},
		"upside-down": {w, h, 300},
		"rotated-90":  {h, w, 300},
		"200dpi":      {w * 2 / 3, h * 2 / 3, 200},
		"600dpi-seal": {w * 2, h * 2, 600},
	}
	vs := ocrtest.Variants()
	if len(vs) != len(want) {
		t.Fatalf("%d variants, want %d", len(vs), len(want))
	}
	before := bytes.Clone(page.Pix)
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			wt, ok := want[v.Name]
			if !ok {
				t.Fatalf("unexpected variant %q", v.Name)
			}
			img, dpi := v.Make(page, 7)
			if b := img.Bounds(); b.Dx() != wt.w || b.Dy() != wt.h || dpi != wt.dpi {
				t.Fatalf("%dx%d at %d dpi, want %dx%d at %d", b.Dx(), b.Dy(), dpi, wt.w, wt.h, wt.dpi)
			}
			again, _ := v.Make(page, 7)
			if !bytes.Equal(pix(img), pix(again)) {
				t.Fatal("the same seed gave two different images")
			}
			if !bytes.Equal(page.Pix, before) {
				t.Fatal("the page was modified")
			}
		})
	}
}

func TestVariantsSeeded(t *testing.T) {
	page := mustRender(t)
	for _, mk := range []func(*image.Gray, int64) (image.Image, int){ocrtest.Speckled, ocrtest.Photocopy, ocrtest.Seal600} {
		a, _ := mk(page, 1)
		b, _ := mk(page, 2)
		if bytes.Equal(pix(a), pix(b)) {
			t.Error("two seeds gave the same image")
		}
	}
}

func TestCleanIsBilevel(t *testing.T) {
	img, _ := ocrtest.Clean(mustRender(t), 0)
	for _, v := range pix(img) {
		if v != 0 && v != 255 {
			t.Fatalf("grey level %d in a bilevel page", v)
		}
	}
}

func TestUpsideDownTwiceIsOriginal(t *testing.T) {
	page := mustRender(t)
	once, _ := ocrtest.UpsideDown(page, 0)
	if bytes.Equal(pix(once), page.Pix) {
		t.Fatal("turning the page did not change it")
	}
	twice, _ := ocrtest.UpsideDown(once.(*image.Gray), 0)
	if !bytes.Equal(pix(twice), page.Pix) {
		t.Fatal("upside down of upside down is not the original")
	}
}

// TestSealIsRedAndInkStaysDark checks the multiply blend: the seal shows red on the
// paper, and solid ink stays dark even where the seal covers it.
func TestSealIsRedAndInkStaysDark(t *testing.T) {
	page := mustRender(t)
	img, _ := ocrtest.Seal600(page, 3)
	rgba, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("%T, want *image.RGBA", img)
	}
	red := func(c color.RGBA) bool { return c.R > 150 && int(c.R)-int(c.G) > 80 && int(c.R)-int(c.B) > 80 }
	// solidInk: the 300 dpi pixel and its eight neighbours are black.
	solidInk := func(x, y int) bool {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if page.GrayAt(x+dx, y+dy).Y > 20 || !image.Pt(x+dx, y+dy).In(page.Bounds()) {
					return false
				}
			}
		}
		return true
	}
	b := rgba.Bounds()
	var redPixels, inkUnderSeal int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba.RGBAAt(x, y)
			if red(c) {
				redPixels++
			}
			if !solidInk(x/2, y/2) {
				continue
			}
			if max(c.R, c.G, c.B) > 70 {
				t.Fatalf("ink at (%d,%d) turned %v under the seal", x, y, c)
			}
			if red(rgba.RGBAAt(x+4, y)) || red(rgba.RGBAAt(x-4, y)) {
				inkUnderSeal++
			}
		}
	}
	if redPixels < b.Dx()*b.Dy()/100 {
		t.Errorf("only %d red pixels: no seal", redPixels)
	}
	if inkUnderSeal == 0 {
		t.Error("the seal covers no text")
	}
	t.Logf("%d red pixels, %d ink pixels beside seal ink", redPixels, inkUnderSeal)
}

// pix returns the pixels of a Gray or RGBA image (the variants' types) row by row.
func pix(img image.Image) []byte {
	switch m := img.(type) {
	case *image.Gray:
		return m.Pix
	case *image.RGBA:
		return m.Pix
	}
	b := img.Bounds()
	var out []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out = append(out, color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	return out
}
