package importtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/longgame/longgame"

// layers rank the top-level directories: a package may import its own
// layer and those below it, never one above.
var layers = map[string]int{"storage": 0, "reminders": 1, "bot": 2, "cmd": 3}

// fakes are packages only tests, local and bench may import.
var fakes = map[string]bool{module + "/bot/slackfake": true, module + "/storage/storagetest": true}

// mayUseFakes reports whether a non-test file may import a fake: the
// binary's local emulator and its bench, which run the bot against the fake
// Slack.
func mayUseFakes(rel string) bool {
	dir, file := filepath.Split(rel)
	return filepath.Clean(dir) == filepath.Join("cmd", "longgame") &&
		(strings.HasPrefix(file, "local") || strings.HasPrefix(file, "bench"))
}

func TestImportsPointDown(t *testing.T) {
	root := moduleRoot(t)
	for _, v := range violations(t, root) {
		t.Error(v)
	}
}

// violations lists every import of the module that breaks the rules.
func violations(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, checkFile(t, path, rel)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkFile(t *testing.T, path, rel string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	from := layerOf(filepath.ToSlash(rel))
	test := strings.HasSuffix(rel, "_test.go")
	var out []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if !strings.HasPrefix(p, module+"/") {
			continue
		}
		switch {
		case fakes[p] && !test && !mayUseFakes(rel):
			out = append(out, rel+" imports the fake "+p+": only tests, local and bench may")
		case fakes[p]:
			// A test (or local, or bench) may use a fake from any layer.
		case layerOf(strings.TrimPrefix(p, module+"/")) > from:
			out = append(out, rel+" imports "+p+", a layer above its own (cmd → bot → reminders → storage)")
		}
	}
	return out
}

// layerOf is the layer of a path relative to the module root.
func layerOf(rel string) int {
	top, _, _ := strings.Cut(rel, "/")
	if l, ok := layers[top]; ok {
		return l
	}
	return len(layers) // outside the four: may import anything, imported by nothing
}

// moduleRoot is the directory of go.mod.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// TestViolationsAreFound checks the checker itself on a module made for it:
// a back-edge from storage to bot, and a fake imported by production code.
func TestViolationsAreFound(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("storage/db.go", "package storage\nimport _ \""+module+"/bot\"\n")
	write("bot/bot.go", "package bot\nimport _ \""+module+"/bot/slackfake\"\n")
	write("bot/bot_test.go", "package bot\nimport _ \""+module+"/bot/slackfake\"\n")
	write("reminders/r.go", "package reminders\nimport _ \""+module+"/storage\"\n")
	write("cmd/longgame/local.go", "package main\nimport _ \""+module+"/bot/slackfake\"\n")
	got := violations(t, root)
	if len(got) != 2 || !strings.Contains(got[0], "bot/bot.go imports the fake") || !strings.Contains(got[1], "storage/db.go imports") {
		t.Errorf("got %q, want the back-edge and the fake in production code", got)
	}
}
