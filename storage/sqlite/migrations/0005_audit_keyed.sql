-- The keyed, unit-scoped audit trail (issue 19).
--
-- hash_version says which hash chains an entry: 1, the unkeyed SHA-256 that anyone
-- who may write this database could recompute (every entry made before this
-- migration); 2, HMAC-SHA256 under the audit key, which the database never holds
-- (cases.ChainMAC). Once an entry is keyed, every later one must be: the verifier
-- refuses an unkeyed entry after a keyed one.
--
-- unit is the code of the unit an entry concerns (a case's handling unit, a
-- document's routing unit…), covered by the version 2 hash: audit readers see only
-- the entries of the units in their scope, and entries of no unit only when their
-- scope is the whole tree. The entries made before stay without a unit.
--
-- Adding columns with constant defaults rewrites no row, so the append-only
-- triggers of migration 3 stay as they are and are not fired.
ALTER TABLE audit_log ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN unit TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_unit ON audit_log (unit, seq);
