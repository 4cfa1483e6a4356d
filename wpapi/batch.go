package wpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// batch/v1: several writes in one request, as WordPress 5.6+ takes them
// (the block editor saves widgets and menus this way). Each request is
// served by the same handlers, as the same caller, and counts towards
// the caller's rate limit as if it came alone.

// maxBatch is WordPress's limit on requests in one batch.
const maxBatch = 25

type batchRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body"`
}

type batchResponse struct {
	Body    json.RawMessage   `json:"body"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
}

func batchArgs() map[string]arg {
	req := prop{Type: "object", Properties: map[string]prop{
		"method": {Type: "string", Enum: []string{"POST", "PUT", "PATCH", "DELETE"}, Default: "POST"},
		"path":   {Type: "string"},
		"body":   {Type: "object"},
	}}
	return args("requests", arg{prop: prop{Type: "array", Items: &req, MaxItems: intp(maxBatch)}, Required: true},
		"validation", a("", "string").enum("require-all-validate", "normal").dflt("normal"))
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	validation, _ := in.choice("validation", bad, "require-all-validate", "normal")
	raw, ok := in.get("requests")
	if !ok {
		s.fail(w, r, missingParams("requests"))
		return
	}
	var reqs []batchRequest
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &reqs); err != nil {
		bad["requests"] = "requests is not of type array of objects with a path."
	} else if len(reqs) > maxBatch {
		bad["requests"] = "requests must contain at most 25 items."
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	// Every request must name a route that takes batches; with
	// require-all-validate one that does not stops them all.
	refusals := make([]*apiError, len(reqs))
	failed := false
	for i, br := range reqs {
		refusals[i] = batchable(br)
		failed = failed || refusals[i] != nil
	}
	if failed && validation == "require-all-validate" {
		out := make([]any, len(reqs))
		for i, e := range refusals {
			if e != nil {
				out[i] = batchError(e)
			}
		}
		writeJSON(w, http.StatusMultiStatus, map[string]any{"failed": "validation", "responses": out})
		return
	}
	out := make([]batchResponse, len(reqs))
	for i, br := range reqs {
		if refusals[i] != nil {
			out[i] = batchError(refusals[i])
			continue
		}
		out[i] = s.serveBatched(r, c, br)
	}
	writeJSON(w, http.StatusMultiStatus, map[string]any{"responses": out})
}

// batchable refuses a request whose route does not take batches.
func batchable(br batchRequest) *apiError {
	method := strings.ToUpper(br.Method)
	if method == "" {
		method = http.MethodPost
	}
	u, err := url.Parse(br.Path)
	if err != nil || !strings.HasPrefix(u.Path, "/") {
		return badRequest("parse_path_failed", "Could not parse the path.")
	}
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return badRequest("rest_invalid_param", "method is not one of POST, PUT, PATCH, and DELETE.")
	}
	for _, rt := range indexRoutes() {
		if rt.re.MatchString("/wp-json" + strings.TrimSuffix(u.Path, "/")) {
			if !rt.batch {
				return badRequest("rest_batch_not_allowed", "The requested route does not support batch requests.")
			}
			return nil
		}
	}
	return notFound("rest_no_route", "No route was found matching the URL and request method.")
}

func batchError(e *apiError) batchResponse {
	rec := &recorder{header: http.Header{}}
	writeJSON(rec, e.Status, map[string]any{"code": e.Code, "message": e.Message, "data": map[string]int{"status": e.Status}})
	return batchResponse{Body: rec.body.Bytes(), Status: e.Status, Headers: map[string]string{}}
}

// serveBatched serves one request of a batch through the API's routes.
func (s *Server) serveBatched(r *http.Request, c *caller, br batchRequest) batchResponse {
	if c.User != nil {
		if ok, _ := s.account.allow("user:" + itoa(c.User.ID)); !ok {
			return batchError(&apiError{Status: http.StatusTooManyRequests, Code: "rest_too_many_requests", Message: "Too many requests; try again later."})
		}
	} else if ok, _ := s.anonymous.allow("ip:" + c.IP); !ok {
		return batchError(&apiError{Status: http.StatusTooManyRequests, Code: "rest_too_many_requests", Message: "Too many requests; try again later."})
	}
	method := strings.ToUpper(br.Method)
	if method == "" {
		method = http.MethodPost
	}
	body := br.Body
	if len(body) == 0 || string(body) == "null" {
		body = []byte("{}")
	}
	req, err := http.NewRequestWithContext(r.Context(), method, "/wp-json"+br.Path, bytes.NewReader(body))
	if err != nil {
		return batchError(badRequest("parse_path_failed", "Could not parse the path."))
	}
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = r.RemoteAddr
	rec := &recorder{header: http.Header{}}
	aw := &allowWriter{ResponseWriter: rec, index: c.api("/"), allow: func() string { return s.allowed(req, c) }}
	s.routes.ServeHTTP(aw, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	headers := map[string]string{}
	for _, k := range []string{"Allow", "Location", "X-WP-Total", "X-WP-TotalPages"} {
		if v := rec.header.Get(k); v != "" {
			headers[k] = v
		}
	}
	out := bytes.TrimSpace(rec.body.Bytes())
	if !json.Valid(out) {
		out = []byte("null")
	}
	return batchResponse{Body: out, Status: rec.status, Headers: headers}
}
