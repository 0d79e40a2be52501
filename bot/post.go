package bot

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"
)

// maxRateLimitWaits bounds how often one answer waits out a 429.
const maxRateLimitWaits = 3

// post delivers a reply outside of a slash command's ack: in the channel (in
// the thread threadTS, if set), or ephemeral to userID. A 429 is waited out;
// when the channel refuses (the bot is not in it, it was archived), the user
// gets it ephemeral, then by DM: an answer is never lost silently.
func (b *Bot) post(ctx context.Context, channelID, userID, threadTS string, r reply) {
	if r.text == "" && len(r.blocks) == 0 {
		return
	}
	r = b.applyPrivacy(ctx, channelID, r)
	opts := []slack.MsgOption{slack.MsgOptionText(r.text, false), slack.MsgOptionBlocks(r.blocks...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if r.inChannel {
		err := b.retryRateLimited(ctx, func() error {
			_, _, err := b.api.PostMessageContext(ctx, channelID, opts...)
			return err
		})
		if err == nil {
			return
		}
		b.log.Warn("posting in channel failed; answering privately", "channel", channelID, "err", err)
	}
	err := b.retryRateLimited(ctx, func() error {
		_, err := b.api.PostEphemeralContext(ctx, channelID, userID, opts...)
		return err
	})
	if err == nil {
		return
	}
	b.log.Warn("ephemeral answer failed; sending a DM", "channel", channelID, "err", err)
	err = b.retryRateLimited(ctx, func() error {
		_, _, err := b.api.PostMessageContext(ctx, userID, opts...)
		return err
	})
	if err != nil {
		b.log.Error("answer could not be delivered", "user", userID, "err", err)
	}
}

// retryRateLimited calls f again after Slack's Retry-After when it answers
// 429, a few times at most. Other errors are returned at once: after a 5xx
// or a timeout the message may have been posted, and a retry could double it.
func (b *Bot) retryRateLimited(ctx context.Context, f func() error) error {
	for i := 0; ; i++ {
		err := f()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || i == maxRateLimitWaits {
			return err
		}
		b.log.Info("rate limited; waiting", "retry_after", rl.RetryAfter)
		t := time.NewTimer(rl.RetryAfter)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}
