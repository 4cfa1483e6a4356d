package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// HTTP counts requests by route, method and status, and times them by
// route. Routes are ServeMux patterns ("GET /search",
// "GET /media/{key}"), never raw paths, so a crawler asking for a million
// URLs makes no new series.
type HTTP struct {
	requests *CounterVec
	duration *HistogramVec
}

// NewHTTP registers http_requests_total and http_request_duration_seconds.
func NewHTTP(r *Registry) *HTTP {
	return &HTTP{
		requests: r.Counter("http_requests_total", "HTTP requests answered, by route (the ServeMux pattern), method and status.", "route", "method", "status"),
		duration: r.Histogram("http_request_duration_seconds", "Time to answer HTTP requests, by route.", DefaultBuckets, "route"),
	}
}

// Requests returns the count for a route, method and status.
func (h *HTTP) Requests(route, method string, status int) float64 {
	return h.requests.Value(route, method, strconv.Itoa(status))
}

// Instrument measures every request through next. The route is the
// pattern the mux below matched (http.Request.Pattern, which a mux sets
// on the request it is given); requests no pattern matched count as
// "other".
func (h *HTTP) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			route := r.Pattern
			if route == "" {
				route = "other"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			h.requests.Inc(route, method(r.Method), strconv.Itoa(status))
			h.duration.Observe(time.Since(start).Seconds(), route)
		}()
		next.ServeHTTP(sw, r)
	})
}

// method bounds the method label to the methods the site knows.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// statusWriter remembers the status; Unwrap lets http.ResponseController
// reach the connection underneath (flushing, deadlines).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
