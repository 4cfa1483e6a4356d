package communique

import (
	"errors"
	"fmt"
)

// Error codes. The set is small and fixed so every layer (stores, web,
// CLI) maps them the same way: web turns them into statuses, the CLI into
// one-line messages.
const (
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	// ETOOLARGE: the request asks for more than the site ever gives
	// (an image that needs more memory than the whole budget).
	ETOOLARGE = "too_large"
	// EBUSY: not now; the same request may succeed a little later.
	EBUSY = "busy"
)

// Error is an application error whose Message is safe to show to users.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("communique error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an application error with a user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of an application error.
// Internal errors get a generic message so their details never reach a page.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
