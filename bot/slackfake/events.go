package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Each builder here applies the change its event reports to the workspace
// and returns the Event, with a fixed EventID so it can be redelivered.

// NewChannelShared shares channel with connectedTeamID's organisation
// (Slack Connect): it sets IsShared and IsExtShared, adds the team to
// ConnectedTeamIDs and returns the channel_shared Event.
func (s *Server) NewChannelShared(channel, connectedTeamID string) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.channels[channel]
	if !ok {
		return Event{}, fmt.Errorf("slackfake: no channel %q", channel)
	}
	c.IsShared, c.IsExtShared = true, true
	connect(c, connectedTeamID)
	return s.newEvent(obj{"type": "channel_shared", "connected_team_id": connectedTeamID,
		"channel": channel, "event_ts": s.st.nextTS(s.now())}), nil
}

// NewChannelUnshared ends the sharing of channel with
// previouslyConnectedTeamID's organisation and returns the channel_unshared
// Event. Once no connected team remains it clears IsExtShared, and
// IsShared unless the channel IsOrgShared.
func (s *Server) NewChannelUnshared(channel, previouslyConnectedTeamID string) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.channels[channel]
	if !ok {
		return Event{}, fmt.Errorf("slackfake: no channel %q", channel)
	}
	c.ConnectedTeamIDs = slices.DeleteFunc(c.ConnectedTeamIDs, func(t string) bool { return t == previouslyConnectedTeamID })
	if len(c.ConnectedTeamIDs) == 0 {
		c.IsExtShared, c.IsShared = false, c.IsOrgShared
	}
	return s.newEvent(obj{"type": "channel_unshared", "previously_connected_team_id": previouslyConnectedTeamID,
		"channel": channel, "is_ext_shared": c.IsExtShared, "event_ts": s.st.nextTS(s.now())}), nil
}

// inviteLifetime is how long a Slack Connect invitation stays valid.
const inviteLifetime = 14 * 24 * time.Hour

// NewSharedChannelInviteAccepted has acceptingUser, of another
// organisation, accept the Slack Connect invitation to channel: it sets
// IsShared and IsExtShared, clears IsPendingExtShared, adds the user's team
// to ConnectedTeamIDs and returns the shared_channel_invite_accepted Event.
// The user does not join the channel; see NewMemberJoinedChannel.
func (s *Server) NewSharedChannelInviteAccepted(channel, acceptingUser string) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.channels[channel]
	if !ok {
		return Event{}, fmt.Errorf("slackfake: no channel %q", channel)
	}
	u, ok := s.st.users[acceptingUser]
	if !ok {
		return Event{}, fmt.Errorf("slackfake: no user %q", acceptingUser)
	}
	c.IsShared, c.IsExtShared, c.IsPendingExtShared = true, true, false
	if u.TeamID != s.opts.TeamID {
		connect(c, u.TeamID)
	}
	now := s.now()
	teams := []obj{s.eventTeamJSON(s.opts.TeamID)}
	for _, t := range c.ConnectedTeamIDs {
		teams = append(teams, s.eventTeamJSON(t))
	}
	return s.newEvent(obj{
		"type": "shared_channel_invite_accepted", "approval_required": false,
		"invite": obj{"id": s.st.nextID("I"), "date_created": now.Unix(),
			"date_invalid": now.Add(inviteLifetime).Unix(), "inviting_team": s.eventTeamJSON(s.opts.TeamID),
			"recipient_user_id": u.ID},
		"channel":          obj{"id": c.ID, "is_private": isPrivate(c), "is_im": c.IsIM, "name": c.Name},
		"teams_in_channel": teams,
		"accepting_user": obj{"id": u.ID, "team_id": u.TeamID, "name": u.Name, "updated": now.Unix(),
			"profile": s.userJSON(u)["profile"]},
		"event_ts": s.st.nextTS(now),
	}), nil
}

// NewMemberJoinedChannel makes user a member of channel (invited by
// inviter, if set) and returns the member_joined_channel Event, whose team
// is the user's. Joining sets no sharing flag: a guest or a user of
// another organisation may join a channel that is not flagged shared.
func (s *Server) NewMemberJoinedChannel(channel, user, inviter string) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.memberChange(channel, user)
	if err != nil {
		return Event{}, err
	}
	s.st.join(c, user)
	typ := "C"
	if isPrivate(c) {
		typ = "G"
	}
	inner := obj{"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": typ,
		"team": s.st.users[user].TeamID, "event_ts": s.st.nextTS(s.now())}
	if inviter != "" {
		inner["inviter"] = inviter
	}
	return s.newEvent(inner), nil
}

// NewUserChange returns the user_change Event for user, with the user
// object as users.info shows it now: change the user with AddUser first.
func (s *Server) NewUserChange(user string) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[user]
	if !ok {
		return Event{}, fmt.Errorf("slackfake: no user %q", user)
	}
	now := s.now()
	return s.newEvent(obj{"type": "user_change", "user": s.userJSON(u), "cache_ts": now.Unix(),
		"event_ts": s.st.nextTS(now)}), nil
}

// newEvent wraps an inner event for the Server's team. Called with s.mu held.
func (s *Server) newEvent(inner obj) Event {
	raw, _ := json.Marshal(inner)
	return Event{EventID: s.st.nextID("Ev"), TeamID: s.opts.TeamID, Inner: raw}
}

// connect records that c is shared with team, once.
func connect(c *Channel, team string) {
	if team != "" && !slices.Contains(c.ConnectedTeamIDs, team) {
		c.ConnectedTeamIDs = append(c.ConnectedTeamIDs, team)
	}
}

// eventTeamJSON renders a team as Slack Connect events show it.
// Called with s.mu held.
func (s *Server) eventTeamJSON(id string) obj {
	t, ok := s.st.teams[id]
	if !ok {
		t = Team{ID: id}
	}
	return obj{"id": t.ID, "name": t.Name, "domain": t.Domain, "is_verified": false,
		"date_created": 0, "icon": obj{"image_default": true}}
}
