package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage/sqlite"
)

func TestBackupWhileTheBotWrites(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	for i := range 3 {
		h.inChannel("U1", "C1", fmt.Sprintf("/champion ask favor %d", i))
	}

	// A user keeps asking while the backup runs.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	writing, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			before := len(h.fake.Replies())
			ack, err := h.fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U2", ChannelID: "C1",
				Command: "/champion", Text: fmt.Sprintf("ask concurrent favor %d", i)})
			switch {
			case ctx.Err() != nil:
				done <- nil
				return
			case err != nil:
				done <- err
				return
			case !strings.Contains(answerTo(h.fake, before, "C1", ack).text, "ask #"):
				done <- fmt.Errorf("ask %d answered %q", i, answerTo(h.fake, before, "C1", ack).text)
				return
			case i == 0:
				close(writing)
			}
		}
	}()
	select {
	case <-writing:
	case err := <-done:
		t.Fatalf("concurrent asks: %v", err)
	}
	acked := h.rows() // acknowledged before the backup starts

	dst := filepath.Join(t.TempDir(), "copy.db")
	code, out, errOut := runForTest(t, "backup", dst)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("concurrent asks: %v", err)
	}
	if code != exitOK {
		t.Fatalf("backup: exit %d, stderr %q", code, errOut)
	}
	info, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("wrote %s (%d bytes): a consistent copy of %s\n", dst, info.Size(), h.dbPath); out != want {
		t.Errorf("backup said %q, want %q", out, want)
	}

	checkBackup(t, dst)
	got := (&e2e{t: t, dbPath: dst}).rows()
	final := h.rows()
	for table, n := range acked {
		if got[table] < n || got[table] > final[table] {
			t.Errorf("backup holds %d %s, want from %d (acknowledged before) to %d (at the end)", got[table], table, n, final[table])
		}
	}
	t.Logf("asks: %d acknowledged before the backup, %d in it, %d at the end", acked["asks"], got["asks"], final["asks"])
}

// checkBackup opens the copy as the bot would and runs the integrity checks.
func checkBackup(t *testing.T, path string) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Errorf("backup: %v", err)
	}
}

func TestBackupKeepsAnExistingFileUnlessForced(t *testing.T) {
	clearConfigEnv(t)
	src := migratedDB(t)
	t.Setenv("LONGGAME_DB", src)
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(dst, []byte("last week's backup"), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runForTest(t, "backup", dst)
	if code != exitError || out != "" || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--force") {
		t.Errorf("backup over a file: exit %d, stdout %q, stderr %q; want 1 and a pointer to --force", code, out, errOut)
	}
	if b, _ := os.ReadFile(dst); string(b) != "last week's backup" {
		t.Errorf("the existing file was changed: %q", b)
	}

	code, out, errOut = runForTest(t, "backup", "--force", dst)
	if code != exitOK || !strings.HasPrefix(out, "wrote "+dst) {
		t.Fatalf("backup --force: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	checkBackup(t, dst)
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".longgame-backup-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestBackupRefusesToInventADatabase(t *testing.T) {
	clearConfigEnv(t)
	src := filepath.Join(t.TempDir(), "missing.db")
	t.Setenv("LONGGAME_DB", src)
	dst := filepath.Join(t.TempDir(), "copy.db")
	code, _, errOut := runForTest(t, "backup", dst)
	if code != exitError || !strings.Contains(errOut, "LONGGAME_DB") {
		t.Errorf("exit %d, stderr %q; want 1 naming LONGGAME_DB", code, errOut)
	}
	for _, p := range []string{src, dst} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}
}

func TestBackupUsage(t *testing.T) {
	clearConfigEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "name the file to write the copy to"},
		{[]string{"a.db", "b.db"}, exitUsage, "takes one file"},
		{[]string{"a.db", "--force"}, exitUsage, "flags go before the file"},
		{[]string{"--overwrite", "a.db"}, exitUsage, "flag provided but not defined: -overwrite"},
		{[]string{"-h"}, exitOK, "VACUUM INTO"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runForTest(t, append([]string{"backup"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "usage: longgame backup [--force] <file>") {
				t.Errorf("exit %d, stderr %q; want %d, %q and the usage", code, errOut, tc.code, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}
