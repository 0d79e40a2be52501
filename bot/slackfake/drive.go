package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// verificationToken is the deprecated token Slack still puts in payloads.
const verificationToken = "fakeverificationtoken"

// Ack is the app's answer to an envelope.
type Ack struct {
	EnvelopeID     string
	Payload        json.RawMessage   // as sent; nil when the ack had none
	Text           string            // a slash command's response
	Blocks         json.RawMessage   // a slash command's response blocks
	ResponseType   string            // "in_channel" or "ephemeral"
	ResponseAction string            // a view_submission's: "errors", "update", "push", "clear"
	Errors         map[string]string // for "errors": input block_id → message
	View           json.RawMessage   // for "update" and "push"
}

func newAck(a ackFrame) (*Ack, error) {
	ack := &Ack{EnvelopeID: a.EnvelopeID}
	if len(a.Payload) == 0 || string(a.Payload) == "null" {
		return ack, nil
	}
	ack.Payload = a.Payload
	var p struct {
		Text           string            `json:"text"`
		Blocks         json.RawMessage   `json:"blocks"`
		ResponseType   string            `json:"response_type"`
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if err := json.Unmarshal(a.Payload, &p); err != nil {
		return ack, fmt.Errorf("slackfake: ack payload: %w", err)
	}
	if string(p.Blocks) == "null" {
		p.Blocks = nil
	}
	ack.Text, ack.Blocks, ack.ResponseType = p.Text, p.Blocks, p.ResponseType
	ack.ResponseAction, ack.Errors, ack.View = p.ResponseAction, p.Errors, p.View
	return ack, nil
}

// SlashCommand is a user running a slash command in a conversation.
type SlashCommand struct {
	TeamID    string // default: the user's team
	ChannelID string
	UserID    string
	Command   string // with the slash: "/deal"
	Text      string
}

// SlashCommand sends cmd as a slash_commands envelope, waits for the ack and
// shows its response as Slack would: in the channel for "in_channel", else
// to the user alone. Slack lets only members type in a channel, so the user
// joins it first if needed (with no event). The payload names the acting
// team and, when it is in an Enterprise Grid organisation, that
// organisation. It waits for a connection as long as ctx allows. An ack
// whose response Slack would refuse returns the Ack and an error.
func (s *Server) SlashCommand(ctx context.Context, cmd SlashCommand) (*Ack, error) {
	s.mu.Lock()
	s.st.autoJoin(cmd.ChannelID, cmd.UserID)
	o := origin{channel: cmd.ChannelID, user: cmd.UserID}
	team := s.teamOf(cmd.UserID, cmd.TeamID)
	u := s.st.users[cmd.UserID]
	payload := slashPayload{
		Token: verificationToken, TeamID: team.ID, TeamDomain: team.Domain,
		ChannelID: cmd.ChannelID, ChannelName: s.channelName(cmd.ChannelID),
		UserID: cmd.UserID, UserName: u.Name, Command: cmd.Command, Text: cmd.Text,
		APIAppID: s.opts.AppID, IsEnterpriseInstall: "false",
		ResponseURL: s.issueResponseURL(o), TriggerID: s.issueTrigger(cmd.UserID),
	}
	if ent := s.actorEnterprise(team, cmd.UserID); ent != "" {
		payload.EnterpriseID, payload.EnterpriseName = ent, s.st.enterpriseName(ent)
	}
	s.mu.Unlock()
	ack, err := s.deliver(ctx, envelope{typ: "slash_commands", payload: payload, acceptsResponse: true})
	if err != nil || (ack.Text == "" && ack.Blocks == nil) {
		return ack, err
	}
	msg := responseMsg{Text: ack.Text, Blocks: ack.Blocks, ResponseType: ack.ResponseType}
	d := responseDraft(msg) // the costly part, outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	_, e := s.respond(KindAck, o, msg, d)
	if e != nil {
		return ack, fmt.Errorf("slackfake: slash command response refused: %s %v", e.code, e.messages)
	}
	return ack, nil
}

// slashPayload is a slash command's payload as Slack sends it. A struct,
// not an obj: a benchmark sends thousands a second, and a map's keys are
// sorted and its values reflected on each time.
type slashPayload struct {
	Token               string `json:"token"`
	TeamID              string `json:"team_id"`
	TeamDomain          string `json:"team_domain"`
	EnterpriseID        string `json:"enterprise_id,omitempty"`
	EnterpriseName      string `json:"enterprise_name,omitempty"`
	ChannelID           string `json:"channel_id"`
	ChannelName         string `json:"channel_name"`
	UserID              string `json:"user_id"`
	UserName            string `json:"user_name"`
	Command             string `json:"command"`
	Text                string `json:"text"`
	APIAppID            string `json:"api_app_id"`
	IsEnterpriseInstall string `json:"is_enterprise_install"`
	ResponseURL         string `json:"response_url"`
	TriggerID           string `json:"trigger_id"`
}

// teamOf is the team acting: explicit, else the user's, else the Server's.
// Called with s.mu held.
func (s *Server) teamOf(user, explicit string) Team {
	id := explicit
	if id == "" {
		id = s.st.users[user].TeamID
	}
	if t, ok := s.st.teams[id]; ok {
		return t
	}
	return s.st.teams[s.opts.TeamID]
}

// actorEnterprise is the Enterprise Grid organisation of team acting for
// user: the team's, else the user's own when team is theirs, else none.
// Called with s.mu held.
func (s *Server) actorEnterprise(team Team, user string) string {
	if team.EnterpriseID != "" {
		return team.EnterpriseID
	}
	if u, ok := s.st.users[user]; ok && u.TeamID == team.ID {
		return u.EnterpriseID
	}
	return ""
}

// payloadTeam is the team and enterprise objects of interaction payloads
// for user: the enterprise is null outside Enterprise Grid.
// Called with s.mu held.
func (s *Server) payloadTeam(user string) (team, enterprise any) {
	t := s.teamOf(user, "")
	out := obj{"id": t.ID, "domain": t.Domain}
	ent := s.actorEnterprise(t, user)
	if ent == "" {
		return out, nil
	}
	name := s.st.enterpriseName(ent)
	out["enterprise_id"], out["enterprise_name"] = ent, name
	return out, obj{"id": ent, "name": name}
}

// channelName is the name a payload shows for a conversation.
// Called with s.mu held.
func (s *Server) channelName(id string) string {
	ch, ok := s.st.channels[id]
	switch {
	case !ok:
		return ""
	case ch.IsIM:
		return "directmessage"
	case ch.IsMpIM:
		return "mpdm"
	}
	return ch.Name
}

// userShort is the user object of interaction payloads.
// Called with s.mu held.
func (s *Server) userShort(id string) obj {
	u := s.st.users[id]
	team := u.TeamID
	if team == "" {
		team = s.opts.TeamID
	}
	return obj{"id": id, "username": u.Name, "name": u.Name, "team_id": team}
}

// Event is an Events API callback to deliver. Build one with NewAppMention,
// NewAppHomeOpened or the other New… builders, or set Inner to any event
// object. The envelope's is_ext_shared_channel is true when the inner
// event's channel is IsExtShared at delivery.
// Sending the same Event again with RetryAttempt set is a redelivery.
type Event struct {
	EventID      string          // default: a fresh "Ev…" id
	TeamID       string          // default: the Server's team
	EventTime    time.Time       // default: now
	RetryAttempt int             // 1..3 on redeliveries
	RetryReason  string          // e.g. "timeout"
	Inner        json.RawMessage // the event object, with its "type"
}

// Event sends e as an events_api envelope and waits for the ack.
func (s *Server) Event(ctx context.Context, e Event) (*Ack, error) {
	s.mu.Lock()
	if e.EventID == "" {
		e.EventID = s.st.nextID("Ev")
	}
	if e.TeamID == "" {
		e.TeamID = s.opts.TeamID
	}
	if e.EventTime.IsZero() {
		e.EventTime = s.now()
	}
	var inner struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(e.Inner, &inner)
	var ent any
	if id := s.st.teams[e.TeamID].EnterpriseID; id != "" {
		ent = id
	}
	payload := obj{
		"token": verificationToken, "team_id": e.TeamID, "api_app_id": s.opts.AppID,
		"event": e.Inner, "type": "event_callback", "event_id": e.EventID,
		"event_time": e.EventTime.Unix(), "is_ext_shared_channel": s.innerExtShared(e.Inner),
		"event_context": "4-" + inner.Type + "-" + e.TeamID + "-" + s.opts.AppID,
		"authorizations": []obj{{"enterprise_id": ent, "team_id": e.TeamID, "user_id": s.opts.BotUserID,
			"is_bot": true, "is_enterprise_install": false}},
	}
	if ent != nil {
		payload["enterprise_id"] = ent
	}
	s.mu.Unlock()
	return s.deliver(ctx, envelope{typ: "events_api", payload: payload, events: true,
		retryAttempt: e.RetryAttempt, retryReason: e.RetryReason})
}

// innerExtShared reports whether an event happened in a channel shared
// with another organisation: its "channel", an id or an object with one,
// is IsExtShared now. Called with s.mu held.
func (s *Server) innerExtShared(inner json.RawMessage) bool {
	var ev struct {
		Channel json.RawMessage `json:"channel"`
	}
	if json.Unmarshal(inner, &ev) != nil || len(ev.Channel) == 0 {
		return false
	}
	var id string
	if json.Unmarshal(ev.Channel, &id) != nil {
		var ch struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(ev.Channel, &ch)
		id = ch.ID
	}
	ch, ok := s.st.channels[id]
	return ok && ch.IsExtShared
}

// NewAppMention stores user's message mentioning the bot in channel (in
// thread threadTS, if set) and returns the app_mention Event for it, with
// a fixed EventID so it can be redelivered. As with PostUserMessage, user
// joins the channel if not a member. A user of another team is named with
// user_team and source_team, as in a shared channel.
func (s *Server) NewAppMention(channel, user, text, threadTS string) (Event, error) {
	msgTS, err := s.PostUserMessage(channel, user, text, threadTS)
	if err != nil {
		return Event{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	team := s.teamOf(user, "")
	inner := obj{"type": "app_mention", "user": user, "text": text, "ts": msgTS, "channel": channel,
		"event_ts": msgTS, "team": team.ID, "client_msg_id": envelopeID()}
	if team.ID != s.opts.TeamID {
		inner["user_team"], inner["source_team"] = team.ID, team.ID
	}
	if threadTS != "" {
		inner["thread_ts"] = threadTS
	}
	return s.newEvent(inner), nil
}

// NewAppHomeOpened returns the app_home_opened Event for user opening the
// app's Home tab, with the published Home view if any.
func (s *Server) NewAppHomeOpened(user string) Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	inner := obj{"type": "app_home_opened", "user": user, "channel": s.st.dm(user), "tab": "home",
		"event_ts": s.st.nextTS(s.now())}
	if v, ok := s.st.views[s.st.homes[user]]; ok {
		inner["view"] = v.JSON
	}
	return s.newEvent(inner)
}
