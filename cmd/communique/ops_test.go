package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// getWith GETs a path with extra headers.
func getWith(t *testing.T, base, path string, header http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// commentFrom leaves a comment with an X-Forwarded-For header and returns
// the address the site stored with it.
func commentFrom(t *testing.T, srv *server, dir, path, xff, text string) string {
	t.Helper()
	_, page := get(t, srv.URL, path)
	id, tok := postIDField.FindStringSubmatch(page), tokenField.FindStringSubmatch(page)
	if id == nil || tok == nil {
		t.Fatalf("GET %s: no reply form", path)
	}
	form := url.Values{"comment_post_ID": {id[1]}, "comment_token": {tok[1]}, "comment_parent": {"0"},
		"author": {"Reader"}, "email": {"reader@example.com"}, "comment": {text}}
	req, _ := http.NewRequest("POST", srv.URL+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", xff)
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /comments = %d", res.StatusCode)
	}
	for _, c := range listJSON(t, []string{"--data", dir}) {
		if strings.Contains(c.Text, text) {
			return c.IP
		}
	}
	t.Fatalf("comment %q not stored", text)
	return ""
}

func TestServeBehindProxies(t *testing.T) {
	dir := t.TempDir()
	mustCreateUser(t, dir)
	path := strings.TrimSpace(mustRun(t, nil, "A body.\n", "post", "create", "--data", dir, "--title", "Proxied", "--author", "reporter"))
	for k, v := range map[string]string{"comment_flood_seconds": "0", "comment_min_seconds": "0"} {
		mustRun(t, nil, "", "settings", "set", k, v, "--data", dir)
	}

	t.Run("TrustedProxy", func(t *testing.T) {
		srv := startServe(t, map[string]string{"COMMUNIQUE_TRUSTED_PROXIES": "127.0.0.1/32"}, "--data", dir)
		if ip := commentFrom(t, srv, dir, path, "198.51.100.1, 203.0.113.50", "first via the proxy"); ip != "203.0.113.50" {
			t.Errorf("stored address %q, want the right-most one the trusted proxy saw", ip)
		}
		srv.stop(t)
	})
	t.Run("SpoofedHeaderIgnored", func(t *testing.T) {
		srv := startServe(t, nil, "--data", dir)
		if ip := commentFrom(t, srv, dir, path, "203.0.113.50", "second, spoofed"); ip != "127.0.0.1" {
			t.Errorf("stored address %q, want the peer's: no proxy is trusted", ip)
		}
		srv.stop(t)
	})
}

func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	srv := startServe(t, nil, "--data", dir, "--demo", "--trusted-proxies", "10.0.0.0/8,127.0.0.1", "--metrics-addr", metricsAddr)
	get(t, srv.URL, "/")
	get(t, srv.URL, "/")
	get(t, srv.URL, "/search?q=news")
	get(t, srv.URL, "/no/such/page/")

	code, body := get(t, srv.URL, "/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics from loopback = %d", code)
	}
	for _, want := range []string{
		`http_requests_total{route="GET /",method="GET",status="200"} 2`,
		`http_requests_total{route="GET /search",method="GET",status="200"} 1`,
		`http_requests_total{route="GET /",method="GET",status="404"} 1`,
		`http_request_duration_seconds_bucket{route="GET /search",le="+Inf"} 1`,
		"communique_page_cache_hits_total 1",
		"communique_page_cache_misses_total ",
		`communique_db_connections_open{pool="write"}`,
		`communique_db_connections_idle{pool="read"}`,
		`communique_comments{status="approved"}`,
		"communique_store_up 1",
		`communique_build_info{version=`,
		"# TYPE http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "/no/such/page") {
		t.Error("a raw path became a label")
	}

	for _, tc := range []struct {
		name string
		xff  string
		want int
	}{
		{"ThroughTrustedProxyFromOutside", "203.0.113.7", 404},
		{"ThroughTrustedProxyFromInside", "127.0.0.1", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _ := getWith(t, srv.URL, "/metrics", http.Header{"X-Forwarded-For": {tc.xff}}); code != tc.want {
				t.Errorf("GET /metrics forwarded for %s = %d, want %d", tc.xff, code, tc.want)
			}
		})
	}
	t.Run("SeparateListener", func(t *testing.T) {
		code, body := getWith(t, "http://"+metricsAddr, "/metrics", http.Header{"X-Forwarded-For": {"203.0.113.7"}})
		if code != 200 || !strings.Contains(body, "http_requests_total") {
			t.Errorf("GET /metrics on --metrics-addr = %d", code)
		}
		if code, _ := get(t, "http://"+metricsAddr, "/"); code != 404 {
			t.Errorf("the metrics listener serves the site: %d", code)
		}
	})
}

func TestMetricsRefusedThroughUntrustedProxy(t *testing.T) {
	srv := startServe(t, nil, "--data", t.TempDir())
	if code, _ := getWith(t, srv.URL, "/metrics", http.Header{"X-Forwarded-For": {"203.0.113.7"}}); code != 404 {
		t.Errorf("GET /metrics through a proxy nobody trusts = %d, want 404", code)
	}
	if code, _ := get(t, srv.URL, "/metrics"); code != 200 {
		t.Errorf("GET /metrics from loopback = %d", code)
	}
}

func TestServeBadOpsFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--data", t.TempDir(), "--trusted-proxies", "proxy.example.com"},
		{"serve", "--data", t.TempDir(), "--metrics-allow", "10.0.0.0/99"},
	} {
		r := run(t, nil, "", args...)
		var u usageError
		if r.err == nil || !errors.As(r.err, &u) {
			t.Errorf("%v: err = %v, want a usage error", args, r.err)
		}
	}
}
