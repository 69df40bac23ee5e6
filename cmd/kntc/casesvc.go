package main

import (
	"log/slog"

	"kntc/auth"
	"kntc/cases"
)

// newCaseService wires the case system on the opened stores. The sealing keys are
// those configured, else DATA/seal.key (cases.LoadSealer); a shared database
// (PostgreSQL) needs a configured key unless that file already holds one. The
// PIN key is the one configured, else DATA/pin.key, made on first use.
func newCaseService(cfg *Config, st *stores, accounts *auth.Service, logger *slog.Logger) (*cases.Service, error) {
	sealer, err := cases.LoadSealer(cases.SealConfig{Key: cfg.SealKey, KeyID: cfg.SealKeyID, OldKeys: cfg.SealOldKeys,
		Path: cfg.sealKeyPath(), Shared: cfg.DatabaseURL != ""}, logger)
	if err != nil {
		return nil, err
	}
	pinKey, err := cases.LoadPINKey(cases.PINKeySource{Value: cfg.PINKey, Path: cfg.pinKeyPath(), Create: true,
		Shared: cfg.DatabaseURL != ""}, logger)
	if err != nil {
		return nil, err
	}
	return &cases.Service{Store: st.db, Docs: st.db, Accounts: accounts, Sealer: sealer, AuditKey: st.db.AuditKey(), PINKey: pinKey,
		SoonDays: cfg.DueSoonDays, WORM: &cases.WORM{Blobs: st.blobs, Years: cfg.RetentionYears},
		Publications: st.db, Blobs: st.blobs}, nil
}
