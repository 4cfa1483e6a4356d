package storeops

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeText is how a time is written in a checksum and a table dump:
// fixed-width UTC with microseconds, which both databases keep.
const TimeText = "2006-01-02T15:04:05.000000Z"

// value turns what either driver returned for a column of kind k into
// the one Go value both stores agree on: int64, float64, bool, a UTC
// time in microseconds, string, []byte, or nil. SQLite columns take any
// type, so text and numbers are read as the kind says.
func (k Kind) value(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && k != Bytes {
		v = string(b)
	}
	if s, ok := v.(string); ok {
		return k.parse(s)
	}
	switch k {
	case Time:
		if t, ok := v.(time.Time); ok {
			return t.UTC().Truncate(time.Microsecond), nil
		}
	case Bool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			return v != 0, nil
		}
	case Int:
		switch v := v.(type) {
		case int64:
			return v, nil
		case int32:
			return int64(v), nil
		case float64:
			if v == math.Trunc(v) {
				return int64(v), nil
			}
		}
	case Float:
		switch v := v.(type) {
		case float64:
			return v, nil
		case float32:
			return float64(v), nil
		case int64:
			return float64(v), nil
		}
	case Bytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case Text:
		switch v := v.(type) {
		case int64:
			return strconv.FormatInt(v, 10), nil
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	}
	return nil, fmt.Errorf("cannot read %T %v as %s", v, v, k)
}

// parse reads a value of kind k from text: a SQLite column, a table
// dump's field (text as format, or PostgreSQL's text output in backups
// of the first format).
func (k Kind) parse(s string) (any, error) {
	switch k {
	case Time:
		for _, layout := range []string{TimeText, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999-07", "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC().Truncate(time.Microsecond), nil
			}
		}
		return nil, fmt.Errorf("cannot read %q as a time", s)
	case Bool:
		return strconv.ParseBool(s)
	case Int:
		return strconv.ParseInt(s, 10, 64)
	case Float:
		return strconv.ParseFloat(s, 64)
	case Bytes:
		if h, ok := strings.CutPrefix(s, `\x`); ok {
			return hex.DecodeString(h)
		}
		return []byte(s), nil
	}
	return s, nil
}

// text writes a value made by value as the bytes a checksum hashes.
func text(v any) []byte {
	switch v := v.(type) {
	case time.Time:
		return []byte(v.Format(TimeText))
	case bool:
		if v {
			return []byte("1")
		}
		return []byte("0")
	case int64:
		return []byte(strconv.FormatInt(v, 10))
	case float64:
		return []byte(strconv.FormatFloat(v, 'g', -1, 64))
	case string:
		return []byte(v)
	case []byte:
		return v
	}
	return []byte(fmt.Sprint(v))
}

// dumpText writes a value as a table dump holds it: as hashed, but bytes
// in PostgreSQL's hex form, which JSON carries and PostgreSQL reads.
func dumpText(v any) *string {
	if v == nil {
		return nil
	}
	s := string(text(v))
	if b, ok := v.([]byte); ok {
		s = `\x` + hex.EncodeToString(b)
	}
	return &s
}

func (k Kind) String() string {
	return [...]string{"?", "integer", "text", "time", "boolean", "float", "bytes"}[min(int(k), 6)]
}

// Checksum is the one checksum of rows that every operation uses: the
// SHA-256 of the rows in key order, each value normalised (see value) and
// length-prefixed, so that no two different tables sum alike and the same
// content sums alike on SQLite and PostgreSQL.
type Checksum struct {
	h    hash.Hash
	rows int64
}

// NewChecksum returns an empty checksum.
func NewChecksum() *Checksum { return &Checksum{h: sha256.New()} }

// Row adds a row of normalised values.
func (c *Checksum) Row(vals []any) {
	var n [9]byte
	for _, v := range vals {
		if v == nil {
			c.h.Write([]byte{'N'})
			continue
		}
		b := text(v)
		n[0] = 'V'
		binary.BigEndian.PutUint64(n[1:], uint64(len(b)))
		c.h.Write(n[:])
		c.h.Write(b)
	}
	c.h.Write([]byte{'\n'})
	c.rows++
}

// Rows is the number of rows added.
func (c *Checksum) Rows() int64 { return c.rows }

// Sum returns the checksum in hex.
func (c *Checksum) Sum() string { return hex.EncodeToString(c.h.Sum(nil)) }
