-- Leases (issue 15, several machines): a hot folder is watched, and the backups and
-- the scrub are run, by one node at a time. A node holds a lease by writing its id
-- as holder with an expiry in milliseconds since 1970 on the database's clock
-- (the nodes' clocks may differ); it takes or renews a lease only by a
-- compare-and-set on holder, token and expiry. token grows by one each time the
-- lease changes hands (a fencing token for log lines and tests).
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	token      BIGINT NOT NULL,
	expires_ms BIGINT NOT NULL
);
