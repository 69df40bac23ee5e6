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

// DiskSpace is the space an unprivileged process may still write in dir's file
// system, and the file system's size (for the kntc_disk_* metrics).
func DiskSpace(dir string) (free, size uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), uint64(st.Blocks) * uint64(st.Bsize), nil //nolint:unconvert // int64 on some systems
}
