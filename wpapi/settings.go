package wpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
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
	Email                string `json:"email"`
	Timezone             string `json:"timezone"`
	DateFormat           string `json:"date_format"`
	TimeFormat           string `json:"time_format"`
	StartOfWeek          int    `json:"start_of_week"`
	Language             string `json:"language"`
	UseSmilies           bool   `json:"use_smilies"`
	DefaultCategory      int64  `json:"default_category"`
	DefaultPostFormat    string `json:"default_post_format"`
	PostsPerPage         int    `json:"posts_per_page"`
	ShowOnFront          string `json:"show_on_front"`
	PageOnFront          int64  `json:"page_on_front"`
	PageForPosts         int64  `json:"page_for_posts"`
	DefaultPingStatus    string `json:"default_ping_status"`
	DefaultCommentStatus string `json:"default_comment_status"`
	SiteLogo             *int64 `json:"site_logo"`
	SiteIcon             int64  `json:"site_icon"`
}

// fixedSettings are WordPress settings this site shows with one value it
// keeps: sending that value back passes (clients round-trip what GET
// gave), any other is refused rather than silently dropped. email is the
// first administrator's address, changed on their profile.
var fixedSettings = map[string][]string{
	"start_of_week": {"1"}, "use_smilies": {"false"}, "default_category": {"0"}, "default_post_format": {"0", "standard", ""},
	"show_on_front": {"posts"}, "page_on_front": {"0"}, "page_for_posts": {"0"}, "default_ping_status": {"closed"},
	"site_logo": {"", "0"}, "site_icon": {"0"},
}

// settingNames maps WordPress's names to the site's keys.
var settingNames = map[string]string{
	"title": "title", "description": "tagline", "url": "site_url", "timezone": "timezone",
	"date_format": "date_format", "time_format": "time_format", "language": "language",
	"posts_per_page": "posts_per_page", "default_comment_status": "comments_open_default",
}

func settingsOut(st *communique.Settings, email string) settingsJSON {
	comments := "closed"
	if st.CommentsOpenDefault {
		comments = "open"
	}
	return settingsJSON{Title: st.Title, Description: st.Tagline, URL: st.SiteURL, Email: email, Timezone: st.TimeZone,
		DateFormat: st.DateFormat, TimeFormat: st.TimeFormat, StartOfWeek: 1, Language: st.Language,
		DefaultPostFormat: "0", PostsPerPage: st.PostsPerPage, ShowOnFront: "posts",
		DefaultCommentStatus: comments, DefaultPingStatus: "closed"}
}

// adminEmail is WordPress's "email" setting: the first administrator's
// address.
func (s *Server) adminEmail(ctx context.Context) (string, error) {
	role := communique.RoleAdministrator
	users, err := s.store.FindUsers(ctx, communique.UserFilter{Role: &role, Limit: 1})
	if err != nil || len(users) == 0 {
		return "", err
	}
	return users[0].Email, nil
}

// writeSettings answers with the settings as WordPress shows them.
func (s *Server) writeSettings(w http.ResponseWriter, r *http.Request, st *communique.Settings) {
	email, err := s.adminEmail(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsOut(st, email))
}

func (s *Server) handleSettingsGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionManageSettings, nil) {
		s.fail(w, r, forbidden(c, "rest_forbidden", "Sorry, you are not allowed to do that."))
		return
	}
	s.writeSettings(w, r, c.Settings)
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
	// A WordPress setting this site keeps fixed takes only its value; a
	// name WordPress does not know is ignored, as WordPress ignores it.
	for name, allowed := range fixedSettings {
		if v, ok := in.get(name); ok && !slices.Contains(allowed, scalarString(v)) {
			bad[name] = name + ": not supported by this site; it stays " + strconv.Quote(allowed[0]) + "."
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
	s.writeSettings(w, r, c.Settings.With(values))
}

// scalarString is a JSON or form value as text: "1" for 1, "false" for
// false, "" for null.
func scalarString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
