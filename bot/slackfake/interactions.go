package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// BlockAction is a user clicking a button or choosing in a select. The
// element is found by ActionID (and BlockID, if set) in the message at
// ChannelID/MessageTS (a stored or ephemeral message) or in view ViewID.
type BlockAction struct {
	UserID    string
	ChannelID string
	MessageTS string
	ViewID    string
	ActionID  string
	BlockID   string
	// Value is the button's value (default: the button's own), or what was
	// chosen: an option's value, a user, conversation or channel id, a
	// date (YYYY-MM-DD) or a time (HH:mm), by element type.
	Value string
	// Values are the options chosen in checkboxes or a multi-select.
	Values []string
	// Shown, if set, are the message's blocks as the clicker's client
	// still shows them (a copy from before an update), sent in the
	// payload instead of the message as it is now.
	Shown json.RawMessage
}

// ErrNotFound is returned when a driven interaction names a message, view
// or element that does not exist.
var ErrNotFound = errors.New("slackfake: not found")

// BlockAction sends a block_actions envelope and waits for the ack.
func (s *Server) BlockAction(ctx context.Context, a BlockAction) (*Ack, error) {
	s.mu.Lock()
	payload, err := s.blockActionPayload(a)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.deliver(ctx, envelope{typ: "interactive", payload: payload})
}

// blockActionPayload builds the payload Slack sends. Called with s.mu held.
func (s *Server) blockActionPayload(a BlockAction) (obj, error) {
	team, ent := s.payloadTeam(a.UserID)
	p := obj{
		"type": "block_actions", "user": s.userShort(a.UserID), "api_app_id": s.opts.AppID,
		"token": verificationToken, "trigger_id": s.issueTrigger(a.UserID),
		"team": team, "enterprise": ent,
		"is_enterprise_install": false, "state": obj{"values": obj{}},
	}
	var blocks json.RawMessage
	switch {
	case a.ViewID != "":
		v, ok := s.st.views[a.ViewID]
		if !ok {
			return nil, fmt.Errorf("view %s: %w", a.ViewID, ErrNotFound)
		}
		blocks = v.Blocks
		p["container"] = obj{"type": "view", "view_id": v.ID}
		p["view"] = v.JSON
	case a.ChannelID != "" && a.MessageTS != "":
		o := origin{channel: a.ChannelID, user: a.UserID, messageTS: a.MessageTS}
		if m := s.st.findMessage(a.ChannelID, a.MessageTS); m != nil {
			if a.Shown != nil {
				shown := *m
				shown.Blocks = a.Shown
				m = &shown
			}
			blocks = m.Blocks
			p["message"] = s.messageJSON(m, true)
		} else if e := s.st.findEphemeral(a.ChannelID, a.MessageTS); e != nil {
			blocks, o.ephemeral = e.Blocks, true
		} else {
			return nil, fmt.Errorf("message %s in %s: %w", a.MessageTS, a.ChannelID, ErrNotFound)
		}
		p["container"] = obj{"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID,
			"is_ephemeral": o.ephemeral}
		p["channel"] = obj{"id": a.ChannelID, "name": s.channelName(a.ChannelID)}
		p["response_url"] = s.issueResponseURL(o)
	default:
		return nil, errors.New("slackfake: BlockAction needs ViewID or ChannelID and MessageTS")
	}
	el, blockID, ok := findElement(blocks, a.BlockID, a.ActionID)
	if !ok {
		return nil, fmt.Errorf("element %q: %w", a.ActionID, ErrNotFound)
	}
	act, err := actionJSON(el, a.Value, a.Values)
	if err != nil {
		return nil, err
	}
	act["block_id"], act["action_id"] = blockID, a.ActionID
	act["action_ts"] = s.st.nextTS(s.now())
	p["actions"] = []obj{act}
	return p, nil
}

// actionJSON renders an element with what the user chose, as block_actions
// and view state carry it.
func actionJSON(el map[string]any, value string, values []string) (obj, error) {
	typ, _ := el["type"].(string)
	act := obj{"type": typ}
	switch typ {
	case "button":
		act["text"] = el["text"]
		if value == "" {
			value, _ = el["value"].(string)
		}
		act["value"] = value
		if st, ok := el["style"]; ok {
			act["style"] = st
		}
	case "static_select", "external_select", "radio_buttons", "overflow":
		opt, ok := findOption(el, value)
		if !ok {
			return nil, fmt.Errorf("option %q: %w", value, ErrNotFound)
		}
		act["selected_option"] = opt
	case "multi_static_select", "checkboxes":
		var opts []any
		for _, v := range values {
			opt, ok := findOption(el, v)
			if !ok {
				return nil, fmt.Errorf("option %q: %w", v, ErrNotFound)
			}
			opts = append(opts, opt)
		}
		act["selected_options"] = opts
	case "users_select":
		act["selected_user"] = value
	case "conversations_select":
		act["selected_conversation"] = value
	case "channels_select":
		act["selected_channel"] = value
	case "datepicker":
		act["selected_date"] = value
	case "timepicker":
		act["selected_time"] = value
	default:
		act["value"] = value
	}
	return act, nil
}

