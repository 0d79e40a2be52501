package slackfake

import (
	"encoding/json"
	"slices"
)

func (s *Server) chatPostMessage(c *call) (obj, *apiErr) {
	d := parseContent(c.p, true)
	meta, metaErr := metadata(c.p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.lacks("chat:write"); e != nil {
		return nil, e
	}
	ch, e := s.resolveChannel(c.p.get("channel"))
	if e != nil {
		return nil, e
	}
	if e := s.canPost(ch); e != nil {
		return nil, e
	}
	if wait, limited := s.channelLimited(ch.ID); limited {
		return nil, &apiErr{code: "ratelimited", retryAfter: wait}
	}
	if d.err != nil {
		return nil, d.err
	}
	if metaErr != nil {
		return nil, metaErr
	}
	text, blocks := s.finish(d)
	m := &Message{Channel: ch.ID, TS: s.st.nextTS(s.now()), ThreadTS: c.p.get("thread_ts"),
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: text, Blocks: blocks, Metadata: meta}
	s.storeMessage(m)
	s.addReply(Reply{Kind: KindPostMessage, Channel: ch.ID, Text: text, Blocks: blocks,
		ThreadTS: m.ThreadTS, TS: m.TS, Metadata: meta})
	return obj{"channel": ch.ID, "ts": m.TS, "message": s.messageJSON(m, true)}, nil
}

// storeMessage appends m to its channel and marks its thread parent.
// Called with s.mu held.
func (s *Server) storeMessage(m *Message) {
	if m.ThreadTS != "" {
		if parent := s.st.findMessage(m.Channel, m.ThreadTS); parent != nil {
			parent.ThreadTS = parent.TS
		}
	}
	s.st.messages[m.Channel] = append(s.st.messages[m.Channel], m)
}

func (s *Server) chatPostEphemeral(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.lacks("chat:write"); e != nil {
		return nil, e
	}
	ch, e := s.resolveChannel(c.p.get("channel"))
	if e != nil {
		return nil, e
	}
	user := c.p.get("user")
	if _, ok := s.st.users[user]; !ok {
		return nil, errCode("user_not_found")
	}
	if e := s.canPost(ch); e != nil {
		return nil, e
	}
	text, blocks, e := s.content(c.p, true)
	if e != nil {
		return nil, e
	}
	eph := &Ephemeral{Channel: ch.ID, User: user, TS: s.st.nextTS(s.now()), Text: text, Blocks: blocks}
	s.st.ephemerals = append(s.st.ephemerals, eph)
	s.addReply(Reply{Kind: KindPostEphemeral, Channel: ch.ID, User: user, Text: text, Blocks: blocks,
		ThreadTS: c.p.get("thread_ts"), TS: eph.TS})
	return obj{"message_ts": eph.TS}, nil
}

func (s *Server) chatUpdate(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.lacks("chat:write"); e != nil {
		return nil, e
	}
	m, e := s.botMessage(c.p.get("channel"), c.p.get("ts"), "cant_update_message")
	if e != nil {
		return nil, e
	}
	text, blocks := m.Text, m.Blocks
	if c.p.has("text") || c.p.has("blocks") {
		t, b, e := s.content(c.p, false)
		if e != nil {
			return nil, e
		}
		if c.p.has("text") {
			text = t
		}
		if c.p.has("blocks") {
			blocks = b
		}
	}
	if text == "" && emptyBlocks(blocks) {
		return nil, errCode("no_text")
	}
	meta := m.Metadata
	if c.p.has("metadata") {
		if meta, e = metadata(c.p); e != nil {
			return nil, e
		}
	}
	m.Text, m.Blocks, m.Metadata, m.Edited = text, blocks, meta, true
	s.addReply(Reply{Kind: KindUpdate, Channel: m.Channel, Text: text, Blocks: blocks,
		ThreadTS: m.ThreadTS, TS: m.TS, Metadata: meta})
	return obj{"channel": m.Channel, "ts": m.TS, "text": text, "message": s.messageJSON(m, true)}, nil
}

func (s *Server) chatDelete(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.lacks("chat:write"); e != nil {
		return nil, e
	}
	m, e := s.botMessage(c.p.get("channel"), c.p.get("ts"), "cant_delete_message")
	if e != nil {
		return nil, e
	}
	s.st.deleteMessage(m.Channel, m.TS)
	s.addReply(Reply{Kind: KindDelete, Channel: m.Channel, ThreadTS: m.ThreadTS, TS: m.TS})
	return obj{"channel": m.Channel, "ts": m.TS}, nil
}

// botMessage finds a message the app may edit. Called with s.mu held.
func (s *Server) botMessage(channel, ts, notMine string) (*Message, *apiErr) {
	ch, e := s.resolveChannel(channel)
	if e != nil {
		return nil, e
	}
	m := s.st.findMessage(ch.ID, ts)
	if m == nil {
		return nil, errCode("message_not_found")
	}
	if m.BotID != s.opts.BotID {
		return nil, errCode(notMine)
	}
	if ch.IsArchived {
		return nil, errCode("is_archived")
	}
	return m, nil
}

// resolveChannel finds a conversation by id; a user id means the bot's DM
// with that user. Called with s.mu held.
func (s *Server) resolveChannel(id string) (*Channel, *apiErr) {
	if isUserID(id) {
		if _, ok := s.st.users[id]; !ok {
			return nil, errCode("channel_not_found")
		}
		id = s.st.dm(id)
	}
	ch, ok := s.st.channels[id]
	if !ok {
		return nil, errCode("channel_not_found")
	}
	return ch, nil
}

// canPost answers is_archived or not_in_channel. Called with s.mu held.
func (s *Server) canPost(ch *Channel) *apiErr {
	if ch.IsArchived {
		return errCode("is_archived")
	}
	public := !ch.IsPrivate && !ch.IsIM && !ch.IsMpIM
	if !ch.IsMember && !(public && slices.Contains(s.opts.Scopes, "chat:write.public")) {
		return errCode("not_in_channel")
	}
	return nil
}

// content reads and validates a message's text and blocks. With required,
// a message with neither answers no_text. Called with s.mu held.
func (s *Server) content(p params, required bool) (string, json.RawMessage, *apiErr) {
	d := parseContent(p, required)
	if d.err != nil {
		return "", nil, d.err
	}
	text, blocks := s.finish(d)
	return text, blocks, nil
}

// draft is a message's text and blocks, parsed and checked once (a
// message's blocks are the fake's biggest cost per call), not yet given
// their block ids; err is why Slack would refuse it.
type draft struct {
	text   string
	blocks []map[string]any
	err    *apiErr
}

// parseContent reads and checks a message's text and blocks. It needs no
// lock, so the work happens outside the server's.
func parseContent(p params, required bool) draft {
	d := draft{text: p.get("text")}
	raw := p.raw("blocks")
	badFormat := len(raw) > 0 && json.Unmarshal(raw, &d.blocks) != nil
	switch {
	case required && d.text == "" && len(d.blocks) == 0 && len(p.raw("attachments")) == 0:
		d.err = errCode("no_text")
	case badFormat:
		d.err = errCode("invalid_blocks_format")
	default:
		if ps := checkBlockList(d.blocks, maxMessageBlocks, "/blocks"); len(ps) > 0 {
			d.err = errCode("invalid_blocks", ps...)
		}
	}
	if r := []rune(d.text); len(r) > maxMessageText {
		d.text = string(r[:maxMessageText])
	}
	return d
}

// finish gives the blocks lacking one a block_id, as Slack does, and
// writes them back. Called with s.mu held.
func (s *Server) finish(d draft) (string, json.RawMessage) {
	if len(d.blocks) == 0 {
		return d.text, nil
	}
	for _, b := range d.blocks {
		if _, ok := b["block_id"]; !ok {
			b["block_id"] = s.st.blockID()
		}
	}
	out, _ := json.Marshal(d.blocks)
	return d.text, out
}

// metadata reads message metadata; an empty event_type means none.
func metadata(p params) (json.RawMessage, *apiErr) { return metadataOf(p.raw("metadata")) }

func metadataOf(raw json.RawMessage) (json.RawMessage, *apiErr) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var m struct {
		EventType    string          `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errCode("invalid_metadata_format")
	}
	if m.EventType == "" {
		return nil, nil
	}
	out, _ := json.Marshal(obj{"event_type": m.EventType, "event_payload": m.EventPayload})
	return out, nil
}

// messageJSON renders a stored message as the Web API and payloads show it.
// Called with s.mu held.
func (s *Server) messageJSON(m *Message, withMeta bool) obj {
	out := obj{"type": "message", "ts": m.TS, "text": m.Text, "user": m.User}
	if team := s.st.users[m.User].TeamID; team != "" {
		out["team"] = team
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = s.opts.AppID
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
		if m.ThreadTS == m.TS {
			out["reply_count"] = s.replyCount(m)
		}
	}
	if m.Edited {
		out["edited"] = obj{"user": m.User, "ts": m.TS}
	}
	if withMeta && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	return out
}

func (s *Server) replyCount(parent *Message) int {
	n := 0
	for _, m := range s.st.messages[parent.Channel] {
		if m.ThreadTS == parent.TS && m.TS != parent.TS {
			n++
		}
	}
	return n
}
