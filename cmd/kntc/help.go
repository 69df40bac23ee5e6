package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
)

// A command's --help lists the command's own flags, then the settings it uses:
// where the data is for every command, the pipeline's for the commands that
// process documents, all of them for serve. Every setting is still accepted by
// every command (one Config, the same KNTC_* variables), only not listed.

// settingGroups says which group each configuration flag is listed under.
var settingGroups = map[string]string{
	"data-dir": "data", "database-url": "data", "audit-key": "data", "pin-key": "data", "root-unit-code": "data", "root-unit-name": "data",
	"s3-endpoint": "store", "s3-bucket": "store", "s3-access-key": "store", "s3-secret-key": "store", "s3-region": "store",
	"s3-use-ssl": "store", "s3-object-lock": "store", "retention-years": "store", "seal-key": "store", "seal-key-id": "store", "seal-old-keys": "store",
	"log-format": "log", "log-level": "log",
	"backup-key": "backup", "backup-to": "backup", "backup-s3-access-key": "backup", "backup-s3-secret-key": "backup",
	"backup-s3-use-ssl": "backup", "backup-schedule": "backup", "backup-keep": "backup", "scrub-days": "backup",
	"hotfolders": "pipeline", "hotfolder-poll": "pipeline", "stable-delay": "pipeline", "rescan-interval": "pipeline",
	"ocr-workers": "pipeline", "ocr-lang": "pipeline", "page-timeout": "pipeline", "max-attempts": "pipeline",
	"max-file-size": "pipeline", "max-pages": "pipeline", "max-pixels": "pipeline", "decode-memory": "pipeline",
}

// groupTitles name the groups in help, in the order they are printed; "server"
// is every flag not named in settingGroups.
var groupTitles = []struct{ group, title string }{
	{"data", "Dữ liệu (where the data is)"},
	{"store", "Kho đối tượng và khóa niêm phong (object store, sealing keys)"},
	{"pipeline", "Xử lý tài liệu (document processing)"},
	{"backup", "Sao lưu (backups)"},
	{"server", "Máy chủ (the server)"},
	{"log", "Nhật ký (logging)"},
}

// commandGroups are the groups each command lists (serve: every group).
var commandGroups = map[string][]string{
	"serve":         {"data", "store", "pipeline", "backup", "server", "log"},
	"backup":        {"data", "store", "backup", "log"},
	"backup verify": {"data", "backup", "log"},
	"backup list":   {"data", "backup", "log"},
	"backup keygen": {"data"},
	"restore":       {"data", "store", "backup", "log"},
	"ingest":        {"data", "store", "pipeline", "log"},
	"search":        {"data", "log"},
	"reindex":       {"data", "store", "log"},
	"verify":        {"data", "store", "log"},
	"audit":         {"data", "store", "log"},
	"report":        {"data", "log"},
}

