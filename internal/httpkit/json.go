package httpkit

import (
	"encoding/json"
	"net/http"
)

// WriteJSON answers with v as JSON. Content-Length is stated even to a
// HEAD (net/http drops the body itself), so it learns what a GET would
// bring. When v cannot be encoded nothing is written and the error is
// returned, for the door to answer in its own shape.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// WordPress's spelling of the charset, which its clients see.
	write(w, status, "application/json; charset=UTF-8", b, false)
	return nil
}
