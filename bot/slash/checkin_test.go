package slash

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/sqlite"
)

// missFoldedFails is a real store whose MissFolded fails, after the
// check-in was finished in its own commit.
type missFoldedFails struct{ *sqlite.DB }

func (missFoldedFails) MissFolded(context.Context, storage.Actor, int64) (int, error) {
	return 0, errors.New("disk I/O error")
}

// utcZones puts every user in UTC.
type utcZones struct{}

func (utcZones) Of(context.Context, string, string) *time.Location { return time.UTC }
func (utcZones) Week(context.Context, string, string) storage.Week {
	return storage.Week{Loc: time.UTC} // every day a working day
}

// /checkin done answers what was recorded: the check-in is done even when
// marking the check-ins its reminder covered then fails.
func TestCheckinDoneSaysDoneWhenMarkingTheCoveredOnesFails(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "longgame.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	actor := storage.Actor{TeamID: "T1", UserID: "U1"}
	d, err := db.OpenDeal(ctx, actor, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "U1", Budget: 10})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	c, err := db.AddCheckin(ctx, actor, storage.NewCheckin{DealID: d.ID, Note: "call Jane", DueOn: now, DueAt: now})
	if err != nil {
		t.Fatal(err)
	}
	cmds := New(missFoldedFails{db}, nil, nil, utcZones{}, Config{})
	ans, err := cmds.Run(ctx, slack.SlashCommand{TeamID: "T1", UserID: "U1", ChannelID: "C1", Command: "/checkin", Text: "done trained"})
	if err != nil {
		t.Fatalf("the answer is an error, though the check-in is done: %v", err)
	}
	if !strings.Contains(ans.Reply.Text, "did the") || strings.Contains(ans.Reply.Text, "missed") {
		t.Errorf("answer %q, want the check-in done and nothing said of missed ones", ans.Reply.Text)
	}
	got, err := db.CheckinByID(ctx, "T1", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != storage.CheckinDone {
		t.Errorf("check-in %s, want done", got.Status)
	}
}
