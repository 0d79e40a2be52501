package slackfake

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) authTest(*call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := obj{
		"url":     "https://" + s.opts.TeamDomain + ".slack.com/",
		"team":    s.opts.TeamName,
		"user":    s.opts.BotName,
		"team_id": s.opts.TeamID,
		"user_id": s.opts.BotUserID,
		"bot_id":  s.opts.BotID,

		"is_enterprise_install": false,
	}
	// Slack names the organisation only for a team in one.
	if ent := s.st.teams[s.opts.TeamID].EnterpriseID; ent != "" {
		out["enterprise_id"] = ent
	}
	return out, nil
}

// connectionsOpen issues a one-use WebSocket URL.
func (s *Server) connectionsOpen(*call) (obj, *apiErr) {
	ticket := randomID(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickets[ticket] = true
	u := "ws" + strings.TrimPrefix(s.base, "http") + "/ws?" +
		url.Values{"ticket": {ticket}, "app_id": {s.opts.AppID}}.Encode()
	return obj{"url": u}, nil
}

// scopeFor is the read scope a conversation's type needs, e.g. "im:read".
func scopeFor(ch *Channel, access string) string {
	switch {
	case ch.IsIM:
		return "im:" + access
	case ch.IsMpIM:
		return "mpim:" + access
	case ch.IsPrivate:
		return "groups:" + access
	}
	return "channels:" + access
}

func (s *Server) conversationsInfo(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, e := s.visibleChannel(c.p.get("channel"), "read")
	if e != nil {
		return nil, e
	}
	return obj{"channel": s.channelJSON(ch)}, nil
}

// visibleChannel finds a conversation the bot token may see and checks the
// scope its type needs for access ("read", "history"). A private channel,
// group DM or DM the bot is not in is channel_not_found to it, as to Slack.
// Called with s.mu held.
func (s *Server) visibleChannel(id, access string) (*Channel, *apiErr) {
	ch, ok := s.st.channels[id]
	if !ok || (isPrivate(ch) && !ch.IsMember) {
		return nil, errCode("channel_not_found")
	}
	if e := s.lacks(scopeFor(ch, access)); e != nil {
		return nil, e
	}
	return ch, nil
}

// isPrivate reports whether only members see a conversation.
func isPrivate(ch *Channel) bool { return ch.IsPrivate || ch.IsIM || ch.IsMpIM }

// channelJSON renders a conversation as conversations.info does.
// Called with s.mu held.
func (s *Server) channelJSON(ch *Channel) obj {
	out := obj{
		"id":                    ch.ID,
		"is_channel":            !ch.IsIM && !ch.IsMpIM,
		"is_group":              ch.IsMpIM || (ch.IsPrivate && strings.HasPrefix(ch.ID, "G")),
		"is_im":                 ch.IsIM,
		"is_mpim":               ch.IsMpIM,
		"is_private":            isPrivate(ch),
		"is_archived":           ch.IsArchived,
		"is_shared":             ch.IsShared,
		"is_ext_shared":         ch.IsExtShared,
		"is_org_shared":         ch.IsOrgShared,
		"is_pending_ext_shared": ch.IsPendingExtShared,
		"is_general":            false,
		"is_member":             ch.IsMember,
		"is_open":               true,
		"created":               0,
		"context_team_id":       s.opts.TeamID,
	}
	if len(ch.ConnectedTeamIDs) > 0 {
		out["connected_team_ids"] = slices.Clone(ch.ConnectedTeamIDs)
		out["shared_team_ids"] = append([]string{s.opts.TeamID}, ch.ConnectedTeamIDs...)
	}
	if ch.IsIM {
		out["user"] = ch.User
		out["is_user_deleted"] = s.st.users[ch.User].Deleted
		return out
	}
	out["name"] = ch.Name
	out["name_normalized"] = ch.Name
	return out
}

func (s *Server) conversationsOpen(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ch *Channel
	if id := c.p.get("channel"); id != "" {
		var ok bool
		if ch, ok = s.st.channels[id]; !ok || !(ch.IsIM || ch.IsMpIM) {
			return nil, errCode("channel_not_found")
		}
	} else {
		users := strings.FieldsFunc(c.p.get("users"), func(r rune) bool { return r == ',' })
		if len(users) == 0 {
			return nil, errCode("users_list_not_supplied")
		}
		scope := "im:write"
		if len(users) > 1 {
			scope = "mpim:write"
		}
		if e := s.lacks(scope); e != nil {
			return nil, e
		}
		for _, u := range users {
			if _, ok := s.st.users[u]; !ok {
				return nil, errCode("user_not_found")
			}
		}
		ch = s.openConversation(users)
	}
	if c.p.get("return_im") == "true" {
		return obj{"channel": s.channelJSON(ch), "already_open": true}, nil
	}
	return obj{"channel": obj{"id": ch.ID}, "no_op": true, "already_open": true}, nil
}

// openConversation returns the DM with one user or the group DM with
// several, creating it. Called with s.mu held.
func (s *Server) openConversation(users []string) *Channel {
	if len(users) == 1 {
		return s.st.channels[s.st.dm(users[0])]
	}
	members := append(slices.Clone(users), s.opts.BotUserID)
	slices.Sort(members)
	members = slices.Compact(members)
	for _, id := range s.st.order {
		if ch := s.st.channels[id]; ch.IsMpIM && slices.Equal(sorted(ch.Members), members) {
			return ch
		}
	}
	var names []string
	for _, u := range members {
		names = append(names, s.st.users[u].Name)
	}
	ch := &Channel{ID: s.st.nextID("G"), Name: "mpdm-" + strings.Join(names, "--") + "-1",
		IsMpIM: true, IsPrivate: true, IsMember: true, Members: members}
	s.st.addChannel(ch)
	return ch
}

func (s *Server) conversationsHistory(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.st.channels[c.p.get("channel")]
	if !ok {
		return nil, errCode("channel_not_found")
	}
	if e := s.lacks(scopeFor(ch, "history")); e != nil {
		return nil, e
	}
	if !ch.IsMember {
		return nil, errCode("not_in_channel")
	}
	q, e := parseHistoryQuery(c.p)
	if e != nil {
		return nil, e
	}
	withMeta := q.metadata
	var out []obj
	hasMore := false
	msgs := s.st.messages[ch.ID]
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.ThreadTS != "" && m.ThreadTS != m.TS || !q.inRange(m.TS) {
			continue
		}
		if len(out) == q.limit {
			hasMore = true
			break
		}
		out = append(out, s.messageJSON(m, withMeta))
	}
	res := obj{"messages": out, "has_more": hasMore, "pin_count": 0}
	if out == nil {
		res["messages"] = []obj{}
	}
	if hasMore {
		last := out[len(out)-1]["ts"].(string)
		res["response_metadata"] = obj{"next_cursor": base64.StdEncoding.EncodeToString([]byte("next_ts:" + last))}
	}
	return res, nil
}

