//go:build linux || darwin || freebsd || netbsd || openbsd

package web

import "syscall"

// freeBytes is the space an unprivileged process may still write in dir's file
// system.
func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil //nolint:unconvert // int64 on some systems
}
