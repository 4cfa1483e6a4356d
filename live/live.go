// Package live fans events out to the readers of a topic, for
// server-sent event streams: live comment threads (topic: an article),
// later live blogs. A hub keeps only a small queue per reader; whoever
// feeds it reads the store once per change, never once per reader.
package live

import (
	"io"
	"strings"
	"sync"
)

// Event is one server-sent event: a name and its data (one line).
type Event struct {
	Name string
	Data []byte
}

// QueueSize is how many events a reader may fall behind before it is
// dropped; its browser reconnects and catches up.
const QueueSize = 16

// Hub holds the subscriptions by topic.
type Hub struct {
	mu     sync.Mutex
	topics map[string]map[*Subscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{topics: map[string]map[*Subscription]struct{}{}} }

// Subscription is one reader of a topic. C delivers its events; Done is
// closed when the hub dropped it (too slow) or it was closed.
type Subscription struct {
	C     chan Event
	topic string
	hub   *Hub
	done  chan struct{}
	once  sync.Once
}

// Done is closed when the subscription ends.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Subscribe adds a reader of topic. Close it when the reader leaves.
func (h *Hub) Subscribe(topic string) *Subscription {
	s := &Subscription{C: make(chan Event, QueueSize), topic: topic, hub: h, done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.topics[topic]
	if subs == nil {
		subs = map[*Subscription]struct{}{}
		h.topics[topic] = subs
	}
	subs[s] = struct{}{}
	return s
}

// Close ends the subscription; it is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	s.hub.remove(s)
	s.hub.mu.Unlock()
}

// remove drops s; h.mu is held.
func (h *Hub) remove(s *Subscription) {
	s.once.Do(func() {
		close(s.done)
		if subs := h.topics[s.topic]; subs != nil {
			delete(subs, s)
			if len(subs) == 0 {
				delete(h.topics, s.topic)
			}
		}
	})
}

// Publish queues ev for every reader of topic without waiting: a reader
// whose queue is full is dropped rather than slowing the others.
func (h *Hub) Publish(topic string, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.topics[topic] {
		select {
		case s.C <- ev:
		default:
			h.remove(s)
		}
	}
}

// Readers is the number of readers of topic.
func (h *Hub) Readers(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.topics[topic])
}

// Write frames ev as a server-sent event. Data must be one line (JSON
// is); a newline in it would start a new field, so it is escaped away.
func Write(w io.Writer, ev Event) error {
	var b strings.Builder
	if ev.Name != "" {
		b.WriteString("event: ")
		b.WriteString(ev.Name)
		b.WriteByte('\n')
	}
	b.WriteString("data: ")
	b.WriteString(strings.NewReplacer("\r", "", "\n", " ").Replace(string(ev.Data)))
	b.WriteString("\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}
