package slackfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Team is a workspace. The Server's own team comes from Options; others
// (Slack Connect partners) are added with AddTeam.
type Team struct {
	ID     string
	Name   string
	Domain string
	// EnterpriseID is the Enterprise Grid organisation the team belongs
	// to (E…), or empty. Teams of one organisation share it.
	EnterpriseID   string
	EnterpriseName string
}

// User is a member of a team.
type User struct {
	ID       string // U… or W…
	TeamID   string // default: the Server's team
	Name     string // handle, e.g. "ernie"
	RealName string
	TZ       string // IANA zone, e.g. "Europe/Paris"; default "America/Los_Angeles"
	IsBot    bool
	Deleted  bool
	// IsRestricted marks a guest (a multi-channel guest, unless
	// IsUltraRestricted). users.info shows a single-channel guest with
	// both is_restricted and is_ultra_restricted, as Slack does.
	IsRestricted      bool
	IsUltraRestricted bool // a single-channel guest
	// EnterpriseID is the user's Enterprise Grid organisation; default:
	// their team's. When set, users.info carries enterprise_user.
	EnterpriseID string
}

// Channel is a conversation: a channel, a private channel, a DM or a group DM.
type Channel struct {
	ID        string // C…, G… or D…
	Name      string
	IsPrivate bool
	IsIM      bool
	IsMpIM    bool
	User      string // for a DM: the other member
	// Members are the conversation's users, humans and bots, in the order
	// they joined. The bot user is among them exactly when IsMember is
	// set: AddChannel adds or removes it to match, and a DM's User is
	// always a member.
	Members            []string
	IsShared           bool
	IsExtShared        bool // shared with another organisation (Slack Connect)
	IsOrgShared        bool // shared between workspaces of one Enterprise Grid org
	IsPendingExtShared bool // a Slack Connect invitation awaits acceptance
	// ConnectedTeamIDs are the other organisations' teams the channel is
	// shared with; NewChannelShared and its kin keep them.
	ConnectedTeamIDs []string
	IsArchived       bool
	IsMember         bool // whether the bot is a member
}

// SharedFlags are a channel's sharing flags as conversations.info shows them.
type SharedFlags struct {
	IsShared, IsExtShared, IsOrgShared, IsPendingExtShared bool
}

// Message is a message stored in a channel.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string // set on thread replies and on thread parents
	User     string // author; the bot user id for the app's messages
	BotID    string // non-empty for the app's messages
	Text     string
	Blocks   json.RawMessage // nil when the message has none
	Metadata json.RawMessage // {"event_type":…,"event_payload":…} or nil
	Edited   bool
}

// Ephemeral is a message only User sees in Channel; it is not in history.
type Ephemeral struct {
	Channel string
	User    string
	TS      string
	Text    string
	Blocks  json.RawMessage
}

// View is a modal or a Home tab as last published.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	User            string // who sees it
	TeamID          string
	CallbackID      string
	PrivateMetadata string
	ExternalID      string
	Hash            string
	Title           string // plain text of the modal's title
	Submit          string
	Close           string
	Blocks          json.RawMessage
	RootViewID      string
	PreviousViewID  string
	NotifyOnClose   bool
	ClearOnClose    bool
	Open            bool            // a modal on screen (Home tabs are always open)
	JSON            json.RawMessage // the view object as Slack shows it in payloads
}

// state is the workspace. Every field is guarded by Server.mu.
type state struct {
	teams      map[string]Team
	users      map[string]User
	channels   map[string]*Channel
	order      []string // channel ids in creation order
	messages   map[string][]*Message
	ephemerals []*Ephemeral
	views      map[string]*View
	homes      map[string]string   // user → view id
	stacks     map[string][]string // user → open modal ids, root first
	triggers   map[string]*trigger
	respURLs   map[string]*responseURL
	lastTS     time.Time
	seq        int    // for generated ids
	bot        string // the bot's user id
}

type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func newState(o Options) *state {
	st := &state{
		teams: map[string]Team{o.TeamID: {ID: o.TeamID, Name: o.TeamName, Domain: o.TeamDomain,
			EnterpriseID: o.EnterpriseID, EnterpriseName: o.EnterpriseName}},
		users:    map[string]User{},
		channels: map[string]*Channel{},
		messages: map[string][]*Message{},
		views:    map[string]*View{},
		homes:    map[string]string{},
		stacks:   map[string][]string{},
		triggers: map[string]*trigger{},
		respURLs: map[string]*responseURL{},
		bot:      o.BotUserID,
	}
	st.users[o.BotUserID] = User{ID: o.BotUserID, TeamID: o.TeamID, Name: o.BotName,
		RealName: o.BotName, TZ: "America/Los_Angeles", IsBot: true}
	return st
}

