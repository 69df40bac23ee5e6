package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

type auditEntryJSON struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Detail   string    `json:"detail"`
	Unit     string    `json:"unit"`
	Version  int       `json:"version"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

type auditListJSON struct {
	Entries []auditEntryJSON `json:"entries"`
}

// handleAudit lists the audit trail: ?object=&user=&after=&limit= (after is the
// last sequence number already read). Only entries of the units in the actor's
// scope are listed; entries of no unit only to a scope of the whole tree.
func handleAudit(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var probs problems
		f := cases.AuditFilter{Object: q.Get("object"), UserID: probs.id("user", q.Get("user"))}
		if s := q.Get("after"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				probs.add("after", "after: số thứ tự từ 0 (a sequence number from 0)")
			}
			f.AfterSeq = n
		}
		limit, err := intParam(q.Get("limit"), 100, 1, 1000)
		if err != nil {
			probs.add("limit", "limit: %v", err)
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
				Action: e.Action, Object: e.Object, Detail: e.Detail, Unit: e.Unit, Version: e.Version,
				PrevHash: e.PrevHash, Hash: e.Hash})
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type auditVerifyJSON struct {
	Entries    int64    `json:"entries"`
	OK         bool     `json:"ok"`
	Error      string   `json:"error"`
	Problems   []string `json:"problems"`
	FirstKeyed int64    `json:"first_keyed"`
	Anchors    int      `json:"anchors"`
	Signed     int      `json:"signed_anchors"`
}

// requireAuditRead refuses an actor who may not read the audit trail. The checks
// and anchors show sequence numbers and hashes, never an entry, so they are not
// limited to the actor's units.
func requireAuditRead(a cases.Actor) error {
	if !cases.Can(a.User.Role, cases.PermAuditRead) {
		return errs.Errorf(errs.Forbidden, "vai trò %s không xem nhật ký (role %s lacks %s)", a.User.Role.Label(), a.User.Role, cases.PermAuditRead)
	}
	return nil
}

// handleAuditVerify walks the whole chain and the anchors in the object store
// (cases.VerifyAuditTrail): how many entries were checked and every problem found
// (200 either way: a break is the answer, not a failure). It shows hashes and
// counts only, no entry, so any audit reader may run it.
func handleAuditVerify(logger *slog.Logger, svc *cases.Service, blobs ingest.BlobStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireAuditRead(currentActor(r.Context())); err != nil {
			respondError(w, r, logger, err)
			return
		}
		rep, err := cases.VerifyAuditTrail(r.Context(), svc.Store, blobs, svc.AuditKey)
		if err != nil {
			respondError(w, r, logger, fmt.Errorf("verify the audit chain: %w", err))
			return
		}
		out := auditVerifyJSON{Entries: rep.Intact, OK: rep.OK(), Problems: rep.Problems, FirstKeyed: rep.FirstKeyed,
			Anchors: rep.Anchors, Signed: rep.Signed}
		if out.Problems == nil {
			out.Problems = []string{}
		}
		if err := rep.Err(); err != nil {
			out.Error = err.Error()
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type auditAnchorJSON struct {
	Object string    `json:"object"`
	Seq    int64     `json:"seq"`
	Hash   string    `json:"hash"`
	At     time.Time `json:"at"`
	KeyID  string    `json:"key_id"`
	MAC    string    `json:"mac"`
}

type auditAnchorsJSON struct {
	Anchors []auditAnchorJSON `json:"anchors"`
	// Damaged are objects under the anchors' names that are not anchors.
	Damaged []string `json:"damaged"`
}

// handleAuditAnchors exports every anchor of the audit chain in the object store,
// for the inspectorate to keep and check the trail against later.
func handleAuditAnchors(logger *slog.Logger, blobs ingest.BlobStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireAuditRead(currentActor(r.Context())); err != nil {
			respondError(w, r, logger, err)
			return
		}
		anchors, damaged, err := cases.ReadAnchors(r.Context(), blobs)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := auditAnchorsJSON{Anchors: make([]auditAnchorJSON, 0, len(anchors)), Damaged: damaged}
		if out.Damaged == nil {
			out.Damaged = []string{}
		}
		for _, a := range anchors {
			out.Anchors = append(out.Anchors, auditAnchorJSON{Object: a.Object, Seq: a.Seq, Hash: a.Hash, At: a.At, KeyID: a.KeyID, MAC: a.MAC})
		}
		writeJSON(w, http.StatusOK, out)
	})
}
