package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, inv invocation) int {
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame: %v\n", err)
		return exitUsage
	}
	db, err := openStore(ctx, cfg.DB, storeOptions{})
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame: open database %s: %v\n", dbName(cfg.DB), err)
		return exitError
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame: read schema version: %v\n", err)
		return exitError
	}
	fmt.Fprintf(inv.stdout, "%s: schema at version %d, up to date\n", dbName(cfg.DB), v)
	return exitOK
}