// nextID returns prefix followed by a fresh number, e.g. "D00000007".
func (st *state) nextID(prefix string) string {
	st.seq++
	return fmt.Sprintf("%s%08d", prefix, st.seq)
}

// nextTS returns a message timestamp from now, strictly after the last one.
func (st *state) nextTS(now time.Time) string {
	now = now.Truncate(time.Microsecond)
	if !now.After(st.lastTS) {
		now = st.lastTS.Add(time.Microsecond)
	}
	st.lastTS = now
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

// blockID returns a block_id for a block the app sent without one.
func (st *state) blockID() string {
	st.seq++
	return fmt.Sprintf("x%04x", st.seq)
}

// dm returns the id of the bot's DM with user, creating it.
func (st *state) dm(user string) string {
	for _, id := range st.order {
		if c := st.channels[id]; c.IsIM && c.User == user {
			return id
		}
	}
	c := &Channel{ID: st.nextID("D"), IsIM: true, IsPrivate: true, User: user, IsMember: true}
	st.addChannel(c)
	return c.ID
}

// addChannel stores c, owning its Members, made consistent with IsMember
// and User.
func (st *state) addChannel(c *Channel) {
	if _, ok := st.channels[c.ID]; !ok {
		st.order = append(st.order, c.ID)
	}
	var members []string
	for _, u := range c.Members {
		if u != "" && u != st.bot && !slices.Contains(members, u) {
			members = append(members, u)
		}
	}
	c.Members = members
	c.ConnectedTeamIDs = slices.Clone(c.ConnectedTeamIDs)
	if c.IsIM && c.User != "" {
		st.join(c, c.User)
	}
	st.setBotMember(c, c.IsMember)
	st.channels[c.ID] = c
}

// join adds user to c's members, once; the bot user sets IsMember.
func (st *state) join(c *Channel, user string) {
	if user == st.bot {
		c.IsMember = true
	}
	if !slices.Contains(c.Members, user) {
		c.Members = append(c.Members, user)
	}
}

// leave removes user from c's members; the bot user clears IsMember.
func (st *state) leave(c *Channel, user string) {
	if user == st.bot {
		c.IsMember = false
	}
	c.Members = slices.DeleteFunc(c.Members, func(u string) bool { return u == user })
}

func (st *state) setBotMember(c *Channel, member bool) {
	if member {
		st.join(c, st.bot)
	} else {
		st.leave(c, st.bot)
	}
}

// autoJoin makes user a member of a conversation they typed in, as Slack
// requires. DMs and unknown conversations are left alone.
func (st *state) autoJoin(channel, user string) {
	if c, ok := st.channels[channel]; ok && !c.IsIM && user != "" {
		st.join(c, user)
	}
}

// userEnterprise is the Enterprise Grid organisation of a user: their own,
// else their team's, else none.
func (st *state) userEnterprise(u User) string {
	if u.EnterpriseID != "" {
		return u.EnterpriseID
	}
	return st.teams[u.TeamID].EnterpriseID
}

// enterpriseName is the name a team of the organisation gives it.
func (st *state) enterpriseName(id string) string {
	for _, tid := range slices.Sorted(maps.Keys(st.teams)) {
		if t := st.teams[tid]; t.EnterpriseID == id && t.EnterpriseName != "" {
			return t.EnterpriseName
		}
	}
	return ""
}

// sorted returns a sorted copy of ids.
func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// isUserID reports whether id names a user rather than a conversation.
func isUserID(id string) bool {
	return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W")
}

func (st *state) findMessage(channel, ts string) *Message {
	for _, m := range st.messages[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (st *state) findEphemeral(channel, ts string) *Ephemeral {
	for _, e := range st.ephemerals {
		if e.Channel == channel && e.TS == ts {
			return e
		}
	}
	return nil
}

func (st *state) deleteMessage(channel, ts string) {
	st.messages[channel] = slices.DeleteFunc(st.messages[channel], func(m *Message) bool { return m.TS == ts })
}

// AddTeam adds or replaces a team, for Slack Connect users.
func (s *Server) AddTeam(t Team) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.teams[t.ID] = t
}

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TeamID == "" {
		u.TeamID = s.opts.TeamID
	}
	if u.TZ == "" {
		u.TZ = "America/Los_Angeles"
	}
	s.st.users[u.ID] = u
}

// AddChannel adds or replaces a conversation.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.addChannel(&c)
}

// RemoveChannel deletes a conversation: it becomes channel_not_found.
func (s *Server) RemoveChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.channels, id)
	s.st.order = slices.DeleteFunc(s.st.order, func(x string) bool { return x == id })
}

// SetArchived archives or unarchives a channel.
func (s *Server) SetArchived(id string, archived bool) error {
	return s.editChannel(id, func(c *Channel) { c.IsArchived = archived })
}

