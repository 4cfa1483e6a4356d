package nodetest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHasAll(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"wpapi", "@fedify/fedify"} {
		if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p, "package.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		pkgs []string
		want bool
	}{
		{[]string{"wpapi"}, true},
		{[]string{"wpapi@1", "@fedify/fedify@1.10"}, true},
		{[]string{"@fedify/fedify"}, true},
		{[]string{"wpapi", "lighthouse@12"}, false},
		{[]string{"@wordpress/api-fetch@6"}, false},
	} {
		if got := hasAll(dir, c.pkgs); got != c.want {
			t.Errorf("hasAll(%v) = %v, want %v", c.pkgs, got, c.want)
		}
	}
}

func TestModulesFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "wpapi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wpapi", "package.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COMMUNIQUE_NODE_MODULES", dir)
	if got := candidates()[0]; got != dir {
		t.Fatalf("first candidate %q, want the environment's %q", got, dir)
	}
}
