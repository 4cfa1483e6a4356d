//go:build ignore

// Draws the demo site's pictures: flat illustrations made of shapes, so
// that they belong to the project (CC0, see LICENSE.md) and no download
// is needed. Run from this folder: go run draw.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const w, h = 1200, 675

type canvas struct{ *image.RGBA }

func newCanvas() canvas { return canvas{image.NewRGBA(image.Rect(0, 0, w, h))} }

func hex(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

// sky fills from top to bottom in eight bands between two colours: bands
// keep the PNG small.
func (c canvas) sky(top, bottom color.RGBA, y0, y1 int) {
	const bands = 8
	for y := y0; y < y1; y++ {
		t := math.Floor(float64(y-y0)/float64(y1-y0)*bands) / (bands - 1)
		col := color.RGBA{mix(top.R, bottom.R, t), mix(top.G, bottom.G, t), mix(top.B, bottom.B, t), 255}
		for x := 0; x < w; x++ {
			c.SetRGBA(x, y, col)
		}
	}
}

func mix(a, b uint8, t float64) uint8 {
	return uint8(float64(a) + (float64(b)-float64(a))*math.Min(t, 1))
}

func (c canvas) rect(x0, y0, x1, y1 int, col color.RGBA) {
	for y := max(0, y0); y < min(h, y1); y++ {
		for x := max(0, x0); x < min(w, x1); x++ {
			c.SetRGBA(x, y, col)
		}
	}
}

func (c canvas) circle(cx, cy, r int, col color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && x >= 0 && x < w && y >= 0 && y < h {
				c.SetRGBA(x, y, col)
			}
		}
	}
}

// poly fills a polygon by the even-odd rule.
func (c canvas) poly(col color.RGBA, pts ...[2]float64) {
	for y := 0; y < h; y++ {
		fy := float64(y) + 0.5
		var xs []float64
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			if (a[1] <= fy) != (b[1] <= fy) {
				xs = append(xs, a[0]+(fy-a[1])/(b[1]-a[1])*(b[0]-a[0]))
			}
		}
		for i := 1; i < len(xs); i++ {
			for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
				xs[j], xs[j-1] = xs[j-1], xs[j]
			}
		}
		for i := 0; i+1 < len(xs); i += 2 {
			for x := int(math.Ceil(xs[i] - 0.5)); x < int(math.Ceil(xs[i+1]-0.5)); x++ {
				if x >= 0 && x < w {
					c.SetRGBA(x, y, col)
				}
			}
		}
	}
}

// waves draws the sea from y down, in stripes that rise and fall.
func (c canvas) waves(y int, deep, light color.RGBA) {
	c.rect(0, y, w, h, deep)
	for row := y + 20; row < h; row += 38 {
		for x := 0; x < w; x++ {
			dy := int(6 * math.Sin(float64(x)/40+float64(row)))
			c.rect(x, row+dy, x+1, row+dy+5, light)
		}
	}
}

func bridge() canvas {
	c := newCanvas()
	c.sky(hex(0x8fc3e8), hex(0xf6e7c8), 0, 430)
	c.circle(960, 150, 70, hex(0xfff4d6))
	c.waves(430, hex(0x1f5f86), hex(0x4d8fb8))
	stone := hex(0x6b5b4e)
	c.rect(0, 300, w, 330, stone)
	for i := -1; i < 4; i++ {
		cx := 150 + i*300
		c.rect(cx-30, 330, cx+30, 470, stone)
		// The arches between the piers.
		for x := cx + 30; x < cx+270 && x < w; x++ {
			t := float64(x-cx-30) / 240
			yy := 330 + int(110*math.Sin(t*math.Pi))
			c.rect(x, 330, x+1, 470-yy+330, stone)
		}
	}
	c.rect(0, 286, w, 300, hex(0x3b3b3b))
	for x := 40; x < w; x += 80 {
		c.rect(x, 250, x+6, 290, hex(0x3b3b3b))
		c.circle(x+3, 246, 9, hex(0xffd25e))
	}
	return c
}

