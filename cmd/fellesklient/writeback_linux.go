package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing [off, off+n) of f to disk now, without
// waiting (sync_file_range SYNC_FILE_RANGE_WRITE), so that the fsync at the end waits
// only for the tail instead of the whole file. Best effort: the fsync is what counts.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
