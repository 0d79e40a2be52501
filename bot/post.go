package bot

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
)

// post delivers a reply outside of a slash command's ack: in the channel (in
// the thread threadTS, if set), or ephemeral to userID. When the channel refuses (the bot is not in it, it was
// archived), the user gets it ephemeral, then by DM: an answer is never lost
// silently.
func (b *Bot) post(ctx context.Context, channelID, userID, threadTS string, r reply) {
	if r.text == "" && len(r.blocks) == 0 {
		return
	}
	r = b.applyPrivacy(ctx, channelID, r)
	opts := []slack.MsgOption{slack.MsgOptionText(r.text, false), slack.MsgOptionBlocks(r.blocks...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var err error
	if r.inChannel {
		_, _, err = b.api.PostMessageContext(ctx, channelID, opts...)
		if err == nil {
			return
		}
		b.log.Warn("posting in channel failed; answering privately", "channel", channelID, "err", err)
	}
	if _, err = b.api.PostEphemeralContext(ctx, channelID, userID, opts...); err == nil {
		return
	}
	b.log.Warn("ephemeral answer failed; sending a DM", "channel", channelID, "err", err)
	if _, _, err = b.api.PostMessageContext(ctx, userID, opts...); err != nil {
		var rl *slack.RateLimitedError
		b.log.Error("answer could not be delivered", "user", userID, "err", err, "rate_limited", errors.As(err, &rl))
	}
}
