package postgres

import (
	"errors"
	"testing"

	"github.com/longgame/longgame/storage"
)

// TestChannelLookupAnswersEachRead gives the channel lookup one statement's
// worth of reads: each gets its own channel's deal, and a channel with no
// deal, or with a deal of another workspace, gets ErrNotFound.
func TestChannelLookupAnswersEachRead(t *testing.T) {
	db := openAdderTest(t)
	alice := storage.Actor{TeamID: "T1", UserID: "UALICE"}
	ids := map[string]int64{}
	for _, ch := range []string{"C1", "C2"} {
		d, err := db.OpenDeal(t.Context(), alice, storage.NewDeal{ChannelID: ch, Name: "Acme " + ch, OwnerID: "UALICE", Budget: 10})
		if err != nil {
			t.Fatal(err)
		}
		ids[ch] = d.ID
	}
	reads := []struct {
		team, channel string
		want          int64 // 0: not found
	}{{"T1", "C2", ids["C2"]}, {"T1", "C9", 0}, {"T2", "C1", 0}, {"T1", "C1", ids["C1"]}, {"T1", "C2", ids["C2"]}}
	batch := make([]*lookupReq, len(reads))
	for i, r := range reads {
		batch[i] = &lookupReq{team: r.team, channel: r.channel, done: make(chan error, 1)}
	}
	db.deals.run(batch)
	for i, r := range reads {
		err := <-batch[i].done
		switch {
		case r.want == 0 && !errors.Is(err, storage.ErrNotFound):
			t.Errorf("read %d (%s in %s): error %v, want ErrNotFound", i, r.channel, r.team, err)
		case r.want != 0 && (err != nil || batch[i].deal.ID != r.want || batch[i].deal.ChannelID != r.channel):
			t.Errorf("read %d (%s in %s): deal %d in %s (error %v), want deal %d", i, r.channel, r.team,
				batch[i].deal.ID, batch[i].deal.ChannelID, err, r.want)
		}
	}
}
