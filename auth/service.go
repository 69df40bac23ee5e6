package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"kntc/internal/enum"
	"kntc/internal/errs"
)

// Service is the account logic on top of a Store: login, token checks, the first
// administrator. Safe for concurrent use.
type Service struct {
	Store    Store
	TokenTTL time.Duration    // lifetime of login tokens
	Now      func() time.Time // for tests; time.Now when nil
	// SessionIdle ends a browser session unused this long; SessionMax ends any
	// session this long after it began. 0 means DefaultSessionIdle and
	// DefaultSessionMax.
	SessionIdle, SessionMax time.Duration
}

// dummyHash is compared against when the user does not exist, so an unknown
// username costs the same time as a wrong password.
// It is made on first use, not at start-up: every kntc command (even `version`)
// would otherwise pay an argon2id hash.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("kntc-dummy-password-for-timing")
	return h
})

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Login checks a username and password and returns a new bearer token.
// Every kind of refusal is ErrBadCredentials.
func (s *Service) Login(ctx context.Context, username, password string) (string, User, error) {
	u, err := s.checkCredentials(ctx, username, password)
	if err != nil {
		return "", User{}, err
	}
	token, err := s.IssueToken(ctx, u.ID, "login", s.TokenTTL)
	if err != nil {
		return "", User{}, err
	}
	return token, u, nil
}

func (s *Service) checkCredentials(ctx context.Context, username, password string) (User, error) {
	u, err := s.Store.UserByUsername(ctx, strings.ToLower(strings.TrimSpace(username)))
	if errors.Is(err, errs.ErrNotFound) {
		CheckPassword(dummyHash(), password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("login %q: %w", username, err)
	}
	if !CheckPassword(u.PasswordHash, password) || u.Disabled {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// IssueToken creates a bearer token for a user, valid for ttl.
func (s *Service) IssueToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	token := "kntc_" + NewSecret(32)
	now := s.now().UTC()
	err := s.Store.CreateToken(ctx, Token{Hash: HashToken(token), UserID: userID, Name: name, CreatedAt: now, ExpiresAt: now.Add(ttl)})
	if err != nil {
		return "", fmt.Errorf("issue token for user %d: %w", userID, err)
	}
	return token, nil
}

// Authenticate returns the user a bearer token belongs to, or an error wrapping
// errs.ErrNotFound when the token is unknown, expired or its user disabled.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, fmt.Errorf("empty token: %w", errs.ErrNotFound)
	}
	u, err := s.Store.TokenUser(ctx, HashToken(token), s.now().UTC())
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.Disabled {
		return User{}, fmt.Errorf("authenticate: account disabled: %w", errs.ErrNotFound)
	}
	return u, nil
}

// Logout deletes a token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Store.DeleteToken(ctx, HashToken(token))
}

// SetPassword checks and sets user id's password and revokes every token the user
// holds, in one transaction: a password changed because it leaked ends the
// sessions opened with it.
func (s *Service) SetPassword(ctx context.Context, id int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, id, hash); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// AddUnit validates u, checks its parent, and stores it. The root (ParentID 0) must be
// a province and there is only one; every other unit needs an existing parent.
func (s *Service) AddUnit(ctx context.Context, u *Unit) error {
	if err := ValidateUnit(u); err != nil {
		return err
	}
	if u.ParentID == 0 {
		units, err := s.Store.Units(ctx)
		if err != nil {
			return err
		}
		for _, x := range units {
			if x.ParentID == 0 {
				return errs.Errorf(errs.Invalid, "đã có đơn vị gốc %s; đơn vị mới cần đơn vị cấp trên (a root unit exists already; give a parent)", x.Code)
			}
		}
	} else if _, err := s.Store.Unit(ctx, u.ParentID); err != nil {
		return fmt.Errorf("parent unit %d: %w", u.ParentID, err)
	}
	u.CreatedAt = s.now().UTC()
	if err := s.Store.CreateUnit(ctx, u); err != nil {
		if errors.Is(err, errs.ErrConflict) {
			// The store's text is the database's (a UNIQUE constraint): not for users.
			return errs.Errorf(errs.Conflict, "mã đơn vị %s đã có (the unit code %s is taken)", u.Code, u.Code)
		}
		return err
	}
	return nil
}

// RenameUnit validates and sets the name of unit id and returns the unit.
func (s *Service) RenameUnit(ctx context.Context, id int64, name string) (Unit, error) {
	var p errs.Problems
	if fieldUnitName.Check(&p, &name); len(p) > 0 {
		return Unit{}, p.Err()
	}
	if err := s.Store.RenameUnit(ctx, id, name); err != nil {
		return Unit{}, fmt.Errorf("rename unit %d: %w", id, err)
	}
	return s.Store.Unit(ctx, id)
}

