package admin

import (
	"context"
	"net/http"
	"strconv"

	"communique"
	"communique/activitypub"
)

// Fediverse is the newsroom's view of the site's followers on the
// fediverse and of its blocks (activitypub.Service).
type Fediverse interface {
	Followers(ctx context.Context, by *communique.User) ([]*activitypub.FollowerView, error)
	RemoveFollower(ctx context.Context, by *communique.User, localActor, actorID string) error
	AcceptFollower(ctx context.Context, by *communique.User, localActor, actorID string) error
	RejectFollower(ctx context.Context, by *communique.User, localActor, actorID string) error
	Block(ctx context.Context, by *communique.User, what string) (int, error)
	Unblock(ctx context.Context, by *communique.User, id int64) error
	Blocks(ctx context.Context, by *communique.User) ([]*communique.RemoteBlock, error)
}

type fediversePage struct {
	base
	Enabled   bool
	Followers []*activitypub.FollowerView
	// Requests are follow requests held for approval. (Not "Pending":
	// the layout's Pending is the count of comments to moderate.)
	Requests []*activitypub.FollowerView
	Blocks   []*communique.RemoteBlock
	Block    string
	Error    string
}

func (s *Server) canManageFediverse(w http.ResponseWriter, r *http.Request, rq *request) bool {
	if !communique.Can(rq.User, communique.ActionManageSettings, nil) {
		s.forbid(w, r, rq)
		return false
	}
	if s.fediverse == nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "The fediverse is not set up on this server."))
		return false
	}
	return true
}

// handleFediverse lists followers per actor and the blocks.
func (s *Server) handleFediverse(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageFediverse(w, r, rq) {
		return
	}
	s.renderFediverse(w, r, rq, "", "", http.StatusOK)
}

func (s *Server) renderFediverse(w http.ResponseWriter, r *http.Request, rq *request, block, msg string, status int) {
	ctx := r.Context()
	followers, err := s.fediverse.Followers(ctx, rq.User)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	blocks, err := s.fediverse.Blocks(ctx, rq.User)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := fediversePage{base: s.base(r, rq, "Fediverse", "fediverse"), Blocks: blocks,
		Block: block, Error: msg, Enabled: rq.Settings != nil && rq.Settings.FederationEnabled}
	for _, f := range followers {
		if f.Status == communique.FollowerPending {
			data.Requests = append(data.Requests, f)
		} else {
			data.Followers = append(data.Followers, f)
		}
	}
	s.render(w, r, status, "fediverse", data)
}

func (s *Server) handleFollowerRemove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageFediverse(w, r, rq) {
		return
	}
	if err := s.fediverse.RemoveFollower(r.Context(), rq.User, r.PostFormValue("local"), r.PostFormValue("actor")); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/fediverse?done=deleted", http.StatusSeeOther)
}

// handleFollowerAccept accepts a follow request held for approval.
func (s *Server) handleFollowerAccept(w http.ResponseWriter, r *http.Request, rq *request) {
	s.answerFollower(w, r, rq, s.fediverse.AcceptFollower, "accepted")
}

// handleFollowerReject refuses a follow request held for approval.
func (s *Server) handleFollowerReject(w http.ResponseWriter, r *http.Request, rq *request) {
	s.answerFollower(w, r, rq, s.fediverse.RejectFollower, "rejected")
}

func (s *Server) answerFollower(w http.ResponseWriter, r *http.Request, rq *request,
	answer func(context.Context, *communique.User, string, string) error, done string) {
	if !s.canManageFediverse(w, r, rq) {
		return
	}
	if err := answer(r.Context(), rq.User, r.PostFormValue("local"), r.PostFormValue("actor")); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/fediverse?done="+done, http.StatusSeeOther)
}

// handleBlock blocks an actor or a domain; a bad value shows the page
// again with what was typed and why.
func (s *Server) handleBlock(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageFediverse(w, r, rq) {
		return
	}
	what := r.PostFormValue("block")
	if _, err := s.fediverse.Block(r.Context(), rq.User, what); err != nil {
		if communique.ErrorCode(err) == communique.EINVALID {
			s.renderFediverse(w, r, rq, what, communique.ErrorMessage(err), http.StatusBadRequest)
			return
		}
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/fediverse?done=blocked", http.StatusSeeOther)
}

func (s *Server) handleUnblock(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.canManageFediverse(w, r, rq) {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.fediverse.Unblock(r.Context(), rq.User, id); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/fediverse?done=deleted", http.StatusSeeOther)
}
