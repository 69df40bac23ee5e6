// Package auth owns accounts: the tree of units (province → departments and
// districts → communes), users with their role and unit scope, password hashing
// (argon2id) and API tokens. Storage implements Store; cmd/kntc wires it.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"kntc/internal/enum"
	"kntc/internal/errs"
	"kntc/internal/textin"
	"kntc/internal/viet"
)

// Role is what a user does in the system (../shared/DESIGN.md, "Who uses it").
type Role string

// The roles.
const (
	RoleAdministrator Role = "administrator" // quản trị: units, accounts, backups
	RoleClerk         Role = "clerk"         // văn thư, cán bộ tiếp dân: scans, registers petitions
	RoleHandler       Role = "handler"       // chuyên viên xử lý, tổ xác minh: works cases
	RoleLeader        Role = "leader"        // lãnh đạo: assigns, approves, publishes
	RoleInspector     Role = "inspector"     // thanh tra: reads and checks within scope
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdministrator, RoleClerk, RoleHandler, RoleLeader, RoleInspector}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Label is the role's Vietnamese name.
func (r Role) Label() string {
	switch r {
	case RoleAdministrator:
		return "Quản trị"
	case RoleClerk:
		return "Văn thư / cán bộ tiếp dân"
	case RoleHandler:
		return "Chuyên viên xử lý"
	case RoleLeader:
		return "Lãnh đạo"
	case RoleInspector:
		return "Thanh tra"
	}
	return string(r)
}

// Level is a unit's place in the administrative tree.
type Level string

// The levels of the unit tree.
const (
	LevelProvince   Level = "province"   // tỉnh
	LevelDepartment Level = "department" // sở, ban, ngành
	LevelDistrict   Level = "district"   // huyện, thị xã, thành phố
	LevelCommune    Level = "commune"    // xã, phường, thị trấn
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	switch l {
	case LevelProvince, LevelDepartment, LevelDistrict, LevelCommune:
		return true
	}
	return false
}

// Unit is one body in the tree: the province, a department or district under it, a
// commune under a district.
type Unit struct {
	ID        int64
	Code      string // unique, e.g. "UBND-TN", "STNMT"; routes hot-folder sub-folders
	Name      string
	Level     Level
	ParentID  int64 // 0 for the root
	CreatedAt time.Time
}

