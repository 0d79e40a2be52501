package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Slack's limits on modals.
const (
	triggerTTL   = 3 * time.Second
	maxViewStack = 3
)

func (s *Server) viewsOpen(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, raw, e := viewArg(c.p, "modal")
	if e != nil {
		return nil, e
	}
	user, e := s.useTrigger(c.p.get("trigger_id"))
	if e != nil {
		return nil, e
	}
	s.closeModals(user)
	v := s.newView(doc, raw, user, "")
	s.st.stacks[user] = []string{v.ID}
	s.addReply(viewReply(KindViewOpen, v))
	return obj{"view": v.JSON}, nil
}

func (s *Server) viewsPush(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, raw, e := viewArg(c.p, "modal")
	if e != nil {
		return nil, e
	}
	user, e := s.useTrigger(c.p.get("trigger_id"))
	if e != nil {
		return nil, e
	}
	v, e := s.pushView(user, doc, raw)
	if e != nil {
		return nil, e
	}
	s.addReply(viewReply(KindViewPush, v))
	return obj{"view": v.JSON}, nil
}

// pushView stacks a new modal over user's current one. Called with s.mu held.
func (s *Server) pushView(user string, doc viewDoc, raw json.RawMessage) (*View, *apiErr) {
	stack := s.st.stacks[user]
	if len(stack) == 0 {
		return nil, errCode("not_found")
	}
	if len(stack) >= maxViewStack {
		return nil, errCode("push_limit_reached")
	}
	root := s.st.views[stack[0]]
	v := s.newView(doc, raw, user, stack[len(stack)-1])
	v.RootViewID = root.ID
	v.JSON = s.viewJSON(v, raw, nil)
	s.st.stacks[user] = append(stack, v.ID)
	return v, nil
}

func (s *Server) viewsUpdate(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.st.views[c.p.get("view_id")]
	if ext := c.p.get("external_id"); v == nil && ext != "" {
		v = s.viewByExternalID(ext)
	}
	if v == nil || (v.Type == "modal" && !v.Open) {
		return nil, errCode("not_found")
	}
	if h := c.p.get("hash"); h != "" && h != v.Hash {
		return nil, errCode("hash_conflict")
	}
	doc, raw, e := viewArg(c.p, v.Type)
	if e != nil {
		return nil, e
	}
	s.replaceView(v, doc, raw)
	s.addReply(viewReply(KindViewUpdate, v))
	return obj{"view": v.JSON}, nil
}

func (s *Server) viewsPublish(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user := c.p.get("user_id")
	if _, ok := s.st.users[user]; !ok {
		return nil, errCode("invalid_arguments", "invalid `user_id`")
	}
	doc, raw, e := viewArg(c.p, "home")
	if e != nil {
		return nil, e
	}
	v, ok := s.st.views[s.st.homes[user]]
	if ok {
		if h := c.p.get("hash"); h != "" && h != v.Hash {
			return nil, errCode("hash_conflict")
		}
		s.replaceView(v, doc, raw)
	} else {
		v = s.newView(doc, raw, user, "")
		s.st.homes[user] = v.ID
	}
	s.addReply(viewReply(KindViewPublish, v))
	return obj{"view": v.JSON}, nil
}

// viewArg reads and validates the "view" argument.
func viewArg(p params, types ...string) (viewDoc, json.RawMessage, *apiErr) {
	raw := p.raw("view")
	doc, ps := checkView(raw, types...)
	if len(ps) > 0 {
		return doc, nil, errCode("invalid_arguments", ps...)
	}
	return doc, raw, nil
}

// useTrigger exchanges a trigger_id for the user it was issued to.
// Called with s.mu held.
func (s *Server) useTrigger(id string) (string, *apiErr) {
	t, ok := s.st.triggers[id]
	switch {
	case !ok:
		return "", errCode("invalid_trigger_id")
	case t.used:
		return "", errCode("trigger_exchanged")
	case s.now().Sub(t.issued) > triggerTTL:
		return "", errCode("expired_trigger_id")
	}
	t.used = true
	return t.user, nil
}

