package lease_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"kntc/internal/lease"
)

// memStore is a Store in memory whose answers a test can turn.
type memStore struct {
	mu       sync.Mutex
	holder   string
	token    int64
	expires  time.Time
	failRenw bool // renewals fail with an error (the database is unreachable)
	released int
}

func (m *memStore) AcquireLease(_ context.Context, _, holder string, ttl time.Duration) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if m.holder != "" && m.holder != holder && now.Before(m.expires) {
		return 0, false, nil
	}
	if m.holder != holder || !now.Before(m.expires) {
		m.token++
	}
	m.holder, m.expires = holder, now.Add(ttl)
	return m.token, true, nil
}

func (m *memStore) RenewLease(_ context.Context, _, holder string, token int64, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failRenw {
		return false, errors.New("connection refused")
	}
	if m.holder != holder || m.token != token || !time.Now().Before(m.expires) {
		return false, nil
	}
	m.expires = time.Now().Add(ttl)
	return true, nil
}

func (m *memStore) ReleaseLease(_ context.Context, _, holder string, token int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == holder && m.token == token {
		m.expires = time.Time{}
		m.released++
	}
	return nil
}

// take hands the lease to another node, as if this one had stalled past its expiry.
func (m *memStore) take(holder string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.holder, m.token, m.expires = holder, m.token+1, time.Now().Add(time.Hour)
}

func wait(t *testing.T, what string, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestWorkStopsWhenLeaseIsLost: a node whose lease another node took stops its
// work at the next renewal, and a node whose renewals fail stops at its local
// deadline, before the lease runs out in the store.
func TestWorkStopsWhenLeaseIsLost(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func(m *memStore)
	}{
		{"taken", func(m *memStore) { m.take("node-b") }},
		{"renewals fail", func(m *memStore) { m.mu.Lock(); m.failRenw = true; m.mu.Unlock() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &memStore{}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			started, stopped := make(chan struct{}), make(chan struct{})
			var once sync.Once
			var stoppedAt time.Time
			l := &lease.Lease{Store: m, Name: "hotfolder:/x", Holder: "node-a", TTL: 150 * time.Millisecond}
			go l.Run(ctx, func(wctx context.Context) {
				once.Do(func() {
					close(started)
					<-wctx.Done()
					stoppedAt = time.Now()
					close(stopped)
				})
				<-wctx.Done()
			})
			wait(t, "the work to start", started)
			tc.lose(m)
			wait(t, "the work to stop", stopped)
			m.mu.Lock()
			defer m.mu.Unlock()
			if m.holder == "node-a" && !stoppedAt.Before(m.expires) {
				t.Fatalf("work stopped at %v, after its lease ran out at %v", stoppedAt, m.expires)
			}
		})
	}
}

// TestOneHolderAndHandOver: of two nodes only one works; when it stops (its
// context ends) it releases the lease and the other takes over.
func TestOneHolderAndHandOver(t *testing.T) {
	m := &memStore{}
	var mu sync.Mutex
	working := map[string]bool{}
	most := 0
	started := map[string]chan struct{}{"node-a": make(chan struct{}), "node-b": make(chan struct{})}
	run := func(ctx context.Context, node string) {
		l := &lease.Lease{Store: m, Name: "backup", Holder: node, TTL: 150 * time.Millisecond}
		var once sync.Once
		l.Run(ctx, func(wctx context.Context) {
			mu.Lock()
			working[node] = true
			n := 0
			for _, w := range working {
				if w {
					n++
				}
			}
			most = max(most, n)
			mu.Unlock()
			once.Do(func() { close(started[node]) })
			<-wctx.Done()
			mu.Lock()
			working[node] = false
			mu.Unlock()
		})
	}
	ctxA, stopA := context.WithCancel(t.Context())
	doneA := make(chan struct{})
	go func() { defer close(doneA); run(ctxA, "node-a") }()
	wait(t, "node-a to work", started["node-a"])
	ctxB, stopB := context.WithCancel(t.Context())
	defer stopB()
	go run(ctxB, "node-b")
	stopA()
	wait(t, "node-a to stop", doneA)
	wait(t, "node-b to take over", started["node-b"])
	mu.Lock()
	defer mu.Unlock()
	if most != 1 {
		t.Fatalf("%d nodes worked at once", most)
	}
	if m.released < 1 {
		t.Fatal("node-a did not release its lease when it stopped")
	}
}
