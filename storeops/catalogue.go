package storeops

// Kind is what a column holds, whatever the database calls it: SQLite
// takes any value in any column, so the catalogue says how to read it.
type Kind uint8

// The kinds of column.
const (
	Int Kind = iota + 1
	Text
	Time
	Bool
	Float
	Bytes
)

// Column is a column of a table.
type Column struct {
	Name string
	Kind Kind
	// Ref is the table the column refers to, "" when none.
	Ref string
}

// Table is a table of the store as backups, restores, migrations and
// their checks see it.
type Table struct {
	Name string
	// Key is the primary key, in order: rows are read, hashed and
	// written in this order.
	Key []string
	// Identity is the column whose generated values must continue after
	// the highest copied one; "" when none.
	Identity string
	Columns  []Column
	// Local says why each store keeps its own rows of the table, which
	// are then neither carried nor compared; "" for the site's content.
	Local string
}

// Tables is the catalogue: every table of both schemas (search indexes
// and values the database derives left out), listed so that each comes
// after the tables it refers to, settings first (PostgreSQL's search
// trigger reads the language from it as articles arrive). A migration
// that adds a table or a column adds it here too; TestCatalogue fails
// until it does.
var Tables = []Table{
	{Name: "settings", Key: []string{"key"}, Columns: []Column{
		{"key", Text, ""},
		{"value", Text, ""},
	}},
	{Name: "cache_tags", Local: "page cache ledger, rebuilt by the target's triggers", Key: []string{"tag"}, Columns: []Column{
		{"tag", Text, ""},
		{"version", Int, ""},
		{"updated_at", Time, ""},
	}},
	{Name: "comment_drafts", Local: "refused comments kept an hour for their writers", Key: []string{"id"}, Columns: []Column{
		{"id", Text, ""},
		{"owner_key", Text, ""},
		{"article_id", Int, ""},
		{"data", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "login_failures", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"login", Text, ""},
		{"ip", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "media_blobs", Key: []string{"key"}, Columns: []Column{
		{"key", Text, ""},
		{"data", Bytes, ""},
		{"created_at", Time, ""},
	}},
	{Name: "menus", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"name", Text, ""},
		{"slug", Text, ""},
		{"location", Text, ""},
	}},
	{Name: "analytics_hours", Key: []string{"day", "hour", "path"}, Columns: []Column{
		{"day", Text, ""},
		{"hour", Int, ""},
		{"path", Text, ""},
		{"kind", Text, ""},
		{"article_id", Int, ""},
		{"views", Int, ""},
		{"visitors", Int, ""},
		{"entries", Int, ""},
	}},
	{Name: "analytics_days", Key: []string{"day", "path"}, Columns: []Column{
		{"day", Text, ""},
		{"path", Text, ""},
		{"kind", Text, ""},
		{"article_id", Int, ""},
		{"views", Int, ""},
		{"visitors", Int, ""},
		{"entries", Int, ""},
	}},
	{Name: "analytics_months", Key: []string{"month", "path"}, Columns: []Column{
		{"month", Text, ""},
		{"path", Text, ""},
		{"kind", Text, ""},
		{"article_id", Int, ""},
		{"views", Int, ""},
		{"visitors", Int, ""},
		{"entries", Int, ""},
	}},
	{Name: "analytics_dims", Key: []string{"day", "article_id", "dim", "value"}, Columns: []Column{
		{"day", Text, ""},
		{"article_id", Int, ""},
		{"dim", Text, ""},
		{"value", Text, ""},
		{"count", Int, ""},
	}},
	{Name: "analytics_minutes", Local: "the last hour's realtime counter", Key: []string{"minute"}, Columns: []Column{
		{"minute", Text, ""},
		{"views", Int, ""},
	}},
	{Name: "analytics_salts", Local: "today's salt: a copy would let visitors be followed into another store", Key: []string{"day"}, Columns: []Column{
		{"day", Text, ""},
		{"salt", Text, ""},
	}},
	{Name: "analytics_seen", Local: "today's visitor hashes, meaningless without the salt", Key: []string{"day", "scope", "hash"}, Columns: []Column{
		{"day", Text, ""},
		{"scope", Text, ""},
		{"hash", Text, ""},
	}},
	{Name: "rate_limits", Key: []string{"key"}, Columns: []Column{
		{"key", Text, ""},
		{"window_start", Time, ""},
		{"count", Int, ""},
	}},
	{Name: "redirects", Key: []string{"path"}, Columns: []Column{
		{"path", Text, ""},
		{"kind", Text, ""},
		{"target_id", Int, ""},
	}},
	{Name: "schema_migrations", Local: "the target's own migrations", Key: []string{"version"}, Columns: []Column{
		{"version", Int, ""},
		{"name", Text, ""},
	}},
	{Name: "spam_tokens", Key: []string{"token"}, Columns: []Column{
		{"token", Text, ""},
		{"spam", Int, ""},
		{"ham", Int, ""},
	}},
	{Name: "subscribers", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"email", Text, ""},
		{"confirm_nonce", Text, ""},
		{"confirm_sent_at", Time, ""},
		{"manage_nonce", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "terms", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"taxonomy", Text, ""},
		{"name", Text, ""},
		{"slug", Text, ""},
		{"parent_id", Int, "terms"},
		{"description", Text, ""},
		{"article_count", Int, ""},
	}},
	{Name: "users", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"login", Text, ""},
		{"slug", Text, ""},
		{"display_name", Text, ""},
		{"email", Text, ""},
		{"role", Text, ""},
		{"password_hash", Text, ""},
		{"created_at", Time, ""},
		{"bio", Text, ""},
		{"photo_id", Int, ""}, // media id, 0 for none
		{"language", Text, ""},
	}},
	{Name: "webhooks", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"url", Text, ""},
		{"secret", Text, ""},
		{"events", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "wp_ids", Key: []string{"kind", "wp_id", "source"}, Columns: []Column{
		{"source", Text, ""},
		{"kind", Text, ""},
		{"wp_id", Int, ""},
		{"local_id", Int, ""},
	}},
	{Name: "app_passwords", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"user_id", Int, "users"},
		{"name", Text, ""},
		{"hash", Text, ""},
		{"created_at", Time, ""},
		{"last_used_at", Time, ""},
		{"last_ip", Text, ""},
	}},
	{Name: "media", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"key", Text, ""},
		{"filename", Text, ""},
		{"mime_type", Text, ""},
		{"width", Int, ""},
		{"height", Int, ""},
		{"size", Int, ""},
		{"alt_text", Text, ""},
		{"caption", Text, ""},
		{"uploader_id", Int, "users"},
		{"variants", Text, ""},
		{"created_at", Time, ""},
		{"title", Text, ""},
		{"description", Text, ""},
	}},
	{Name: "menu_items", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"menu_id", Int, "menus"},
		{"parent_id", Int, "menu_items"},
		{"position", Int, ""},
		{"label", Text, ""},
		{"url", Text, ""},
		{"object_type", Text, ""},
		{"object_id", Int, ""},
	}},
	{Name: "outbox", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"kind", Text, ""},
		{"sender", Text, ""},
		{"recipient", Text, ""},
		{"subject", Text, ""},
		{"body", Text, ""},
		{"webhook_id", Int, "webhooks"},
		{"event", Text, ""},
		{"status", Text, ""},
		{"attempts", Int, ""},
		{"next_attempt_at", Time, ""},
		{"claimed_until", Time, ""},
		{"claim_token", Text, ""},
		{"last_error", Text, ""},
		{"created_at", Time, ""},
		{"sent_at", Time, ""},
	}},
	{Name: "password_resets", Key: []string{"token_hash"}, Columns: []Column{
		{"token_hash", Text, ""},
		{"user_id", Int, "users"},
		{"created_at", Time, ""},
		{"expires_at", Time, ""},
		{"used_at", Time, ""},
	}},
	{Name: "sessions", Key: []string{"id"}, Columns: []Column{
		{"id", Text, ""},
		{"user_id", Int, "users"},
		{"created_at", Time, ""},
		{"last_seen_at", Time, ""},
		{"expires_at", Time, ""},
		{"ip", Text, ""},
		{"user_agent", Text, ""},
	}},
	{Name: "articles", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"type", Text, ""},
		{"title", Text, ""},
		{"slug", Text, ""},
		{"format", Text, ""},
		{"source", Text, ""},
		{"html", Text, ""},
		{"excerpt", Text, ""},
		{"summary", Text, ""},
		{"author_id", Int, "users"},
		{"status", Text, ""},
		{"published_at", Time, ""},
		{"created_at", Time, ""},
		{"modified_at", Time, ""},
		{"sticky", Bool, ""},
		{"comments_open", Bool, ""},
		{"parent_id", Int, "articles"},
		{"menu_order", Int, ""},
		{"comment_count", Int, ""},
		{"body_text", Text, ""},
		{"guid", Text, ""},
		{"featured_media_id", Int, "media"},
		{"version", Int, ""},
		{"lang", Text, ""},
		{"password", Text, ""},
	}},
	{Name: "article_locks", Local: "who has an article open, for minutes", Key: []string{"article_id"}, Columns: []Column{
		{"article_id", Int, "articles"},
		{"user_id", Int, "users"},
		{"since", Time, ""},
		{"expires_at", Time, ""},
	}},
	{Name: "article_notes", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "articles"},
		{"user_id", Int, "users"},
		{"kind", Text, ""},
		{"body", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "editorial_notes", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "articles"},
		{"user_id", Int, "users"},
		{"body", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "preview_links", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"token_hash", Text, ""},
		{"article_id", Int, "articles"},
		{"user_id", Int, "users"},
		{"created_at", Time, ""},
		{"expires_at", Time, ""},
		{"revoked", Bool, ""},
	}},
	{Name: "delivery_attempts", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"message_id", Int, "outbox"},
		{"attempted_at", Time, ""},
		{"ok", Bool, ""},
		{"detail", Text, ""},
	}},
	{Name: "article_terms", Key: []string{"article_id", "term_id"}, Columns: []Column{
		{"article_id", Int, "articles"},
		{"term_id", Int, "terms"},
	}},
	{Name: "attachments", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"wp_id", Int, ""},
		{"article_id", Int, "articles"},
		{"title", Text, ""},
		{"url", Text, ""},
		{"mime_type", Text, ""},
		{"alt_text", Text, ""},
		{"caption", Text, ""},
		{"description", Text, ""},
		{"created_at", Time, ""},
		{"media_id", Int, "media"},
	}},
	{Name: "comments", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "articles"},
		{"parent_id", Int, "comments"},
		{"thread_id", Int, ""},
		{"user_id", Int, "users"},
		{"author_name", Text, ""},
		{"author_email", Text, ""},
		{"author_url", Text, ""},
		{"author_ip", Text, ""},
		{"user_agent", Text, ""},
		{"avatar_hash", Text, ""},
		{"type", Text, ""},
		{"text", Text, ""},
		{"html", Text, ""},
		{"status", Text, ""},
		{"created_at", Time, ""},
		{"edited_at", Time, ""},
		{"spam_score", Float, ""},
		{"owner_key", Text, ""},
		{"trained", Text, ""},
	}},
	{Name: "comment_decisions", Key: []string{"comment_id"}, Columns: []Column{
		{"comment_id", Int, "comments"},
		{"article_id", Int, ""},
		{"posted_at", Time, ""},
		{"decided_at", Time, ""},
	}},
	{Name: "revisions", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "articles"},
		{"user_id", Int, "users"},
		{"title", Text, ""},
		{"source", Text, ""},
		{"excerpt", Text, ""},
		{"autosave", Bool, ""},
		{"created_at", Time, ""},
	}},
	{Name: "slug_history", Key: []string{"slug"}, Columns: []Column{
		{"slug", Text, ""},
		{"article_id", Int, "articles"},
		{"created_at", Time, ""},
	}},
	{Name: "subscriptions", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"subscriber_id", Int, "subscribers"},
		{"topic", Text, ""},
		{"article_id", Int, "articles"},
		{"status", Text, ""},
		{"nonce", Text, ""},
		{"created_at", Time, ""},
		{"confirmed_at", Time, ""},
	}},
	{Name: "webmention_sends", Key: []string{"article_id", "target"}, Columns: []Column{
		{"article_id", Int, "articles"},
		{"target", Text, ""},
		{"status", Text, ""},
		{"sent_at", Time, ""},
	}},
	{Name: "webmentions", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "articles"},
		{"source", Text, ""},
		{"target", Text, ""},
		{"status", Text, ""},
		{"refusal", Text, ""},
		{"author_name", Text, ""},
		{"author_url", Text, ""},
		{"title", Text, ""},
		{"excerpt", Text, ""},
		{"created_at", Time, ""},
		{"updated_at", Time, ""},
	}},
	{Name: "comment_revisions", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"comment_id", Int, "comments"},
		{"text", Text, ""},
		{"edited_at", Time, ""},
	}},
	{Name: "comment_reports", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"comment_id", Int, "comments"},
		{"reason", Text, ""},
		{"explanation", Text, ""},
		{"reporter_key", Text, ""},
		{"reporter_ip", Text, ""},
		{"notify_email", Text, ""},
		{"created_at", Time, ""},
		{"decision", Text, ""},
		{"decision_reason", Text, ""},
		{"decided_at", Time, ""},
		{"decided_by", Int, "users"},
	}},
	{Name: "article_discussions", Key: []string{"article_id"}, Columns: []Column{
		{"article_id", Int, "articles"},
		{"hidden", Bool, ""},
		{"premoderate", Bool, ""},
		{"message", Text, ""},
		{"qa", Bool, ""},
	}},
	{Name: "live_blogs", Key: []string{"article_id"}, Columns: []Column{
		{"article_id", Int, "articles"},
		{"started_at", Time, ""},
		{"ended_at", Time, ""},
	}},
	{Name: "live_entries", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "live_blogs"},
		{"user_id", Int, "users"},
		{"source", Text, ""},
		{"html", Text, ""},
		{"key_event", Bool, ""},
		{"created_at", Time, ""},
		{"updated_at", Time, ""},
	}},
	{Name: "comment_hold_reasons", Key: []string{"comment_id"}, Columns: []Column{
		{"comment_id", Int, "comments"},
		{"reasons", Text, ""},
	}},
	{Name: "comment_features", Key: []string{"comment_id"}, Columns: []Column{
		{"comment_id", Int, "comments"},
		{"article_id", Int, "articles"},
		{"featured_at", Time, ""},
		{"featured_by", Int, "users"},
	}},
	{Name: "comment_reactions", Key: []string{"comment_id", "reader_key"}, Columns: []Column{
		{"comment_id", Int, "comments"},
		{"reader_key", Text, ""},
		{"ip", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "commenter_standings", Key: []string{"subject"}, Columns: []Column{
		{"subject", Text, ""},
		{"standing", Text, ""},
		{"reason", Text, ""},
		{"until", Time, ""},
		{"created_by", Int, "users"},
		{"created_at", Time, ""},
	}},
	{Name: "commenter_notes", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"subject", Text, ""},
		{"text", Text, ""},
		{"created_by", Int, "users"},
		{"created_at", Time, ""},
	}},
	{Name: "moderation_log", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"at", Time, ""},
		{"user_id", Int, "users"},
		{"action", Text, ""},
		{"comment_id", Int, ""},
		{"subject", Text, ""},
		{"detail", Text, ""},
	}},
	{Name: "guest_authors", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"name", Text, ""},
		{"slug", Text, ""},
		{"bio", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "article_authors", Key: []string{"article_id", "position"}, Columns: []Column{
		{"article_id", Int, "articles"},
		{"position", Int, ""},
		{"user_id", Int, "users"},
		{"guest_id", Int, "guest_authors"},
	}},
	{Name: "front_zones", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"position", Int, ""},
		{"kind", Text, ""},
		{"title", Text, ""},
		{"section_id", Int, "terms"},
		{"size", Int, ""},
		{"fill", Bool, ""},
	}},
	{Name: "front_zone_articles", Key: []string{"zone_id", "article_id"}, Columns: []Column{
		{"zone_id", Int, "front_zones"},
		{"article_id", Int, "articles"},
		{"position", Int, ""},
	}},
	// The fediverse (migrations 0024-0026): followers, remote actors'
	// keys, the inbox's queue, blocks, replies and reactions.
	{Name: "ap_followers", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"local_actor", Text, ""},
		{"actor_id", Text, ""},
		{"inbox", Text, ""},
		{"shared_inbox", Text, ""},
		{"follow_id", Text, ""},
		{"status", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "ap_actors", Key: []string{"id"}, Columns: []Column{
		{"id", Text, ""},
		{"key_id", Text, ""},
		{"public_key_pem", Text, ""},
		{"inbox", Text, ""},
		{"shared_inbox", Text, ""},
		{"preferred_username", Text, ""},
		{"name", Text, ""},
		{"url", Text, ""},
		{"fetched_at", Time, ""},
		{"icon_url", Text, ""},
	}},
	// Remote avatars (migration 0061): pictures the site serves itself.
	{Name: "ap_avatars", Key: []string{"actor_id"}, Columns: []Column{
		{"actor_id", Text, ""},
		{"token", Text, ""},
		{"icon_url", Text, ""},
		{"data", Bytes, ""},
		{"fetched_at", Time, ""},
	}},
	{Name: "ap_inbox", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"body", Text, ""},
		{"signer", Text, ""},
		{"status", Text, ""},
		{"attempts", Int, ""},
		{"next_attempt_at", Time, ""},
		{"claimed_until", Time, ""},
		{"claim_token", Text, ""},
		{"last_error", Text, ""},
		{"received_at", Time, ""},
	}},
	{Name: "ap_blocks", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"kind", Text, ""},
		{"value", Text, ""},
		{"created_at", Time, ""},
	}},
	{Name: "ap_comments", Key: []string{"comment_id"}, Columns: []Column{
		{"comment_id", Int, "comments"},
		{"object_id", Text, ""},
		{"actor_id", Text, ""},
		{"handle", Text, ""},
	}},
	{Name: "ap_reactions", Key: []string{"id"}, Identity: "id", Columns: []Column{
		{"id", Int, ""},
		{"article_id", Int, "articles"},
		{"actor_id", Text, ""},
		{"kind", Text, ""},
		{"activity_id", Text, ""},
		{"created_at", Time, ""},
	}},
}

// FindTable returns the catalogue's table called name.
func FindTable(name string) (Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// ColumnNames returns the names of t's columns, in order.
func (t Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// column returns t's column called name.
func (t Table) column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}
