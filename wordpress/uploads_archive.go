package wordpress

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// maxArchivedFile bounds one file unpacked from an uploads archive; the
// library refuses larger images anyway.
const maxArchivedFile = 256 << 20

// UnpackUploads unpacks a .tar.gz of the old site's uploads into dir,
// the way a host hands a site over. Only regular files are written, and
// only under dir (os.Root refuses ../ and links out); a file larger
// than the library could take is left out.
func UnpackUploads(r io.Reader, dir string) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("uploads archive: %w", err)
	}
	defer gz.Close()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("uploads archive: %w", err)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "/"))
		if h.Typeflag != tar.TypeReg || h.Size > maxArchivedFile || name == "." || strings.HasPrefix(name, "../") {
			continue
		}
		if err := unpackFile(root, name, tr); err != nil {
			return fmt.Errorf("uploads archive: %s: %w", name, err)
		}
	}
}

func unpackFile(root *os.Root, name string, r io.Reader) error {
	if d := path.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	f, err := root.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, io.LimitReader(r, maxArchivedFile))
	return errors.Join(err, f.Close())
}
