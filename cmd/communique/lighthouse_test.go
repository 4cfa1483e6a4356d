package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique/internal/chromium"
	"communique/internal/nodetest"
)

// lighthouseFloor is the score (of 100) issue 21 asks of every category.
const lighthouseFloor = 95

// TestDemoLighthouse runs Lighthouse (npm, with Debian's Chromium) on the
// demo's front page and lead article, as a phone and as a desktop, and
// fails when performance, accessibility, best practices or SEO scores
// under 95. The scores are logged for the record.
func TestDemoLighthouse(t *testing.T) {
	node, modules := nodetest.Modules(t, "the Lighthouse audit", "lighthouse@12")
	browser := chromium.Path(t, "the Lighthouse audit")
	s := startServe(t, nil, "--data", t.TempDir(), "--demo")
	_, front := get(t, s.URL, "/")
	article := regexp.MustCompile(`href="(/\d{4}/\d\d/\d\d/harbour-bridge-reopens-after-two-years-of-repairs/)"`).FindStringSubmatch(front)
	if article == nil {
		t.Fatal("the front page does not link the lead article")
	}
	for _, form := range []string{"mobile", "desktop"} {
		for _, p := range []struct{ name, path string }{{"front", "/"}, {"article", article[1]}} {
			t.Run(form+"/"+p.name, func(t *testing.T) {
				scores, index := lighthouse(t, node, modules, browser, s.URL+p.path, form, 0)
				t.Logf("Lighthouse %s %s: %v (host benchmark index %.0f)", form, p.path, scores, index)
				if below(scores) {
					// Lighthouse's performance score varies from run to run
					// with the machine's load; its authors advise the median
					// of several runs, which is what a miss is judged on, and
					// a phone's CPU slowdown calibrated to the host.
					runs := []map[string]int{scores}
					for range 2 {
						slowdown := 0.0
						if form == "mobile" {
							slowdown = calibratedSlowdown(index)
						}
						again, i := lighthouse(t, node, modules, browser, s.URL+p.path, form, slowdown)
						runs, index = append(runs, again), i
						t.Logf("Lighthouse %s %s again (CPU slowdown %.2f, 0: Lighthouse's own): %v (host benchmark index %.0f)", form, p.path, slowdown, again, i)
					}
					scores = medians(runs)
					t.Logf("Lighthouse %s %s, median of three: %v", form, p.path, scores)
				}
				if len(scores) != 4 {
					t.Fatalf("Lighthouse reported %d categories, want 4: %v", len(scores), scores)
				}
				for category, score := range scores {
					if score < lighthouseFloor {
						t.Errorf("%s scores %d for %s on %s, want at least %d", p.path, score, category, form, lighthouseFloor)
					}
				}
			})
		}
	}
}

// below reports whether any score is under the floor.
func below(scores map[string]int) bool {
	for _, v := range scores {
		if v < lighthouseFloor {
			return true
		}
	}
	return false
}

// medians is each category's median over runs (an odd number of them).
func medians(runs []map[string]int) map[string]int {
	out := map[string]int{}
	for category := range runs[0] {
		var v []int
		for _, r := range runs {
			v = append(v, r[category])
		}
		slices.Sort(v)
		out[category] = v[len(v)/2]
	}
	return out
}

// lighthouse audits url in a fresh headless Chromium and returns each
// category's score out of 100.
func lighthouse(t *testing.T, node, modules, browser, url, form string, cpuSlowdown float64) (map[string]int, float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{filepath.Join(modules, "lighthouse", "cli", "index.js"), url,
		"--only-categories=performance,accessibility,best-practices,seo",
		"--output=json", "--output-path=stdout", "--quiet",
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-quic --disable-background-networking --disable-component-update --disable-sync --disable-default-apps --disable-extensions --disable-dev-shm-usage --user-data-dir=" + t.TempDir()}
	if form == "desktop" {
		args = append(args, "--preset=desktop")
	}
	if cpuSlowdown > 0 {
		args = append(args, "--throttling.cpuSlowdownMultiplier="+strconv.FormatFloat(cpuSlowdown, 'f', 2, 64))
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(cmd.Environ(), "CHROME_PATH="+browser)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lighthouse %s: %v\n%s", url, err, stderr.String())
	}
	var report struct {
		RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
		Categories   map[string]struct {
			Score *float64 `json:"score"`
		} `json:"categories"`
		Environment struct {
			BenchmarkIndex float64 `json:"benchmarkIndex"`
		} `json:"environment"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("lighthouse %s: %v", url, err)
	}
	if report.RuntimeError != nil {
		t.Fatalf("lighthouse %s: %s: %s", url, report.RuntimeError.Code, report.RuntimeError.Message)
	}
	scores := map[string]int{}
	for id, c := range report.Categories {
		if c.Score == nil {
			t.Fatalf("lighthouse %s: no score for %s (the audit could not run)", url, id)
		}
		scores[id] = int(*c.Score*100 + 0.5)
	}
	return scores, report.Environment.BenchmarkIndex
}

// Lighthouse's phone slows the host's CPU down 4 times, a factor its
// authors calibrated for hosts whose benchmark index is at least 1000
// (below that it warns that the host looks slow). A shared 2-core
// machine running other tests falls below it, and then the factor
// simulates a phone slower than the one meant. calibratedSlowdown
// scales the factor by the host's measured index, as Lighthouse's
// throttling guide advises, so the audit simulates the same phone.
const (
	phoneSlowdown       = 4
	calibratedHostIndex = 1000
)

func calibratedSlowdown(benchmarkIndex float64) float64 {
	if benchmarkIndex <= 0 || benchmarkIndex >= calibratedHostIndex {
		return 0 // Lighthouse's own
	}
	return max(1, phoneSlowdown*benchmarkIndex/calibratedHostIndex)
}

func TestLighthouseMedians(t *testing.T) {
	runs := []map[string]int{
		{"performance": 94, "seo": 100},
		{"performance": 99, "seo": 92},
		{"performance": 97, "seo": 100},
	}
	got := medians(runs)
	if got["performance"] != 97 || got["seo"] != 100 {
		t.Fatalf("medians = %v, want performance 97, seo 100", got)
	}
	if !below(runs[0]) || below(got) {
		t.Fatalf("below: %v for %v, %v for %v", below(runs[0]), runs[0], below(got), got)
	}
}
