package activitypub

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"strings"
	"time"

	"communique"
	"communique/discussion"
)

var actorContext = []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"}

// Register adds the discovery and inbox routes to mux.
func (s *Service) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/webfinger", s.handleWebFinger)
	mux.HandleFunc("GET /.well-known/nodeinfo", s.handleNodeInfoLinks)
	mux.HandleFunc("GET /nodeinfo/2.1", s.handleNodeInfo)
	mux.HandleFunc("GET /.well-known/host-meta", s.handleHostMeta)
	mux.HandleFunc("POST /activitypub/inbox", s.handleInbox)
	mux.HandleFunc("GET /activitypub/actors/{name}/outbox", s.handleCollection("outbox"))
	mux.HandleFunc("GET /activitypub/actors/{name}/followers", s.handleCollection("followers"))
	mux.HandleFunc("GET /activitypub/actors/{name}/following", s.handleCollection("following"))
	mux.HandleFunc("GET /activitypub/comments/{id}", s.handleComment)
	mux.HandleFunc("GET "+discussion.RemoteAvatarPath+"{token}", s.handleAvatar)
}

// writeJSON answers v with an ActivityStreams (or other JSON) type. The
// answers are small and change with the store, so they are not cached.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "max-age=60")
	h.Add("Vary", "Accept")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

func notFound(w http.ResponseWriter) {
	http.Error(w, "not found", http.StatusNotFound)
}

// handleWebFinger answers RFC 7033 for acct:user@host and for actor URLs.
func (s *Service) handleWebFinger(w http.ResponseWriter, r *http.Request) {
	x, on := s.enabled(r.Context())
	if !on {
		notFound(w)
		return
	}
	resource := r.URL.Query().Get("resource")
	var username string
	switch {
	case resource == "" || len(resource) > 500:
		http.Error(w, "resource required: acct:user@host or an actor's URL", http.StatusBadRequest)
		return
	case strings.HasPrefix(resource, "acct:"):
		user, host, ok := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(resource, "acct:"), "@"), "@")
		if !ok || !strings.EqualFold(host, x.host) {
			notFound(w)
			return
		}
		username = user
	case strings.HasPrefix(resource, "https://") || strings.HasPrefix(resource, "http://"):
		l, ok := s.localByID(r.Context(), x, resource)
		if !ok {
			notFound(w)
			return
		}
		username = l.username()
	default:
		http.Error(w, "resource must be acct:user@host or an actor's URL", http.StatusBadRequest)
		return
	}
	l, ok := s.findLocal(r.Context(), x, username)
	if !ok {
		notFound(w)
		return
	}
	id := l.id(x)
	writeJSON(w, r, http.StatusOK, "application/jrd+json", map[string]any{
		"subject": "acct:" + l.username() + "@" + x.host,
		"aliases": []string{id},
		"links": []map[string]string{
			{"rel": "self", "type": ContentType, "href": id},
			{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": id},
		},
	})
}

const nodeInfoSchema = "http://nodeinfo.diaspora.software/ns/schema/2.1"

func (s *Service) handleNodeInfoLinks(w http.ResponseWriter, r *http.Request) {
	x, on := s.enabled(r.Context())
	if !on {
		notFound(w)
		return
	}
	writeJSON(w, r, http.StatusOK, "application/json", map[string]any{
		"links": []map[string]string{{"rel": nodeInfoSchema, "href": x.base + "/nodeinfo/2.1"}},
	})
}

// handleNodeInfo describes the server (NodeInfo 2.1): software, the
// protocol, and counts of authors and articles.
func (s *Service) handleNodeInfo(w http.ResponseWriter, r *http.Request) {
	x, on := s.enabled(r.Context())
	if !on {
		notFound(w)
		return
	}
	ctx := r.Context()
	authors, err := s.Store.FindUsers(ctx, communique.UserFilter{HasPublished: true})
	if err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	post := communique.TypePost
	_, posts, err := s.Store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: []communique.Status{communique.StatusPublished}, Limit: 1})
	if err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, r, http.StatusOK, `application/json; profile="`+nodeInfoSchema+`#"`, map[string]any{
		"version":           "2.1",
		"software":          map[string]string{"name": "communique", "version": communique.Version},
		"protocols":         []string{"activitypub"},
		"services":          map[string][]string{"inbound": {}, "outbound": {"atom1.0", "rss2.0"}},
		"openRegistrations": false,
		"usage":             map[string]any{"users": map[string]int{"total": len(authors)}, "localPosts": posts},
		"metadata":          map[string]string{"nodeName": x.st.Title, "nodeDescription": x.st.Tagline},
	})
}

