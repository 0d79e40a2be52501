// Package access decides who may see what. Long Game exists to protect the
// champion's reputation: what was asked of them, and a deal's risks, are
// read by the seller's own team and nobody else.
//
// A Checker answers three questions from Slack, caching the answers briefly:
//
//   - Standing: is this user a full member of the organisation that owns
//     the deals, or a guest, or someone from another organisation?
//   - Shared: may this channel read the team's records, or is someone
//     outside the team in it (Slack Connect, a guest, an outside member)?
//   - ChannelsOf: which channels is this user in, so that what spans deals
//     shows each deal only to its owner and its channel's members?
//
// Every answer fails closed: when Slack cannot be asked, the caller gets an
// error and must treat the user as a stranger and the channel as shared.
package access

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
)

// Slack is the part of the Web API the Checker calls. *slack.Client
// implements it.
type Slack interface {
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error)
	GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) ([]string, string, error)
	GetConversationsForUserContext(ctx context.Context, params *slack.GetConversationsForUserParameters) ([]slack.Channel, string, error)
}

var _ Slack = (*slack.Client)(nil)

// Org is the organisation that owns the deals: the workspace the app is
// installed in and, in an Enterprise Grid org, the whole org.
type Org struct {
	TeamID       string
	EnterpriseID string // "" outside Enterprise Grid
}

// Includes reports whether a user of teamID (in enterpriseID, if any)
// belongs to the organisation: the same workspace, or another workspace of
// the same Enterprise Grid org.
func (o Org) Includes(teamID, enterpriseID string) bool {
	if teamID != "" && teamID == o.TeamID {
		return true
	}
	return o.EnterpriseID != "" && enterpriseID == o.EnterpriseID
}

// Options configure a Checker. Zero durations take the defaults noted.
type Options struct {
	Home      Org    // the organisation whose members Long Game answers
	BotUserID string // the app's own user, skipped when counting a channel's members
	// UserTTL is how long a users.info answer is trusted; default 5 minutes.
	// A user_change event replaces it at once.
	UserTTL time.Duration
	// ChannelTTL is how long a channel's verdict and a user's channel list
	// are trusted; default 60 seconds. Sharing events void them at once.
	ChannelTTL time.Duration
	Now        func() time.Time // default time.Now
	Logger     *slog.Logger     // default: discard
}

// Checker answers who may see what. It is safe for concurrent use.
type Checker struct {
	api  Slack
	home Org
	bot  string
	log  *slog.Logger

	people   *cache[string, Person]
	channels *cache[string, Verdict]
	joined   *cache[string, map[string]bool]
}

// cacheMax bounds each cache, so that no amount of traffic grows the
// process without limit.
const cacheMax = 50_000

// New returns a Checker asking api.
func New(api Slack, o Options) *Checker {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	userTTL := cmp.Or(o.UserTTL, 5*time.Minute)
	chanTTL := cmp.Or(o.ChannelTTL, time.Minute)
	return &Checker{
		api:      api,
		home:     o.Home,
		bot:      o.BotUserID,
		log:      log,
		people:   newCache[string, Person](userTTL, now, cacheMax),
		channels: newCache[string, Verdict](chanTTL, now, cacheMax),
		joined:   newCache[string, map[string]bool](chanTTL, now, cacheMax),
	}
}

// Home is the organisation the Checker answers for.
func (c *Checker) Home() Org { return c.home }