// historyQuery is conversations.history's window, newest first.
type historyQuery struct {
	oldest, latest ts
	inclusive      bool
	limit          int
	metadata       bool
}

func parseHistoryQuery(p params) (historyQuery, *apiErr) {
	q := historyQuery{limit: 100, latest: ts{1 << 62, 0}, inclusive: p.get("inclusive") == "1" || p.get("inclusive") == "true"}
	q.metadata = p.get("include_all_metadata") == "1" || p.get("include_all_metadata") == "true"
	var err error
	if v := p.get("oldest"); v != "" {
		if q.oldest, err = parseTS(v); err != nil {
			return q, errCode("invalid_ts_oldest")
		}
	}
	if v := p.get("latest"); v != "" {
		if q.latest, err = parseTS(v); err != nil {
			return q, errCode("invalid_ts_latest")
		}
	}
	if v := p.get("cursor"); v != "" {
		b, _ := base64.StdEncoding.DecodeString(v)
		cur, ok := strings.CutPrefix(string(b), "next_ts:")
		if q.latest, err = parseTS(cur); !ok || err != nil {
			return q, errCode("invalid_cursor")
		}
		q.inclusive = false
	}
	if v := p.get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return q, errCode("invalid_limit")
		}
		q.limit = min(n, 999)
	}
	return q, nil
}

func (q historyQuery) inRange(v string) bool {
	t, err := parseTS(v)
	if err != nil {
		return false
	}
	if q.inclusive {
		return !t.less(q.oldest) && !q.latest.less(t)
	}
	return q.oldest.less(t) && t.less(q.latest)
}

// ts is a parsed message timestamp: seconds and microseconds.
type ts struct{ sec, usec int64 }

func parseTS(v string) (ts, error) {
	secStr, frac, _ := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(secStr, 10, 64)
	if err != nil {
		return ts{}, err
	}
	if len(frac) > 6 {
		frac = frac[:6]
	}
	var usec int64
	if frac != "" {
		if usec, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil {
			return ts{}, err
		}
	}
	return ts{sec, usec}, nil
}

func (a ts) less(b ts) bool { return a.sec < b.sec || a.sec == b.sec && a.usec < b.usec }

func (s *Server) usersInfo(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.lacks("users:read"); e != nil {
		return nil, e
	}
	u, ok := s.st.users[c.p.get("user")]
	if !ok {
		return nil, errCode("user_not_found")
	}
	return obj{"user": s.userJSON(u)}, nil
}

// userJSON renders a user as users.info does, with the zone's current
// offset. Called with s.mu held.
func (s *Server) userJSON(u User) obj {
	offset, label := 0, "UTC"
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		label, offset = s.now().In(loc).Zone()
	}
	out := obj{
		"id": u.ID, "team_id": u.TeamID, "name": u.Name, "real_name": u.RealName,
		"deleted": u.Deleted, "is_bot": u.IsBot, "is_app_user": false,
		"is_admin": false, "is_owner": false, "is_primary_owner": false,
		"is_restricted": u.IsRestricted || u.IsUltraRestricted, "is_ultra_restricted": u.IsUltraRestricted,
		"tz": u.TZ, "tz_label": label, "tz_offset": offset,
		"updated": s.now().Unix(),
		"profile": obj{
			"real_name": u.RealName, "real_name_normalized": u.RealName,
			"display_name": u.Name, "display_name_normalized": u.Name,
			"team": u.TeamID,
		},
	}
	if ent := s.st.userEnterprise(u); ent != "" {
		out["enterprise_user"] = obj{
			"id": u.ID, "enterprise_id": ent, "enterprise_name": s.st.enterpriseName(ent),
			"is_admin": false, "is_owner": false, "is_primary_owner": false, "teams": []string{u.TeamID},
		}
	}
	return out
}
