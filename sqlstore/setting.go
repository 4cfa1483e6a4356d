package sqlstore

import (
	"context"
	"fmt"

	"communique"
)

// Settings returns every stored setting.
func (db *SiteSettings) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := db.r().query(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, rows.Err()
}

// SetSetting validates and stores one setting.
func (db *SiteSettings) SetSetting(ctx context.Context, key, value string) error {
	if err := communique.ValidateSetting(key, value); err != nil {
		return err
	}
	key = communique.CanonicalSettingKey(key) // an alias writes the setting it names
	var before string
	switch key {
	case "search_language":
		before = db.search().searchLanguage(ctx)
	case "language", "site_language":
		before = db.settingValue(ctx, key)
	}
	if err := db.setRaw(ctx, key, value); err != nil {
		return err
	}
	switch {
	case key == "search_language" && value != before:
		// The index holds stemmed words: another language re-indexes.
		return db.search().RebuildSearchIndex(ctx)
	case key == "language" || key == "site_language":
		// Search follows the site's language until someone chooses
		// another search language than the site's.
		cur, next := db.search().searchLanguage(ctx), communique.SearchLanguageFor(value)
		if cur == communique.SearchLanguageFor(before) && cur != next {
			return db.SetSetting(ctx, "search_language", next)
		}
	}
	return nil
}

// settingValue returns a setting as stored, or its default.
func (db *SiteSettings) settingValue(ctx context.Context, key string) string {
	var v string
	if err := db.r().row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v); err == nil {
		return v
	}
	if def := communique.LookupSetting(key); def != nil {
		return def.Default
	}
	return ""
}

// setRaw stores a value without the public registry's rules; the store
// keeps its own secrets (such as the site key) this way.
func (db *SiteSettings) setRaw(ctx context.Context, key, value string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.w().exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("set setting: %w", err)
	}
	return tx.Commit()
}

// Secret returns the named secret, creating it with gen the first time.
// Secrets live in the store so every node signs and checks alike.
func (db *SiteSettings) Secret(ctx context.Context, name string, gen func() string) (string, error) {
	key := "secret." + name
	var v string
	err := db.write.QueryRowContext(ctx, db.r().rebind(`SELECT value FROM settings WHERE key = ?`), key).Scan(&v)
	if err == nil {
		return v, nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	w := tx.w()
	// DO NOTHING then read back: two nodes racing agree on one value.
	if _, err := w.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, gen()); err != nil {
		return "", fmt.Errorf("secret: %w", err)
	}
	if err := w.row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("secret: %w", err)
	}
	return v, tx.Commit()
}
