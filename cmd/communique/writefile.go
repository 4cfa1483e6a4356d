package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// writeWhole writes path through a temporary file beside it, renamed into
// place once whole, so that path is either the old file or a complete new
// one. The temporary file is created 0600: what commands write this way
// holds personal data. Errors name path, never the temporary file, which
// the user never asked for.
func writeWhole(path string, write func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return asPath(err, path, "create")
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return asPath(err, path, "write")
}

// asPath makes a file system error name path instead of the file it
// happened to; other errors pass unchanged.
func asPath(err error, path, op string) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return &fs.PathError{Op: op, Path: path, Err: pe.Err}
	}
	if le, ok := errors.AsType[*os.LinkError](err); ok {
		return &fs.PathError{Op: op, Path: path, Err: le.Err}
	}
	return err
}
