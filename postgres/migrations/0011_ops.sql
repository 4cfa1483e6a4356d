-- Rate limits shared by every node: one row per key (an IP, an account)
-- counting the events of its current fixed window. A new window resets
-- the count in the same upsert, so a check is one atomic statement.
CREATE TABLE rate_limits (
	key          TEXT PRIMARY KEY,
	window_start TIMESTAMPTZ NOT NULL,
	count        INTEGER NOT NULL
);
-- Old windows are pruned by age.
CREATE INDEX rate_limits_window ON rate_limits (window_start);
