package admin

import (
	"net/http"
	"slices"
	"strings"

	"communique"
)

// settingField is one input of the settings page.
type settingField struct {
	Key, Label, Value, Help, Kind, Error string
	Options                              []communique.SettingOption
}

// settingGroup is a fieldset of the settings page.
type settingGroup struct {
	Name   communique.SettingGroup
	Fields []settingField
}

type settingsPage struct {
	base
	Groups []settingGroup
	Errors int
}

// settingsData lays out the settings page from communique.SettingDefs:
// each setting under its group, with its label and help, as a choice
// where its values are known.
func (s *Server) settingsData(r *http.Request, rq *request, values map[string]string, errs map[string]string) settingsPage {
	data := settingsPage{base: s.base(r, rq, "Settings", "settings"), Errors: len(errs)}
	for _, g := range communique.SettingGroups {
		group := settingGroup{Name: g}
		for i := range communique.SettingDefs {
			if def := &communique.SettingDefs[i]; def.Group == g {
				group.Fields = append(group.Fields, settingInput(def, values[def.Key], errs[def.Key]))
			}
		}
		data.Groups = append(data.Groups, group)
	}
	return data
}

// settingInput is the input of one setting holding value.
func settingInput(def *communique.SettingDef, value, err string) settingField {
	f := settingField{Key: def.Key, Label: def.Label, Value: value, Help: def.Help, Kind: "text", Error: err}
	if f.Help == f.Label {
		f.Help = ""
	}
	switch {
	case def.Kind == communique.SettingBool:
		f.Kind = "bool"
	case def.Kind == communique.SettingLines:
		f.Kind = "textarea"
	case def.Options() != nil:
		f.Kind, f.Options = "select", def.Options()
		if !slices.ContainsFunc(f.Options, func(o communique.SettingOption) bool { return o.Value == value }) {
			// A value the list lacks (imported, or set from the
			// command line) is shown as it is, not silently replaced.
			f.Options = append([]communique.SettingOption{{Value: value, Label: value}}, f.Options...)
		}
	}
	return f
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
