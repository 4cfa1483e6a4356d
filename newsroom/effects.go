package newsroom

import (
	"context"

	"communique"
)

// Every side effect of an article's change is raised here, after the
// change committed, whichever door it came through. A new one (federating
// a post, say) is one more line in changed.
//
// What happens, and where:
//   - outbox: webhooks post.published / post.updated and the emails to
//     readers subscribed to new articles (Notifier); the fediverse's
//     Create, Update and Delete to followers (Federator);
//   - page cache: dropped on this node at once (Invalidator); the store's
//     triggers bump cache tags in the change's own transaction, which is
//     how other nodes and processes hear of it;
//   - search: the store indexes the body's text in the same transaction;
//   - webmentions: the sender finds newly published articles by their
//     publication time, so publishing is all it needs.

// changed follows a change: before is nil for a new article, after nil
// for a deleted one.
func (s *Service) changed(ctx context.Context, before, after *communique.Article) {
	if s.Invalidator != nil {
		s.Invalidator.StoreChanged()
	}
	if s.Notifier != nil && after != nil {
		s.Notifier.ArticleSaved(ctx, before, after)
	}
	if s.Federator != nil {
		s.Federator.ArticleChanged(ctx, before, after)
	}
}

// imported follows an import batch. Imports tell no subscriber and call
// no webhook, deliberately: bringing an old site in is not news, and a
// re-import would announce every article again.
func (s *Service) imported(context.Context) {
	if s.Invalidator != nil {
		s.Invalidator.StoreChanged()
	}
}
