package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
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

// postMessage posts a message through Config.WebAPI (WebAPI.Post), or
// through slack-go without one.
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
	return w.Post(ctx, channel, text, blocks, meta, thread)
}

// Post posts a message to channel (in thread, unless ""), as slack-go's
// PostMessageContext does, and returns its ts: the same form fields and
// the same errors (*slack.RateLimitedError for a 429,
// slack.StatusCodeError for another status, slack.SlackErrorResponse for
// ok:false), without decoding the message Slack echoes back.
func (w *WebAPI) Post(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata, thread string) (string, error) {
	form, err := postForm(channel, text, blocks, meta, thread)
	if err != nil {
		return "", err
	}
	// A *bytes.Reader, which net/http knows is in memory, so that it
	// writes the headers and the body in one write (one packet), where a
	// body of its own type has the headers flushed on their own first.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL+"chat.postMessage", bytes.NewReader(form))
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
	answer := getBuffer()
	defer putBuffer(answer)
	if _, err := answer.ReadFrom(io.LimitReader(resp.Body, maxAnswer)); err != nil {
		return "", fmt.Errorf("chat.postMessage answer: %w", err)
	}
	var r postResponse
	if err := json.Unmarshal(answer.Bytes(), &r); err != nil {
		return "", fmt.Errorf("chat.postMessage answer: %w", err)
	}
	if !r.OK {
		return "", slack.SlackErrorResponse{Err: r.Error}
	}
	return r.TS, nil
}

// maxAnswer bounds the chat.postMessage answer read: Slack echoes the
// message, at most 50 blocks of 3,000 characters.
const maxAnswer = 4 << 20

// postForm is the form slack-go sends for a message (url.Values' encoding,
// its keys in order), built in pooled buffers and copied out once at its
// size: a record's blocks are a few kilobytes, and url.Values built and
// escaped them as strings, a tenth of the bytes a recorded command
// allocated. The copy is the request's own: the transport may still read
// a body after Do returns, so a pooled one could not go back until Close,
// and net/http sends a body of a type it does not know in two writes.
func postForm(channel, text string, blocks []slack.Block, meta *slack.SlackMetadata, thread string) ([]byte, error) {
	js := getBuffer()
	defer putBuffer(js)
	if blocks == nil {
		blocks = []slack.Block{} // "[]", as slack-go sends
	}
	enc := json.NewEncoder(js)
	enc.SetEscapeHTML(true) // json.Marshal's escaping, as slack-go sends
	if err := enc.Encode(blocks); err != nil {
		return nil, fmt.Errorf("blocks: %w", err)
	}
	form := getBuffer()
	defer putBuffer(form)
	field(form, "blocks", bytes.TrimSuffix(js.Bytes(), []byte("\n")))
	field(form, "channel", []byte(channel))
	if meta != nil {
		js.Reset()
		if err := enc.Encode(meta); err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		field(form, "metadata", bytes.TrimSuffix(js.Bytes(), []byte("\n")))
	}
	field(form, "text", []byte(text))
	if thread != "" {
		field(form, "thread_ts", []byte(thread))
	}
	return bytes.Clone(form.Bytes()), nil
}

// field appends key=value to a form, value escaped as url.QueryEscape
// does.
func field(buf *bytes.Buffer, key string, value []byte) {
	if buf.Len() > 0 {
		buf.WriteByte('&')
	}
	buf.WriteString(key)
	buf.WriteByte('=')
	const hex = "0123456789ABCDEF"
	for _, c := range value {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			buf.WriteByte(c)
		case c == ' ':
			buf.WriteByte('+')
		default:
			buf.Write([]byte{'%', hex[c>>4], hex[c&15]})
		}
	}
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer {
	b := buffers.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// putBuffer gives b back, unless a rare large message grew it.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		buffers.Put(b)
	}
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
