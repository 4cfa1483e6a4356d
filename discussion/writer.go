package discussion

import (
	"context"
	"sync"
	"time"

	"communique"
)

// maxGroup bounds a group commit, so one transaction stays short and the
// comments behind it wait for the next one rather than for a long one.
const maxGroup = 64

// Writer commits comments in groups (group commit). Comments posted at
// once queue to one writer goroutine, which stores whatever has queued in
// one transaction: the store's one commit, and its one fsync, serve the
// whole group, where each comment and then its notifications used to
// commit on their own. A Post returns only once its group has committed,
// so an acknowledged comment is durable and shows on the next load.
//
// The goroutine runs while comments queue and ends when none is left,
// so a Writer needs no starting or closing.
type Writer struct {
	Store communique.CommentBatchStore

	mu      sync.Mutex
	queue   []*writeRequest
	running bool
}

type writeRequest struct {
	w    communique.CommentWrite
	done chan error
}

// Write stores one comment with its messages in the next group and
// waits for that group's commit. It waits even when ctx ends, because
// the comment may already be in a committing group: the caller learns
// whether it stands.
func (w *Writer) Write(ctx context.Context, cw communique.CommentWrite) error {
	req := &writeRequest{w: cw, done: make(chan error, 1)}
	w.mu.Lock()
	w.queue = append(w.queue, req)
	if !w.running {
		w.running = true
		// The group outlives the request that started it: other
		// comments ride in it.
		go w.run(context.WithoutCancel(ctx))
	}
	w.mu.Unlock()
	return <-req.done
}

// Pending returns how many comments wait for the next group.
func (w *Writer) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}

// run commits groups until the queue is empty.
func (w *Writer) run(ctx context.Context) {
	for {
		w.mu.Lock()
		n := min(len(w.queue), maxGroup)
		if n == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		group := w.queue[:n:n]
		w.queue = w.queue[n:]
		w.mu.Unlock()
		w.commit(ctx, group)
	}
}

// commit stores a group in one transaction. When it fails, each comment
// is tried alone, so one refused comment (a reply whose parent was just
// deleted) does not take the others with it.
func (w *Writer) commit(ctx context.Context, group []*writeRequest) {
	ws := make([]communique.CommentWrite, len(group))
	undated := make([]bool, len(group))
	for i, r := range group {
		ws[i], undated[i] = r.w, r.w.Comment.CreatedAt.IsZero()
	}
	err := w.Store.CreateComments(ctx, ws)
	if err == nil || len(group) == 1 {
		for _, r := range group {
			r.done <- err
		}
		return
	}
	for i, r := range group {
		// The failed transaction may have given ids and a date.
		r.w.Comment.ID, r.w.Comment.ThreadID = 0, 0
		if undated[i] {
			r.w.Comment.CreatedAt = time.Time{}
		}
		r.done <- w.Store.CreateComments(ctx, []communique.CommentWrite{r.w})
	}
}
