package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at link time: go build -ldflags "-X main.version=v1.2.3".
var version = ""

func runVersion(_ context.Context, inv invocation) int {
	fmt.Fprintf(inv.stdout, "longgame %s\n", buildVersion())
	return exitOK
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
