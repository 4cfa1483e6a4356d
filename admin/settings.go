package admin

import (
	"net/http"
	"strings"

	"communique"
)

// settingField is one input of the settings page.
type settingField struct {
	Key, Label, Value, Help, Kind, Error string
	Choices                              []string
}

type settingsPage struct {
	base
	Site       []settingField
	Discussion []settingField
	Errors     int
}

// discussionKeys start the discussion section of the settings page.
var discussionStart = "comments_open_default"

func (s *Server) settingsData(r *http.Request, rq *request, values map[string]string, errs map[string]string) settingsPage {
	data := settingsPage{base: s.base(r, rq, "Settings", "settings"), Errors: len(errs)}
	section := &data.Site
	for _, def := range communique.SettingDefs {
		if def.Key == discussionStart {
			section = &data.Discussion
		}
		f := settingField{Key: def.Key, Label: strings.ReplaceAll(def.Key, "_", " "), Value: values[def.Key], Help: def.Help, Kind: "text", Error: errs[def.Key]}
		switch def.Kind {
		case communique.SettingBool:
			f.Kind = "bool"
		case communique.SettingLines:
			f.Kind = "textarea"
		case communique.SettingChoice:
			f.Kind, f.Choices = "select", def.Choices
		}
		*section = append(*section, f)
	}
	return data
}

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageSettings, nil) {
		s.forbid(w, r, rq)
		return
	}
	values := map[string]string{}
	for i := range communique.SettingDefs {
		def := &communique.SettingDefs[i]
		values[def.Key] = def.Text(rq.Settings)
	}
	s.render(w, r, http.StatusOK, "settings", s.settingsData(r, rq, values, nil))
}

// handleSettingsPost validates every field first and stores nothing
// unless all are valid, so a typo never leaves half the settings saved.
func (s *Server) handleSettingsPost(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageSettings, nil) {
		s.forbid(w, r, rq)
		return
	}
	values, errs := map[string]string{}, map[string]string{}
	for _, def := range communique.SettingDefs {
		v := strings.ReplaceAll(r.PostFormValue(def.Key), "\r\n", "\n")
		if def.Kind == communique.SettingBool {
			v = "false"
			if r.PostFormValue(def.Key) != "" {
				v = "true"
			}
		}
		values[def.Key] = v
		if err := communique.ValidateSetting(def.Key, v); err != nil {
			errs[def.Key] = communique.ErrorMessage(err)
		}
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusBadRequest, "settings", s.settingsData(r, rq, values, errs))
		return
	}
	for i := range communique.SettingDefs {
		def := &communique.SettingDefs[i]
		if values[def.Key] == def.Text(rq.Settings) {
			continue
		}
		if err := s.store.SetSetting(r.Context(), def.Key, values[def.Key]); err != nil {
			s.fail(w, r, rq, err)
			return
		}
	}
	http.Redirect(w, r, "/admin/settings?done=saved", http.StatusSeeOther)
}
