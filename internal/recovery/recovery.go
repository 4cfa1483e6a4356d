// Package recovery turns a handler's panic into a logged error page, so
// a bug costs one request its answer rather than the connection.
package recovery

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Handler runs next; on a panic it logs where (the part of the site,
// for the log) with the stack, and answers through fail. A panic with
// http.ErrAbortHandler goes on: it is net/http's way to drop a response.
func Handler(next http.Handler, logger *slog.Logger, where string, fail func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.Error("panic", "in", where, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				fail(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
