package cases

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// writeKeyFile writes a key file kept beside the data (the embedded default's
// DATA/seal.key and DATA/audit.key): one line, mode 0600, synced, and never over
// an existing file, so a key that opens stored values is never lost to a race.
func writeKeyFile(path, what, line string) error {
	if path == "" {
		return fmt.Errorf("write %s: no path", what)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", what, err)
	}
	_, err = fmt.Fprintln(f, line)
	err = errors.Join(err, f.Sync(), f.Close())
	if err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}