// handleHostMeta points older clients at WebFinger (RFC 6415).
func (s *Service) handleHostMeta(w http.ResponseWriter, r *http.Request) {
	x, on := s.enabled(r.Context())
	if !on {
		notFound(w)
		return
	}
	type link struct {
		Rel      string `xml:"rel,attr"`
		Type     string `xml:"type,attr"`
		Template string `xml:"template,attr"`
	}
	doc := struct {
		XMLName xml.Name `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
		Link    link
	}{Link: link{Rel: "lrdd", Type: "application/jrd+json", Template: x.base + "/.well-known/webfinger?resource={uri}"}}
	b, _ := xml.Marshal(doc)
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write([]byte(xml.Header))
	w.Write(b)
}

// ServeActor answers an actor's document for the site (username
// SiteActor) or an author; it reports false when there is no such actor
// or federation is off, so the caller serves its page instead.
func (s *Service) ServeActor(w http.ResponseWriter, r *http.Request, username string) bool {
	x, on := s.enabled(r.Context())
	if !on {
		return false
	}
	l, ok := s.findLocal(r.Context(), x, username)
	if !ok {
		return false
	}
	doc, err := s.actorDocument(r.Context(), x, l)
	if err != nil {
		s.Logger.Error("activitypub: actor", "actor", l.name(), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return true
	}
	writeJSON(w, r, http.StatusOK, ContentType, doc)
	return true
}

func (s *Service) actorDocument(ctx context.Context, x *site, l local) (map[string]any, error) {
	key, err := s.privateKey(ctx, l)
	if err != nil {
		return nil, err
	}
	pub, err := publicPEM(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	id := l.id(x)
	doc := map[string]any{
		"@context":                  actorContext,
		"id":                        id,
		"type":                      "Service",
		"preferredUsername":         l.username(),
		"name":                      x.st.Title,
		"summary":                   paragraphs(x.st.Tagline),
		"url":                       id,
		"inbox":                     x.base + "/activitypub/inbox",
		"outbox":                    l.collection(x, "outbox"),
		"followers":                 l.collection(x, "followers"),
		"following":                 l.collection(x, "following"),
		"endpoints":                 map[string]string{"sharedInbox": x.base + "/activitypub/inbox"},
		"discoverable":              true,
		"manuallyApprovesFollowers": x.st.FederationApproveFollows,
		"publicKey":                 map[string]string{"id": l.keyID(x), "owner": id, "publicKeyPem": pub},
	}
	if l.user != nil {
		doc["type"] = "Person"
		doc["name"] = l.user.Name()
		doc["summary"] = paragraphs(l.user.Bio)
		doc["published"] = l.user.CreatedAt.UTC().Format(time.RFC3339)
	}
	return doc, nil
}

// paragraphs turns plain text into escaped HTML paragraphs.
func paragraphs(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>")
		}
	}
	return b.String()
}

// handleCollection answers an actor's outbox, followers or following as
// an OrderedCollection with its count only: who follows whom is not
// published.
func (s *Service) handleCollection(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		x, on := s.enabled(r.Context())
		if !on {
			notFound(w)
			return
		}
		l, ok := s.findLocal(r.Context(), x, r.PathValue("name"))
		if !ok {
			notFound(w)
			return
		}
		total, err := s.collectionSize(r.Context(), l, what)
		if err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, r, http.StatusOK, ContentType, map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams", "id": l.collection(x, what),
			"type": "OrderedCollection", "totalItems": total,
		})
	}
}

func (s *Service) collectionSize(ctx context.Context, l local, what string) (int, error) {
	switch what {
	case "followers":
		return s.Store.CountFollowers(ctx, l.name())
	case "outbox":
		post := communique.TypePost
		f := communique.ArticleFilter{Type: &post, Status: []communique.Status{communique.StatusPublished}, Limit: 1}
		if l.user != nil {
			f.AuthorID = &l.user.ID
		}
		_, n, err := s.Store.FindArticles(ctx, f)
		return n, err
	}
	return 0, nil
}

// FollowerCount is how many accounts follow the author whose page is at
// /author/{username}/, with the author's handle, for the page to show:
// ok is false unless federation is on, the site shows follower counts
// (federation_follower_counts) and the author is an actor.
func (s *Service) FollowerCount(ctx context.Context, username string) (n int, handle string, ok bool) {
	x, on := s.enabled(ctx)
	if !on || !x.st.FederationFollowerCounts || username == SiteActor {
		return 0, "", false
	}
	l, found := s.findLocal(ctx, x, username)
	if !found {
		return 0, "", false
	}
	n, err := s.Store.CountFollowers(ctx, l.name())
	if err != nil {
		s.Logger.Error("activitypub: count followers", "actor", l.name(), "err", err)
		return 0, "", false
	}
	return n, "@" + l.username() + "@" + x.host, true
}
