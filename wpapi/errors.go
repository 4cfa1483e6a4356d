package wpapi

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/discussion"
	"communique/internal/httpkit"
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

func missingParams(names ...string) error {
	return &apiError{Status: http.StatusBadRequest, Code: "rest_missing_callback_param",
		Message: "Missing parameter(s): " + strings.Join(names, ", "), Missing: names}
}

// codeOf is WordPress's code for each of the domain's error codes.
var codeOf = map[string]string{
	communique.ECONFLICT:     "rest_conflict",
	communique.EINVALID:      "rest_invalid_param",
	communique.ENOTFOUND:     "rest_not_found",
	communique.EUNAUTHORIZED: "rest_forbidden",
	communique.EFORBIDDEN:    "rest_forbidden",
	communique.ETOOLARGE:     "rest_upload_too_large",
	communique.EBUSY:         "rest_too_many_requests",
}

// fail answers with err in WordPress's shape, its status from httpkit's
// table. Internal errors are logged and answered with a generic message:
// their text never leaves.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		if refusal := discussion.AsError(err); refusal != nil {
			e = commentRefusal(refusal)
			if refusal.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(refusal.RetryAfter/time.Second)))
			}
		} else {
			errs := httpkit.Errors{Logger: s.logger, Health: s.Health, Door: "wpapi"}
			status, msg, answered := errs.Explain(w, r, err)
			if answered {
				return
			}
			e = &apiError{Status: status, Code: codeOf[communique.ErrorCode(err)], Message: msg}
			if status == http.StatusInternalServerError {
				e.Code, e.Message = "internal_server_error", "There has been a critical error; it was logged."
			}
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

// writeJSON answers with v as JSON, stating its length even to a HEAD.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := httpkit.WriteJSON(w, status, v); err != nil {
		httpkit.WriteJSON(w, http.StatusInternalServerError, errorJSON{Code: "internal_server_error",
			Message: "The answer could not be encoded.", Data: errorData{Status: http.StatusInternalServerError}})
	}
}
