package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// WebAPI is what the bot needs to call chat.postMessage itself for the
// records it posts, the answer its users wait for: the bot token, the Web
// API's base URL and an HTTP client with a timeout.
type WebAPI struct {
	Token  string // xoxb-…; sent in the Authorization header, never logged
	URL    string // e.g. https://slack.com/api/
	Client *http.Client
}

// postResponse is the part of chat.postMessage's answer the bot reads.
// slack-go decodes the whole message Slack echoes back, its blocks into
// Block values: that decoding was a tenth of the CPU of a recorded
// command, for a ts.
type postResponse struct {
	OK      bool   `json:"ok"`
	Error   string `json:"error"`
	TS      string `json:"ts"`
	Channel string `json:"channel"`
}

// postMessage posts a message as slack-go's PostMessageContext does (the
// same form fields, the same errors: *slack.RateLimitedError for a 429,
// slack.StatusCodeError for another status, slack.SlackErrorResponse for
// ok:false), reading only the ts from the answer. Without a WebAPI it
// is slack-go's.
func (b *Bot) postMessage(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata, thread string) (string, error) {
	w := b.cfg.WebAPI
	if w == nil {
		opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)}
		if meta != nil {
			opts = append(opts, slack.MsgOptionMetadata(*meta))
		}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		_, ts, err := b.api.PostMessageContext(ctx, channel, opts...)
		return ts, err
	}
	form := url.Values{"channel": {channel}, "text": {text}}
	if blocks == nil {
		blocks = []slack.Block{} // "[]", as slack-go sends
	}
	raw, err := json.Marshal(blocks)
	if err != nil {
		return "", fmt.Errorf("blocks: %w", err)
	}
	form.Set("blocks", string(raw))
	if meta != nil {
		raw, err := json.Marshal(meta)
		if err != nil {
			return "", fmt.Errorf("metadata: %w", err)
		}
		form.Set("metadata", string(raw))
	}
	if thread != "" {
		form.Set("thread_ts", thread)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL+"chat.postMessage", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+w.Token)
	resp, err := w.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	defer io.Copy(io.Discard, resp.Body) //nolint:errcheck // drained so the connection is kept
	if err := statusError(resp); err != nil {
		return "", err
	}
	var r postResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return "", fmt.Errorf("chat.postMessage answer: %w", err)
	}
	if !r.OK {
		return "", slack.SlackErrorResponse{Err: r.Error}
	}
	return r.TS, nil
}

// statusError is slack-go's reading of a non-200 answer.
func statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "" {
		secs, err := strconv.ParseInt(resp.Header.Get("Retry-After"), 10, 64)
		if err != nil {
			return fmt.Errorf("chat.postMessage: Retry-After %q: %w", resp.Header.Get("Retry-After"), err)
		}
		return &slack.RateLimitedError{RetryAfter: time.Duration(secs) * time.Second}
	}
	if resp.StatusCode != http.StatusOK {
		return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
	}
	return nil
}
