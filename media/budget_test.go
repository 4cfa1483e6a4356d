package media_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"testing"

	"communique/media"
)

// TestRenditionsAverage: a rendition's pixel is the average of the
// source pixels it covers (an area filter), with transparency laid on
// white for JPEG, so nothing of a fine pattern aliases into stripes.
func TestRenditionsAverage(t *testing.T) {
	for _, tc := range []struct {
		name string
		fill func(x, y int) color.NRGBA
		want color.RGBA
		tol  int // a window of 1.56 source pixels over a one-pixel checkerboard sees 40 to 60 % white
	}{
		{"Uniform", func(x, y int) color.NRGBA { return color.NRGBA{200, 100, 50, 255} }, color.RGBA{200, 100, 50, 255}, 2},
		{"Checkerboard", func(x, y int) color.NRGBA {
			if (x+y)%2 == 0 {
				return color.NRGBA{255, 255, 255, 255}
			}
			return color.NRGBA{0, 0, 0, 255}
		}, color.RGBA{128, 128, 128, 255}, 26},
		{"Transparent", func(x, y int) color.NRGBA { return color.NRGBA{0, 0, 0, 0} }, color.RGBA{0, 0, 0, 0}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := image.NewNRGBA(image.Rect(0, 0, 1000, 700))
			for y := range 700 {
				for x := range 1000 {
					src.SetNRGBA(x, y, tc.fill(x, y))
				}
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, src); err != nil {
				t.Fatal(err)
			}
			img, err := media.Process(&buf, "pattern.png", media.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range img.Variants {
				got, err := png.Decode(bytes.NewReader(v.Data))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range []image.Point{{1, 1}, {v.Width / 2, v.Height / 3}, {v.Width - 1, v.Height - 1}} {
					c := color.RGBAModel.Convert(got.At(p.X, p.Y)).(color.RGBA)
					if diff(c.R, tc.want.R) > tc.tol || diff(c.G, tc.want.G) > tc.tol || diff(c.B, tc.want.B) > tc.tol || diff(c.A, tc.want.A) > tc.tol {
						t.Errorf("%d wide, pixel %v = %v, want %v", v.Width, p, c, tc.want)
					}
				}
			}
		})
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestBudget: an image whose decoding would need more than the whole
// budget is refused before it is decoded; a person has at most their
// share of uploads in flight; an upload that finds no room within the
// wait is refused as busy, and one that finds it goes ahead.
func TestBudget(t *testing.T) {
	pic := mustPNG(t, 1000, 1000) // about 4 MB decoded
	t.Run("ErrOverBudget", func(t *testing.T) {
		_, err := media.Process(bytes.NewReader(pic), "a.png", media.Limits{Budget: media.NewBudget(2<<20, 0, 0)})
		if !errors.Is(err, media.ErrOverBudget) {
			t.Fatalf("err = %v, want ErrOverBudget", err)
		}
	})
	t.Run("ErrTooManyUploads", func(t *testing.T) {
		b := media.NewBudget(64<<20, 2, 0)
		var leaves []func()
		for range 2 {
			leave, err := b.Enter(7)
			if err != nil {
				t.Fatal(err)
			}
			leaves = append(leaves, leave)
		}
		if _, err := b.Enter(7); !errors.Is(err, media.ErrTooManyUploads) {
			t.Fatalf("a third upload in flight: %v", err)
		}
		if leave, err := b.Enter(8); err != nil {
			t.Fatalf("someone else's upload: %v", err)
		} else {
			leave()
		}
		leaves[0]()
		if leave, err := b.Enter(7); err != nil {
			t.Fatalf("after one ended: %v", err)
		} else {
			leave()
		}
		leaves[1]()
	})
}

// TestAnimationBounded: frames × canvas area is bounded, and an APNG's
// animation (frames Go's decoder passes over) does not survive: the
// re-encoded PNG holds its still image only.
func TestAnimationBounded(t *testing.T) {
	anim := func(frames int) []byte {
		g := &gif.GIF{}
		for range frames {
			g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 100, 100), color.Palette{color.Black, color.White}))
			g.Delay = append(g.Delay, 5)
		}
		var buf bytes.Buffer
		if err := gif.EncodeAll(&buf, g); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	lim := media.Limits{MaxFramePixels: 100 * 100 * 50}
	if _, err := media.Process(bytes.NewReader(anim(50)), "ok.gif", lim); err != nil {
		t.Errorf("50 frames at the limit: %v", err)
	}
	if _, err := media.Process(bytes.NewReader(anim(51)), "bomb.gif", lim); !errors.Is(err, media.ErrTooManyFrames) {
		t.Errorf("51 frames over the limit: %v, want ErrTooManyFrames", err)
	}
	// An APNG: acTL announces 1000 frames (their fcTL/fdAT chunks
	// would follow; the decoder needs only the default image).
	apng := mustPNG(t, 200, 100)
	actl := make([]byte, 8)
	binary.BigEndian.PutUint32(actl, 1000)
	chunk := append(binary.BigEndian.AppendUint32(nil, 8), append([]byte("acTL"), actl...)...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(append([]byte("acTL"), actl...)))
	apng = append(apng[:33:33], append(chunk, apng[33:]...)...) // after IHDR
	img, err := media.Process(bytes.NewReader(apng), "moving.png", media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(img.Data, []byte("acTL")) {
		t.Error("the stored PNG still announces an animation")
	}
}
