package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"kntc/auth"
)

func runUnit(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub := subcommands{
		{"add", "thêm đơn vị (add a unit)", runUnitAdd},
		{"list", "liệt kê đơn vị (list units as a tree)", runUnitList},
	}
	return sub.run(auth.WithActingUser(ctx, cliUser), "kntc unit", "", args, getenv, stdin, stdout, stderr)
}

func runUnitAdd(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("unit add", "", "Adds a unit to the tree: the province (the root, created on first start), its\ndepartments and districts, and the communes of a district.\n\nExample: kntc unit add --code STNMT --name \"Sở Tài nguyên và Môi trường\" --level department --parent TINH", stderr)
	code := fs.String("code", "", "unit code, unique: ASCII letters, digits, - and _ (routes the hot-folder sub-folder of the same name)")
	name := fs.String("name", "", "unit name in Vietnamese")
	level := fs.String("level", "", "province, department, district or commune")
	parent := fs.String("parent", "", "code of the parent unit (empty only for the province)")
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, true, func(svc *auth.Service) error {
		u := auth.Unit{Code: *code, Name: *name, Level: auth.Level(*level)}
		if *parent != "" {
			// A unit under a parent on a new database: the root first, as serve
			// would make it. Without --parent the command makes the root itself.
			if err := ensureRoot(ctx, cfg, svc, stdout); err != nil {
				return err
			}
			p, err := svc.Store.UnitByCode(ctx, *parent)
			if err != nil {
				return fmt.Errorf("đơn vị cấp trên %q không tồn tại (parent unit not found): %w", *parent, err)
			}
			u.ParentID = p.ID
		}
		if err := svc.AddUnit(ctx, &u); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã thêm đơn vị (unit added): %s — %s\n", u.Code, u.Name)
		return nil
	})
}

func runUnitList(ctx context.Context, args []string, getenv func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("unit list", "", "Lists the units as a tree.", stderr)
	cfg, err := parseConfig(fs, getenv, args)
	if err != nil {
		return err
	}
	return withAccounts(ctx, cfg, stderr, false, func(svc *auth.Service) error {
		units, err := svc.Store.Units(ctx)
		if err != nil {
			return err
		}
		byID := map[int64]auth.Unit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "MÃ (CODE)\tTÊN (NAME)\tCẤP (LEVEL)\tID")
		for _, root := range units {
			if root.ParentID != 0 {
				continue
			}
			for _, id := range auth.Subtree(units, root.ID) {
				u := byID[id]
				depth := 0
				for p := u.ParentID; p != 0 && depth < 10; p = byID[p].ParentID {
					depth++
				}
				fmt.Fprintf(tw, "%*s%s\t%s\t%s\t%d\n", depth*2, "", u.Code, u.Name, u.Level, u.ID)
			}
		}
		return tw.Flush()
	})
}
