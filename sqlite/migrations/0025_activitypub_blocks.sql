-- Remote actors and whole domains the newsroom blocked: their deliveries
-- are refused, and blocking removes them from the followers.
CREATE TABLE ap_blocks (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL, -- actor or domain
	value      TEXT NOT NULL, -- an actor's URL, or a host in lower case
	created_at TEXT NOT NULL,
	UNIQUE (kind, value)
);
