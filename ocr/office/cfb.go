package office

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

// cfbMagic starts an OLE2 compound file (Word and Excel 97–2003, and the
// container of an encrypted Office Open XML file).
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// cfbNames returns the names of the storages and streams in an OLE2 compound file
// ([MS-CFB]): its directory, followed through the file allocation table. Only
// the FAT sectors listed in the header are used (109 of them: files up to 6.8 MiB
// with 512-byte sectors, 436 MiB with 4096-byte ones); a directory beyond them is
// read as far as they reach.
func cfbNames(r io.ReaderAt, size int64) (map[string]bool, error) {
	hdr := make([]byte, 512)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	shift := binary.LittleEndian.Uint16(hdr[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, fmt.Errorf("sector shift %d", shift)
	}
	ssz := int64(1) << shift
	perFAT := ssz / 4
	var fatSectors []uint32
	for i := range 109 {
		s := binary.LittleEndian.Uint32(hdr[0x4C+4*i:])
		if s >= 0xFFFFFFFA {
			break
		}
		fatSectors = append(fatSectors, s)
	}
	sector := func(s uint32, buf []byte) error {
		off := (int64(s) + 1) * ssz
		if off+ssz > size {
			return errors.New("sector beyond the end of the file")
		}
		_, err := r.ReadAt(buf, off)
		return err
	}
	fatBuf := make([]byte, ssz)
	next := func(s uint32) (uint32, error) {
		k := int64(s) / perFAT
		if k >= int64(len(fatSectors)) {
			return 0, errors.New("chain beyond the FAT the header lists")
		}
		if err := sector(fatSectors[k], fatBuf); err != nil {
			return 0, err
		}
		return binary.LittleEndian.Uint32(fatBuf[(int64(s)%perFAT)*4:]), nil
	}
	names := map[string]bool{}
	buf := make([]byte, ssz)
	s := binary.LittleEndian.Uint32(hdr[0x30:])
	for steps := 0; s < 0xFFFFFFFA; steps++ {
		if steps > 100000 {
			return nil, errors.New("directory chain loops")
		}
		if err := sector(s, buf); err != nil {
			return nil, fmt.Errorf("directory: %w", err)
		}
		for e := int64(0); e+128 <= ssz; e += 128 {
			ent := buf[e : e+128]
			n := int(binary.LittleEndian.Uint16(ent[0x40:]))
			if n < 2 || n > 64 || ent[0x42] == 0 {
				continue // unused entry
			}
			u := make([]uint16, n/2-1) // without the terminating NUL
			for i := range u {
				u[i] = binary.LittleEndian.Uint16(ent[2*i:])
			}
			names[string(utf16.Decode(u))] = true
		}
		var err error
		if s, err = next(s); err != nil {
			if len(names) > 0 {
				break // what was read is enough to tell the format
			}
			return nil, err
		}
	}
	return names, nil
}
