# Shared by deploy/run.sh and deploy/test.sh: idempotent installation of what kntc
# needs on Debian. Sourced, not run.

# as_root runs a command as root (directly when we are root, else through sudo).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_go puts Go on PATH when it is installed in the usual place but not on PATH.
ensure_go() {
	if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
		export PATH="/usr/local/go/bin:$PATH"
	fi
	command -v go >/dev/null 2>&1 || { echo "kntc: Go is required (https://go.dev/doc/install)" >&2; exit 1; }
}

_apt_updated=
# apt_install installs the Debian packages that are not installed yet; nothing when
# all are there (no apt-get update either).
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "kntc: installing ${missing[*]}" >&2
	# apt's progress and debconf's notes go to a log, shown only if it fails.
	local log
	log=$(mktemp)
	if [ -z "$_apt_updated" ]; then
		if ! as_root apt-get update -qq >"$log" 2>&1; then
			cat "$log" >&2; rm -f "$log"; return 1
		fi
		_apt_updated=1
	fi
	if ! as_root env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq -o Dpkg::Use-Pty=0 \
		--no-install-recommends "${missing[@]}" >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"; return 1
	fi
	rm -f "$log"
}

# What building and running kntc needs: a C toolchain for cgo (Tesseract through
# gosseract, the race detector), Tesseract with the Vietnamese and orientation models,
# poppler (rendering PDF pages, reading their text), Ghostscript (PDF/A copies of
# born-digital PDFs; run as a separate program, never linked), LibreOffice without
# its desktop (office files to PDF/A, run headless as a separate program) and fonts
# with every Vietnamese letter (QR cover sheets are drawn with them, office files
# are set in them).
KNTC_RUNTIME_PACKAGES=(ca-certificates gcc g++ libc6-dev pkg-config
	tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd libtesseract-dev libleptonica-dev
	poppler-utils ghostscript libreoffice-writer-nogui libreoffice-calc-nogui
	fonts-dejavu-core fonts-liberation2)
