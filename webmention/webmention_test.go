package webmention_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"communique/webmention"
)

// pages serves fixed bodies by path, on loopback.
func pages(t *testing.T, routes map[string]func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func htmlPage(body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}
}

func TestVerify(t *testing.T) {
	const target = "https://news.example.com/2026/03/14/midnight-story/"
	ts := pages(t, map[string]func(http.ResponseWriter, *http.Request){
		"/links": htmlPage(`<html><head><title>A reply</title></head><body><article class="h-entry">
			<h1 class="p-name">Ice everywhere</h1>
			<a class="p-author h-card" href="/about">Grace Hopper</a>
			<p>As <a href="` + target + `#comments">the Communiqué reports</a>, the harbour froze.</p></article></body></html>`),
		"/relative": htmlPage(`<title>Relative</title><a href="/target">here</a>`),
		"/target":   htmlPage(`<title>Target</title>`),
		"/nolink":   htmlPage(`<title>Nothing</title><a href="https://news.example.com/other/">other</a> ` + target),
		"/plain": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(`<a href="` + target + `">x</a>`))
		},
		"/json": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"link":"` + target + `"}`))
		},
		"/gone":     func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) },
		"/redirect": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/links", http.StatusFound) },
	})
	closed := func() string {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/"
	}()
	c := webmention.NewClient(true)
	ctx := context.Background()
	for _, tc := range []struct {
		name, source, target string
		want                 error
	}{
		{"Links", ts.URL + "/links", target, nil},
		{"FollowsRedirect", ts.URL + "/redirect", target, nil},
		{"RelativeLink", ts.URL + "/relative", ts.URL + "/target", nil},
		{"NoLink", ts.URL + "/nolink", target, webmention.ErrNoLink},
		{"NotHTML", ts.URL + "/plain", target, webmention.ErrNotHTML},
		{"JSON", ts.URL + "/json", target, webmention.ErrNotHTML},
		{"NotFound", ts.URL + "/missing", target, webmention.ErrUnreachable},
		{"Gone", ts.URL + "/gone", target, webmention.ErrGone},
		{"Unreachable", closed, target, webmention.ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := c.Verify(ctx, tc.source, tc.target)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			if tc.want == nil && m.Title == "" {
				t.Errorf("no title: %+v", m)
			}
		})
	}
	m, err := c.Verify(ctx, ts.URL+"/links", target)
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Ice everywhere" || m.AuthorName != "Grace Hopper" || m.AuthorURL != ts.URL+"/about" || !strings.Contains(m.Excerpt, "the harbour froze") {
		t.Errorf("mention = %+v", m)
	}
	t.Run("PrivateAddressRefused", func(t *testing.T) {
		_, err := webmention.NewClient(false).Verify(ctx, ts.URL+"/links", target)
		if !errors.Is(err, webmention.ErrUnreachable) || !strings.Contains(err.Error(), "not allowed") {
			t.Fatalf("loopback source with a public client: %v", err)
		}
	})
}

func TestDiscoverAndSend(t *testing.T) {
	var got []string
	ts := pages(t, map[string]func(http.ResponseWriter, *http.Request){
		"/header": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Link", `<https://other.example/x>; rel="other", </endpoint?via=header>; rel="webmention"`)
			htmlPage(`<link rel="webmention" href="/wrong">`)(w, r)
		},
		"/link":  htmlPage(`<html><head><link rel="stylesheet" href="/s.css"><link rel="webmention" href="/endpoint?via=link"></head></html>`),
		"/a":     htmlPage(`<p><a rel="nofollow webmention" href="/endpoint?via=a">mention me</a></p>`),
		"/empty": htmlPage(`<link rel="webmention" href="">`),
		"/none":  htmlPage(`<p>No endpoint.</p>`),
		"/endpoint": func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				http.Error(w, "bad", http.StatusBadRequest)
				return
			}
			got = append(got, r.PostFormValue("source")+" -> "+r.PostFormValue("target"))
			w.WriteHeader(http.StatusAccepted)
		},
		"/refuse": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusBadRequest) },
	})
	c := webmention.NewClient(true)
	ctx := context.Background()
	for path, want := range map[string]string{
		"/header": ts.URL + "/endpoint?via=header",
		"/link":   ts.URL + "/endpoint?via=link",
		"/a":      ts.URL + "/endpoint?via=a",
		"/empty":  ts.URL + "/empty",
		"/none":   "",
	} {
		if e, err := c.Discover(ctx, ts.URL+path); err != nil || e != want {
			t.Errorf("Discover(%s) = %q, %v; want %q", path, e, err, want)
		}
	}
	if err := c.Send(ctx, ts.URL+"/endpoint", "https://a.example/post/", "https://b.example/story/"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "https://a.example/post/ -> https://b.example/story/" {
		t.Errorf("endpoint received %q", got)
	}
	if err := c.Send(ctx, ts.URL+"/refuse", "https://a.example/", "https://b.example/"); err == nil {
		t.Error("a 400 from the endpoint is not an error")
	}
}

func TestLinks(t *testing.T) {
	body := `<p><a href="/local/">local</a> <a href="https://b.example/story/#x">b</a> <a href="https://b.example/story/">again</a>
		<a href="mailto:x@example.com">mail</a> <a href="javascript:alert(1)">js</a> <a>none</a> <img src="https://c.example/i.png"></p>`
	got := webmention.Links(body, "https://a.example/post/")
	want := []string{"https://a.example/local/", "https://b.example/story/"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Links = %q, want %q", got, want)
	}
	for s, ok := range map[string]bool{"https://a.example/": true, "http://a.example/x": true, "ftp://a.example/": false,
		"/relative": false, "https://user:pw@a.example/": false, "javascript:alert(1)": false} {
		if webmention.ValidURL(s) != ok {
			t.Errorf("ValidURL(%q) = %v", s, !ok)
		}
	}
}
