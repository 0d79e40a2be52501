package slackfake

import (
	"encoding/json"
	"fmt"
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
}

// Channel is a conversation: a channel, a private channel, a DM or a group DM.
type Channel struct {
	ID          string // C…, G… or D…
	Name        string
	IsPrivate   bool
	IsIM        bool
	IsMpIM      bool
	User        string   // for a DM: the other member
	Members     []string // for a group DM: its users
	IsShared    bool
	IsExtShared bool
	IsArchived  bool
	IsMember    bool // whether the bot is a member
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
	seq        int // for generated ids
}

type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func newState(o Options) *state {
	st := &state{
		teams:    map[string]Team{o.TeamID: {ID: o.TeamID, Name: o.TeamName, Domain: o.TeamDomain}},
		users:    map[string]User{},
		channels: map[string]*Channel{},
		messages: map[string][]*Message{},
		views:    map[string]*View{},
		homes:    map[string]string{},
		stacks:   map[string][]string{},
		triggers: map[string]*trigger{},
		respURLs: map[string]*responseURL{},
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

func (st *state) addChannel(c *Channel) {
	if _, ok := st.channels[c.ID]; !ok {
		st.order = append(st.order, c.ID)
	}
	st.channels[c.ID] = c
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

// SetShared sets a channel's is_shared and is_ext_shared flags.
func (s *Server) SetShared(id string, shared, extShared bool) error {
	return s.editChannel(id, func(c *Channel) { c.IsShared, c.IsExtShared = shared, extShared })
}

// SetMember adds the bot to a channel or removes it.
func (s *Server) SetMember(id string, member bool) error {
	return s.editChannel(id, func(c *Channel) { c.IsMember = member })
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
// Slack, and returns its ts. It sends no event; see AppMention.
func (s *Server) PostUserMessage(channel, user, text, threadTS string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.channels[channel]; !ok {
		return "", fmt.Errorf("slackfake: no channel %q", channel)
	}
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
	return *c, true
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
