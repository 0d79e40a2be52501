package slackfake

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// Paging of list methods: Slack's default and largest page.
const (
	defaultPage = 100
	maxPage     = 1000
)

// conversationsMembers lists a conversation's members, a page at a time.
func (s *Server) conversationsMembers(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, e := s.visibleChannel(c.p.get("channel"), "read")
	if e != nil {
		return nil, e
	}
	start, end, next, e := pageOf(c.p, len(ch.Members))
	if e != nil {
		return nil, e
	}
	return obj{"members": slices.Clone(ch.Members[start:end]),
		"response_metadata": obj{"next_cursor": next}}, nil
}

// conversationTypes maps users.conversations' types to the read scope each
// needs.
var conversationTypes = map[string]string{
	"public_channel": "channels:read", "private_channel": "groups:read",
	"mpim": "mpim:read", "im": "im:read",
}

// usersConversations lists the conversations a user is in that the bot
// token may see: every public channel, and private ones the bot is in too.
func (s *Server) usersConversations(c *call) (obj, *apiErr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	types, e := s.parseTypes(c.p.get("types"))
	if e != nil {
		return nil, e
	}
	user := c.p.get("user")
	if user == "" {
		user = s.opts.BotUserID
	}
	if _, ok := s.st.users[user]; !ok {
		return nil, errCode("user_not_found")
	}
	excludeArchived := c.p.get("exclude_archived") == "true" || c.p.get("exclude_archived") == "1"
	var found []*Channel
	for _, id := range s.st.order {
		ch := s.st.channels[id]
		if !types[conversationType(ch)] || !slices.Contains(ch.Members, user) ||
			(isPrivate(ch) && !ch.IsMember) || (excludeArchived && ch.IsArchived) {
			continue
		}
		found = append(found, ch)
	}
	start, end, next, e := pageOf(c.p, len(found))
	if e != nil {
		return nil, e
	}
	out := []obj{}
	for _, ch := range found[start:end] {
		out = append(out, s.channelJSON(ch))
	}
	return obj{"channels": out, "response_metadata": obj{"next_cursor": next}}, nil
}

// parseTypes reads a comma-separated types argument (default
// public_channel) and checks the scope of each. Called with s.mu held.
func (s *Server) parseTypes(arg string) (map[string]bool, *apiErr) {
	if strings.TrimSpace(arg) == "" {
		arg = "public_channel"
	}
	types := map[string]bool{}
	for t := range strings.SplitSeq(arg, ",") {
		t = strings.TrimSpace(t)
		scope, ok := conversationTypes[t]
		if !ok {
			return nil, errCode("invalid_types")
		}
		if e := s.lacks(scope); e != nil {
			return nil, e
		}
		types[t] = true
	}
	return types, nil
}

// conversationType is a conversation's type as users.conversations names it.
func conversationType(ch *Channel) string {
	switch {
	case ch.IsIM:
		return "im"
	case ch.IsMpIM:
		return "mpim"
	case ch.IsPrivate:
		return "private_channel"
	}
	return "public_channel"
}

// pageOf reads a list call's limit (default 100, at most 1000) and cursor
// and returns the bounds of the page of a list of n items, with the cursor
// of the next page: "" on the last. Cursors are opaque to clients.
func pageOf(p params, n int) (start, end int, next string, e *apiErr) {
	limit := defaultPage
	if v := p.get("limit"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 0 {
			return 0, 0, "", errCode("invalid_limit")
		}
		if l > 0 {
			limit = min(l, maxPage)
		}
	}
	if v := p.get("cursor"); v != "" {
		var ok bool
		if start, ok = decodeCursor(v); !ok {
			return 0, 0, "", errCode("invalid_cursor")
		}
	}
	start = min(start, n)
	end = min(start+limit, n)
	if end < n {
		next = encodeCursor(end)
	}
	return start, end, next, nil
}

func encodeCursor(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	v, ok := strings.CutPrefix(string(b), "offset:")
	n, err := strconv.Atoi(v)
	return n, ok && err == nil && n > 0
}
