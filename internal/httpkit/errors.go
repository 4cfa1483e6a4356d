package httpkit

import (
	"log/slog"
	"net/http"

	"communique"
	"communique/discussion"
	"communique/health"
)

// statusOf is the HTTP status of each of the domain's error codes. A
// door that wants another status for a case says so with another code at
// the source, not with a table of its own.
var statusOf = map[string]int{
	communique.ECONFLICT:     http.StatusConflict,
	communique.EINVALID:      http.StatusBadRequest,
	communique.ENOTFOUND:     http.StatusNotFound,
	communique.EUNAUTHORIZED: http.StatusUnauthorized,
	communique.EFORBIDDEN:    http.StatusForbidden,
	communique.EINTERNAL:     http.StatusInternalServerError,
	communique.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	communique.EBUSY:         http.StatusTooManyRequests,
}

// statusOfRefusal is the HTTP status of each kind of refused comment.
var statusOfRefusal = map[string]int{
	discussion.KindInvalid:   http.StatusBadRequest,
	discussion.KindClosed:    http.StatusForbidden,
	discussion.KindToken:     http.StatusBadRequest,
	discussion.KindTooFast:   http.StatusBadRequest,
	discussion.KindFlood:     http.StatusTooManyRequests,
	discussion.KindDuplicate: http.StatusConflict,
	discussion.KindRejected:  http.StatusBadRequest,
	discussion.KindForbidden: http.StatusForbidden,
	discussion.KindBanned:    http.StatusForbidden,
}

// Status is the HTTP status that answers err: by its error code, or by
// its kind for a refused comment. Anything else, an unknown code
// included, is the server's fault: 500.
func Status(err error) int {
	if refusal := discussion.AsError(err); refusal != nil {
		if s, ok := statusOfRefusal[refusal.Kind]; ok {
			return s
		}
		return http.StatusBadRequest
	}
	if s, ok := statusOf[communique.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// InternalMessage is what a reader is told of an error that is the
// server's fault; the error itself goes to the log.
const InternalMessage = "The error was logged. Please try again later."

// Message is what a reader may be told of err: the message of an
// application error or a refusal, written for people; for anything else,
// whose text is for the log only, InternalMessage.
func Message(err error) string {
	if refusal := discussion.AsError(err); refusal != nil {
		return refusal.Message
	}
	if Status(err) == http.StatusInternalServerError {
		return InternalMessage
	}
	return communique.ErrorMessage(err)
}

// Errors turns the errors of one door into answers.
type Errors struct {
	Logger *slog.Logger
	// Health tells a store out of reach (503, try again) from a bug
	// (500); nil: every internal error is a 500.
	Health *health.Monitor
	// Door names the door in the log: "site", "admin", "wpapi".
	Door string
}

// Explain returns the status and the message that answer err, for the
// door to write in its own shape (a page, JSON). An internal error is
// logged with the request first; one caused by the store being out of
// reach is answered here instead, with a 503 and Retry-After, and
// answered is true.
func (e Errors) Explain(w http.ResponseWriter, r *http.Request, err error) (status int, message string, answered bool) {
	status = Status(err)
	if status != http.StatusInternalServerError {
		return status, Message(err), false
	}
	if e.Health.Unavailable(r.Context(), err) {
		e.Logger.Debug("store unavailable", "in", e.Door, "method", r.Method, "path", r.URL.Path, "err", err)
		health.WriteUnavailable(w, r)
		return http.StatusServiceUnavailable, "", true
	}
	e.Logger.Error("request failed", "in", e.Door, "method", r.Method, "path", r.URL.Path, "err", err)
	return status, InternalMessage, false
}
