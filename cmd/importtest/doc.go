// Package importtest holds the test that keeps Long Game's dependencies
// pointing one way: cmd → bot → reminders → storage. Nothing imports a
// layer above its own, and the fakes (bot/slackfake, storage/storagetest)
// are imported only by tests and by the binary's local emulator and bench.
package importtest
