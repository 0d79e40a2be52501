package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"time"
)

// A response_url may be used this many times within this long.
const (
	responseURLUses = 5
	responseURLTTL  = 30 * time.Minute
)

// origin is where an interaction happened, so that a response lands there.
type origin struct {
	channel   string
	user      string // who acted; ephemeral responses go to them
	messageTS string // the message holding the element, if any
	ephemeral bool   // whether that message is ephemeral
}

type responseURL struct {
	origin
	uses   int
	issued time.Time
}

// responseMsg is a response_url body or a slash command's ack payload.
type responseMsg struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
	Metadata        json.RawMessage `json:"metadata"`
}

// issueResponseURL returns a fresh response_url for o. Called with s.mu held.
func (s *Server) issueResponseURL(o origin) string {
	id := randomID(16)
	s.st.respURLs[id] = &responseURL{origin: o, issued: s.now()}
	return s.base + "/response/" + id
}

// serveResponseURL takes a POST to a response_url. The id in the path is
// a secret and is never logged.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	const method = "response_url"
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	if f := s.takeFault(method); f != nil && s.applyFault(r.Context(), w, f) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var msg responseMsg
	if err != nil || json.Unmarshal(body, &msg) != nil {
		writeJSON(w, obj{"ok": false, "error": "invalid_payload"})
		return
	}
	d := responseDraft(msg)
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.respURLs[r.PathValue("id")]
	switch {
	case !ok:
		writeJSONStatus(w, http.StatusNotFound, obj{"ok": false, "error": "no_such_url"})
		return
	case u.uses >= responseURLUses:
		writeJSONStatus(w, http.StatusNotFound, obj{"ok": false, "error": "used_url"})
		return
	case s.now().Sub(u.issued) > responseURLTTL:
		writeJSONStatus(w, http.StatusNotFound, obj{"ok": false, "error": "expired_url"})
		return
	}
	if _, e := s.respond(KindResponseURL, u.origin, msg, d); e != nil {
		s.log.Debug("response_url refused", "error", e.code)
		writeJSON(w, obj{"ok": false, "error": e.code})
		return
	}
	u.uses++
	s.log.Debug("response_url used")
	writeJSON(w, obj{"ok": true})
}

// respond shows msg where o says: it deletes or replaces the original
// message, or posts a new message in the channel or to the user alone.
// Called with s.mu held.
func (s *Server) respond(kind ReplyKind, o origin, msg responseMsg, d draft) (Reply, *apiErr) {
	r := Reply{Kind: kind, Channel: o.channel, User: o.user, ResponseType: msg.ResponseType,
		ReplaceOriginal: msg.ReplaceOriginal, DeleteOriginal: msg.DeleteOriginal, ThreadTS: msg.ThreadTS}
	if msg.DeleteOriginal {
		return s.deleteOriginal(r, o)
	}
	if d.err != nil {
		return Reply{}, d.err
	}
	text, blocks := s.finish(d)
	meta, e := metadataOf(msg.Metadata)
	if e != nil {
		return Reply{}, e
	}
	r.Text, r.Blocks, r.Metadata = text, blocks, meta
	if msg.ReplaceOriginal && o.messageTS != "" {
		return s.replaceOriginal(r, o)
	}
	if r.ResponseType == "" {
		r.ResponseType = "ephemeral"
	}
	r.TS = s.st.nextTS(s.now())
	if r.ResponseType == "in_channel" {
		s.storeMessage(&Message{Channel: o.channel, TS: r.TS, ThreadTS: msg.ThreadTS, User: s.opts.BotUserID,
			BotID: s.opts.BotID, Text: text, Blocks: blocks, Metadata: meta})
	} else {
		s.st.ephemerals = append(s.st.ephemerals, &Ephemeral{Channel: o.channel, User: o.user, TS: r.TS, Text: text, Blocks: blocks})
	}
	return s.addReply(r), nil
}

func (s *Server) deleteOriginal(r Reply, o origin) (Reply, *apiErr) {
	r.TS = o.messageTS
	if o.ephemeral {
		s.st.ephemerals = slices.DeleteFunc(s.st.ephemerals, func(e *Ephemeral) bool {
			return e.Channel == o.channel && e.TS == o.messageTS
		})
	} else {
		s.st.deleteMessage(o.channel, o.messageTS)
	}
	return s.addReply(r), nil
}

func (s *Server) replaceOriginal(r Reply, o origin) (Reply, *apiErr) {
	r.TS = o.messageTS
	if o.ephemeral {
		if e := s.st.findEphemeral(o.channel, o.messageTS); e != nil {
			e.Text, e.Blocks = r.Text, r.Blocks
		}
	} else if m := s.st.findMessage(o.channel, o.messageTS); m != nil {
		m.Text, m.Blocks, m.Edited = r.Text, r.Blocks, true
		if r.Metadata != nil {
			m.Metadata = r.Metadata
		}
	}
	return s.addReply(r), nil
}

// responseDraft reads and checks a response's text and blocks as
// chat.postMessage does. It needs no lock: a 5 KB summary's blocks are
// parsed while other replies are recorded.
func responseDraft(msg responseMsg) draft {
	blocks := msg.Blocks
	if string(blocks) == "null" {
		blocks = nil
	}
	p := params{js: map[string]json.RawMessage{}}
	p.js["text"], _ = json.Marshal(msg.Text)
	if blocks != nil {
		p.js["blocks"] = blocks
	}
	return parseContent(p, true)
}
