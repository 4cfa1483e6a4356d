package admin

import (
	"context"
	"net/http"

	"communique"
	"communique/internal/httpkit"
)

// labelRows says why each comment of a queue is there.
func (s *Server) labelRows(ctx context.Context, rq *request, list []*communique.Comment, rows []commentRow) error {
	labels, err := s.discussion.QueueLabels(ctx, rq.User, list)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Labels = labels[rows[i].ID]
	}
	return nil
}

// handleCommentCounts answers the queues' counts as JSON, for the
// moderation page's tabs to keep up while it stays open.
func (s *Server) handleCommentCounts(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	counts, err := s.store.CountComments(r.Context())
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	out := map[string]int{}
	for _, st := range []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash} {
		out[string(st)] = counts[st]
	}
	w.Header().Set("Cache-Control", "no-store")
	_ = httpkit.WriteJSON(w, http.StatusOK, out)
}
