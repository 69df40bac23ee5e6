package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"kntc/auth"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := subcommands{
		{"add", "thêm tài khoản (add a user)", runUserAdd},
		{"list", "liệt kê tài khoản (list users)", runUserList},
		{"passwd", "đặt lại mật khẩu (set a user's password)", runUserPasswd},
		{"disable", "khoá tài khoản, thu hồi phiên đăng nhập (disable a user, revoking their sessions)", runUserDisable},
		{"enable", "mở lại tài khoản (enable a user again)", runUserEnable},
		{"set-role", "đổi vai trò, đơn vị, phạm vi (change a user's role, unit, scope)", runUserSetRole},
	}
	return sub.run(auth.WithActingUser(ctx, cliUser), "kntc user", "", args, getenv, stdin, stdout, stderr)
}

func runUserAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user add", "", "Adds a staff account. The password is read from standard input with\n--password-stdin, or generated and printed once.\n\nExample: kntc user add --username lan.nguyen --full-name \"Nguyễn Thị Lan\" --role handler --unit STNMT", stderr)
	username := fs.String("username", "", "login name: lower-case ASCII letters, digits, . _ -")
	fullName := fs.String("full-name", "", "full name")
	role := fs.String("role", "", "administrator, clerk, handler, leader or inspector")
	unit := fs.String("unit", "", "code of the unit the user works in")
	scope := fs.String("scope", "", "code of the unit whose subtree the user may see (default: --unit)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	password, generated, err := readPassword(stdin, *pwStdin)
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, true, func(svc *auth.Service) error {
		if err := ensureRoot(ctx, cfg, svc, stdout); err != nil {
			return err
		}
		u := auth.User{Username: *username, FullName: *fullName, Role: auth.Role(*role)}
		var probs errs.Problems
		if x, err := svc.Store.UnitByCode(ctx, *unit); err == nil {
			u.UnitID = x.ID
		} else {
			probs.Addf("unit", "đơn vị %q không tồn tại (unit not found)", *unit)
		}
		if *scope != "" {
			if x, err := svc.Store.UnitByCode(ctx, *scope); err == nil {
				u.ScopeUnitID = x.ID
			} else {
				probs.Addf("scope", "đơn vị phạm vi %q không tồn tại (scope unit not found)", *scope)
			}
		}
		if err := probs.Err(); err != nil {
			return err
		}
		if err := svc.AddUser(ctx, &u, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã thêm tài khoản (user added): %s (%s)\n", u.Username, u.Role.Label())
		if generated {
			fmt.Fprintf(stdout, "Mật khẩu (password): %s\n", password)
		}
		return nil
	})
}

func runUserList(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user list", "", "Lists the staff accounts with their IDs (the API names a user by ID or username).", stderr)
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, false, func(svc *auth.Service) error {
		users, err := svc.Store.Users(ctx)
		if err != nil {
			return err
		}
		units, err := svc.Store.Units(ctx)
		if err != nil {
			return err
		}
		code := map[int64]string{}
		for _, u := range units {
			code[u.ID] = u.Code
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTÊN ĐĂNG NHẬP (USERNAME)\tHỌ TÊN (NAME)\tVAI TRÒ (ROLE)\tĐƠN VỊ (UNIT)\tPHẠM VI (SCOPE)\tTRẠNG THÁI (STATE)")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.FullName, u.Role, code[u.UnitID], code[u.ScopeUnitID], userState(u))
		}
		return tw.Flush()
	})
}

func runUserPasswd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user passwd", "USERNAME", "Sets a user's password: read from standard input with --password-stdin, or\ngenerated and printed once.", stderr)
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "USERNAME")
	if err != nil {
		return err
	}
	password, generated, err := readPassword(stdin, *pwStdin)
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, true, func(svc *auth.Service) error {
		u, err := svc.UserByRef(ctx, pos[0])
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã đặt mật khẩu cho (password set for) %s; mọi phiên đăng nhập cũ đã bị thu hồi (every earlier session revoked)\n", u.Username)
		if generated {
			fmt.Fprintf(stdout, "Mật khẩu (password): %s\n", password)
		}
		return nil
	})
}

func readPassword(stdin io.Reader, fromStdin bool) (password string, generated bool, err error) {
	if !fromStdin {
		return auth.NewSecret(15), true, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func userState(u auth.User) string {
	if u.Disabled {
		return "khoá (disabled)"
	}
	return "hoạt động (active)"
}

func runUserDisable(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runUserSetDisabled(ctx, "disable", true, args, getenv, stdout, stderr)
}

func runUserEnable(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runUserSetDisabled(ctx, "enable", false, args, getenv, stdout, stderr)
}

// runUserSetDisabled is `kntc user disable` and `kntc user enable`.
func runUserSetDisabled(ctx context.Context, name string, disabled bool, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	summary := "Enables a disabled account again; its old sessions stay revoked."
	if disabled {
		summary = "Disables an account: it can no longer log in, and every session it holds is revoked.\nThe last active administrator cannot be disabled."
	}
	fs := newFlagSet("user "+name, "USERNAME", summary, stderr)
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "USERNAME")
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, true, func(svc *auth.Service) error {
		u, err := svc.UserByRef(ctx, pos[0])
		if err != nil {
			return err
		}
		if u, err = svc.ChangeUser(ctx, u.ID, auth.UserPatch{Disabled: &disabled}); err != nil {
			return err
		}
		if disabled {
			fmt.Fprintf(stdout, "Đã khoá tài khoản (user disabled): %s; mọi phiên đăng nhập đã bị thu hồi (every session revoked)\n", u.Username)
		} else {
			fmt.Fprintf(stdout, "Đã mở lại tài khoản (user enabled): %s\n", u.Username)
		}
		return nil
	})
}