// User is a staff account.
type User struct {
	ID           int64
	Username     string
	FullName     string
	Role         Role
	UnitID       int64 // the unit the user works in
	ScopeUnitID  int64 // the root of the unit subtree whose cases and documents the user may see
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Token is an API bearer token; only its SHA-256 is stored.
type Token struct {
	Hash      string // hex SHA-256 of the token
	UserID    int64
	Name      string // "login" or a label given by the user
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store keeps units, users and tokens. Missing rows return errors wrapping
// errs.ErrNotFound, duplicate codes or usernames errs.ErrConflict. Safe for
// concurrent use.
type Store interface {
	CreateUnit(ctx context.Context, u *Unit) error
	Unit(ctx context.Context, id int64) (Unit, error)
	UnitByCode(ctx context.Context, code string) (Unit, error)
	// Units returns every unit ordered by ID (parents before children).
	Units(ctx context.Context) ([]Unit, error)
	// RenameUnit sets the name of unit id (its code, which hot folders and the
	// audit trail name it by, stays).
	RenameUnit(ctx context.Context, id int64, name string) error

	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (User, error)
	UserByUsername(ctx context.Context, username string) (User, error)
	Users(ctx context.Context) ([]User, error)
	// UpdateUser writes every field of u (matched by ID) and sets UpdatedAt. In the
	// same transaction it deletes every token and session of a user it disables, and it refuses
	// (ErrLastAdministrator) a change that leaves no active administrator.
	UpdateUser(ctx context.Context, u *User) error
	CountUsers(ctx context.Context) (int, error)

	CreateToken(ctx context.Context, t Token) error
	// TokenUser returns the user of an unexpired token (ErrNotFound otherwise).
	TokenUser(ctx context.Context, hash string, now time.Time) (User, error)
	DeleteToken(ctx context.Context, hash string) error
	// SetPassword replaces user id's password hash and deletes every token and
	// session of the user in the same transaction: whoever held the old password
	// keeps no session.
	SetPassword(ctx context.Context, id int64, hash string) error

	// CreateSession stores a browser session and deletes the user's sessions
	// that expired (ExpiresAt) before it began.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session with this hash and its user, expired or not
	// (the caller judges expiry); ErrNotFound when there is none.
	Session(ctx context.Context, hash string) (Session, User, error)
	// TouchSession sets the session's LastSeenAt; no error when it is gone.
	TouchSession(ctx context.Context, hash string, at time.Time) error
	// DeleteSession removes a session; no error when there is none.
	DeleteSession(ctx context.Context, hash string) error
}

// Argon2id parameters: RFC 9106's second recommendation (64 MiB, 3 passes) would
// let a burst of logins take gigabytes; 19 MiB × 2 passes is OWASP's minimum for
// argon2id and still costs an attacker ~40 ms per guess per core.
var argonParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted for new accounts.
const MinPasswordLength = 10

// HashPassword returns the argon2id PHC string for password.
func HashPassword(password string) (string, error) {
	if p := passwordProblem(password); p != "" {
		var probs errs.Problems
		probs.Add("password", p)
		return "", probs.Err()
	}
	h, err := argon2id.CreateHash(viet.NFC(password), argonParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// passwordProblem refuses passwords with control characters (a NUL, a stray line
// break) and counts the length in characters without the spaces around: ten spaces
// are not a password.
func passwordProblem(password string) string {
	if !utf8.ValidString(password) {
		return "mật khẩu không phải văn bản UTF-8 hợp lệ (password is not valid UTF-8 text)"
	}
	for _, r := range password {
		if textin.Control(r) {
			return "mật khẩu không được chứa ký tự điều khiển (password must not contain control characters)"
		}
	}
	if utf8.RuneCountInString(strings.TrimSpace(viet.NFC(password))) < MinPasswordLength {
		return fmt.Sprintf("mật khẩu phải có ít nhất %d ký tự, không kể khoảng trắng ở hai đầu (password must have at least %d characters besides spaces around them)", MinPasswordLength, MinPasswordLength)
	}
	return ""
}

// The text fields of accounts.
var (
	fieldFullName = textin.Field{Key: "full_name", Name: "họ tên", English: "full name", Max: 200}
	fieldUnitName = textin.Field{Key: "name", Name: "tên đơn vị", English: "unit name", Max: 200, Required: true}
)

// CheckPassword reports whether password matches the argon2id hash.
func CheckPassword(hash, password string) bool {
	ok, err := argon2id.ComparePasswordAndHash(viet.NFC(password), hash)
	return err == nil && ok
}

// NewSecret returns n random bytes, URL-safe base64 without padding.
func NewSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the stored form of a bearer token.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// ValidateUnit checks a unit's own fields (not its parent's existence).
func ValidateUnit(u *Unit) error {
	var probs errs.Problems
	u.Code = strings.TrimSpace(u.Code)
	if !validCode(u.Code) {
		probs.Add("code", "mã đơn vị chỉ gồm chữ cái không dấu, chữ số, '-' và '_', tối đa 32 ký tự (unit code: ASCII letters, digits, - and _, at most 32)")
	}
	fieldUnitName.Check(&probs, &u.Name)
	if !u.Level.Valid() {
		probs.Add("level", enum.Unknown("cấp đơn vị", "level", u.Level, Levels))
	}
	return probs.Err()
}

func validCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ValidateUsername checks the form of a login name: 3–64 of a-z, 0-9, '.', '_', '-'.
func ValidateUsername(name string) error {
	if p := usernameProblem(name); p != "" {
		var probs errs.Problems
		probs.Add("username", p)
		return probs.Err()
	}
	return nil
}

func usernameProblem(name string) string {
	if len(name) < 3 || len(name) > 64 {
		return "tên đăng nhập dài 3–64 ký tự (username must be 3–64 characters)"
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return "tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, '.', '_', '-' (username: lower-case ASCII letters, digits, . _ -)"
		}
	}
	return ""
}

// ErrLastAdministrator refuses disabling or demoting the last active
// administrator: nobody could manage accounts over the API any more.
var ErrLastAdministrator = errs.New(errs.Conflict, "không thể khoá hay đổi vai trò của quản trị viên cuối cùng còn hoạt động (the last active administrator cannot be disabled or demoted)")

// ErrBadCredentials is returned by Login for an unknown user, a wrong password or a
// disabled account alike, so a caller cannot tell which.
var ErrBadCredentials = errs.New(errs.Unauthorized, "tên đăng nhập hoặc mật khẩu không đúng (wrong username or password)")
