package wpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"communique"
	"communique/discussion"
	"communique/health"
)

// apiError is an error answer in WordPress's shape:
// {"code": "...", "message": "...", "data": {"status": 404}}.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Params are the parameters at fault: messages by name for invalid
	// ones, names alone for missing ones.
	Params  map[string]string
	Missing []string
	// TermID is the existing term of a term_exists error.
	TermID int64
}

func (e *apiError) Error() string { return "wpapi: " + e.Code + ": " + e.Message }

type errorJSON struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Data    errorData `json:"data"`
}

type errorData struct {
	Status int   `json:"status"`
	Params any   `json:"params,omitempty"`
	TermID int64 `json:"term_id,omitempty"`
}

// authCode is WordPress's rest_authorization_required_code(): 401 for
// anonymous callers (signing in may help), 403 for signed-in ones.
func authCode(c *caller) int {
	if c == nil || c.User == nil {
		return http.StatusUnauthorized
	}
	return http.StatusForbidden
}

// forbidden is a refusal that depends on who asks.
func forbidden(c *caller, code, message string) *apiError {
	return &apiError{Status: authCode(c), Code: code, Message: message}
}

func notFound(code, message string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: code, Message: message}
}

func badRequest(code, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: message}
}

// invalid collects parameters with bad values.
type invalid map[string]string

func (v invalid) err() error {
	if len(v) == 0 {
		return nil
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	return &apiError{Status: http.StatusBadRequest, Code: "rest_invalid_param",
		Message: "Invalid parameter(s): " + strings.Join(names, ", "), Params: v}
}

func invalidParam(name, message string) error { return invalid{name: message}.err() }

func missingParams(names ...string) error {
	return &apiError{Status: http.StatusBadRequest, Code: "rest_missing_callback_param",
		Message: "Missing parameter(s): " + strings.Join(names, ", "), Missing: names}
}

// statusOf maps the domain's error codes for errors no handler named.
var statusOf = map[string]int{
	communique.ECONFLICT:     http.StatusConflict,
	communique.EINVALID:      http.StatusBadRequest,
	communique.ENOTFOUND:     http.StatusNotFound,
	communique.EUNAUTHORIZED: http.StatusUnauthorized,
	communique.EFORBIDDEN:    http.StatusForbidden,
}

var codeOf = map[string]string{
	communique.ECONFLICT:     "rest_conflict",
	communique.EINVALID:      "rest_invalid_param",
	communique.ENOTFOUND:     "rest_not_found",
	communique.EUNAUTHORIZED: "rest_forbidden",
	communique.EFORBIDDEN:    "rest_forbidden",
}

// fail answers with err in WordPress's shape. Internal errors are
// logged and answered with a generic message: their text never leaves.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		if refusal := discussion.AsError(err); refusal != nil {
			e = commentRefusal(refusal)
		} else if code := communique.ErrorCode(err); code != communique.EINTERNAL {
			e = &apiError{Status: statusOf[code], Code: codeOf[code], Message: communique.ErrorMessage(err)}
		} else if s.Health.Unavailable(r.Context(), err) {
			// The store is out of reach: an outage, not a bug.
			health.WriteUnavailable(w, r)
			return
		} else {
			s.logger.Error("wpapi request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			e = &apiError{Status: http.StatusInternalServerError, Code: "internal_server_error",
				Message: "There has been a critical error; it was logged."}
		}
	}
	out := errorJSON{Code: e.Code, Message: e.Message, Data: errorData{Status: e.Status, TermID: e.TermID}}
	switch {
	case e.Missing != nil:
		out.Data.Params = e.Missing
	case e.Params != nil:
		out.Data.Params = e.Params
	}
	writeJSON(w, e.Status, out)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":"internal_server_error","message":"The answer could not be encoded.","data":{"status":500}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	// Said even to a HEAD, which gets no body, so it learns what a GET
	// would bring.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
