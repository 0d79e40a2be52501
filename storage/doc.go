// Package storage is Long Game's model and the contract of its stores.
//
// The model is the domain types and their rules: deals and their stages,
// champions, the asks and gives that spend and restore a champion's
// capital (ComputeCapital, Capital.State), risks and their summary,
// check-ins and their reminders, and Money with its ISO 4217 rule
// (ParseMoney, MinorDigits, Money.String). Each rule is written once, on
// the type it belongs to, and every surface calls it.
//
// The contract is Store: what an implementation keeps, every row scoped by
// Slack workspace. Package storage/sqlite implements it on a SQLite file and
// package storage/postgres on PostgreSQL;
// package storage/storagetest is the conformance suite every
// implementation passes. Consumers declare the smaller interfaces they
// need, which every Store satisfies.
package storage
