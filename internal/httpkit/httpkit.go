// Package httpkit is what the public site, the newsroom and the REST API
// share to answer HTTP, so the three doors answer alike: templates parsed
// once at start (views.go), content-hashed static files (assets.go), one
// table from errors to statuses (errors.go), the security headers of each
// door side by side (headers.go), and writers that state Content-Length
// even to a HEAD (views.go, json.go).
//
// Panics are recovered by internal/recovery, which each door wraps around
// its routes with its own error page.
package httpkit