// SetShared sets a channel's is_shared and is_ext_shared flags, leaving
// the others; see SetSharedFlags.
func (s *Server) SetShared(id string, shared, extShared bool) error {
	return s.editChannel(id, func(c *Channel) { c.IsShared, c.IsExtShared = shared, extShared })
}

// SetSharedFlags sets every sharing flag of a channel. It sends no event;
// see NewChannelShared.
func (s *Server) SetSharedFlags(id string, f SharedFlags) error {
	return s.editChannel(id, func(c *Channel) {
		c.IsShared, c.IsExtShared = f.IsShared, f.IsExtShared
		c.IsOrgShared, c.IsPendingExtShared = f.IsOrgShared, f.IsPendingExtShared
	})
}

// SetMember adds the bot to a channel or removes it.
func (s *Server) SetMember(id string, member bool) error {
	return s.editChannel(id, func(c *Channel) { s.st.setBotMember(c, member) })
}

// AddMember makes user a member of a channel, private channel or group DM
// (the bot user: sets IsMember). It sends no event; see
// NewMemberJoinedChannel. Adding a member twice is a no-op.
func (s *Server) AddMember(channel, user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.memberChange(channel, user)
	if err != nil {
		return err
	}
	s.st.join(c, user)
	return nil
}

// RemoveMember removes user from a channel, private channel or group DM
// (the bot user: clears IsMember). Removing a non-member is a no-op.
func (s *Server) RemoveMember(channel, user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.memberChange(channel, user)
	if err != nil {
		return err
	}
	s.st.leave(c, user)
	return nil
}

// memberChange finds a conversation whose members may change and checks
// the user exists. Called with s.mu held.
func (s *Server) memberChange(channel, user string) (*Channel, error) {
	c, ok := s.st.channels[channel]
	if !ok {
		return nil, fmt.Errorf("slackfake: no channel %q", channel)
	}
	if _, ok := s.st.users[user]; !ok {
		return nil, fmt.Errorf("slackfake: no user %q", user)
	}
	if c.IsIM {
		return nil, fmt.Errorf("slackfake: %s is a DM: its members are fixed", channel)
	}
	return c, nil
}

// Members returns a conversation's members, the bot user included when it
// is one, in the order they joined; nil for an unknown conversation.
func (s *Server) Members(channel string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.st.channels[channel]; ok {
		return slices.Clone(c.Members)
	}
	return nil
}

func (s *Server) editChannel(id string, f func(*Channel)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.channels[id]
	if !ok {
		return fmt.Errorf("slackfake: no channel %q", id)
	}
	f(c)
	return nil
}

// SetScopes replaces the bot token's scopes; methods needing a missing
// scope answer missing_scope.
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Scopes = slices.Clone(scopes)
}

// PostUserMessage stores a message from user in channel, as if typed in
// Slack, and returns its ts. Slack lets only members type in a channel, so
// user joins it first if need be. It sends no event, for the message or
// the join; see NewAppMention and NewMemberJoinedChannel.
func (s *Server) PostUserMessage(channel, user, text, threadTS string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.channels[channel]; !ok {
		return "", fmt.Errorf("slackfake: no channel %q", channel)
	}
	s.st.autoJoin(channel, user)
	m := &Message{Channel: channel, TS: s.st.nextTS(s.now()), ThreadTS: threadTS, User: user, Text: text}
	s.storeMessage(m)
	return m.TS, nil
}

// Channel returns a conversation's current state.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.channels[id]
	if !ok {
		return Channel{}, false
	}
	out := *c
	out.Members = slices.Clone(c.Members)
	out.ConnectedTeamIDs = slices.Clone(c.ConnectedTeamIDs)
	return out, true
}

// DM returns the id of the bot's DM with user, opening it if needed.
func (s *Server) DM(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.dm(user)
}

// Messages returns a copy of a channel's messages, oldest first, thread
// replies included.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.st.messages[channel]))
	for _, m := range s.st.messages[channel] {
		out = append(out, *m)
	}
	return out
}

// Ephemerals returns a copy of every ephemeral message, oldest first.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Ephemeral, 0, len(s.st.ephemerals))
	for _, e := range s.st.ephemerals {
		out = append(out, *e)
	}
	return out
}

// Home returns the Home tab published for user.
func (s *Server) Home(user string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.st.views[s.st.homes[user]]
	if !ok {
		return View{}, false
	}
	return *v, true
}

// View returns a view by id, open or closed.
func (s *Server) View(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.st.views[id]
	if !ok {
		return View{}, false
	}
	return *v, true
}

// Modals returns the modals open for user, the root first and the one on
// screen last.
func (s *Server) Modals(user string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.st.stacks[user] {
		out = append(out, *s.st.views[id])
	}
	return out
}
