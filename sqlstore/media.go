package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"communique"
	"communique/media"
)

var _ communique.MediaService = (*Media)(nil)

const mediaColumns = `m.id, m.key, m.filename, m.mime_type, m.width, m.height, m.size, m.alt_text, m.caption,
	COALESCE(m.uploader_id, 0), m.variants, m.created_at, m.title, m.description`

func scanMedia(sc interface{ Scan(...any) error }, extra ...any) (*communique.Media, error) {
	m := &communique.Media{}
	var variants string
	dest := []any{&m.ID, &m.Key, &m.Filename, &m.MimeType, &m.Width, &m.Height, &m.Size, &m.AltText, &m.Caption,
		&m.UploaderID, &variants, scanTime{&m.CreatedAt}, &m.Title, &m.Description}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(variants), &m.Variants); err != nil {
		return nil, fmt.Errorf("media %d variants: %w", m.ID, err)
	}
	return m, nil
}

// FindMediaByID returns one image of the library.
func (db *Media) FindMediaByID(ctx context.Context, id int64) (*communique.Media, error) {
	list, _, err := db.FindMedia(ctx, communique.MediaFilter{IDs: []int64{id}, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, communique.Errorf(communique.ENOTFOUND, "Image not found.")
	}
	return list[0], nil
}

// FindMediaByKey returns the image stored under key.
func (db *Media) FindMediaByKey(ctx context.Context, key string) (*communique.Media, error) {
	m, err := scanMedia(db.r().row(ctx, `SELECT `+mediaColumns+` FROM media m WHERE m.key = ?`, key))
	if err != nil {
		return nil, db.wrap(err, "Image")
	}
	return m, nil
}

// FindMedia returns matching images, newest first.
func (db *Media) FindMedia(ctx context.Context, f communique.MediaFilter) ([]*communique.Media, int, error) {
	r := db.r()
	where, args := []string{"1 = 1"}, []any{}
	if len(f.IDs) > 0 {
		where = append(where, "m.id IN ("+Placeholders(len(f.IDs))+")")
		args = append(args, Int64Args(f.IDs)...)
	}
	if f.UploaderID != nil {
		where, args = append(where, "m.uploader_id = ?"), append(args, *f.UploaderID)
	}
	if len(f.ExcludeIDs) > 0 {
		where = append(where, "m.id NOT IN ("+Placeholders(len(f.ExcludeIDs))+")")
		args = append(args, Int64Args(f.ExcludeIDs)...)
	}
	if len(f.ExcludeUploaderIDs) > 0 {
		// An image whose uploader is gone has none to exclude it by.
		where = append(where, "COALESCE(m.uploader_id, 0) NOT IN ("+Placeholders(len(f.ExcludeUploaderIDs))+")")
		args = append(args, Int64Args(f.ExcludeUploaderIDs)...)
	}
	if f.MimeType != "" {
		where, args = append(where, "m.mime_type = ?"), append(args, f.MimeType)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := r.query(ctx, `SELECT `+mediaColumns+`, COUNT(*) OVER () FROM media m
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY m.created_at DESC, m.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find media: %w", err)
	}
	defer rows.Close()
	var list []*communique.Media
	total := 0
	for rows.Next() {
		m, err := scanMedia(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("scan media: %w", err)
		}
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(list) == 0 && f.Offset > 0 {
		// Past the end the window count is gone; ask for it.
		if err := r.row(ctx, `SELECT COUNT(*) FROM media m WHERE `+strings.Join(where, " AND "), args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count media: %w", err)
		}
	}
	return list, total, nil
}

// CreateMedia records an uploaded image whose files are already stored.
func (db *Media) CreateMedia(ctx context.Context, m *communique.Media) error {
	m.AltText, m.Caption = strings.TrimSpace(m.AltText), strings.TrimSpace(m.Caption)
	m.Title, m.Description = strings.TrimSpace(m.Title), strings.TrimSpace(m.Description)
	if err := m.Validate(); err != nil {
		return err
	}
	variants, err := json.Marshal(nonNil(m.Variants))
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	m.CreatedAt = tx.now
	var uploader any
	if m.UploaderID != 0 {
		uploader = m.UploaderID
	}
	w := tx.w()
	err = w.row(ctx, `INSERT INTO media (key, filename, mime_type, width, height, size, alt_text, caption, uploader_id, variants, created_at, title, description)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Key, m.Filename, m.MimeType, m.Width, m.Height, m.Size, m.AltText, m.Caption, uploader, string(variants), w.t(m.CreatedAt), m.Title, m.Description).Scan(&m.ID)
	if err != nil {
		return db.wrap(err, "Image")
	}
	return tx.Commit()
}

func nonNil(v []communique.MediaVariant) []communique.MediaVariant {
	if v == nil {
		return []communique.MediaVariant{}
	}
	return v
}

// UpdateMedia changes an image's alt text, caption, title or description. Emptying the alt
// text of an image a live article shows would break the rule publishing
// enforces, so it is refused.
func (db *Media) UpdateMedia(ctx context.Context, id int64, upd communique.MediaUpdate) (*communique.Media, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	m, err := scanMedia(w.row(ctx, `SELECT `+mediaColumns+` FROM media m WHERE m.id = ?`, id))
	if err != nil {
		return nil, db.wrap(err, "Image")
	}
	if upd.AltText != nil {
		m.AltText = strings.TrimSpace(*upd.AltText)
	}
	if upd.Caption != nil {
		m.Caption = strings.TrimSpace(*upd.Caption)
	}
	if upd.Title != nil {
		m.Title = strings.TrimSpace(*upd.Title)
	}
	if upd.Description != nil {
		m.Description = strings.TrimSpace(*upd.Description)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.AltText == "" {
		var title string
		err := w.row(ctx, `SELECT title FROM articles WHERE status IN ('published', 'scheduled')
			AND (featured_media_id = ? OR source LIKE ?) ORDER BY id LIMIT 1`, id, "%/media/"+m.Key+"%").Scan(&title)
		if err == nil {
			return nil, communique.Errorf(communique.EINVALID, "The alt text is required: the published article “%s” shows this image.", title)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("media in use: %w", err)
		}
	}
	if _, err := w.exec(ctx, `UPDATE media SET alt_text = ?, caption = ?, title = ?, description = ? WHERE id = ?`,
		m.AltText, m.Caption, m.Title, m.Description, id); err != nil {
		return nil, db.wrap(err, "Image")
	}
	return m, tx.Commit()
}

// DeleteMedia removes an image's record. Its files are the caller's to
// delete from the storage.
func (db *Media) DeleteMedia(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.w().exec(ctx, `DELETE FROM media WHERE id = ?`, id)
	if err != nil {
		return db.wrap(err, "Image")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Image not found.")
	}
	return tx.Commit()
}

// DBStorage keeps media files in the media_blobs table, so that nodes
// sharing a database share their media without a shared disk. Files are
// read whole into memory: they are bounded by the upload limit.
type DBStorage struct {
	db *DB
}

var _ media.Storage = (*DBStorage)(nil)

// maxBlobBytes bounds one stored file, well above the upload limit.
const maxBlobBytes = 256 << 20

// NewDBStorage returns a storage in db's media_blobs table.
func NewDBStorage(db *DB) *DBStorage { return &DBStorage{db: db} }

// Put stores the file under key, replacing one stored there before.
func (s *DBStorage) Put(ctx context.Context, key string, r io.Reader) error {
	if !media.ValidKey(key) {
		return media.ErrBadKey
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBlobBytes+1))
	if err != nil {
		return fmt.Errorf("media put: %w", err)
	}
	if len(data) > maxBlobBytes {
		return fmt.Errorf("media put: %s is larger than %d bytes", key, maxBlobBytes)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO media_blobs (key, data, created_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`, key, data, w.t(tx.now)); err != nil {
		return fmt.Errorf("media put: %w", err)
	}
	return tx.Commit()
}

// blob is a stored file in memory; it seeks, so HTTP range requests work.
type blob struct{ *bytes.Reader }

func (blob) Close() error { return nil }

// Open returns the file stored under key.
func (s *DBStorage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if !media.ValidKey(key) {
		return nil, fmt.Errorf("%w: %w", fs.ErrNotExist, media.ErrBadKey)
	}
	var data []byte
	err := s.db.r().row(ctx, `SELECT data FROM media_blobs WHERE key = ?`, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media %s: %w", key, fs.ErrNotExist)
	} else if err != nil {
		return nil, fmt.Errorf("media open: %w", err)
	}
	return blob{bytes.NewReader(data)}, nil
}

// Delete removes the file stored under key.
func (s *DBStorage) Delete(ctx context.Context, key string) error {
	if !media.ValidKey(key) {
		return media.ErrBadKey
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.w().exec(ctx, `DELETE FROM media_blobs WHERE key = ?`, key); err != nil {
		return fmt.Errorf("media delete: %w", err)
	}
	return tx.Commit()
}

// nullMediaID binds an optional image: 0 is NULL.
func nullMediaID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
