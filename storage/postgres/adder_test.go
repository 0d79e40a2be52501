package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// TestBatchWithAFailedStatement gives the adder a batch in which one
// statement fails: the batch rolls back, the others run again alone and
// are written, numbered in order; only the bad one fails.
func TestBatchWithAFailedStatement(t *testing.T) {
	server := os.Getenv("LONGGAME_TEST_POSTGRES")
	if server == "" {
		t.Skip("LONGGAME_TEST_POSTGRES is not set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "lgtest_" + hex.EncodeToString(b[:])
	if err := CreateDatabase(t.Context(), server, name, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = DropDatabase(context.Background(), server, name) })
	url, _ := WithDatabase(server, name)
	db, err := Open(t.Context(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	alice := storage.Actor{TeamID: "T1", UserID: "UALICE"}
	d, err := db.OpenDeal(t.Context(), alice, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UALICE", Budget: 10})
	if err != nil {
		t.Fatal(err)
	}
	asks := make([]storage.Ask, 3)
	op := func(i int, query string) *addOp {
		return &addOp{kind: byDeal, key: d.ID, query: query, done: make(chan error, 1),
			args: []any{"T1", d.ID, "ask", 1, "UALICE", time.Now().UTC().Truncate(time.Second), `{}`},
			scan: func(r pgx.Row) error { return scanAsk(r, &asks[i]) }}
	}
	batch := []*addOp{op(0, insertAskQuery), op(1, insertAskQuery+` WHERE 1/0 = 1`), op(2, insertAskQuery)}
	db.adds.run(batch)
	for i, want := range []bool{true, false, true} {
		if err := <-batch[i].done; (err == nil) != want {
			t.Errorf("op %d: error %v, want success %v", i, err, want)
		}
	}
	if asks[0].Number != 1 || asks[2].Number != 2 {
		t.Errorf("numbers %d and %d, want 1 and 2", asks[0].Number, asks[2].Number)
	}
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
}
