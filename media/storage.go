package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Storage keeps the bytes of images under keys. Open on a missing key
// returns an error that wraps fs.ErrNotExist; Delete of a missing key is
// not an error. Keys are made by NewKey and VariantKey, never from an
// uploader's file name; implementations refuse any other shape.
type Storage interface {
	Put(ctx context.Context, key string, r io.Reader) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// ErrBadKey is returned for a key that NewKey or VariantKey could not
// have made: a path, "..", or characters outside [a-z0-9.-].
var ErrBadKey = errors.New("media: invalid storage key")

// NewKey returns a new unique key for an original: 128 random bits in hex
// and the format's extension.
func NewKey(f Format) string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b) + "." + f.Ext()
}

// VariantKey is the key of the rendition width pixels wide of the
// original stored under key.
func VariantKey(key string, width int, f Format) string {
	base, _, _ := strings.Cut(key, ".")
	return base + "-" + strconv.Itoa(width) + "." + f.Ext()
}

// ValidKey reports whether key has a shape the keys made here have. It
// is checked again by every storage, so that a key can never name a path.
func ValidKey(key string) bool {
	if len(key) < 3 || len(key) > 100 || strings.Contains(key, "..") {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '.' || c == '-'))) {
			return false
		}
	}
	return true
}

// FileStorage keeps images as files in a folder, spread over
// subfolders named by the first two characters of the key.
type FileStorage struct {
	Dir string
}

var _ Storage = (*FileStorage)(nil)

// NewFileStorage keeps images in dir, creating it if needed.
func NewFileStorage(dir string) (*FileStorage, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("media folder: %w", err)
	}
	return &FileStorage{Dir: dir}, nil
}

func (s *FileStorage) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrBadKey
	}
	return filepath.Join(s.Dir, key[:2], key), nil
}

// Put writes the file under a temporary name and renames it into place,
// so a reader never sees half a file.
func (s *FileStorage) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("media put: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("media put: %w", err)
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o640)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("media put: %w", err)
	}
	return nil
}

// Open opens the file stored under key.
func (s *FileStorage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	return os.Open(p)
}

// Keys lists the keys of the stored files, sorted; files that are not
// the storage's own (an upload under way, anything put there by hand) are
// left out.
func (s *FileStorage) Keys() ([]string, error) {
	dirs, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("media keys: %w", err)
	}
	var keys []string
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.Dir, d.Name()))
		if err != nil {
			return nil, fmt.Errorf("media keys: %w", err)
		}
		for _, f := range files {
			if k := f.Name(); f.Type().IsRegular() && ValidKey(k) && strings.HasPrefix(k, d.Name()) {
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}

// Delete removes the file stored under key.
func (s *FileStorage) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media delete: %w", err)
	}
	return nil
}
