package activitypub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // avatars come as GIF, JPEG, PNG or WebP
	_ "image/jpeg"
	"image/png"
	"io"
	"net/http"
	"time"

	"communique"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// Remote avatars: a fediverse author's picture is fetched once, by the
// inbox worker when their reply arrives (never while a reader waits),
// through the outbound client (public addresses only, bounded in time
// and redirects), at most maxAvatarBytes, checked by decoding it as an
// image of at most maxAvatarPixels, made a 96×96 PNG (nothing of the
// original file is served) and kept in the store. The site serves it at
// /fediverse/avatars/{token}; a picture that could not be used is
// remembered, and each is fetched again at most every avatarTTL.
const (
	maxAvatarBytes  = 1 << 20
	maxAvatarPixels = 4096 * 4096
	avatarSize      = 96
	avatarTTL       = 7 * 24 * time.Hour
)

// avatarStore is the store's avatar aggregate, when it keeps one.
func (s *Service) avatarStore() (communique.RemoteAvatarStore, bool) {
	st, ok := s.Store.(communique.RemoteAvatarStore)
	return st, ok
}

// refreshAvatar fetches who's avatar when it has none yet, or its icon
// changed, or the one kept is older than avatarTTL. A failure is kept
// (no picture) and logged; the reply goes on with the site's own avatar.
func (s *Service) refreshAvatar(ctx context.Context, who *communique.RemoteActor) {
	st, ok := s.avatarStore()
	if !ok || who.IconURL == "" {
		return
	}
	kept, err := st.FindRemoteAvatar(ctx, who.ID)
	if err == nil && kept.IconURL == who.IconURL && s.now().Sub(kept.FetchedAt) < avatarTTL {
		return
	}
	a := &communique.RemoteAvatar{ActorID: who.ID, Token: activityToken("avatar:" + who.ID), IconURL: who.IconURL}
	data, err := s.fetchAvatar(ctx, who.IconURL)
	if err != nil {
		s.Logger.Info("activitypub: avatar refused", "actor", who.ID, "icon", who.IconURL, "err", err)
		if kept != nil {
			data = kept.Data // the picture kept stays until a new one is usable
		}
	}
	a.Data = data
	if err := st.SaveRemoteAvatar(ctx, a); err != nil {
		s.Logger.Error("activitypub: save avatar", "actor", who.ID, "err", err)
	}
}

// fetchAvatar reads an icon and returns it as a small PNG.
func (s *Service) fetchAvatar(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/webp, image/gif")
	req.Header.Set("User-Agent", userAgent)
	res, err := s.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", u, res.Status)
	}
	if res.ContentLength > maxAvatarBytes {
		return nil, fmt.Errorf("%d bytes is over the %d allowed", res.ContentLength, maxAvatarBytes)
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAvatarBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxAvatarBytes {
		return nil, fmt.Errorf("over the %d bytes allowed", maxAvatarBytes)
	}
	return avatarPNG(raw)
}

// avatarPNG checks that raw is an image of a sane size by decoding it,
// and draws its centre square at avatarSize×avatarSize as PNG.
func avatarPNG(raw []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, errors.New("not a GIF, JPEG, PNG or WebP image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxAvatarPixels {
		return nil, fmt.Errorf("a %d×%d image is too large", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("the image does not decode: %w", err)
	}
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, side, side).Add(b.Min).Add(image.Pt((b.Dx()-side)/2, (b.Dy()-side)/2))
	dst := image.NewRGBA(image.Rect(0, 0, avatarSize, avatarSize))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// handleAvatar serves a kept avatar. The token names the actor, so an
// avatar fetched again keeps its address; a day's caching lets a new
// picture show within one.
func (s *Service) handleAvatar(w http.ResponseWriter, r *http.Request) {
	st, ok := s.avatarStore()
	token := r.PathValue("token")
	if !ok || len(token) != 16 {
		notFound(w)
		return
	}
	a, err := st.FindRemoteAvatar(r.Context(), token)
	if err != nil || a.Token != token || len(a.Data) == 0 {
		notFound(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("ETag", `"`+activityToken(string(a.Data))+`"`)
	if r.Header.Get("If-None-Match") == h.Get("ETag") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(a.Data)
}
