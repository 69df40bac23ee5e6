package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"kntc/cases"
)

type auditEntryJSON struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

type auditListJSON struct {
	Entries []auditEntryJSON `json:"entries"`
}

// handleAudit lists the audit trail: ?object=&user=&after=&limit= (after is the
// last sequence number already read).
func handleAudit(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var probs problems
		f := cases.AuditFilter{Object: q.Get("object"), UserID: probs.id("user", q.Get("user"))}
		if s := q.Get("after"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				probs.add("after: số thứ tự từ 0 (a sequence number from 0)")
			}
			f.AfterSeq = n
		}
		limit, err := intParam(q.Get("limit"), 100, 1, 1000)
		if err != nil {
			probs.add("limit: %v", err)
		}
		f.Limit = limit
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		entries, err := svc.AuditEntries(r.Context(), currentActor(r.Context()), f)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := auditListJSON{Entries: make([]auditEntryJSON, 0, len(entries))}
		for _, e := range entries {
			out.Entries = append(out.Entries, auditEntryJSON{Seq: e.Seq, At: e.At, UserID: e.UserID, Username: e.Username,
				Action: e.Action, Object: e.Object, Detail: e.Detail, PrevHash: e.PrevHash, Hash: e.Hash})
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type auditVerifyJSON struct {
	Entries int64  `json:"entries"`
	OK      bool   `json:"ok"`
	Error   string `json:"error"`
}

// handleAuditVerify walks the whole hash chain: how many entries were checked and
// the first break, if any (200 either way: a break is the answer, not a failure).
func handleAuditVerify(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := currentActor(r.Context())
		// Service.VerifyAudit takes no actor: the permission is checked here.
		if !cases.Can(a.User.Role, cases.PermAuditRead) {
			respondError(w, r, logger, fmt.Errorf("vai trò %s không xem nhật ký (role %s lacks %s): %w", a.User.Role.Label(), a.User.Role, cases.PermAuditRead, cases.ErrForbidden))
			return
		}
		// Service.VerifyAudit does the same walk but returns a break and a database
		// failure alike; only a break is the answer, a failure is a 500.
		var v cases.ChainVerifier
		var broken error
		err := svc.Store.WalkAudit(r.Context(), func(e cases.AuditEntry) error {
			broken = v.Next(e)
			return broken
		})
		if err != nil && broken == nil {
			respondError(w, r, logger, fmt.Errorf("verify the audit chain: %w", err))
			return
		}
		out := auditVerifyJSON{Entries: v.Count, OK: broken == nil}
		if broken != nil {
			out.Error = broken.Error()
		}
		writeJSON(w, http.StatusOK, out)
	})
}
