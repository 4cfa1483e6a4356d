package communique

import "context"

type replicaReadsKey struct{}

// WithReplicaReads marks ctx as an anonymous reader's: its reads may come
// from a replica that is a moment behind. Requests of anyone who has
// just written (a commenter, an editor) and all background work go
// without it and read the primary, so they see their writes at once.
// It lives in the domain so that the web knows no store and the store
// no web.
func WithReplicaReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaReadsKey{}, true)
}

// ReplicaReads reports whether ctx allows reads from a replica.
func ReplicaReads(ctx context.Context) bool {
	ok, _ := ctx.Value(replicaReadsKey{}).(bool)
	return ok
}
