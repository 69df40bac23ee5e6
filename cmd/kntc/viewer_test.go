package main

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kntc/internal/viet"
	"kntc/ocr/ocrtest"
)

// staffPages signs username in through the staff login page and returns a client
// holding the session, for the server's pages.
func staffPages(t *testing.T, s *server, username, password string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	must(t, err)
	c := &http.Client{Jar: jar}
	code, body := pageGet(t, c, s.url+"/login")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("login page: %d\n%s", code, body)
	}
	res, err := c.PostForm(s.url+"/login", url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}})
	must(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || strings.Contains(string(b), `name="password"`) {
		t.Fatalf("sign in as %s: %d\n%s", username, res.StatusCode, b)
	}
	return c
}

func pageGet(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	must(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err)
	return res.StatusCode, string(b)
}

var (
	hlLayer = regexp.MustCompile(`<svg class="hl-layer" viewBox="0 0 (\d+) (\d+)"`)
	hlRect  = regexp.MustCompile(`<rect class="hl" x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/>`)
	// pdftotext -bbox-layout's page and words.
	layoutPage = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	layoutWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
)

// viewerBoxes opens document id's one page in the viewer with the query q and
// returns the page's size the boxes are drawn in and the boxes marking the hits
// on its image, checking each against the preview image: the preview has the
// page's proportions, and each box, scaled onto it, holds ink (a word's letters).
func viewerBoxes(t *testing.T, s *server, c *http.Client, id, q string) (w, h int, boxes []image.Rectangle) {
	t.Helper()
	code, body := pageGet(t, c, s.url+"/documents/"+id+"?q="+url.QueryEscape(q))
	layer := hlLayer.FindStringSubmatch(body)
	if code != http.StatusOK || layer == nil {
		t.Fatalf("viewer of %s with %q: %d, no boxes on the page image\n%s", id, q, code, body)
	}
	w, _ = strconv.Atoi(layer[1])
	h, _ = strconv.Atoi(layer[2])
	for _, m := range hlRect.FindAllStringSubmatch(body, -1) {
		var v [4]int
		for i := range v {
			v[i], _ = strconv.Atoi(m[i+1])
		}
		boxes = append(boxes, image.Rect(v[0], v[1], v[0]+v[2], v[1]+v[3]))
	}
	res, err := c.Get(s.url + "/documents/" + id + "/pages/1/preview.png")
	must(t, err)
	defer res.Body.Close()
	img, err := png.Decode(res.Body)
	if err != nil {
		t.Fatalf("preview of %s: %d %v", id, res.StatusCode, err)
	}
	pb := img.Bounds()
	if want := pb.Dx() * h / w; math.Abs(float64(pb.Dy()-want)) > 1 {
		t.Errorf("%s: the boxes are drawn on a page of %d×%d, the preview is %d×%d: not the same page", id, w, h, pb.Dx(), pb.Dy())
	}
	scale := float64(pb.Dx()) / float64(w)
	for _, b := range boxes {
		ink := false
		for y := int(float64(b.Min.Y) * scale); y < int(math.Ceil(float64(b.Max.Y)*scale)) && !ink; y++ {
			for x := int(float64(b.Min.X) * scale); x < int(math.Ceil(float64(b.Max.X)*scale)); x++ {
				if color.GrayModel.Convert(img.At(pb.Min.X+x, pb.Min.Y+y)).(color.Gray).Y < 128 {
					ink = true
					break
				}
			}
		}
		if !ink {
			t.Errorf("%s: box %v (page of %d×%d) holds no ink on the preview", id, b, w, h)
		}
	}
	return w, h, boxes
}

// textLayerBoxes returns the boxes of the words of page 1 of document id's
// archive copy, read by pdftotext -bbox-layout apart from kntc, that match q
// without diacritics, scaled from points onto a page of w pixels wide.
func textLayerBoxes(t *testing.T, s *server, token, id, q string, w int) []image.Rectangle {
	t.Helper()
	code, pdf := s.get(t, token, "/api/v1/documents/"+id+"/pdf")
	if code != http.StatusOK {
		t.Fatalf("archive copy of %s: %d", id, code)
	}
	path := filepath.Join(t.TempDir(), "copy.pdf")
	must(t, os.WriteFile(path, pdf, 0o644))
	out, err := exec.Command("pdftotext", "-bbox-layout", "-cropbox", "-f", "1", "-l", "1", "-enc", "UTF-8", path, "-").Output()
	must(t, err)
	pg := layoutPage.FindSubmatch(out)
	if pg == nil {
		t.Fatalf("pdftotext -bbox-layout of %s's copy: no page\n%s", id, out)
	}
	wPt, _ := strconv.ParseFloat(string(pg[1]), 64)
	scale := float64(w) / wPt
	terms := map[string]bool{}
	for _, f := range strings.Fields(viet.FoldWords(q)) {
		terms[f] = true
	}
	var boxes []image.Rectangle
	for _, m := range layoutWord.FindAllSubmatch(out, -1) {
		hit := false
		for _, f := range strings.Fields(viet.FoldWords(string(m[5]))) {
			hit = hit || terms[f]
		}
		if !hit {
			continue
		}
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
		}
		boxes = append(boxes, image.Rect(int(math.Floor(v[0]*scale)), int(math.Floor(v[1]*scale)), int(math.Ceil(v[2]*scale)), int(math.Ceil(v[3]*scale))))
	}
	return boxes
}