func library() canvas {
	c := newCanvas()
	c.sky(hex(0x0b1630), hex(0x26365e), 0, h)
	c.circle(180, 120, 55, hex(0xf3f0dc))
	c.circle(205, 105, 50, hex(0x0f1b38))
	for i, s := range [][2]int{{420, 60}, {610, 140}, {890, 80}, {1080, 170}, {330, 210}, {760, 40}} {
		c.circle(s[0], s[1], 2+i%2, hex(0xffffff))
	}
	c.poly(hex(0x4a3b36), [2]float64{250, 330}, [2]float64{600, 190}, [2]float64{950, 330})
	c.rect(270, 330, 930, h, hex(0x5c4a42))
	for y := 370; y < 620; y += 80 {
		for x := 310; x < 900; x += 90 {
			c.rect(x, y, x+50, y+55, hex(0xffcf6b))
			c.rect(x+24, y, x+26, y+55, hex(0x5c4a42))
		}
	}
	c.rect(560, 560, 640, h, hex(0x2b211d))
	c.rect(0, 640, w, h, hex(0x1c1c24))
	return c
}

func river() canvas {
	c := newCanvas()
	c.sky(hex(0xbfe0f5), hex(0xe8f4fb), 0, 260)
	c.poly(hex(0x7ba05b), [2]float64{0, 260}, [2]float64{300, 200}, [2]float64{620, 250}, [2]float64{900, 190}, [2]float64{1200, 240}, [2]float64{1200, 675}, [2]float64{0, 675})
	c.poly(hex(0x2fd67c), [2]float64{520, 675}, [2]float64{560, 500}, [2]float64{700, 380}, [2]float64{640, 300}, [2]float64{700, 250},
		[2]float64{740, 250}, [2]float64{700, 300}, [2]float64{780, 380}, [2]float64{700, 500}, [2]float64{760, 675})
	for _, t := range [][2]int{{150, 420}, {260, 500}, {980, 380}, {1090, 470}, {380, 330}} {
		c.rect(t[0]-6, t[1], t[0]+6, t[1]+60, hex(0x5a3d2b))
		c.circle(t[0], t[1]-10, 42, hex(0x3f6d35))
	}
	return c
}

func theatre() canvas {
	c := newCanvas()
	c.rect(0, 0, w, h, hex(0x1a1214))
	c.poly(hex(0x3a2c26), [2]float64{600, 0}, [2]float64{380, 560}, [2]float64{820, 560})
	c.rect(160, 560, 1040, h, hex(0x6b4a2f))
	c.circle(600, 480, 70, hex(0xf0d9a8))
	c.rect(560, 480, 640, 560, hex(0xf0d9a8))
	red, dark := hex(0xa3172b), hex(0x7b0f20)
	for i := 0; i < 6; i++ {
		col := red
		if i%2 == 1 {
			col = dark
		}
		c.rect(i*40, 0, i*40+40, h, col)
		c.rect(w-(i+1)*40, 0, w-i*40, h, col)
	}
	c.rect(0, 0, w, 60, dark)
	return c
}

func ferry() canvas {
	c := newCanvas()
	c.sky(hex(0xf9c58d), hex(0xf4e1c1), 0, 420)
	c.circle(300, 380, 90, hex(0xf57b51))
	c.waves(420, hex(0x2a4d69), hex(0x4b86b4))
	c.poly(hex(0xf2f2f2), [2]float64{520, 440}, [2]float64{1000, 440}, [2]float64{950, 510}, [2]float64{560, 510})
	c.rect(620, 390, 900, 440, hex(0xdfe6ea))
	c.rect(700, 340, 820, 390, hex(0xdfe6ea))
	c.rect(745, 300, 775, 340, hex(0xd9433b))
	for x := 640; x < 890; x += 40 {
		c.rect(x, 405, x+22, 425, hex(0x2a4d69))
	}
	return c
}

