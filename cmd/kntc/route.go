package main

import (
	"context"
	"errors"
	"strings"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// hotFolderRoute checks the sub-folders a hot-folder file lies in against the unit
// tree and the cases (ingest.Spool.CheckRoute). UNIT must be a unit's code, in any
// letter case when only one unit's code matches it that way ("stnmt" is STNMT);
// CODE must have the form of a case code (any letter case) and, when its case
// exists, be a case of that unit. A case not opened yet is accepted: letters are
// often scanned before their case is. A refusal wraps errs.ErrInvalid; its text
// is the reason the clerk reads beside the quarantined file.
func hotFolderRoute(db *sqldb.DB) func(ctx context.Context, unit, caseCode string) (string, string, error) {
	return func(ctx context.Context, folder, caseCode string) (string, string, error) {
		u, err := unitOfFolder(ctx, db, folder)
		if err != nil {
			return "", "", err
		}
		if caseCode == "" {
			return u.Code, "", nil
		}
		code := strings.ToUpper(caseCode)
		if !cases.ValidCode(code) {
			return u.Code, "", errs.Errorf(errs.Invalid, "thư mục con '%s' trong thư mục đơn vị %s không phải mã hồ sơ dạng KN-2026-000123; hãy đặt tệp vào đúng thư mục mã hồ sơ hoặc thư mục đơn vị "+
				"(sub-folder '%s' of unit folder %s is not a case code like KN-2026-000123; put the file in its case's folder or in the unit's folder)",
				caseCode, u.Code, caseCode, u.Code)
		}
		c, err := db.CaseByCode(ctx, code)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			return u.Code, code, nil // not opened yet
		case err != nil:
			return "", "", err
		case c.UnitID != u.ID:
			return u.Code, "", errs.Errorf(errs.Invalid, "hồ sơ %s không thuộc đơn vị %s; hãy đặt tệp vào thư mục của đơn vị xử lý hồ sơ (case %s is not a case of unit %s; put the file in the folder of the unit handling the case)",
				code, u.Code, code, u.Code)
		}
		return u.Code, code, nil
	}
}

// unitOfFolder finds the unit a hot-folder sub-folder names: its code exactly, or
// the one unit whose code matches it ignoring letter case.
func unitOfFolder(ctx context.Context, db *sqldb.DB, folder string) (auth.Unit, error) {
	u, err := db.UnitByCode(ctx, folder)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, errs.ErrNotFound) {
		return auth.Unit{}, err
	}
	units, err := db.Units(ctx)
	if err != nil {
		return auth.Unit{}, err
	}
	var found []auth.Unit
	for _, x := range units {
		if strings.EqualFold(x.Code, folder) {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return auth.Unit{}, errs.Errorf(errs.Invalid, "đơn vị '%s' không tồn tại; thư mục con của thư mục nhận phải mang mã một đơn vị (kntc unit list) "+
			"(unit '%s' does not exist; a hot folder's sub-folders are named by unit code, see kntc unit list)", folder, folder)
	}
	return auth.Unit{}, errs.Errorf(errs.Invalid, "thư mục '%s' ứng với nhiều đơn vị khi không phân biệt chữ hoa, chữ thường; hãy viết đúng mã đơn vị "+
		"(folder '%s' matches several unit codes when letter case is ignored; write the unit code exactly)", folder, folder)
}
