package web

import (
	"context"
	"net/http"
	"time"

	"communique"
)

// frontReader is what the edited front page reads; a store without it
// shows the latest articles as before.
type frontReader interface {
	FindFrontZones(ctx context.Context) ([]*communique.FrontZone, error)
	MostDiscussed(ctx context.Context, since time.Time, limit int) ([]int64, error)
	MostRead(ctx context.Context, since time.Time, limit int) ([]int64, error)
}

// frontPage is the edited front page: the zones an editor arranged.
type frontPage struct {
	pageData
	Zones []*zoneView
}

// zoneView is a zone as the template shows it.
type zoneView struct {
	Kind     string
	Title    string
	URL      string // the section's archive, for a section row
	Articles []*articleView
}

// editedFront renders the front page from its zones; false when there are
// none, so the latest articles are shown as before.
func (s *Server) editedFront(w http.ResponseWriter, r *http.Request, st *site) bool {
	fr, ok := s.store.(frontReader)
	if !ok {
		return false
	}
	ctx := r.Context()
	zones, err := fr.FindFrontZones(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return true
	}
	if len(zones) == 0 {
		return false
	}
	tagPage(r, "comments") // comment counts and the most discussed
	picked, err := s.pickedArticles(ctx, zones)
	if err != nil {
		s.renderError(w, r, err)
		return true
	}
	data := frontPage{}
	used := map[int64]bool{} // a story appears once on the page
	var all []*articleView
	for _, z := range zones {
		list, err := s.zoneArticles(ctx, fr, z, picked, used)
		if err != nil {
			s.renderError(w, r, err)
			return true
		}
		zv := &zoneView{Kind: string(z.Kind), Title: z.Title}
		if c, ok := st.cats[z.SectionID]; ok && z.SectionID != 0 {
			zv.URL = s.termURL(st, c)
			if zv.Title == "" {
				zv.Title = c.Name
			}
		}
		if zv.Title == "" && z.Kind != communique.ZoneLead {
			zv.Title = z.Kind.Label()
		}
		for _, a := range list {
			if !z.Kind.IsRanking() {
				used[a.ID] = true
			}
			v := s.view(ctx, st, a)
			zv.Articles = append(zv.Articles, v)
			all = append(all, v)
		}
		if len(zv.Articles) > 0 {
			data.Zones = append(data.Zones, zv)
		}
	}
	s.attachImages(ctx, all)
	data.Description = st.settings.Tagline
	s.fillPageFrom(r, st, &data.pageData, "", "/")
	s.render(w, r, http.StatusOK, "front", data)
	return true
}

// pickedArticles loads every zone's picks in one query, keeping those a
// reader may see now.
func (s *Server) pickedArticles(ctx context.Context, zones []*communique.FrontZone) (map[int64]*communique.Article, error) {
	var ids []int64
	for _, z := range zones {
		ids = append(ids, z.ArticleIDs...)
	}
	out := map[int64]*communique.Article{}
	if len(ids) == 0 {
		return out, nil
	}
	post := communique.TypePost
	list, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, IDs: ids, Limit: len(ids), SkipTotal: true})
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.IsPublic(s.Now()) {
			out[a.ID] = a
		}
	}
	return out, nil
}

// zoneArticles are a zone's stories: its picks in order, then, with Fill,
// the latest of its section not shown above; for "most discussed", the
// posts with most comments this week.
func (s *Server) zoneArticles(ctx context.Context, fr frontReader, z *communique.FrontZone, picked map[int64]*communique.Article, used map[int64]bool) ([]*communique.Article, error) {
	var out []*communique.Article
	if z.Kind == communique.ZoneDiscussed {
		// A ranking, as readers know it from a sidebar: a story may be
		// both a card above and here.
		ids, err := fr.MostDiscussed(ctx, s.Now().Add(-communique.DiscussedWindow), z.Size)
		if err != nil {
			return nil, err
		}
		return s.articlesByIDs(ctx, ids)
	}
	if z.Kind == communique.ZoneRead {
		// Readers change this ranking without changing content, so the
		// cached page is counted again every few minutes.
		expirePage(ctx, s.Now().Add(communique.ReadRefresh))
		ids, err := fr.MostRead(ctx, s.Now().Add(-communique.ReadWindow), z.Size)
		if err != nil {
			return nil, err
		}
		return s.articlesByIDs(ctx, ids)
	}
	for _, id := range z.ArticleIDs {
		if a := picked[id]; a != nil && !used[id] && len(out) < z.Size {
			out = append(out, a)
		}
	}
	if !z.Fill || len(out) >= z.Size {
		return out, nil
	}
	post := communique.TypePost
	f := communique.ArticleFilter{Type: &post, Status: published, Limit: z.Size - len(out), SkipTotal: true}
	for id := range used {
		f.ExcludeIDs = append(f.ExcludeIDs, id)
	}
	for _, a := range out {
		f.ExcludeIDs = append(f.ExcludeIDs, a.ID)
	}
	if z.SectionID != 0 {
		f.TermID = &z.SectionID
	}
	latest, _, err := s.store.FindArticles(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, a := range latest {
		if a.IsPublic(s.Now()) {
			out = append(out, a)
		}
	}
	return out, nil
}

// articlesByIDs loads published posts in the order of ids.
func (s *Server) articlesByIDs(ctx context.Context, ids []int64) ([]*communique.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	post := communique.TypePost
	list, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, IDs: ids, Limit: len(ids), SkipTotal: true})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*communique.Article{}
	for _, a := range list {
		byID[a.ID] = a
	}
	out := make([]*communique.Article, 0, len(ids))
	for _, id := range ids {
		if a := byID[id]; a != nil && a.IsPublic(s.Now()) {
			out = append(out, a)
		}
	}
	return out, nil
}
