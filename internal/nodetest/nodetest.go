// Package nodetest finds Node.js and the npm packages that tests run
// as independent peers and clients (Fedify, wpapi, @wordpress/api-fetch,
// Lighthouse). Without them a test skips with a message saying how to
// install them, or fails under COMMUNIQUE_TEST_STRICT=1.
package nodetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"communique/storetest"
)

// Modules returns the node binary and the node_modules folder that holds
// every package in pkgs: $COMMUNIQUE_NODE_MODULES, or .ci/node/node_modules
// in this directory or any above it, where .ci/run installs them. need
// names the test, for the skip message.
func Modules(tb testing.TB, need string, pkgs ...string) (node, modules string) {
	tb.Helper()
	install := "npm install --no-save --prefix .ci/node " + strings.Join(pkgs, " ")
	node, err := exec.LookPath("node")
	if err != nil {
		missing(tb, need+" needs Node.js, which is not installed (then: "+install+")")
	}
	for _, dir := range candidates() {
		if hasAll(dir, pkgs) {
			return node, dir
		}
	}
	missing(tb, need+" needs the npm packages "+strings.Join(pkgs, ", ")+": run  "+install+
		"  in the repository (as .ci/run does), or set COMMUNIQUE_NODE_MODULES to a node_modules folder holding them")
	return "", ""
}

// candidates lists the folders to look in, the environment's first.
func candidates() []string {
	var dirs []string
	if env := os.Getenv("COMMUNIQUE_NODE_MODULES"); env != "" {
		if abs, err := filepath.Abs(env); err == nil {
			dirs = append(dirs, abs)
		}
	}
	if dir, err := os.Getwd(); err == nil {
		for d := dir; ; d = filepath.Dir(d) {
			dirs = append(dirs, filepath.Join(d, ".ci", "node", "node_modules"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return dirs
}

// hasAll reports whether every package in pkgs is installed in dir.
func hasAll(dir string, pkgs []string) bool {
	for _, p := range pkgs {
		name, _, _ := strings.Cut(p[1:], "@") // "@scope/name@1" → "scope/name"
		name = p[:1] + name
		if _, err := os.Stat(filepath.Join(dir, name, "package.json")); err != nil {
			return false
		}
	}
	return true
}

func missing(tb testing.TB, msg string) {
	tb.Helper()
	if storetest.Strict() {
		tb.Fatal(msg + " (COMMUNIQUE_TEST_STRICT=1 forbids skipping)")
	}
	tb.Skip(msg)
}
