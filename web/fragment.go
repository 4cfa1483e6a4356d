package web

import (
	"bytes"
	"hash/maphash"
	"html/template"
	"strings"
	"sync"

	"communique"
)

// A comment's HTML is the same on every page view until something it
// shows changes, and running the "comment" template for each of fifty
// comments was most of an uncached article's cost. So each comment's
// fragment is rendered once and kept under everything it is made of:
// the fields the template reads (commentFields), the site's settings of
// the snapshot it was made with (language, formats, time zone: a changed
// setting makes a new snapshot) and its replies' fragments. A changed
// comment, count, badge or setting is a new key, never a stale answer;
// viewer-specific parts (the edit link) are fields, so a commenter's own
// comment is a fragment of its own. Fragments live in process memory only
// and every node fills its own, so nothing needs invalidating.

// fragmentBudget bounds the bytes of HTML one generation of the cache
// holds; two generations are kept, the older dropped when the newer fills.
const fragmentBudget = 4 << 20

// fragmentKey is what one comment's fragment depends on.
type fragmentKey struct {
	commentFields
	settings *communique.Settings
	replies  uint64 // a hash of the replies' fragments, in order
}

// fragmentCache keeps rendered comments in two generations: a fragment
// read from the older one moves to the newer, and the older is dropped
// whole when the newer reaches the budget, so memory stays bounded
// without bookkeeping per entry.
type fragmentCache struct {
	mu       sync.RWMutex
	cur, old map[fragmentKey]template.HTML
	size     int
	budget   int
}

func newFragmentCache(budget int) *fragmentCache {
	return &fragmentCache{cur: map[fragmentKey]template.HTML{}, budget: budget}
}

func (c *fragmentCache) get(k *fragmentKey) (template.HTML, bool) {
	c.mu.RLock()
	f, ok := c.cur[*k]
	if !ok && c.old != nil {
		if f, ok = c.old[*k]; ok {
			c.mu.RUnlock()
			c.put(k, f)
			return f, true
		}
	}
	c.mu.RUnlock()
	return f, ok
}

func (c *fragmentCache) put(k *fragmentKey, f template.HTML) {
	n := len(f) + len(k.HTML) + len(k.AuthorName) + len(k.ReplyURL) + 256
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cur[*k]; ok {
		return
	}
	if c.size+n > c.budget {
		c.old, c.cur, c.size = c.cur, make(map[fragmentKey]template.HTML, len(c.cur)), 0
	}
	c.cur[*k] = f
	c.size += n
}

var fragmentSeed = maphash.MakeSeed()

// renderComments sets the Fragment of each comment, and of its replies,
// from the cache or by running the "comment" template once, and returns
// them all one after another. A fragment that fails to render is left
// empty and the result is "": the page then renders the comments itself,
// and reports the error there.
func (s *Server) renderComments(st *site, views []*commentView) template.HTML {
	var buf bytes.Buffer
	n := 0
	for _, v := range views {
		s.renderComment(st, v, &buf)
		if v.Fragment == "" {
			return ""
		}
		n += len(v.Fragment)
	}
	var all strings.Builder
	all.Grow(n)
	for _, v := range views {
		all.WriteString(string(v.Fragment))
	}
	return template.HTML(all.String())
}

func (s *Server) renderComment(st *site, v *commentView, buf *bytes.Buffer) {
	var h maphash.Hash
	h.SetSeed(fragmentSeed)
	for _, r := range v.Replies {
		s.renderComment(st, r, buf)
		h.WriteString(string(r.Fragment))
		h.WriteByte(0)
	}
	k := &fragmentKey{commentFields: v.commentFields, settings: st.settings, replies: h.Sum64()}
	if f, ok := s.fragments.get(k); ok {
		v.Fragment = f
		return
	}
	buf.Reset()
	if err := s.views.ExecuteIn(s.messages.Match(st.settings.Language), buf, "article", "comment", v); err != nil {
		return
	}
	v.Fragment = template.HTML(buf.String())
	s.fragments.put(k, v.Fragment)
}
