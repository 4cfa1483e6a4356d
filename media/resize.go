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
		img := scale(prev, w, h, out == JPEG)
		data, err := encode(img, out)
		if err != nil {
			return nil, err
		}
		list = append([]Variant{{Width: w, Height: h, Format: out, Data: data}}, list...)
		prev = img
	}
	return list, nil
}

// scale resizes src with Catmull-Rom. For JPEG output the image is laid
// on white first, since JPEG has no transparency and transparent pixels
// would otherwise turn black.
func scale(src image.Image, w, h int, flatten bool) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if o, ok := src.(interface{ Opaque() bool }); flatten && !(ok && o.Opaque()) {
		draw.Draw(dst, dst.Rect, image.White, image.Point{}, draw.Src)
		op = draw.Over
	}
	draw.CatmullRom.Scale(dst, dst.Rect, src, src.Bounds(), op, nil)
	return dst
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
