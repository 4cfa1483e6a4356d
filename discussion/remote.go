package discussion

import (
	"context"

	"communique"
)

// Replies from the fediverse are posted with Post (Submission.Remote);
// their server then edits or deletes them. Those changes come signed by
// the author's own server (package activitypub checks it), so there is no
// browser key or edit window to ask for: only that it is such a reply.

// EditRemote replaces a fediverse reply's text when its author edited it
// (an Update): judged again, the history kept, never approved by an edit.
func (s *Service) EditRemote(ctx context.Context, st *communique.Settings, id int64, text string) (*communique.Comment, error) {
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Type != communique.CommentTypeActivityPub {
		return nil, refuse(KindForbidden, "Only a reply from the fediverse is edited by its server.")
	}
	if c.Status == communique.CommentTrash || c.Status == communique.CommentSpam {
		return c, nil // a removed reply stays removed
	}
	return s.edit(ctx, st, c, text)
}

// WithdrawRemote removes a fediverse reply its author deleted (a Delete):
// to the trash, where moderators can still see it.
func (s *Service) WithdrawRemote(ctx context.Context, id int64) error {
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return err
	}
	if c.Type != communique.CommentTypeActivityPub {
		return refuse(KindForbidden, "Only a reply from the fediverse is deleted by its server.")
	}
	if c.Status == communique.CommentTrash {
		return nil
	}
	if err := s.Store.SetCommentStatus(ctx, id, communique.CommentTrash); err != nil {
		return err
	}
	s.changed(c.ArticleID)
	return nil
}

// markRemote sets the @user@host of the fediverse's replies on a page.
func (s *Service) markRemote(ctx context.Context, all []*communique.Comment) error {
	if s.Remote == nil {
		return nil
	}
	var ids []int64
	for _, c := range all {
		if c.Type == communique.CommentTypeActivityPub {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil // pages without fediverse replies cost no query
	}
	handles, err := s.Remote.FindRemoteHandles(ctx, ids)
	if err != nil {
		return err
	}
	avatars := map[int64]string{}
	if st, ok := s.Remote.(RemoteAvatars); ok {
		if avatars, err = st.FindRemoteAvatars(ctx, ids); err != nil {
			return err
		}
	}
	for _, c := range all {
		if h, ok := handles[c.ID]; ok {
			c.Handle = h
		}
		if token, ok := avatars[c.ID]; ok {
			c.AvatarURL = RemoteAvatarPath + token
		}
	}
	return nil
}

// RemoteAvatarPath is where the site serves the pictures of fediverse
// authors it fetched (package activitypub serves them).
const RemoteAvatarPath = "/fediverse/avatars/"

// RemoteAvatars finds the pictures the site keeps of fediverse authors.
type RemoteAvatars interface {
	FindRemoteAvatars(ctx context.Context, commentIDs []int64) (map[int64]string, error)
}