// findElement finds an interactive element by action_id in blocks, within
// the block blockID if given, and returns it with its block's id.
func findElement(blocks json.RawMessage, blockID, actionID string) (map[string]any, string, bool) {
	var bs []map[string]any
	_ = json.Unmarshal(blocks, &bs)
	for _, b := range bs {
		id, _ := b["block_id"].(string)
		if blockID != "" && id != blockID {
			continue
		}
		var els []any
		if e, ok := b["elements"].([]any); ok {
			els = e
		}
		els = append(els, b["accessory"], b["element"])
		for _, e := range els {
			if el, ok := e.(map[string]any); ok && el["action_id"] == actionID {
				return el, id, true
			}
		}
	}
	return nil, "", false
}

// findOption finds an option by value in an element's options or groups.
func findOption(el map[string]any, value string) (any, bool) {
	opts, _ := el["options"].([]any)
	groups, _ := el["option_groups"].([]any)
	for _, g := range groups {
		if gm, ok := g.(map[string]any); ok {
			more, _ := gm["options"].([]any)
			opts = append(opts, more...)
		}
	}
	for _, o := range opts {
		if om, ok := o.(map[string]any); ok && om["value"] == value {
			return om, true
		}
	}
	if el["type"] == "external_select" {
		return obj{"text": obj{"type": "plain_text", "text": value}, "value": value}, true
	}
	return nil, false
}

// ViewSubmission is a user submitting a modal: by ViewID, else the open
// modal with CallbackID, else the modal on screen for UserID.
type ViewSubmission struct {
	UserID     string // default: the view's owner
	ViewID     string
	CallbackID string
	// Values are what the user entered: block_id → action_id → value (for
	// checkboxes and multi-selects, comma-separated option values). Inputs
	// left out are sent empty, as Slack does.
	Values map[string]map[string]string
	// ForgedMetadata, when set, replaces the view's private_metadata in
	// the payload: what a forged submission would carry. Slack itself
	// never lets a user change it; an app must still not trust it.
	ForgedMetadata string
}

