package media

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestBudgetWaits: a decode waits for bytes and for a slot (one per
// core), and gives up as busy after the wait; room released is room
// found.
func TestBudgetWaits(t *testing.T) {
	ctx := context.Background()
	b := NewBudget(10, 0, time.Millisecond)
	release, err := b.acquire(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.acquire(ctx, 5); !errors.Is(err, ErrBusy) {
		t.Fatalf("5 bytes with 2 free: %v, want ErrBusy", err)
	}
	release()
	if r, err := b.acquire(ctx, 5); err != nil {
		t.Fatalf("5 bytes with 10 free: %v", err)
	} else {
		r()
	}
	var held []func()
	for range DecodeSlots() {
		r, err := b.acquire(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, r)
	}
	if _, err := b.acquire(ctx, 1); !errors.Is(err, ErrBusy) {
		t.Fatalf("a decode beyond DecodeSlots: %v, want ErrBusy", err)
	}
	for _, r := range held {
		r()
	}
	if _, err := b.acquire(ctx, 11); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("more than the budget: %v, want ErrOverBudget", err)
	}
}