func market() canvas {
	c := newCanvas()
	c.rect(0, 0, w, h, hex(0xf4efe6))
	colours := []color.RGBA{hex(0xd9433b), hex(0xf2b134), hex(0x2f8f83), hex(0x3a6ea5)}
	for s := 0; s < 3; s++ {
		x0 := 60 + s*380
		for i := 0; i < 8; i++ {
			col := colours[(s+i)%len(colours)]
			if i%2 == 1 {
				col = hex(0xffffff)
			}
			c.poly(col, [2]float64{float64(x0 + i*40), 180}, [2]float64{float64(x0 + i*40 + 40), 180}, [2]float64{float64(x0 + i*40 + 50), 280}, [2]float64{float64(x0 + i*40 - 10), 280})
		}
		c.rect(x0, 280, x0+320, 300, hex(0x7a5230))
		c.rect(x0+10, 300, x0+310, 470, hex(0x9a6b41))
		for k := 0; k < 6; k++ {
			c.circle(x0+40+k*48, 330, 18, colours[(k+s)%len(colours)])
		}
	}
	c.rect(0, 520, w, h, hex(0xb9ad9b))
	return c
}

func pitch() canvas {
	c := newCanvas()
	for i := 0; i < 12; i++ {
		col := hex(0x3f9b4a)
		if i%2 == 1 {
			col = hex(0x4aab55)
		}
		c.rect(i*100, 0, i*100+100, h, col)
	}
	line := hex(0xf5f5f5)
	c.rect(40, 40, w-40, 46, line)
	c.rect(40, h-46, w-40, h-40, line)
	c.rect(40, 40, 46, h-40, line)
	c.rect(w-46, 40, w-40, h-40, line)
	c.rect(w/2-3, 40, w/2+3, h-40, line)
	for a := 0.0; a < 2*math.Pi; a += 0.002 {
		x, y := w/2+int(110*math.Cos(a)), h/2+int(110*math.Sin(a))
		c.rect(x-3, y-3, x+3, y+3, line)
	}
	c.rect(40, 200, 200, 206, line)
	c.rect(40, h-206, 200, h-200, line)
	c.rect(194, 200, 200, h-200, line)
	c.circle(820, 400, 18, hex(0xffffff))
	return c
}

func skyline() canvas {
	c := newCanvas()
	c.sky(hex(0x2d3a6e), hex(0xf29e6d), 0, 520)
	c.circle(880, 430, 80, hex(0xffd08a))
	blds := [][4]int{{40, 300, 160}, {180, 220, 120}, {320, 340, 140}, {480, 180, 100}, {600, 280, 150}, {770, 240, 110}, {900, 330, 130}, {1050, 260, 120}}
	for i, b := range blds {
		col := hex(0x1d2340)
		if i%2 == 1 {
			col = hex(0x262d52)
		}
		c.rect(b[0], b[1], b[0]+b[2], h, col)
		for y := b[1] + 20; y < h-60; y += 40 {
			for x := b[0] + 15; x < b[0]+b[2]-20; x += 30 {
				if (x+y+i)%3 != 0 {
					c.rect(x, y, x+12, y+18, hex(0xf6d48b))
				}
			}
		}
	}
	c.rect(0, h-40, w, h, hex(0x11142a))
	return c
}

// portrait draws a person as a flat silhouette in the middle of the
// picture (hair, face, neck, shoulders), so that a round crop of the
// centre, as the author page shows it, is a head and shoulders.
func portrait(bg, hair, skin, shirt uint32) func() canvas {
	return func() canvas {
		c := newCanvas()
		c.rect(0, 0, w, h, hex(bg))
		c.circle(w/2, h+170, 300, hex(shirt))       // shoulders
		c.rect(w/2-55, 380, w/2+55, 570, hex(skin)) // neck
		c.circle(w/2, 265, 150, hex(hair))
		c.circle(w/2, 300, 125, hex(skin))
		return c
	}
}

func main() {
	for name, draw := range map[string]func() canvas{
		"bridge": bridge, "library": library, "river": river, "theatre": theatre,
		"ferry": ferry, "market": market, "pitch": pitch, "skyline": skyline,
		"portrait-ines":  portrait(0x2f5d62, 0x3b2a20, 0xe8c4a8, 0x8c2f39),
		"portrait-tomas": portrait(0x4a6fa5, 0x1d1d1d, 0xc99a72, 0x2e4a3b),
		"portrait-priya": portrait(0xb5651d, 0x141414, 0xa86f4c, 0x3d3b8e),
		"portrait-kofi":  portrait(0x5e8c61, 0x0f0f0f, 0x6b4226, 0xd9a441),
	} {
		f, err := os.Create(name + ".png")
		if err != nil {
			log.Fatal(err)
		}
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(f, draw().RGBA); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}
}
