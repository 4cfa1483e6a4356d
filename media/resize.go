package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
)

// variants makes the renditions narrower than src, widest first in the
// work (each is scaled from the previous one, which is cheaper than from
// a large original and looks the same) and narrowest first in the result.
// Photographs (JPEG and WebP) become JPEG; PNG and GIF, often drawings
// with sharp edges or transparency, become PNG.
func variants(src image.Image, from Format) ([]Variant, error) {
	out := PNG
	if from == JPEG || from == WebP {
		out = JPEG
	}
	b := src.Bounds()
	var list []Variant
	prev := src
	for i := len(Widths) - 1; i >= 0; i-- {
		w := Widths[i]
		if w >= b.Dx() {
			continue // never upscale
		}
		h := max(1, int((int64(b.Dy())*int64(w)+int64(b.Dx())/2)/int64(b.Dx())))
		img := shrink(prev, w, h, out == JPEG)
		data, err := encode(img, out)
		if err != nil {
			return nil, err
		}
		list = append([]Variant{{Width: w, Height: h, Format: out, Data: data}}, list...)
		prev = img
	}
	return list, nil
}

// shrink scales src down to w×h by averaging, for each pixel of the
// result, the source pixels it covers (an area filter, which is what a
// reduction wants: no source pixel is skipped, so nothing aliases). It
// reads the source one row at a time into a small buffer and keeps one
// row of sums, so its memory is the result and a few rows, whatever the
// source's size: a kernel filter (Catmull-Rom in x/image/draw) keeps
// 32 bytes for each pixel of width×source height, 300 MB from a
// 6000×6000 image to 1600 wide. For JPEG output the image is laid on
// white, since JPEG has no transparency.
func shrink(src image.Image, w, h int, flatten bool) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xs := spans(sw, w)
	row := image.NewRGBA(image.Rect(0, 0, sw, 1))
	sums := make([]float64, 4*w)
	scaleY := float64(sh) / float64(h)
	norm := float64(w) / float64(sw) / scaleY
	for dy := range h {
		clear(sums)
		y0, y1 := float64(dy)*scaleY, float64(dy+1)*scaleY
		for y := int(y0); y < sh && float64(y) < y1; y++ {
			wy := min(float64(y+1), y1) - max(float64(y), y0)
			// draw.Draw has fast paths from every decoder's image type
			// to premultiplied RGBA, which averages correctly with alpha.
			draw.Draw(row, row.Rect, src, image.Pt(b.Min.X, b.Min.Y+y), draw.Src)
			for x, s := range xs {
				p := row.Pix[4*x : 4*x+4 : 4*x+4]
				for _, part := range s {
					if part.weight == 0 {
						continue
					}
					k, f := 4*part.to, part.weight*wy
					sums[k] += f * float64(p[0])
					sums[k+1] += f * float64(p[1])
					sums[k+2] += f * float64(p[2])
					sums[k+3] += f * float64(p[3])
				}
			}
		}
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*w]
		for i := 0; i < 4*w; i += 4 {
			a := sums[i+3] * norm
			for c := range 3 {
				v := sums[i+c] * norm
				if flatten {
					v += 255 - a // premultiplied over white
				}
				out[i+c] = clamp8(v)
			}
			out[i+3] = clamp8(a)
			if flatten {
				out[i+3] = 255
			}
		}
	}
	return dst
}

// span is the share of a source column (or row) that falls in one
// column of the result.
type span struct {
	to     int
	weight float64
}

// spans says, for each of n source columns, which one or two of the m
// result columns it falls in and with what width.
func spans(n, m int) [][2]span {
	out := make([][2]span, n)
	scale := float64(n) / float64(m)
	for x := range n {
		lo, hi := float64(x), float64(x+1)
		d := min(int(lo/scale), m-1)
		edge := float64(d+1) * scale
		if hi <= edge || d == m-1 {
			out[x][0] = span{d, 1}
			continue
		}
		out[x][0] = span{d, edge - lo}
		out[x][1] = span{d + 1, hi - edge}
	}
	return out
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

func encode(img image.Image, f Format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if f == JPEG {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: VariantQuality})
	} else {
		err = png.Encode(&buf, img)
	}
	return buf.Bytes(), err
}
