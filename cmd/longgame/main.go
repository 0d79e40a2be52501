// Command longgame is the Long Game Slack bot: it records what a deal asks of
// its champion, the deal's risks, and reminds the owner to check in after the
// close.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfiles := startProfiles(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfiles()
	stop()
	os.Exit(code)
}
