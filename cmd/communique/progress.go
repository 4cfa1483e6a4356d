package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// meter shows a long command's advance: on a terminal as a line redrawn
// in place a few times a second, elsewhere (a log, a pipe) as a plain
// line every few seconds.
type meter struct {
	w        io.Writer
	prefix   string // begins plain lines ("import: ")
	terminal bool
	start    time.Time
	last     time.Time
	drawn    bool
}

func newMeter(w io.Writer, prefix string) *meter {
	m := &meter{w: w, prefix: prefix, start: time.Now()}
	m.last = m.start // the first line after a while, not at once
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			m.terminal = true
		}
	}
	return m
}

// due reports whether it is time for another line, and if so takes it.
func (m *meter) due(now time.Time) bool {
	every := 5 * time.Second
	if m.terminal {
		every = 200 * time.Millisecond
	}
	if now.Sub(m.last) < every {
		return false
	}
	m.last = now
	return true
}

// draw shows line.
func (m *meter) draw(line string) {
	if m.terminal {
		fmt.Fprint(m.w, "\r\033[K"+line)
		m.drawn = true
	} else {
		fmt.Fprintln(m.w, m.prefix+line)
	}
}

// done clears the bar, so what follows starts on a clean line.
func (m *meter) done() {
	if m.terminal && m.drawn {
		fmt.Fprint(m.w, "\r\033[K")
	}
}

// rate is how many things a second since the start.
func (m *meter) rate(n int64, now time.Time) float64 {
	elapsed := now.Sub(m.start).Seconds()
	if elapsed <= 0 {
		elapsed = 1e-9
	}
	return float64(n) / elapsed
}

// bar draws frac (0 to 1) as [####....].
func bar(frac float64) string {
	const width = 24
	full := int(min(max(frac, 0), 1) * width)
	return "[" + strings.Repeat("#", full) + strings.Repeat(".", width-full) + "] "
}
