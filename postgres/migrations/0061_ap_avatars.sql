-- Remote avatars: the picture a fediverse actor names (icon_url, kept
-- with the actor) is fetched once by the inbox worker, checked by
-- decoding it, made a small PNG and served by the site itself at
-- /fediverse/avatars/{token}, so a reader's page asks no other server.
-- A row with no data remembers a picture that could not be used, so it
-- is not fetched again until it is due.
ALTER TABLE ap_actors ADD COLUMN icon_url TEXT NOT NULL DEFAULT '';

CREATE TABLE ap_avatars (
	actor_id   TEXT PRIMARY KEY,
	token      TEXT NOT NULL UNIQUE,
	icon_url   TEXT NOT NULL DEFAULT '',
	data       BYTEA NOT NULL DEFAULT ''::bytea,
	fetched_at TIMESTAMPTZ NOT NULL
);
