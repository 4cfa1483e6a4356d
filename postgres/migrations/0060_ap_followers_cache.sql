-- Author pages may show how many fediverse accounts follow the author
-- (federation_follower_counts): a follow, an unfollow, an acceptance or a
-- block drops those pages from every node's cache.
CREATE FUNCTION communique_followers_changed() RETURNS trigger AS $$
BEGIN
	PERFORM communique_bump('followers');
	RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ap_followers_cache AFTER INSERT OR UPDATE OR DELETE ON ap_followers
	FOR EACH STATEMENT EXECUTE FUNCTION communique_followers_changed();
