package web

import (
	"sync"
	"time"
)

// portalLimiter counts the portal's failed lookups (a wrong code or PIN: the two
// are one failure) in a sliding window, and refuses a lookup while any of its
// counters is full:
//   - per (code, client address): limit failures;
//   - per client address, over all codes: 3 × limit (guessing many codes);
//   - per code, from all addresses: 10 × limit (a distributed guess of one
//     case's PIN). Since each address adds at most limit failures to it, locking
//     a citizen's code out takes at least ten addresses, and an address that
//     looked the code up successfully within trustFor is not refused by it: the
//     citizen who already found their case keeps finding it.
//
// A success clears nothing: the counters only age out (a right PIN among many
// wrong ones is the guess that worked).
type portalLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, only within the window
	trusted  map[string]time.Time   // code\x00address → last success
	sweep    time.Time
}

// trustFor is how long a successful lookup exempts its address from the code's
// own lockout.
const trustFor = 30 * 24 * time.Hour

// maxPortalKeys bounds the limiter's memory under a flood of made-up codes.
const maxPortalKeys = 200_000

// lockScope names a counter that is full, for the audit trail and the log.
type lockScope string

const (
	lockCodeAddress lockScope = "code_address"
	lockAddress     lockScope = "address"
	lockCode        lockScope = "code"
)

func newPortalLimiter(cfg Config) *portalLimiter {
	return &portalLimiter{limit: cfg.PortalLimit, window: cfg.PortalWindow, now: cfg.Clock,
		failures: map[string][]time.Time{}, trusted: map[string]time.Time{}}
}

func (l *portalLimiter) keys(code, ip string) []struct {
	key   string
	limit int
	scope lockScope
} {
	return []struct {
		key   string
		limit int
		scope lockScope
	}{
		{"ca:" + code + "\x00" + ip, l.limit, lockCodeAddress},
		{"a:" + ip, 3 * l.limit, lockAddress},
		{"c:" + code, 10 * l.limit, lockCode},
	}
}

// recent returns key's failures within the window (the caller holds mu).
func (l *portalLimiter) recent(key string, now time.Time) []time.Time {
	return recentFailures(l.failures, key, now, l.window)
}

// refused reports whether ip may not look code up now, for how long, and why.
func (l *portalLimiter) refused(code, ip string) (time.Duration, lockScope, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range l.keys(code, ip) {
		if k.scope == lockCode {
			if t, ok := l.trusted[code+"\x00"+ip]; ok && now.Sub(t) < trustFor {
				continue
			}
		}
		if ts := l.recent(k.key, now); len(ts) >= k.limit {
			return ts[len(ts)-k.limit].Add(l.window).Sub(now), k.scope, true
		}
	}
	return 0, "", false
}

// failed records a failed lookup of code from ip and returns the counters this
// failure filled (a lockout that starts now), for the audit trail.
func (l *portalLimiter) failed(code, ip string) []lockScope {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.After(l.sweep) || len(l.failures)+len(l.trusted) >= maxPortalKeys {
		for k := range l.failures {
			l.recent(k, now)
		}
		for k, t := range l.trusted {
			if now.Sub(t) >= trustFor || len(l.trusted) >= maxPortalKeys/2 {
				delete(l.trusted, k)
			}
		}
		for k := range l.failures {
			if len(l.failures) < maxPortalKeys/2 {
				break
			}
			delete(l.failures, k)
		}
		l.sweep = now.Add(l.window)
	}
	var full []lockScope
	for _, k := range l.keys(code, ip) {
		ts := l.recent(k.key, now)
		if len(ts) >= 2*k.limit { // enough to decide; keeps one key's list short
			ts = ts[1:]
		}
		ts = append(ts, now)
		l.failures[k.key] = ts
		if len(ts) == k.limit {
			full = append(full, k.scope)
		}
	}
	return full
}

// succeeded remembers that ip found code: the code's own lockout does not stop
// that address.
func (l *portalLimiter) succeeded(code, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trusted[code+"\x00"+ip] = l.now()
}
