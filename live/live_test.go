package live_test

import (
	"bytes"
	"testing"

	"communique/live"
)

func TestHub(t *testing.T) {
	h := live.NewHub()
	a1, a2, b := h.Subscribe("article:1"), h.Subscribe("article:1"), h.Subscribe("article:2")
	h.Publish("article:1", live.Event{Name: "comment", Data: []byte(`{"id":7}`)})
	for _, s := range []*live.Subscription{a1, a2} {
		select {
		case ev := <-s.C:
			if ev.Name != "comment" || string(ev.Data) != `{"id":7}` {
				t.Errorf("got %+v", ev)
			}
		default:
			t.Error("a reader of the topic got nothing")
		}
	}
	select {
	case ev := <-b.C:
		t.Errorf("a reader of another topic got %+v", ev)
	default:
	}
	if n := h.Readers("article:1"); n != 2 {
		t.Errorf("readers = %d, want 2", n)
	}
	a2.Close()
	a2.Close()
	if n := h.Readers("article:1"); n != 1 {
		t.Errorf("readers after close = %d, want 1", n)
	}
	// A reader that never reads is dropped once its queue is full, and
	// the others keep receiving.
	for i := 0; i <= live.QueueSize; i++ {
		h.Publish("article:2", live.Event{Data: []byte("x")})
	}
	select {
	case <-b.Done():
	default:
		t.Error("a stuck reader was not dropped")
	}
	if n := h.Readers("article:2"); n != 0 {
		t.Errorf("readers of article:2 = %d, want 0", n)
	}
	h.Publish("article:1", live.Event{Data: []byte("y")})
	if ev := <-a1.C; string(ev.Data) != "y" {
		t.Errorf("remaining reader got %q", ev.Data)
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name string
		ev   live.Event
		want string
	}{
		{"Named", live.Event{Name: "remove", Data: []byte(`{"id":3}`)}, "event: remove\ndata: {\"id\":3}\n\n"},
		{"NewlinesCannotInjectFields", live.Event{Data: []byte("a\nevent: x\r\n")}, "data: a event: x \n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := live.Write(&b, tt.ev); err != nil || b.String() != tt.want {
				t.Errorf("got %q, %v; want %q", b.String(), err, tt.want)
			}
		})
	}
}
