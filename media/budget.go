package media

import (
	"context"
	"errors"
	"image"
	"image/color"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Errors of a Budget (wrapped); callers turn them into messages.
var (
	// ErrOverBudget: decoding the image would take more memory than the
	// whole budget; it can never be accepted here.
	ErrOverBudget = errors.New("media: image needs more memory than the site allows")
	// ErrBusy: no room came free in time; the same upload may succeed
	// later.
	ErrBusy = errors.New("media: too many images are being processed")
	// ErrTooManyUploads: the uploader already has their share in flight.
	ErrTooManyUploads = errors.New("media: too many uploads in progress")
)

// Budget bounds, for a whole process, what decoding uploaded images may
// take: one decode per core at a time, the bytes all decodes in progress
// hold together (each image's cost estimated from its header before
// anything is decoded), and the uploads one person has in flight. An
// upload that finds no room waits briefly, then is refused with ErrBusy,
// so that a burst of large images slows uploads down instead of taking
// the process's memory.
type Budget struct {
	size    int64
	bytes   *semaphore.Weighted
	slots   chan struct{}
	wait    time.Duration
	perUser int

	mu       sync.Mutex
	inFlight map[int64]int
}

// Budget defaults: how long an upload waits for room, and how many
// uploads one person may have in flight.
const (
	DefaultBudgetWait  = 10 * time.Second
	DefaultPerUploader = 2
)

// NewBudget returns a budget of size bytes for decoding, shared by
// DecodeSlots decodes at a time, with perUploader uploads in flight per
// person (0: DefaultPerUploader) and waits of at most wait (0:
// DefaultBudgetWait).
func NewBudget(size int64, perUploader int, wait time.Duration) *Budget {
	if perUploader <= 0 {
		perUploader = DefaultPerUploader
	}
	if wait <= 0 {
		wait = DefaultBudgetWait
	}
	return &Budget{size: size, bytes: semaphore.NewWeighted(size), slots: make(chan struct{}, DecodeSlots()),
		wait: wait, perUser: perUploader, inFlight: map[int64]int{}}
}

// DecodeSlots is how many images decode at once: one per core but one,
// so that a burst of uploads leaves a core to the readers (an image takes
// seconds of CPU; a page milliseconds), and at least one.
func DecodeSlots() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// Size is the number of bytes all decodes in progress may hold.
func (b *Budget) Size() int64 { return b.size }

// PerUploader is how many uploads one person may have in flight.
func (b *Budget) PerUploader() int { return b.perUser }

// Enter counts one more upload in flight for uploader, or refuses it
// with ErrTooManyUploads; leave ends it. A nil budget admits everyone.
func (b *Budget) Enter(uploader int64) (leave func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inFlight[uploader] >= b.perUser {
		return nil, ErrTooManyUploads
	}
	b.inFlight[uploader]++
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.inFlight[uploader]--; b.inFlight[uploader] <= 0 {
			delete(b.inFlight, uploader)
		}
	}, nil
}

// acquire takes a decode slot and cost bytes, waiting at most b.wait.
func (b *Budget) acquire(ctx context.Context, cost int64) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	if cost > b.size {
		return nil, ErrOverBudget
	}
	ctx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	select {
	case b.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ErrBusy
	}
	if err := b.bytes.Acquire(ctx, cost); err != nil {
		<-b.slots
		return nil, ErrBusy
	}
	return func() {
		b.bytes.Release(cost)
		<-b.slots
	}, nil
}

// decodeCost estimates the bytes that decoding, turning and re-encoding
// an image of cfg holds at its peak, from its header: the decoded pixels
// at the size its color model keeps them, a turned copy for a JPEG whose
// EXIF says to turn it, a full-size row or two, and the encoded copy
// (at most as large as the pixels, bounded by the file for lossy output).
func decodeCost(f Format, cfg image.Config, data []byte) int64 {
	pixels := int64(cfg.Width) * int64(cfg.Height)
	cost := pixels * bytesPerPixel(cfg.ColorModel)
	if f == JPEG {
		cost = int64(float64(pixels) * jpegBytesPerPixel(data))
		if jpegOrientation(data) > 1 {
			cost += 4 * pixels // orient's turned RGBA copy
		}
	}
	if f == PNG || f == JPEG {
		cost += int64(len(data)) * 2 // the re-encoded original, and its buffer's growth
	}
	for _, w := range Widths {
		if w < cfg.Width { // each rendition, and the row it is read by
			h := max(1, int64(cfg.Height)*int64(w)/int64(cfg.Width))
			cost += 4*int64(w)*h + 4*int64(cfg.Width) + 32*int64(w)
		}
	}
	return cost + 1<<20
}

// bytesPerPixel is what a decoded pixel of the color model takes.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.NRGBA64Model, color.RGBA64Model:
		return 8
	case color.Gray16Model:
		return 2
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.YCbCrModel:
		return 3 // 4:4:4 at most
	case color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}