// checkTypedBoxes checks that the viewer boxes the hits of q on document id's
// typed page where its archive copy's text layer has those words: one box per
// word, each as wide as the word and within the word's line (shrunk to the
// letters' ink, never beyond the font's height).
func checkTypedBoxes(t *testing.T, s *server, c *http.Client, token, id, q string, want int) {
	t.Helper()
	w, h, got := viewerBoxes(t, s, c, id, q)
	words := textLayerBoxes(t, s, token, id, q, w)
	t.Logf("%q on a typed page of %d×%d: boxes %v, words of the text layer %v", q, w, h, got, words)
	if len(got) != want || len(words) != want {
		t.Fatalf("%s, %q: %d boxes on the page image, %d words in the text layer; want %d\nboxes %v\nwords %v", id, q, len(got), len(words), want, got, words)
	}
	for _, b := range got {
		found := false
		for _, wd := range words {
			found = found || (abs(b.Min.X-wd.Min.X) <= 2 && abs(b.Max.X-wd.Max.X) <= 2 && b.Min.Y >= wd.Min.Y-2 && b.Max.Y <= wd.Max.Y+2 && b.Dy() > 0)
		}
		if !found {
			t.Errorf("%s, %q: box %v is not on a word of the text layer %v", id, q, b, words)
		}
	}
}

func abs(v int) int { return max(v, -v) }

// TestViewerMarksHitsOnTypedPages: a born-digital PDF, whose page carried its
// own text and was never OCRed, and a scan go through a running kntc. Opened in
// the viewer with a query, the typed page has a box over each hit on its image,
// where the archive copy's text layer has the word (read apart by pdftotext) and
// over its ink on the preview; the scan's hits are boxed from its OCR words as
// before, typed without diacritics.
func TestViewerMarksHitsOnTypedPages(t *testing.T) {
	needPoppler(t)
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", dir, "--stable-delay", "1s")
	token := s.login(t)
	ids := storeTypedAndScan(t, s, dir, token)
	c := staffPages(t, s, "lanh.dao.tinh", staffPassword)

	checkTypedBoxes(t, s, c, token, ids["cong-van.pdf"], "chanh thanh tra", 3)
	checkTypedBoxes(t, s, c, token, ids["cong-van.pdf"], "khieu nai", 2)

	// The scan: a box per word OCR read of "QUYẾT ĐỊNH … thụ lý", from its words.
	w, h, boxes := viewerBoxes(t, s, c, ids["quyet-dinh.png"], "quyet dinh thu ly")
	if len(boxes) < 3 {
		t.Errorf("the scan: %d boxes for quyet dinh thu ly, want one a word read (4)", len(boxes))
	}
	t.Logf("the scan, %d×%d: boxes %v", w, h, boxes)
	// Without a query, no boxes on either.
	for _, id := range ids {
		if _, body := pageGet(t, c, s.url+"/documents/"+id); strings.Contains(body, `class="hl"`) {
			t.Errorf("%s: boxes without a query", id)
		}
	}
	if logs := s.stderr.String(); strings.Contains(logs, "words not read") || strings.Contains(logs, "viewer: word boxes") {
		t.Errorf("the server warned about words:\n%s", logs)
	}
}

// storeTypedAndScan drops a born-digital PDF (cong-van.pdf, typed: "Chanh Thanh
// tra tinh", "khieu nai") and a scan (quyet-dinh.png) into the server's hot
// folder and returns their document IDs by file name once both are stored.
func storeTypedAndScan(t *testing.T, s *server, dir, token string) map[string]string {
	t.Helper()
	scan, _ := page(t, "QUYẾT ĐỊNH về việc thụ lý giải quyết khiếu nại lần đầu")
	files := map[string][]byte{
		"cong-van.pdf":   ocrtest.TextPDF("CONG VAN ve viec chuyen don khieu nai", "Kinh gui: Chanh Thanh tra tinh"),
		"quyet-dinh.png": ocrtest.PNG(scan),
	}
	for name, data := range files {
		must(t, os.WriteFile(filepath.Join(dir, "hotfolder", name), data, 0o644))
	}
	ids := map[string]string{}
	for _, d := range s.waitFinished(t, token, len(files), filepath.Join(dir, "hotfolder")) {
		if d.Status != "stored" {
			t.Fatalf("%s: %s %s", d.Filename, d.Status, d.Error)
		}
		ids[d.Filename] = d.ID
	}
	return ids
}