// EnsureRoot returns the root of the unit tree, first creating it (a province with
// the given code and name) when the tree has none; created says whether it did.
// serve does it on an empty database, and so do the commands that add units and
// users, so a new data directory needs no special first step.
func (s *Service) EnsureRoot(ctx context.Context, code, name string) (root Unit, created bool, err error) {
	root, err = s.RootUnit(ctx)
	if err == nil {
		return root, false, nil
	}
	if !errors.Is(err, errs.ErrNotFound) {
		return Unit{}, false, fmt.Errorf("root unit: %w", err)
	}
	root = Unit{Code: code, Name: name, Level: LevelProvince}
	if err := s.AddUnit(ctx, &root); err != nil {
		return Unit{}, false, fmt.Errorf("create root unit: %w", err)
	}
	return root, true, nil
}

// AddUser validates the fields, hashes the password and stores the user. A zero
// ScopeUnitID means the user's own unit.
func (s *Service) AddUser(ctx context.Context, u *User, password string) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	var probs errs.Problems
	if p := usernameProblem(u.Username); p != "" {
		probs.Add("username", p)
	}
	fieldFullName.Check(&probs, &u.FullName)
	if !u.Role.Valid() {
		probs.Add("role", enum.Unknown("vai trò", "role", u.Role, Roles))
	}
	if u.ScopeUnitID == 0 {
		u.ScopeUnitID = u.UnitID
	}
	if _, err := s.Store.Unit(ctx, u.UnitID); err != nil {
		probs.Addf("unit", "đơn vị %d không tồn tại (unit does not exist)", u.UnitID)
	}
	if _, err := s.Store.Unit(ctx, u.ScopeUnitID); err != nil {
		probs.Addf("scope", "đơn vị phạm vi %d không tồn tại (scope unit does not exist)", u.ScopeUnitID)
	}
	if p := passwordProblem(password); p != "" {
		probs.Add("password", p)
	}
	if err := probs.Err(); err != nil {
		return fmt.Errorf("add user %q: %w", u.Username, err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	now := s.now().UTC()
	u.CreatedAt, u.UpdatedAt = now, now
	if err := s.Store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, errs.ErrConflict) {
			// The store's text is the database's (a UNIQUE constraint): not for users.
			return errs.Errorf(errs.Conflict, "tên đăng nhập %s đã có (the username %s is taken)", u.Username, u.Username)
		}
		return err
	}
	return nil
}

// UserByRef finds the user ref names: a username, or an ID in digits. Digits are
// tried as an ID first and then as a username (usernames may be all digits).
// An unknown user is an error wrapping errs.ErrNotFound.
func (s *Service) UserByRef(ctx context.Context, ref string) (User, error) {
	ref = strings.ToLower(strings.TrimSpace(ref))
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		u, err := s.Store.User(ctx, id)
		if err == nil || !errors.Is(err, errs.ErrNotFound) {
			return u, err
		}
	}
	if usernameProblem(ref) != "" {
		return User{}, fmt.Errorf("tài khoản %q không tồn tại (no such user): %w", ref, errs.ErrNotFound)
	}
	u, err := s.Store.UserByUsername(ctx, ref)
	if errors.Is(err, errs.ErrNotFound) {
		return User{}, fmt.Errorf("tài khoản %q không tồn tại (no such user): %w", ref, errs.ErrNotFound)
	}
	return u, err
}

// UserPatch is a change to an account; nil fields stay as they are.
type UserPatch struct {
	FullName *string
	Role     *Role
	UnitID   *int64
	// ScopeUnitID nil keeps the scope, except that a user whose scope is their own
	// unit keeps seeing their own unit when they move to another.
	ScopeUnitID *int64
	Disabled    *bool
}

// ChangeUser applies p to user id and returns the user as stored. Disabling a user
// revokes their tokens; a change that would leave no active administrator is
// refused with ErrLastAdministrator (a conflict).
func (s *Service) ChangeUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	u, err := s.Store.User(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("change user %d: %w", id, err)
	}
	var probs errs.Problems
	if p.FullName != nil {
		u.FullName = *p.FullName
		fieldFullName.Check(&probs, &u.FullName)
	}
	if p.Role != nil {
		if !p.Role.Valid() {
			probs.Add("role", fmt.Sprintf("vai trò %q không hợp lệ (role must be one of administrator, clerk, handler, leader, inspector)", *p.Role))
		}
		u.Role = *p.Role
	}
	if p.UnitID != nil {
		if p.ScopeUnitID == nil && u.ScopeUnitID == u.UnitID {
			u.ScopeUnitID = *p.UnitID
		}
		u.UnitID = *p.UnitID
		if _, err := s.Store.Unit(ctx, u.UnitID); err != nil {
			probs.Addf("unit", "đơn vị %d không tồn tại (unit does not exist)", u.UnitID)
		}
	}
	if p.ScopeUnitID != nil {
		u.ScopeUnitID = *p.ScopeUnitID
		if _, err := s.Store.Unit(ctx, u.ScopeUnitID); err != nil {
			probs.Addf("scope", "đơn vị phạm vi %d không tồn tại (scope unit does not exist)", u.ScopeUnitID)
		}
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	if err := probs.Err(); err != nil {
		return User{}, fmt.Errorf("change user %s: %w", u.Username, err)
	}
	if err := s.Store.UpdateUser(ctx, &u); err != nil {
		if errors.Is(err, ErrLastAdministrator) {
			return User{}, fmt.Errorf("%s: %w", u.Username, ErrLastAdministrator)
		}
		return User{}, fmt.Errorf("change user %s: %w", u.Username, err)
	}
	return u, nil
}

