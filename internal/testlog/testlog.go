// Package testlog collects what a server under test logs, safely from
// its many goroutines, so a test can read it (an ERROR line is often a
// failure).
package testlog

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer for slog handlers that tests read as a string.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
