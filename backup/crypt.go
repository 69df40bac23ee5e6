package backup

import (
	"bufio"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// Every file in a repository is sealed the same way (age's STREAM construction):
//
//	magic "kntcbk1\n" | salt (16 random bytes) | chunk…
//
// The file key is HKDF-SHA256(encryption key, salt, "kntc backup file v1" + binding),
// where the binding names what the file is ("config", "snapshot", "db", "data"), so a
// file moved to another role does not open. The plain text is cut into 64 KiB chunks,
// each sealed with ChaCha20-Poly1305 under a nonce of an 11-byte counter and a byte
// that is 1 on the last chunk only: a file cut short, reordered or extended does not
// open. A fresh random salt per file means a fresh key per file, so the counter nonces
// never repeat under one key.
const (
	magic     = "kntcbk1\n"
	saltSize  = 16
	chunkSize = 64 << 10
	overhead  = chacha20poly1305.Overhead
)

// ErrWrongKey: the repository was made with another backup key.
var ErrWrongKey = errors.New("sai khóa sao lưu (wrong backup key)")

// ErrDamaged: a file of the repository does not decrypt or does not have the
// SHA-256 its manifest records.
var ErrDamaged = errors.New("tệp sao lưu hỏng (damaged backup file)")

// Key is a repository's master key with the keys derived from it.
type Key struct {
	enc []byte // seals files
	id  []byte // names data blobs by the HMAC of their plain SHA-256
	// ID is a fingerprint of the key, recorded in the repository's config so a
	// wrong key is told apart from damage.
	ID string
}

// ParseKey reads a backup key: 32 bytes as 64 hex digits or standard base64.
func ParseKey(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		raw = b
	} else if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		raw = b
	} else {
		return nil, errors.New("khóa sao lưu phải là 32 byte viết bằng 64 chữ số hex hoặc base64 (the backup key must be 32 bytes as 64 hex digits or base64)")
	}
	return NewKey(raw)
}

// NewKey derives the working keys from a 32-byte master key.
func NewKey(master []byte) (*Key, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("backup key: want 32 bytes, got %d", len(master))
	}
	derive := func(info string) []byte {
		k, err := hkdf.Key(sha256.New, master, nil, info, 32)
		if err != nil {
			panic(err) // only for lengths beyond 255*32
		}
		return k
	}
	k := &Key{enc: derive("kntc backup encryption v1"), id: derive("kntc backup blob id v1")}
	m := hmac.New(sha256.New, derive("kntc backup key id v1"))
	m.Write([]byte("kntc backup key id"))
	k.ID = hex.EncodeToString(m.Sum(nil))[:16]
	return k, nil
}

// GenerateKey returns a new random key in hex, for `kntc backup keygen`.
func GenerateKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// blobID names the data blob holding bytes with this plain SHA-256. Keyed, so the
// names in the repository do not tell which documents it holds.
func (k *Key) blobID(sha string) string {
	m := hmac.New(sha256.New, k.id)
	m.Write([]byte("blob\x00" + sha))
	return hex.EncodeToString(m.Sum(nil))
}

func (k *Key) fileAEAD(salt []byte, binding string) (cipher.AEAD, error) {
	fk, err := hkdf.Key(sha256.New, k.enc, salt, "kntc backup file v1\x00"+binding, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	return chacha20poly1305.New(fk)
}

// encrypt copies r to w sealed; it returns the plain size and SHA-256.
func (k *Key) encrypt(w io.Writer, r io.Reader, binding string) (int64, string, error) {
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return 0, "", err
	}
	aead, err := k.fileAEAD(salt, binding)
	if err != nil {
		return 0, "", err
	}
	if _, err := w.Write(append([]byte(magic), salt...)); err != nil {
		return 0, "", err
	}
	h := sha256.New()
	br := bufio.NewReaderSize(r, chunkSize+1)
	buf := make([]byte, chunkSize)
	out := make([]byte, 0, chunkSize+overhead)
	var total int64
	for counter := uint64(0); ; counter++ {
		n, err := io.ReadFull(br, buf)
		if err != nil && err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
			return total, "", err
		}
		last := n < chunkSize
		if !last {
			if _, perr := br.Peek(1); perr == io.EOF {
				last = true
			} else if perr != nil {
				return total, "", perr
			}
		}
		h.Write(buf[:n])
		total += int64(n)
		out = aead.Seal(out[:0], nonce(counter, last), buf[:n], nil)
		if _, err := w.Write(out); err != nil {
			return total, "", err
		}
		if last {
			return total, hex.EncodeToString(h.Sum(nil)), nil
		}
	}
}

func nonce(counter uint64, last bool) []byte {
	n := make([]byte, chacha20poly1305.NonceSize)
	binary.BigEndian.PutUint64(n[3:11], counter)
	if last {
		n[11] = 1
	}
	return n
}

// decryptReader opens a sealed stream; every chunk is authenticated before its bytes
// are returned, and a stream that ends before its last chunk is an error. Errors
// wrap ErrDamaged.
type decryptReader struct {
	r       *bufio.Reader
	aead    cipher.AEAD
	counter uint64
	buf     []byte
	plain   []byte
	done    bool
	err     error
}

func (k *Key) decrypt(r io.Reader, binding string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, chunkSize+overhead+1)
	head := make([]byte, len(magic)+saltSize)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrDamaged, err)
	}
	if string(head[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a kntc backup file", ErrDamaged)
	}
	aead, err := k.fileAEAD(head[len(magic):], binding)
	if err != nil {
		return nil, err
	}
	return &decryptReader{r: br, aead: aead, buf: make([]byte, chunkSize+overhead)}, nil
}

func (d *decryptReader) Read(p []byte) (int, error) {
	for len(d.plain) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.done {
			return 0, io.EOF
		}
		d.err = d.next()
	}
	n := copy(p, d.plain)
	d.plain = d.plain[n:]
	return n, nil
}

func (d *decryptReader) next() error {
	n, err := io.ReadFull(d.r, d.buf)
	if err != nil && err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err // the target failed: not damage
	}
	last := n < len(d.buf)
	if !last {
		if _, perr := d.r.Peek(1); perr == io.EOF {
			last = true
		} else if perr != nil {
			return perr
		}
	}
	if n < overhead {
		return fmt.Errorf("%w: cut short", ErrDamaged)
	}
	plain, oerr := d.aead.Open(d.buf[:0], nonce(d.counter, last), d.buf[:n], nil)
	if oerr != nil {
		return fmt.Errorf("%w: chunk %d does not authenticate", ErrDamaged, d.counter)
	}
	d.counter++
	d.plain, d.done = plain, last
	return nil
}
