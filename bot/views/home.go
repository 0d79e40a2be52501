package views

import (
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// What the App Home shows at most.
const (
	HomeMaxDeals    = 30
	homeMaxCheckins = 25 // two blocks each: the line and its buttons
)

// HomeMaxPostSale is how many won deals still at risk the App Home lists.
const HomeMaxPostSale = 10

// Home is a member's App Home: their open deals, their won deals that
// still have open high or critical risks (storage.PostSaleWatch), and
// their check-ins due in the next 14 days or overdue, each with the
// buttons buttons makes.
func Home(deals, postSale storage.Page[storage.DealOverview], due []storage.CheckinDue, now time.Time, loc *time.Location,
	buttons func(checkinID int64) slack.Block) []slack.Block {
	blocks := []slack.Block{blockkit.Header("Play the long game"), blockkit.Section(fmt.Sprintf("*Your open deals: %d*", deals.Total))}
	if deals.Total == 0 {
		blocks = append(blocks, blockkit.Context("No open deal of yours. Open one in its channel with `/deal open <name>`."))
	}
	lines := make([]string, 0, len(deals.Items))
	for _, ov := range deals.Items {
		lines = append(lines, DealLine(ov, storage.Today(now, loc)))
	}
	blocks = append(blocks, blockkit.LinesOf(lines, deals.Total, 10, maxListChars)...)
	if postSale.Total > 0 {
		blocks = append(blocks, blockkit.Section(fmt.Sprintf("*Post-sale, still at risk: %d*", postSale.Total)),
			blockkit.Context("Won, with high or critical risks still open: your champion carries them now."))
		lines := make([]string, 0, len(postSale.Items))
		for _, ov := range postSale.Items {
			lines = append(lines, DealLine(ov, storage.Today(now, loc)))
		}
		blocks = append(blocks, blockkit.LinesOf(lines, postSale.Total, 4, maxListChars)...)
	}
	blocks = append(blocks, slack.NewDividerBlock(), blockkit.Section(fmt.Sprintf("*Your check-ins due in the next %d days or overdue: %d*", storage.DueSoonDays, len(due))))
	if len(due) == 0 {
		blocks = append(blocks, blockkit.Context("Nothing to chase right now."))
	}
	for i, cd := range due {
		if i == homeMaxCheckins {
			blocks = append(blocks, blockkit.Context(fmt.Sprintf("…and %d more: `/checkin` lists them all.", len(due)-i)))
			break
		}
		c := cd.Checkin
		line := fmt.Sprintf("*%s* in <#%s> — #%d %s\n%s · %s", blockkit.Escape(cd.Deal.Name), cd.Deal.ChannelID, c.Number, CheckinWhat(c),
			Moment(c.DueAt, loc), checkinStatus(c, now))
		blocks = append(blocks, blockkit.Section(line), buttons(c.ID))
	}
	return blocks
}
