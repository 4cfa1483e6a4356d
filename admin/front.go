package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/newsroom"
)

// The front page desk: editors arrange the front page's zones and pick
// their stories with plain forms (move up/down buttons, a search field),
// so it works without JavaScript. Every change goes through the article
// service, which drops the page cache on every node.

type frontDeskPage struct {
	base
	Zones    []*frontZoneRow
	Kinds    []communique.ZoneKind
	Sections []*communique.Term
	MaxSize  int
	// Search: the zone being filled, what was typed and what matched.
	SearchZone int64
	Query      string
	Results    []*communique.Article
	// Breaking is the banner as stored; BreakingUntil its end for a
	// datetime-local field, in the site's time zone.
	Breaking      communique.BreakingNews
	BreakingOn    bool
	BreakingUntil string
}

// zoneFieldsData is a zone's settings form: a zone's, or a new one's.
type zoneFieldsData struct {
	Zone     *communique.FrontZone
	Sections []*communique.Term
	Max      int
	Fill     bool
}

// frontZoneRow is a zone with its picks' titles.
type frontZoneRow struct {
	*communique.FrontZone
	Label   string
	Picks   []*communique.Article
	Missing int // picks no longer found (deleted meanwhile)
}

func (s *Server) mayArrange(w http.ResponseWriter, r *http.Request, rq *request) bool {
	if !communique.Can(rq.User, communique.ActionArrangeFront, nil) {
		s.forbid(w, r, rq)
		return false
	}
	return true
}

func (s *Server) handleFront(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	ctx := r.Context()
	zones, err := s.articles.FrontZones(ctx)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := frontDeskPage{base: s.base(r, rq, "Front page", "front"), Kinds: communique.ZoneKinds, MaxSize: communique.MaxZoneSize}
	if st := rq.Settings; st != nil {
		data.Breaking = st.Breaking()
		data.BreakingOn = data.Breaking.ShownAt(s.Now())
		if !data.Breaking.Until.IsZero() {
			data.BreakingUntil = data.Breaking.Until.In(st.Location).Format(localMinute)
		}
	}
	var ids []int64
	for _, z := range zones {
		ids = append(ids, z.ArticleIDs...)
	}
	titles := map[int64]*communique.Article{}
	if len(ids) > 0 {
		list, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{IDs: ids, Limit: len(ids), SkipTotal: true})
		if err != nil {
			s.fail(w, r, rq, err)
			return
		}
		for _, a := range list {
			titles[a.ID] = a
		}
	}
	for _, z := range zones {
		row := &frontZoneRow{FrontZone: z, Label: z.Kind.Label()}
		for _, id := range z.ArticleIDs {
			if a := titles[id]; a != nil {
				row.Picks = append(row.Picks, a)
			} else {
				row.Missing++
			}
		}
		data.Zones = append(data.Zones, row)
	}
	tax := communique.TaxonomyCategory
	if data.Sections, err = s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tax}); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.SearchZone, _ = strconv.ParseInt(r.URL.Query().Get("zone"), 10, 64)
	data.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if data.SearchZone != 0 {
		post := communique.TypePost
		f := communique.ArticleFilter{Type: &post, Status: []communique.Status{communique.StatusPublished, communique.StatusScheduled},
			Search: data.Query, Limit: 20, SkipTotal: true}
		if !communique.ValidText(data.Query) || len(data.Query) > 200 {
			s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "Search for at most 200 characters of text."))
			return
		}
		if data.Results, _, err = s.store.FindArticles(ctx, f); err != nil {
			s.fail(w, r, rq, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "front", data)
}

// frontDone answers a change with a redirect back to the zone changed.
func (s *Server) frontDone(w http.ResponseWriter, r *http.Request, rq *request, err error, zoneID int64) {
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	target := "/admin/front?done=saved"
	if zoneID != 0 {
		target += "#zone-" + strconv.FormatInt(zoneID, 10)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// zoneForm reads a zone's settings from a form.
func zoneForm(r *http.Request) *communique.FrontZone {
	z := &communique.FrontZone{Kind: communique.ZoneKind(r.PostFormValue("kind")), Title: r.PostFormValue("title"),
		Fill: r.PostFormValue("fill") != ""}
	z.SectionID, _ = strconv.ParseInt(r.PostFormValue("section"), 10, 64)
	z.Size, _ = strconv.Atoi(r.PostFormValue("size"))
	return z
}

func (s *Server) handleFrontZoneAdd(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	z := zoneForm(r)
	err := s.articles.AddFrontZone(r.Context(), newsroom.As(rq.User), z)
	s.frontDone(w, r, rq, err, z.ID)
}

func (s *Server) handleFrontZoneSave(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	z := zoneForm(r)
	z.ID = pathID(r, "id")
	s.frontDone(w, r, rq, s.articles.SetFrontZone(r.Context(), newsroom.As(rq.User), z), z.ID)
}

func (s *Server) handleFrontZoneMove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	id := pathID(r, "id")
	s.frontDone(w, r, rq, s.articles.MoveFrontZone(r.Context(), newsroom.As(rq.User), id, delta(r)), id)
}

func (s *Server) handleFrontZoneDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	s.frontDone(w, r, rq, s.articles.RemoveFrontZone(r.Context(), newsroom.As(rq.User), pathID(r, "id")), 0)
}

func (s *Server) handleFrontPick(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	id := pathID(r, "id")
	article, _ := strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	s.frontDone(w, r, rq, s.articles.PickForZone(r.Context(), newsroom.As(rq.User), id, article), id)
}

func (s *Server) handleFrontPickMove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	id := pathID(r, "id")
	s.frontDone(w, r, rq, s.articles.MovePick(r.Context(), newsroom.As(rq.User), id, pathID(r, "article"), delta(r)), id)
}

func (s *Server) handleFrontPickRemove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	id := pathID(r, "id")
	s.frontDone(w, r, rq, s.articles.Unpick(r.Context(), newsroom.As(rq.User), id, pathID(r, "article")), id)
}

// localMinute is the value of a datetime-local field.
const localMinute = "2006-01-02T15:04"

// handleFrontBreaking switches the breaking-news banner on or off.
func (s *Server) handleFrontBreaking(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	var b communique.BreakingNews
	if r.PostFormValue("action") != "off" {
		b = communique.BreakingNews{Text: r.PostFormValue("text"), URL: r.PostFormValue("url")}
		if until := strings.TrimSpace(r.PostFormValue("until")); until != "" {
			loc := time.UTC
			if rq.Settings != nil {
				loc = rq.Settings.Location
			}
			t, err := time.ParseInLocation(localMinute, until, loc)
			if err != nil {
				s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "The end of the banner must be a date and time, such as 2026-12-07T18:00."))
				return
			}
			if !t.After(s.Now()) {
				s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "The end of the banner must be in the future."))
				return
			}
			b.Until = t
		}
		if strings.TrimSpace(b.Text) == "" {
			s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "Write the banner's text to switch it on."))
			return
		}
	}
	s.frontDone(w, r, rq, s.articles.SetBreaking(r.Context(), newsroom.As(rq.User), b), 0)
}

// pathID is a numeric path value; 0 (found nowhere) when it is not one.
func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// delta is a move button's direction: "up" is -1, anything else +1.
func delta(r *http.Request) int {
	if r.PostFormValue("move") == "up" {
		return -1
	}
	return 1
}
