//go:build race

package web_test

// raceEnabled: the tests run under the race detector (CI), where every request
// costs several times more; the crawler then walks fewer roles (crawlRoles).
const raceEnabled = true