// ResetPassword sets user id's password to the one given, or to a generated one
// when it is empty (generated says so: show it once), and revokes every token
// the user holds (SetPassword).
func (s *Service) ResetPassword(ctx context.Context, id int64, password string) (pw string, generated bool, err error) {
	if password == "" {
		password, generated = NewSecret(15), true
	}
	if err := s.SetPassword(ctx, id, password); err != nil {
		return "", false, err
	}
	return password, generated, nil
}

// Bootstrap prepares an empty database: when there is no user at all it creates the
// root unit (when there is none) and the account "admin". The password is the given
// one, or a generated one when empty; generated reports which. When users exist,
// Bootstrap does nothing and returns "", false.
func (s *Service) Bootstrap(ctx context.Context, rootCode, rootName, password string) (pw string, generated bool, err error) {
	n, err := s.Store.CountUsers(ctx)
	if err != nil {
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	if n > 0 {
		return "", false, nil
	}
	root, _, err := s.EnsureRoot(ctx, rootCode, rootName)
	if err != nil {
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	if password == "" {
		password, generated = NewSecret(15), true
	}
	admin := User{Username: "admin", FullName: "Quản trị hệ thống", Role: RoleAdministrator, UnitID: root.ID}
	if err := s.AddUser(ctx, &admin, password); err != nil {
		return "", false, fmt.Errorf("bootstrap admin: %w", err)
	}
	return password, generated, nil
}

// Subtree returns the IDs of unit root and every unit below it.
func Subtree(units []Unit, root int64) []int64 {
	children := make(map[int64][]int64, len(units))
	for _, u := range units {
		children[u.ParentID] = append(children[u.ParentID], u.ID)
	}
	var out []int64
	stack := []int64{root}
	seen := map[int64]bool{}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] {
			continue // a cycle cannot be stored, but never loop on bad data
		}
		seen[id] = true
		out = append(out, id)
		stack = append(stack, children[id]...)
	}
	return out
}

// Scope is what a user may see: every unit (All) or the listed unit codes.
type Scope struct {
	All   bool
	Codes []string
}

// Allows reports whether a document of unit code is within the scope.
func (s Scope) Allows(code string) bool {
	if s.All {
		return true
	}
	for _, c := range s.Codes {
		if c == code {
			return true
		}
	}
	return false
}

// ScopeOf returns the units user u may see: the subtree of u.ScopeUnitID; a user whose
// scope is the root unit sees every unit, including codes not (yet) in the tree.
func (s *Service) ScopeOf(ctx context.Context, u User) (Scope, error) {
	units, err := s.Store.Units(ctx)
	if err != nil {
		return Scope{}, fmt.Errorf("scope of %s: %w", u.Username, err)
	}
	sc, _ := ScopeIn(units, u)
	return sc, nil
}

// ScopeIn is ScopeOf on the unit tree units, with the IDs of the units in the
// scope as well (nil when the scope is every unit).
func ScopeIn(units []Unit, u User) (Scope, []int64) {
	byID := make(map[int64]Unit, len(units))
	for _, x := range units {
		byID[x.ID] = x
	}
	root, ok := byID[u.ScopeUnitID]
	if !ok {
		return Scope{Codes: []string{}}, []int64{}
	}
	if root.ParentID == 0 {
		return Scope{All: true}, nil
	}
	ids := Subtree(units, root.ID)
	sc := Scope{Codes: make([]string, 0, len(ids))}
	for _, id := range ids {
		sc.Codes = append(sc.Codes, byID[id].Code)
	}
	return sc, ids
}

// RootUnit returns the root of the unit tree.
func (s *Service) RootUnit(ctx context.Context) (Unit, error) {
	units, err := s.Store.Units(ctx)
	if err != nil {
		return Unit{}, err
	}
	for _, u := range units {
		if u.ParentID == 0 {
			return u, nil
		}
	}
	return Unit{}, fmt.Errorf("no root unit: %w", errs.ErrNotFound)
}

type actingKey struct{}

// WithActingUser returns ctx carrying the user who makes the account changes done
// with it (a web request's user; auth.User{Username: "cli"} for the command line).
// The store records each change in the audit trail under that user; without one,
// under "system".
func WithActingUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, actingKey{}, u)
}

// ActingUser is the user WithActingUser put in ctx.
func ActingUser(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(actingKey{}).(User)
	return u, ok
}
