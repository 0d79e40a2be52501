package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// profileEnv names a directory where the process writes, while it runs, a
// CPU profile and an execution trace, and at exit its allocation profile:
// cpu.pprof, trace.out, allocs.pprof. It is for `longgame bench
// --profile`, which sets it on the bot it runs; unset, nothing is
// profiled.
const profileEnv = "LONGGAME_PROFILE_DIR"

// startProfiles starts profiling into os.Getenv(profileEnv) if set and
// returns what stops it; errors go to stderr and leave the run unprofiled.
func startProfiles(stderr io.Writer) (stop func()) {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() {}
	}
	var closers []func()
	fail := func(err error) func() {
		fmt.Fprintf(stderr, "longgame: profiling into %s: %v\n", dir, err)
		for _, c := range closers {
			c()
		}
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return fail(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		return fail(err)
	}
	closers = append(closers, func() { pprof.StopCPUProfile(); cpu.Close() })
	tr, err := os.Create(filepath.Join(dir, "trace.out"))
	if err != nil {
		return fail(err)
	}
	if err := trace.Start(tr); err != nil {
		tr.Close()
		return fail(err)
	}
	closers = append(closers, func() { trace.Stop(); tr.Close() })
	return func() {
		for _, c := range closers {
			c()
		}
		f, err := os.Create(filepath.Join(dir, "allocs.pprof"))
		if err != nil {
			fmt.Fprintf(stderr, "longgame: allocation profile: %v\n", err)
			return
		}
		defer f.Close()
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintf(stderr, "longgame: allocation profile: %v\n", err)
		}
	}
}
