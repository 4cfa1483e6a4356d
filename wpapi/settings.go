package wpapi

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"communique"
)

// Settings: /wp/v2/settings, for administrators, with WordPress's names
// for the settings the site has.

type settingsJSON struct {
	Title                string `json:"title"`
	Description          string `json:"description"`
	URL                  string `json:"url"`
	Timezone             string `json:"timezone"`
	DateFormat           string `json:"date_format"`
	TimeFormat           string `json:"time_format"`
	Language             string `json:"language"`
	PostsPerPage         int    `json:"posts_per_page"`
	DefaultCommentStatus string `json:"default_comment_status"`
	DefaultPingStatus    string `json:"default_ping_status"`
}

// settingNames maps WordPress's names to the site's keys.
var settingNames = map[string]string{
	"title": "title", "description": "tagline", "url": "site_url", "timezone": "timezone",
	"date_format": "date_format", "time_format": "time_format", "language": "language",
	"posts_per_page": "posts_per_page", "default_comment_status": "comments_open_default",
}

// knownSettingNames lists settingNames for refusals.
var knownSettingNames = func() string {
	names := make([]string, 0, len(settingNames))
	for name := range settingNames {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}()

func settingsOut(st *communique.Settings) settingsJSON {
	comments := "closed"
	if st.CommentsOpenDefault {
		comments = "open"
	}
	return settingsJSON{Title: st.Title, Description: st.Tagline, URL: st.SiteURL, Timezone: st.TimeZone,
		DateFormat: st.DateFormat, TimeFormat: st.TimeFormat, Language: st.Language, PostsPerPage: st.PostsPerPage,
		DefaultCommentStatus: comments, DefaultPingStatus: "closed"}
}

func (s *Server) handleSettingsGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionManageSettings, nil) {
		s.fail(w, r, forbidden(c, "rest_forbidden", "Sorry, you are not allowed to do that."))
		return
	}
	writeJSON(w, http.StatusOK, settingsOut(c.Settings))
}

func (s *Server) handleSettingsUpdate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionManageSettings, nil) {
		s.fail(w, r, forbidden(c, "rest_forbidden", "Sorry, you are not allowed to do that."))
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	values := map[string]string{}
	for name, key := range settingNames {
		var v string
		switch name {
		case "posts_per_page":
			n, ok := in.int(name, bad)
			if !ok {
				continue
			}
			v = strconv.FormatInt(n, 10)
		case "default_comment_status":
			status, ok := in.choice(name, bad, "open", "closed")
			if !ok {
				continue
			}
			v = strconv.FormatBool(status == "open")
		default:
			var ok bool
			if v, ok = in.str(name, bad); !ok {
				continue
			}
		}
		if err := communique.ValidateSetting(key, v); err != nil {
			// The client knows the setting by WordPress's name.
			bad[name] = name + strings.TrimPrefix(communique.ErrorMessage(err), key)
			continue
		}
		values[key] = v
	}
	// A setting this site lacks is refused, not silently dropped, so a
	// client never believes it changed something. Names starting with _
	// are WordPress's request options (_fields, _envelope…).
	in.choice("default_ping_status", bad, "closed") // shown by GET: a round trip must pass
	for name := range in.body {
		if _, ok := settingNames[name]; !ok && name != "default_ping_status" && !strings.HasPrefix(name, "_") {
			bad[name] = name + ": unknown setting (known: " + knownSettingNames + ")"
		}
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	for key, v := range values {
		if err := s.store.SetSetting(r.Context(), key, v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, settingsOut(c.Settings.With(values)))
}
