package wpapi

import (
	"context"
	"net/http"

	"communique"
)

// Steps every single-item route takes in the same way, written once so
// the routes for posts, pages, media, comments, terms and users cannot
// drift apart in how they answer a bad id, a bad context or a delete.

// readQueryContext reads ?context= for a read route, failing with
// rest_invalid_param when it is not view, embed or edit.
func readQueryContext(r *http.Request) (string, error) {
	bad := invalid{}
	name := readContext(queryInput(r), bad)
	return name, bad.err()
}

// findByRouteID loads the item the route's {id} names, answering missing
// (the resource's 404) when the id is malformed or nothing has it.
func findByRouteID[T any](r *http.Request, find func(context.Context, int64) (T, error), missing error) (T, error) {
	var zero T
	id, ok := pathID(r)
	if !ok {
		return zero, missing
	}
	item, err := find(r.Context(), id)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return zero, missing
	}
	return item, err
}

// readForce reads a DELETE route's force flag; false when absent.
func readForce(w http.ResponseWriter, r *http.Request) (bool, error) {
	in, err := readInput(w, r)
	if err != nil {
		return false, err
	}
	bad := invalid{}
	force, _ := in.boolean("force", bad)
	return force, bad.err()
}

// deleteForever runs a forced delete and answers WordPress's
// {deleted: true, previous}; previous is rendered before the item goes.
func (s *Server) deleteForever(w http.ResponseWriter, r *http.Request, previous any, del func() error) {
	if err := del(); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, deleted{Deleted: true, Previous: previous})
}

// trashNotSupported answers a delete without force=true for resources
// that have no trash, in WordPress's words for that resource.
func trashNotSupported(message string) error {
	return &apiError{Status: http.StatusNotImplemented, Code: "rest_trash_not_supported", Message: message}
}

// mapItems renders each item of a list page in order.
func mapItems[T, J any](list []T, out func(T) J) []J {
	js := make([]J, 0, len(list))
	for _, x := range list {
		js = append(js, out(x))
	}
	return js
}
