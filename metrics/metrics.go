// Package metrics keeps a node's counters and histograms and writes them
// in Prometheus's text exposition format (version 0.0.4). It is a few
// hundred lines instead of a client library with its own dependencies:
// the node needs counters, one histogram and gauges read at scrape time,
// not the whole data model.
package metrics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds metric families in the order they were made.
type Registry struct {
	mu       sync.Mutex
	families []family
	names    map[string]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{names: map[string]bool{}} }

// family is one metric name with its samples.
type family interface {
	write(ctx context.Context, w *bufio.Writer)
}

func (r *Registry) add(name string, f family) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names[name] {
		panic("metrics: " + name + " registered twice")
	}
	r.names[name] = true
	r.families = append(r.families, f)
}

// Write writes every family in the text format. Gauges read at scrape
// time get ctx.
func (r *Registry) Write(ctx context.Context, w io.Writer) error {
	r.mu.Lock()
	fams := slices.Clone(r.families)
	r.mu.Unlock()
	bw := bufio.NewWriter(w)
	for _, f := range fams {
		f.write(ctx, bw)
	}
	return bw.Flush()
}

// ContentType is the exposition format's media type.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// ServeHTTP answers a scrape.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ctx, cancel := context.WithTimeout(req.Context(), 5*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	r.Write(ctx, w)
}

// header writes a family's HELP and TYPE lines.
func header(w *bufio.Writer, name, help, typ string) {
	w.WriteString("# HELP " + name + " " + escapeHelp(help) + "\n")
	w.WriteString("# TYPE " + name + " " + typ + "\n")
}

func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`).Replace(s)
}

// labelText renders {a="x",b="y"}; extra is appended (le for buckets).
func labelText(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n + `="` + escapeLabel(values[i]) + `"`)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(extra[i] + `="` + escapeLabel(extra[i+1]) + `"`)
	}
	b.WriteByte('}')
	return b.String()
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// key joins label values into a map key.
func key(values []string) string { return strings.Join(values, "\xff") }

// series holds one family's samples by label values, made on first use.
type series[T any] struct {
	name   string
	labels []string
	mu     sync.RWMutex
	m      map[string]*T
}

// get returns the sample for these label values, made by fresh the
// first time. The wrong number of values is a programming error.
func (s *series[T]) get(values []string, fresh func() *T) *T {
	if len(values) != len(s.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", s.name, len(s.labels), len(values)))
	}
	k := key(values)
	s.mu.RLock()
	e := s.m[k]
	s.mu.RUnlock()
	if e == nil {
		s.mu.Lock()
		if e = s.m[k]; e == nil {
			e = fresh()
			s.m[k] = e
		}
		s.mu.Unlock()
	}
	return e
}

// each calls fn for every sample, in label order, under the read lock.
func (s *series[T]) each(fn func(*T)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fn(s.m[k])
	}
}

// CounterVec is a counter with labels.
type CounterVec struct {
	series[counter]
	help string
}

type counter struct {
	values []string
	n      atomic.Uint64 // float64 bits
}

func (c *counter) add(v float64) {
	for {
		old := c.n.Load()
		if c.n.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Counter registers a counter; labels name its dimensions.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{series: series[counter]{name: name, labels: labels, m: map[string]*counter{}}, help: help}
	r.add(name, c)
	return c
}

// Add adds v (≥ 0) to the counter with these label values.
func (c *CounterVec) Add(v float64, values ...string) {
	c.get(values, func() *counter { return &counter{values: slices.Clone(values)} }).add(v)
}

// Inc adds one.
func (c *CounterVec) Inc(values ...string) { c.Add(1, values...) }

// Value returns the counter's value for these label values.
func (c *CounterVec) Value(values ...string) float64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.m[key(values)]; e != nil {
		return math.Float64frombits(e.n.Load())
	}
	return 0
}

func (c *CounterVec) write(_ context.Context, w *bufio.Writer) {
	header(w, c.name, c.help, "counter")
	c.each(func(e *counter) {
		w.WriteString(c.name + labelText(c.labels, e.values) + " " + formatFloat(math.Float64frombits(e.n.Load())) + "\n")
	})
}

// DefaultBuckets suit the latency of web requests, in seconds.
var DefaultBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// HistogramVec is a histogram with labels.
type HistogramVec struct {
	series[histogram]
	help    string
	buckets []float64
}

type histogram struct {
	values []string
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

// Histogram registers a histogram with upper bounds buckets (sorted).
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	h := &HistogramVec{series: series[histogram]{name: name, labels: labels, m: map[string]*histogram{}}, help: help, buckets: buckets}
	r.add(name, h)
	return h
}

// Observe records v for these label values.
func (h *HistogramVec) Observe(v float64, values ...string) {
	e := h.get(values, func() *histogram {
		return &histogram{values: slices.Clone(values), counts: make([]uint64, len(h.buckets))}
	})
	i := sort.SearchFloat64s(h.buckets, v) // first bound ≥ v
	e.mu.Lock()
	if i < len(e.counts) {
		e.counts[i]++
	}
	e.count++
	e.sum += v
	e.mu.Unlock()
}

func (h *HistogramVec) write(_ context.Context, w *bufio.Writer) {
	header(w, h.name, h.help, "histogram")
	h.each(func(e *histogram) {
		e.mu.Lock()
		var cum uint64
		for i, le := range h.buckets {
			cum += e.counts[i]
			w.WriteString(h.name + "_bucket" + labelText(h.labels, e.values, "le", formatFloat(le)) + " " + strconv.FormatUint(cum, 10) + "\n")
		}
		w.WriteString(h.name + "_bucket" + labelText(h.labels, e.values, "le", "+Inf") + " " + strconv.FormatUint(e.count, 10) + "\n")
		w.WriteString(h.name + "_sum" + labelText(h.labels, e.values) + " " + formatFloat(e.sum) + "\n")
		w.WriteString(h.name + "_count" + labelText(h.labels, e.values) + " " + strconv.FormatUint(e.count, 10) + "\n")
		e.mu.Unlock()
	})
}

// Emit reports one sample of a family read at scrape time.
type Emit func(value float64, labelValues ...string)

// funcFamily is a gauge or counter whose samples are read at scrape time.
type funcFamily struct {
	name, help, typ string
	labels          []string
	collect         func(ctx context.Context, emit Emit)
}

// GaugeFunc registers a gauge read at scrape time: collect emits its
// samples, one per set of label values (none when it cannot tell, so a
// missing value is never mistaken for zero).
func (r *Registry) GaugeFunc(name, help string, labels []string, collect func(ctx context.Context, emit Emit)) {
	r.add(name, &funcFamily{name: name, help: help, typ: "gauge", labels: labels, collect: collect})
}

// CounterFunc registers a counter kept elsewhere and read at scrape time.
func (r *Registry) CounterFunc(name, help string, labels []string, collect func(ctx context.Context, emit Emit)) {
	r.add(name, &funcFamily{name: name, help: help, typ: "counter", labels: labels, collect: collect})
}

func (f *funcFamily) write(ctx context.Context, w *bufio.Writer) {
	header(w, f.name, f.help, f.typ)
	f.collect(ctx, func(v float64, values ...string) {
		if len(values) != len(f.labels) {
			panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", f.name, len(f.labels), len(values)))
		}
		w.WriteString(f.name + labelText(f.labels, values) + " " + formatFloat(v) + "\n")
	})
}
