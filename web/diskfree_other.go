//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package web

import "errors"

// freeBytes is not known on this system: /healthz does not check disk space.
func freeBytes(string) (uint64, error) { return 0, errors.ErrUnsupported }

// DiskSpace is not known on this system: the kntc_disk_* metrics are not shown.
func DiskSpace(string) (free, size uint64, err error) { return 0, 0, errors.ErrUnsupported }