func runUserSetRole(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user set-role", "USERNAME ROLE", "Changes a user's role (administrator, clerk, handler, leader or inspector) and, with\nthe flags, their unit and scope. A user whose scope is their unit keeps it so when\nmoved to another unit. The last active administrator cannot be demoted.\n\nExample: kntc user set-role lan.nguyen leader --unit STNMT", stderr)
	unit := fs.String("unit", "", "code of the unit the user moves to (default: stays)")
	scope := fs.String("scope", "", "code of the unit whose subtree the user may see (default: stays)")
	cfg, pos, err := parseConfigArgs(fs, getenv, args, "USERNAME ROLE")
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, true, func(svc *auth.Service) error {
		u, err := svc.UserByRef(ctx, pos[0])
		if err != nil {
			return err
		}
		role := auth.Role(strings.ToLower(strings.TrimSpace(pos[1])))
		p := auth.UserPatch{Role: &role}
		var probs errs.Problems
		if *unit != "" {
			if x, err := svc.Store.UnitByCode(ctx, *unit); err == nil {
				p.UnitID = &x.ID
			} else {
				probs.Addf("unit", "đơn vị %q không tồn tại (unit not found)", *unit)
			}
		}
		if *scope != "" {
			if x, err := svc.Store.UnitByCode(ctx, *scope); err == nil {
				p.ScopeUnitID = &x.ID
			} else {
				probs.Addf("scope", "đơn vị phạm vi %q không tồn tại (scope unit not found)", *scope)
			}
		}
		if err := probs.Err(); err != nil {
			return err
		}
		if u, err = svc.ChangeUser(ctx, u.ID, p); err != nil {
			return err
		}
		units, err := svc.Store.Units(ctx)
		if err != nil {
			return err
		}
		code := map[int64]string{}
		for _, x := range units {
			code[x.ID] = x.Code
		}
		fmt.Fprintf(stdout, "Đã đổi (changed) %s: vai trò (role) %s, đơn vị (unit) %s, phạm vi (scope) %s\n",
			u.Username, u.Role, code[u.UnitID], code[u.ScopeUnitID])
		return nil
	})
}

// ensureRoot makes the root unit (KNTC_ROOT_UNIT_CODE, KNTC_ROOT_UNIT_NAME) on a
// new database, as serve does, so units and users can be added before the first
// start.
func ensureRoot(ctx context.Context, cfg *Config, svc *auth.Service, stdout io.Writer) error {
	root, created, err := svc.EnsureRoot(ctx, cfg.RootUnitCode, cfg.RootUnitName)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "Đã tạo đơn vị gốc (root unit created): %s — %s\n", root.Code, root.Name)
	}
	return nil
}

// withAccounts opens the configured database and runs fn with the account service
// on it. A command that writes migrates the database (creating it when there is
// none); one that only reads refuses a missing or stale one and changes nothing.
func withAccounts(ctx context.Context, cfg *Config, stderr io.Writer, write bool, fn func(*auth.Service) error) error {
	db, _, err := openDatabase(ctx, cfg, write, cfg.Logger(stderr))
	if err != nil {
		return err
	}
	defer func(db *sqldb.DB) { _ = db.Close() }(db)
	return fn(&auth.Service{Store: db, TokenTTL: cfg.TokenTTL})
}

// cliUser is who the audit trail records for changes made on the command line.
var cliUser = auth.User{Username: "cli"}

// parseArgs parses flags anywhere among the arguments ("passwd lan --password-stdin"
// as well as "passwd --password-stdin lan") and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil // after "--" everything is positional
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseConfig declares the configuration flags on fs (after the command's own),
// parses a command line that takes no positional arguments, and validates.
func parseConfig(fs *flag.FlagSet, getenv func(string) string, args []string) (*Config, error) {
	cfg := bindConfig(fs, getenv)
	if err := parseNoArgs(fs, args); err != nil {
		return nil, err
	}
	return cfg, cfg.Validate()
}

// parseConfigArgs is parseConfig for a command that takes exactly the positional
// arguments named by want (e.g. "USERNAME ROLE"): it returns them after the
// configuration is validated.
func parseConfigArgs(fs *flag.FlagSet, getenv func(string) string, args []string, want string) (*Config, []string, error) {
	cfg := bindConfig(fs, getenv)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if n := len(strings.Fields(want)); len(pos) != n {
		fs.Usage()
		return nil, nil, fmt.Errorf("%s cần %s (takes %s), got %d arguments: %w", fs.Name(), want, want, len(pos), errUsage)
	}
	return cfg, pos, cfg.Validate()
}

func parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q: %w", pos, errUsage)
	}
	return nil
}

// subcommands dispatches "kntc serve", "kntc unit add", "kntc user list", ….
type subcommands []command

func (s subcommands) run(ctx context.Context, name, intro string, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := func(w io.Writer) {
		if intro != "" {
			fmt.Fprintf(w, "%s\n\n", intro)
		}
		fmt.Fprintf(w, "Usage: %s COMMAND [flags]\n\nCommands:\n", name)
		for _, c := range s {
			fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(w, "\n`%s COMMAND --help` shows the flags of each command.\n", name)
	}
	if len(args) == 0 {
		usage(stderr)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return nil
	case "-version", "--version", "-v":
		if name == "kntc" {
			fmt.Fprintln(stdout, "kntc", versionString())
			return nil
		}
	}
	for _, c := range s {
		if c.name == args[0] {
			if wantsHelp(args[1:]) {
				stderr = stdout // help asked for is the answer, not an error
			}
			return c.run(ctx, args[1:], getenv, stdin, stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q: %w", name+" "+args[0], errUsage)
}
