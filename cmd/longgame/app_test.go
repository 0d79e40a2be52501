package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runForTest(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersionPrintsProgramName(t *testing.T) {
	code, out, _ := runForTest(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "longgame ") {
		t.Fatalf("version: code %d, output %q; want 0 and \"longgame …\"", code, out)
	}
}

func TestUnknownCommandShowsUsage(t *testing.T) {
	code, _, errOut := runForTest(t, "frobnicate")
	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, `unknown command "frobnicate"`) || !strings.Contains(errOut, "usage: longgame") {
		t.Errorf("stderr %q does not name the command and show usage", errOut)
	}
}
