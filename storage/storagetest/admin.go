package storagetest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/longgame/longgame/storage"
)

func testIntegrityCheck(t *testing.T, db storage.Store, clk *Clock) {
	NewDeal(t, db, Alice, "C1")
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Errorf("got %v, want a clean database", err)
	}
	if v, err := db.SchemaVersion(t.Context()); err != nil || v < 1 {
		t.Errorf("SchemaVersion = %d, %v; want a version", v, err)
	}
}

// testBackup checks what a backup file is, whatever the store: new,
// readable by its owner only (it holds every deal), never over another
// file. What a copy holds is for each implementation to check: only it
// can open one.
func testBackup(t *testing.T, db storage.Store, clk *Clock) {
	NewDeal(t, db, Alice, "C1")
	path := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(t.Context(), path); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	st := Must(os.Stat(path))
	if st.Mode().Perm() != 0o600 || st.Size() == 0 {
		t.Errorf("backup mode %o, size %d; want 600 and some data", st.Mode().Perm(), st.Size())
	}
	before := Must(os.ReadFile(path))
	if err := db.Backup(t.Context(), path); !errors.Is(err, os.ErrExist) {
		t.Errorf("got %v, want os.ErrExist", err)
	}
	if after := Must(os.ReadFile(path)); string(after) != string(before) {
		t.Error("the existing file changed")
	}
}

func testWriteAfterClose(t *testing.T, db storage.Store, clk *Clock) {
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := db.MarkEventSeen(t.Context(), "T1", "Ev1")
	WantErr(t, err, storage.ErrClosed)
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
