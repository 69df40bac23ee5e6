package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// loginLimiter counts failed logins, never successful ones, so that a user under
// attack can still log in and an office behind one proxy is not limited by its
// own logins:
//   - per (username, client address): LoginLimit failures a minute, then that
//     address is refused for that username until the minute has passed;
//   - per client address: three times as many, for any usernames (guessing many
//     accounts from one place);
//   - per username, from anywhere: past LoginLimit failures a minute its logins
//     are only slowed, by a pause that doubles per failure up to LoginDelayCap.
//     Refusing would lock the real user out from an attacker's rotating
//     addresses. A right password clears the username's failures.
type loginLimiter struct {
	limit    int
	window   time.Duration
	delayCap time.Duration
	now      func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, only within the window
	sweep    time.Time              // next sweep of expired keys
}

// maxLoginKeys bounds the limiter's memory under a flood of made-up usernames:
// past it the oldest-looking keys are dropped (an attacker gains a reset of
// their own counters at best, after sending that many distinct names).
const maxLoginKeys = 100_000

func newLoginLimiter(cfg Config) *loginLimiter {
	return &loginLimiter{limit: cfg.LoginLimit, window: time.Minute, delayCap: cfg.LoginDelayCap, now: cfg.Clock, failures: map[string][]time.Time{}}
}

func failUserClient(user, ip string) string { return "uc:" + user + "\x00" + ip }
func failClient(ip string) string           { return "c:" + ip }
func failUser(user string) string           { return "u:" + user }

// recent returns key's failures within the window (the caller holds mu).
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	return recentFailures(l.failures, key, now, l.window)
}

// recentFailures returns key's failures in failures that are younger than window,
// dropping the older ones (and the key when none is left). The login and portal
// limiters keep their failures this way; the caller holds their lock.
func recentFailures(failures map[string][]time.Time, key string, now time.Time, window time.Duration) []time.Time {
	ts := failures[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= window {
		i++
	}
	if i == len(ts) {
		delete(failures, key)
		return nil
	}
	if i > 0 {
		ts = ts[i:]
		failures[key] = ts
	}
	return ts
}

// refused reports whether ip may not try user now, and for how long.
func (l *loginLimiter) refused(user, ip string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range []struct {
		key   string
		limit int
	}{{failUserClient(user, ip), l.limit}, {failClient(ip), 3 * l.limit}} {
		if ts := l.recent(k.key, now); len(ts) >= k.limit {
			return ts[len(ts)-k.limit].Add(l.window).Sub(now), true
		}
	}
	return 0, false
}

// delay is the pause before checking a password of user.
func (l *loginLimiter) delay(user string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	over := len(l.recent(failUser(user), l.now())) - l.limit
	if over < 0 {
		return 0
	}
	d := 100 * time.Millisecond
	for range min(over, 16) {
		d *= 2
	}
	return min(d, l.delayCap)
}

// failed records a wrong password of user from ip.
func (l *loginLimiter) failed(user, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.After(l.sweep) || len(l.failures) >= maxLoginKeys {
		for k := range l.failures {
			l.recent(k, now)
		}
		for k := range l.failures {
			if len(l.failures) < maxLoginKeys {
				break
			}
			delete(l.failures, k)
		}
		l.sweep = now.Add(l.window)
	}
	for _, k := range []string{failUserClient(user, ip), failClient(ip), failUser(user)} {
		ts := l.recent(k, now)
		if len(ts) >= 4*l.limit { // enough to decide; keeps one key's list short
			ts = ts[1:]
		}
		l.failures[k] = append(ts, now)
	}
}

// succeeded clears what a right password of user from ip proves wrong: the
// username's failures. The address's own count stays.
func (l *loginLimiter) succeeded(user, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, failUser(user))
	delete(l.failures, failUserClient(user, ip))
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type clientIPKey struct{}

// realIP puts the client's address in the request's context: the TCP peer, or,
// when the peer is one of the trusted proxies, the last address in
// X-Forwarded-For that is not itself a trusted proxy. The header from any other
// peer is ignored: anyone can write it.
func realIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ip := forwardedFor(r, trusted)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ip)))
		})
	}
}

func forwardedFor(r *http.Request, trusted []netip.Prefix) string {
	peer := peerIP(r)
	addr, err := netip.ParseAddr(peer)
	if err != nil || !isTrusted(addr, trusted) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: trust nothing before it
		}
		client = a.Unmap()
		if !isTrusted(client, trusted) {
			break
		}
	}
	return client.String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientIP is the client's address as realIP found it (the TCP peer when realIP
// did not run).
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok {
		return ip
	}
	return peerIP(r)
}
