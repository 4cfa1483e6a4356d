-- Author pages may show how many fediverse accounts follow the author
-- (federation_follower_counts): a follow, an unfollow, an acceptance or a
-- block drops those pages from every node's cache.
CREATE TRIGGER ap_followers_cache_insert AFTER INSERT ON ap_followers BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('followers', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER ap_followers_cache_update AFTER UPDATE ON ap_followers BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('followers', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER ap_followers_cache_delete AFTER DELETE ON ap_followers BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('followers', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