// commandHelpVI is each command's summary in Vietnamese, printed above the
// English one.
var commandHelpVI = map[string]string{
	"serve":              "Chạy kntc: máy chủ web với API, theo dõi thư mục nhận và nhận dạng chữ (OCR). Khi khởi động, cơ sở dữ liệu được nâng cấp; cơ sở dữ liệu do phiên bản kntc mới hơn tạo thì bị từ chối.",
	"ingest":             "Đưa tệp, hoặc mọi tệp trong thư mục, vào kntc qua cùng quy trình với thư mục nhận; tệp được sao chép, không bị chuyển đi.",
	"search":             "Tìm kiếm toàn văn trong chỉ mục (có dấu hoặc không dấu, \"cụm từ\", tiền tố*), khi máy chủ đã dừng.",
	"reindex":            "Lập lại chỉ mục tìm kiếm từ cơ sở dữ liệu; với --check chỉ báo tài liệu thiếu, cũ hoặc thừa. Hãy dừng kntc serve trước. Với --typed-words thì đọc chữ các trang đánh máy đã lưu mà chưa có (kntc serve tự làm sau khi nâng cấp); không cần dừng kntc serve.",
	"verify":             "Kiểm tra nhật ký kiểm toán (chuỗi băm có khóa và các bản neo); với --objects kiểm tra lại mã SHA-256 của mọi bản gốc. Trả mã 1 khi có hư hại.",
	"audit anchors":      "In mọi bản neo của nhật ký kiểm toán, mỗi dòng một bản, để cơ quan thanh tra lưu giữ.",
	"audit anchor":       "Ghi ngay một bản neo có ký của đầu chuỗi nhật ký.",
	"unit add":           "Thêm một đơn vị vào cây đơn vị (tỉnh, sở, huyện, xã).",
	"unit list":          "Liệt kê các đơn vị dạng cây.",
	"user add":           "Thêm tài khoản cán bộ; mật khẩu đọc từ đầu vào chuẩn với --password-stdin, hoặc được tạo và in ra một lần.",
	"user list":          "Liệt kê các tài khoản cán bộ.",
	"user passwd":        "Đặt mật khẩu của một tài khoản và thu hồi mọi phiên đăng nhập của tài khoản đó.",
	"user disable":       "Khóa một tài khoản: không đăng nhập được nữa, mọi phiên bị thu hồi; không khóa được quản trị viên cuối cùng.",
	"user enable":        "Mở lại một tài khoản đã khóa.",
	"user set-role":      "Đổi vai trò, và với các tùy chọn, đơn vị và phạm vi của một tài khoản.",
	"version":            "In phiên bản.",
	"backup":             "Sao lưu kntc vào kho ở --to (thư mục, ổ mạng hoặc bucket S3 trên máy khác): ảnh chụp nhất quán của cơ sở dữ liệu và mọi đối tượng, chỉ chép nội dung kho còn thiếu, kèm bảng kê mã SHA-256, tất cả được mã hóa bằng khóa sao lưu trước khi rời máy chủ. Bản sao lưu hỏng giữa chừng không ảnh hưởng các bản trước.",
	"backup verify":      "Đọc lại toàn bộ một bản sao lưu: giải mã, so mã SHA-256 từng tệp, nạp thử cơ sở dữ liệu; nêu tên mọi tệp hỏng, trả mã 1 khi có hư hại.",
	"backup list":        "Liệt kê các bản sao lưu trong kho, cũ nhất trước.",
	"backup keygen":      "In một khóa sao lưu ngẫu nhiên mới; hãy cất riêng, xa thư mục dữ liệu và khóa niêm phong.",
	"restore":            "Khôi phục một bản sao lưu vào thư mục dữ liệu trống hoặc PostgreSQL và bucket trống; từ chối nơi đã có dữ liệu. Tệp hỏng hoặc sai khóa thì dừng, nêu tên tệp và không để lại gì. Sau đó lập lại chỉ mục, kiểm tra nhật ký kiểm toán và in tóm tắt.",
	"holiday list":       "Liệt kê các ngày được đánh dấu trong năm: ngày nghỉ lễ, nghỉ bù, ngày làm bù.",
	"holiday add":        "Đánh dấu một ngày là ngày nghỉ (lễ, nghỉ bù), hoặc với --working là ngày làm bù; thời hạn tính theo ngày làm việc được tính lại.",
	"holiday remove":     "Bỏ đánh dấu một ngày.",
	"document retract":   "Rút bỏ một tài liệu đưa vào nhầm (tệp sai, đơn của công dân khác): tài liệu rời mọi danh sách, kết quả tìm kiếm, hồ sơ và cổng thông tin; cần nêu lý do.",
	"document purge":     "Xoá các tệp của một tài liệu đã rút (bản gốc, bản lưu trữ, kết quả nhận dạng, ảnh xem trước) và xoá trắng nội dung văn bản của nó; không bao giờ xoá quyết định đang trong thời hạn lưu giữ không sửa xoá.",
	"document retracted": "Liệt kê các tài liệu đã rút, mới nhất trước, và cho biết đã xoá tệp hay chưa.",
	"report":             "Lập một biểu số liệu của Thông tư 06/2025/TT-TTCP (01-TCD, 02-XLD, 03-GQKN, 04-GQTC, 05-KQTH, 06-QLKNTC) cho đơn vị và các đơn vị cấp dưới, mỗi đơn vị một dòng và dòng tổng; kỳ báo cáo tính từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ. Cột kntc chưa có dữ liệu để trống và ghi lý do; các quy tắc kiểm tra không đạt được liệt kê. Với --xlsx ghi thêm tệp Excel theo mẫu biểu; với --pdf ghi bản PDF để ký (A4 ngang, phông chữ nhúng), các biểu đồ ở trang sau.",
}

// printUsage writes a command's help: usage line, summary in Vietnamese and
// English, its own flags, then the settings of its groups, each as --name.
func printUsage(w io.Writer, fs *flag.FlagSet, name, argsUsage, summary string) {
	fmt.Fprintf(w, "Usage: kntc %s [flags] %s\n\n", name, argsUsage)
	if vi := commandHelpVI[name]; vi != "" {
		fmt.Fprintf(w, "%s\n\n", vi)
	}
	fmt.Fprintf(w, "%s\n", summary)
	settings := map[string]bool{}
	for _, v := range configVars(&Config{}) {
		settings[v.flag] = true
	}
	var own []*flag.Flag
	byGroup := map[string][]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) {
		if !settings[f.Name] {
			own = append(own, f)
			return
		}
		g := settingGroups[f.Name]
		if g == "" {
			g = "server"
		}
		byGroup[g] = append(byGroup[g], f)
	})
	if len(own) > 0 {
		fmt.Fprintf(w, "\nTùy chọn (flags):\n")
		for _, f := range own {
			printFlag(w, f)
		}
	}
	groups := commandGroups[strings.Fields(name)[0]]
	if groups == nil {
		groups = []string{"data", "log"}
	}
	for _, g := range groupTitles {
		if !slices.Contains(groups, g.group) || len(byGroup[g.group]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, f := range byGroup[g.group] {
			printFlag(w, f)
		}
	}
	if !slices.Equal(groups, commandGroups["serve"]) {
		fmt.Fprintf(w, "\nCác thiết lập khác của máy chủ: kntc serve --help (the server's other settings are accepted too).\n")
	}
}

// printFlag writes one flag as "--name TYPE" and its help, with its default.
func printFlag(w io.Writer, f *flag.Flag) {
	kind, usage := flag.UnquoteUsage(f)
	line := "  --" + f.Name
	if kind != "" {
		line += " " + kind
	}
	fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		fmt.Fprintf(w, " (mặc định default %s)", f.DefValue)
	}
	fmt.Fprintln(w)
}

// wantsHelp reports whether a command line asks for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// versionString is the version set by the build, or the one Go recorded from
// version control when built from a checkout (the commit, its time, and
// "+dirty" for a modified tree).
func versionString() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	var rev, at string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			return info.Main.Version
		}
		return version + " (" + info.GoVersion + ")"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	out := "dev-" + rev
	if at != "" {
		out += " " + at
	}
	if dirty {
		out += " +dirty"
	}
	return out + " (" + info.GoVersion + ")"
}