// issueTrigger returns a fresh trigger_id for user. Called with s.mu held.
func (s *Server) issueTrigger(user string) string {
	s.st.seq++
	id := fmt.Sprintf("%d.%d.%s", s.now().Unix(), s.st.seq, randomID(8))
	s.st.triggers[id] = &trigger{user: user, issued: s.now()}
	return id
}

// newView stores a new view. Called with s.mu held.
func (s *Server) newView(doc viewDoc, raw json.RawMessage, user, previous string) *View {
	v := &View{ID: s.st.nextID("V"), User: user, TeamID: s.st.users[user].TeamID, PreviousViewID: previous, Open: true}
	if v.TeamID == "" {
		v.TeamID = s.opts.TeamID
	}
	v.RootViewID = v.ID
	s.st.views[v.ID] = v
	s.replaceView(v, doc, raw)
	return v
}

// replaceView gives v new contents and a new hash. Called with s.mu held.
func (s *Server) replaceView(v *View, doc viewDoc, raw json.RawMessage) {
	v.Type, v.CallbackID, v.PrivateMetadata, v.ExternalID = doc.Type, doc.CallbackID, doc.PrivateMetadata, doc.ExternalID
	v.Title, v.Submit, v.Close = textOf(doc.Title), textOf(doc.Submit), textOf(doc.Close)
	v.NotifyOnClose, v.ClearOnClose = doc.NotifyOnClose, doc.ClearOnClose
	v.Blocks = nil
	if !emptyBlocks(doc.Blocks) {
		v.Blocks = withBlockIDs(doc.Blocks, s.st.blockID)
	}
	s.st.seq++
	v.Hash = fmt.Sprintf("%d.%08x", s.now().Unix(), s.st.seq)
	v.JSON = s.viewJSON(v, raw, nil)
}

// viewJSON renders v as Slack does in API answers and payloads, with the
// given state values (nil: none entered). Called with s.mu held.
func (s *Server) viewJSON(v *View, raw json.RawMessage, values map[string]map[string]any) json.RawMessage {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m)
	if values == nil {
		values = map[string]map[string]any{}
	}
	for _, k := range []string{"title", "close", "submit"} {
		if _, ok := m[k]; !ok {
			m[k] = nil
		}
	}
	var prev any
	if v.PreviousViewID != "" {
		prev = v.PreviousViewID
	}
	blocks := v.Blocks
	if blocks == nil {
		blocks = json.RawMessage("[]")
	}
	for k, x := range map[string]any{
		"id": v.ID, "team_id": v.TeamID, "type": v.Type, "blocks": blocks,
		"private_metadata": v.PrivateMetadata, "callback_id": v.CallbackID,
		"external_id": v.ExternalID, "state": map[string]any{"values": values},
		"hash": v.Hash, "clear_on_close": v.ClearOnClose, "notify_on_close": v.NotifyOnClose,
		"root_view_id": v.RootViewID, "previous_view_id": prev, "app_id": s.opts.AppID,
		"app_installed_team_id": s.opts.TeamID, "bot_id": s.opts.BotID,
	} {
		m[k] = x
	}
	out, _ := json.Marshal(m)
	return out
}

func (s *Server) viewByExternalID(ext string) *View {
	for _, v := range s.st.views {
		if v.ExternalID == ext && (v.Type == "home" || v.Open) {
			return v
		}
	}
	return nil
}

// closeModals closes every modal user has open. Called with s.mu held.
func (s *Server) closeModals(user string) {
	for _, id := range s.st.stacks[user] {
		s.st.views[id].Open = false
	}
	delete(s.st.stacks, user)
}

// popModal closes the modal on screen, showing the one under it.
// Called with s.mu held.
func (s *Server) popModal(user string) {
	stack := s.st.stacks[user]
	if len(stack) == 0 {
		return
	}
	s.st.views[stack[len(stack)-1]].Open = false
	stack = slices.Delete(stack, len(stack)-1, len(stack))
	if len(stack) == 0 {
		delete(s.st.stacks, user)
		return
	}
	s.st.stacks[user] = stack
}

func viewReply(kind ReplyKind, v *View) Reply {
	return Reply{Kind: kind, User: v.User, ViewID: v.ID, Text: v.Title, Blocks: v.Blocks, View: v.JSON}
}
