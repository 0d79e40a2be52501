package slackfake

import (
	"context"
	"encoding/json"
	"maps"
	"time"
)

// ReplyKind names how a Reply reached the user.
type ReplyKind string

// The kinds of Reply.
const (
	KindAck           ReplyKind = "ack"          // an ack payload: a slash command's response or view errors
	KindResponseURL   ReplyKind = "response_url" // a POST to a response_url
	KindPostMessage   ReplyKind = "chat.postMessage"
	KindPostEphemeral ReplyKind = "chat.postEphemeral"
	KindUpdate        ReplyKind = "chat.update"
	KindDelete        ReplyKind = "chat.delete"
	KindViewOpen      ReplyKind = "views.open"
	KindViewPush      ReplyKind = "views.push"
	KindViewUpdate    ReplyKind = "views.update"
	KindViewPublish   ReplyKind = "views.publish"
)

// Reply is one thing the app showed a user, in the order Slack accepted it.
// Calls that Slack refused are not Replies.
type Reply struct {
	Seq             int // 1, 2, … in arrival order
	Kind            ReplyKind
	Channel         string
	User            string // ephemeral recipient, view owner, or the user who acted
	Text            string
	Blocks          json.RawMessage
	ThreadTS        string
	TS              string // the message created, updated or deleted
	ResponseType    string // "in_channel" or "ephemeral", for acks and response_url
	ReplaceOriginal bool
	DeleteOriginal  bool
	Metadata        json.RawMessage
	ViewID          string
	View            json.RawMessage   // the view object, for views.*
	ResponseAction  string            // for view_submission acks
	Errors          map[string]string // for response_action "errors"
	// Received is when the fake took it, by the real clock (not Options.Now):
	// for measuring how long a reply took.
	Received time.Time
}

// addReply appends r to the log and wakes waiters. Called with s.mu held.
func (s *Server) addReply(r Reply) Reply {
	r.Seq = len(s.replies) + 1
	r.Received = time.Now()
	s.replies = append(s.replies, r)
	s.replyAdded.fire()
	return r
}

// Seq is the Seq of the last Reply so far, 0 when none: WaitReplyAfter(ctx,
// Seq(), …) waits for one yet to come.
func (s *Server) Seq() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.replies)
}

// Replies returns a copy of every Reply so far.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Reply, len(s.replies))
	for i, r := range s.replies {
		out[i] = r.clone()
	}
	return out
}

// WaitReply returns the first Reply, already seen or yet to come, for which
// match is true. It blocks until one arrives, ctx ends or the server closes.
// match must neither change nor keep the Reply it is given.
func (s *Server) WaitReply(ctx context.Context, match func(Reply) bool) (Reply, error) {
	return s.WaitReplyAfter(ctx, 0, match)
}

// WaitReplyAfter is WaitReply over the Replies whose Seq is greater than
// after: to wait for a new Reply, pass the Seq of the last one seen.
// match sees the log's own Reply, which it must neither change nor keep;
// the Reply returned is a copy.
func (s *Server) WaitReplyAfter(ctx context.Context, after int, match func(Reply) bool) (Reply, error) {
	next := max(after, 0)
	for {
		s.mu.Lock()
		seen := s.replies[min(next, len(s.replies)):]
		next = max(next, len(s.replies))
		wake := s.replyAdded.wait()
		s.mu.Unlock()
		for _, r := range seen {
			if match(r) {
				return r.clone(), nil
			}
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return Reply{}, ctx.Err()
		case <-s.done:
			return Reply{}, ErrClosed
		}
	}
}

func (r Reply) clone() Reply {
	r.Blocks = cloneRaw(r.Blocks)
	r.Metadata = cloneRaw(r.Metadata)
	r.View = cloneRaw(r.View)
	r.Errors = maps.Clone(r.Errors)
	return r
}

func cloneRaw(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}

// Calls returns how many requests reached a Web API method (e.g.
// "chat.postMessage"; "response_url" for response URLs), including those
// answered with an error or an injected fault.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}
