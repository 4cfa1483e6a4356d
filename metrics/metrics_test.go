package metrics_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"communique/metrics"
)

func TestExposition(t *testing.T) {
	reg := metrics.NewRegistry()
	c := reg.Counter("jobs_total", "Jobs done.", "kind")
	c.Inc("mail")
	c.Add(2, `we"ird\`)
	h := reg.Histogram("wait_seconds", "Waits.", []float64{0.1, 1}, "queue")
	h.Observe(0.05, "a")
	h.Observe(0.5, "a")
	h.Observe(3, "a")
	reg.GaugeFunc("things", "Things by colour.", []string{"colour"}, func(ctx context.Context, emit metrics.Emit) {
		emit(3, "red")
		emit(0.5, "blue")
	})
	reg.GaugeFunc("up", "Whether it is up.", nil, func(ctx context.Context, emit metrics.Emit) { emit(1) })
	var b bytes.Buffer
	if err := reg.Write(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP jobs_total Jobs done.
# TYPE jobs_total counter
jobs_total{kind="mail"} 1
jobs_total{kind="we\"ird\\"} 2
# HELP wait_seconds Waits.
# TYPE wait_seconds histogram
wait_seconds_bucket{queue="a",le="0.1"} 1
wait_seconds_bucket{queue="a",le="1"} 2
wait_seconds_bucket{queue="a",le="+Inf"} 3
wait_seconds_sum{queue="a"} 3.55
wait_seconds_count{queue="a"} 3
# HELP things Things by colour.
# TYPE things gauge
things{colour="red"} 3
things{colour="blue"} 0.5
# HELP up Whether it is up.
# TYPE up gauge
up 1
`
	if b.String() != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestInstrumentUsesRoutePatterns(t *testing.T) {
	reg := metrics.NewRegistry()
	m := metrics.NewHTTP(reg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /articles/{slug}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("POST /comments", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusTooManyRequests) })
	h := m.Instrument(mux)
	for _, p := range []string{"/articles/a", "/articles/b", "/articles/c"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/comments", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/nowhere", nil))
	if n := m.Requests("GET /articles/{slug}", "GET", 200); n != 3 {
		t.Errorf("article requests = %v, want 3 under one route", n)
	}
	if n := m.Requests("POST /comments", "POST", 429); n != 1 {
		t.Errorf("comment requests = %v", n)
	}
	var b bytes.Buffer
	reg.Write(context.Background(), &b)
	out := b.String()
	for _, want := range []string{
		`http_requests_total{route="other",method="other",status="404"} 1`,
		`http_request_duration_seconds_count{route="GET /articles/{slug}"} 3`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exposition lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/articles/a") {
		t.Error("a raw path became a label")
	}
}
