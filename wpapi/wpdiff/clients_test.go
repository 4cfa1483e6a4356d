package wpdiff_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"communique/internal/nodetest"
)

// compareClients runs testdata/clients.mjs against WordPress and then
// against Communiqué, and wants the same results: discovery, _fields,
// sticky, parent, a term update and OPTIONS, through both clients.
func compareClients(t *testing.T, wp *wordpress, site *site) {
	node, modules := nodetest.Modules(t, "the client scripts", "wpapi@1", "@wordpress/api-fetch@6")
	script, err := filepath.Abs("testdata/clients.mjs")
	mustDo(t, err)
	runScript := func(url string, ids map[string]int64, passwords map[string]string) map[string]any {
		t.Helper()
		cmd := exec.Command(node, script)
		cmd.Env = append(os.Environ(), "NODE_MODULES="+modules, "SITE="+url, "LOGIN=admin", "APP_PASSWORD="+passwords["admin"],
			"ABOUT="+strconv.FormatInt(ids["post:about"], 10), "WEATHER="+strconv.FormatInt(ids["term:weather"], 10), "RUN="+t.Name())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		var got map[string]any
		if err := json.Unmarshal(lastLine(out), &got); err != nil {
			t.Fatalf("the script printed %q: %v", out, err)
		}
		return got
	}
	theirs := runScript(wp.URL, wp.IDs, wp.Passwords)
	ours := runScript(site.URL, site.IDs, site.Passwords)
	for _, client := range []string{"wpapi", "apiFetch"} {
		w, o := theirs[client].(map[string]any), ours[client].(map[string]any)
		if w["error"] != nil {
			t.Fatalf("%s against WordPress failed: %v", client, w["error"])
		}
		for k, v := range w {
			if !reflect.DeepEqual(v, o[k]) {
				t.Errorf("%s %s: WordPress %v, Communiqué %v", client, k, v, o[k])
			}
		}
		if o["error"] != nil {
			t.Errorf("%s against Communiqué failed: %v", client, o["error"])
		}
	}
	t.Logf("client scripts: WordPress %v\nCommuniqué %v", theirs, ours)
}