// ViewSubmission sends a view_submission envelope, waits for the ack and
// applies its response_action: "errors" leaves the modal open with the
// errors shown (a KindAck Reply), "update" and "push" show the ack's view,
// "clear" closes every modal and no action closes this one. A response
// Slack would refuse returns the Ack and an error.
func (s *Server) ViewSubmission(ctx context.Context, sub ViewSubmission) (*Ack, error) {
	s.mu.Lock()
	v, payload, err := s.viewSubmissionPayload(sub)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ack, err := s.deliver(ctx, envelope{typ: "interactive", payload: payload, acceptsResponse: true})
	if err != nil {
		return ack, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ack, s.applyResponseAction(v, ack)
}

// viewSubmissionPayload builds the payload. Called with s.mu held.
func (s *Server) viewSubmissionPayload(sub ViewSubmission) (*View, obj, error) {
	id := sub.ViewID
	if id == "" && sub.CallbackID != "" {
		id = s.openModalByCallback(sub.UserID, sub.CallbackID)
	}
	if id == "" {
		stack := s.st.stacks[sub.UserID]
		if len(stack) == 0 {
			return nil, nil, fmt.Errorf("open modal for %s: %w", sub.UserID, ErrNotFound)
		}
		id = stack[len(stack)-1]
	}
	v, ok := s.st.views[id]
	if !ok || v.Type != "modal" || !v.Open {
		return nil, nil, fmt.Errorf("open modal %s: %w", id, ErrNotFound)
	}
	user := sub.UserID
	if user == "" {
		user = v.User
	}
	values, err := stateValues(v, sub.Values)
	if err != nil {
		return nil, nil, err
	}
	team, ent := s.payloadTeam(user)
	view := s.viewJSON(v, v.JSON, values)
	if sub.ForgedMetadata != "" {
		forged := *v
		forged.PrivateMetadata = sub.ForgedMetadata
		view = s.viewJSON(&forged, v.JSON, values)
	}
	return v, obj{
		"type": "view_submission", "user": s.userShort(user), "api_app_id": s.opts.AppID,
		"token": verificationToken, "trigger_id": s.issueTrigger(user),
		"team": team, "enterprise": ent,
		"is_enterprise_install": false, "response_urls": []any{},
		"view": view,
	}, nil
}

// openModalByCallback finds an open modal by callback_id, for user if set.
// Called with s.mu held.
func (s *Server) openModalByCallback(user, callbackID string) string {
	for u, stack := range s.st.stacks {
		for _, id := range stack {
			if v := s.st.views[id]; v.CallbackID == callbackID && (user == "" || user == u) {
				return id
			}
		}
	}
	return ""
}

// stateValues renders every input's value for view.state.values.
func stateValues(v *View, given map[string]map[string]string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	var bs []map[string]any
	_ = json.Unmarshal(v.Blocks, &bs)
	for _, b := range bs {
		el, ok := b["element"].(map[string]any)
		if b["type"] != "input" || !ok {
			continue
		}
		blockID, _ := b["block_id"].(string)
		actionID, _ := el["action_id"].(string)
		val, set := given[blockID][actionID]
		st, err := stateValue(el, val, set)
		if err != nil {
			return nil, fmt.Errorf("input %s/%s: %w", blockID, actionID, err)
		}
		out[blockID] = map[string]any{actionID: st}
	}
	for blockID, acts := range given {
		for actionID, val := range acts {
			if _, done := out[blockID][actionID]; done {
				continue
			}
			el, _, ok := findElement(v.Blocks, blockID, actionID)
			if !ok {
				return nil, fmt.Errorf("element %s/%s: %w", blockID, actionID, ErrNotFound)
			}
			st, err := stateValue(el, val, true)
			if err != nil {
				return nil, err
			}
			if out[blockID] == nil {
				out[blockID] = map[string]any{}
			}
			out[blockID][actionID] = st
		}
	}
	return out, nil
}

// stateValue renders one element's state; unset inputs carry nulls.
func stateValue(el map[string]any, val string, set bool) (obj, error) {
	typ, _ := el["type"].(string)
	if !set {
		st := obj{"type": typ}
		switch typ {
		case "static_select", "external_select", "radio_buttons":
			st["selected_option"] = nil
		case "multi_static_select", "checkboxes":
			st["selected_options"] = []any{}
		case "users_select", "conversations_select", "channels_select", "datepicker", "timepicker":
			st[selectedKey(typ)] = nil
		default:
			st["value"] = nil
		}
		return st, nil
	}
	var vals []string
	if typ == "multi_static_select" || typ == "checkboxes" {
		vals = strings.FieldsFunc(val, func(r rune) bool { return r == ',' })
	}
	act, err := actionJSON(el, val, vals)
	if typ == "button" {
		act = obj{"type": typ, "value": val}
	}
	return act, err
}

func selectedKey(typ string) string {
	switch typ {
	case "users_select":
		return "selected_user"
	case "conversations_select":
		return "selected_conversation"
	case "channels_select":
		return "selected_channel"
	case "datepicker":
		return "selected_date"
	}
	return "selected_time"
}

// applyResponseAction shows a view_submission ack. Called with s.mu held.
func (s *Server) applyResponseAction(v *View, ack *Ack) error {
	r := Reply{Kind: KindAck, User: v.User, ViewID: v.ID, ResponseAction: ack.ResponseAction}
	switch ack.ResponseAction {
	case "":
		s.popModal(v.User)
		return nil
	case "clear":
		s.closeModals(v.User)
	case "errors":
		for blockID := range ack.Errors {
			if !isInputBlock(v.Blocks, blockID) {
				return fmt.Errorf("slackfake: response_action errors names %q, not an input block of view %s", blockID, v.ID)
			}
		}
		r.Errors = ack.Errors
	case "update", "push":
		doc, ps := checkView(ack.View, "modal")
		if len(ps) > 0 {
			return fmt.Errorf("slackfake: response_action %s: invalid view: %v", ack.ResponseAction, ps)
		}
		target := v
		if ack.ResponseAction == "update" {
			s.replaceView(v, doc, ack.View)
		} else {
			var e *apiErr
			if target, e = s.pushView(v.User, doc, ack.View); e != nil {
				return fmt.Errorf("slackfake: response_action push: %s", e.code)
			}
		}
		r.ViewID, r.View, r.Text, r.Blocks = target.ID, target.JSON, target.Title, target.Blocks
	default:
		return fmt.Errorf("slackfake: unknown response_action %q", ack.ResponseAction)
	}
	s.addReply(r)
	return nil
}

func isInputBlock(blocks json.RawMessage, blockID string) bool {
	var bs []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
	}
	_ = json.Unmarshal(blocks, &bs)
	for _, b := range bs {
		if b.Type == "input" && b.BlockID == blockID {
			return true
		}
	}
	return false
}
