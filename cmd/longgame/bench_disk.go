package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// diskProbes is how many syncs the disk probe times.
const diskProbes = 300

// diskReport is the disk's own sync latency, measured in the directory of
// the bot's database during the run: a commit cannot be durable sooner
// than its fdatasync returns, so this is the floor of a recorded reply.
type diskReport struct {
	Syncs int     `json:"syncs"`
	P50MS float64 `json:"p50_ms"`
	P99MS float64 `json:"p99_ms"`
	MaxMS float64 `json:"max_ms"`
}

// probeDisk writes 4 KiB and calls fdatasync(2) n times on a file in dir,
// as SQLite does for each commit in WAL mode with synchronous=FULL.
func probeDisk(dir string, n int) (*diskReport, error) {
	f, err := os.OpenFile(filepath.Join(dir, "disk-probe"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("disk probe: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	lat := make([]time.Duration, 0, n)
	for i := range n {
		page[0] = byte(i)
		start := time.Now()
		if _, err := f.WriteAt(page, int64(i%64)*int64(len(page))); err != nil {
			return nil, fmt.Errorf("disk probe: %w", err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			return nil, fmt.Errorf("disk probe: fdatasync: %w", err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return &diskReport{Syncs: n, P50MS: ms(quantile(lat, 0.5)), P99MS: ms(quantile(lat, 0.99)), MaxMS: ms(lat[len(lat)-1])}, nil
}
