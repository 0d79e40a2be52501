package access

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// stubSlack answers from maps; gate, when set, holds conversations.info
// until released, so a test can act while a look-up is on its way.
type stubSlack struct {
	mu       sync.Mutex
	users    map[string]slack.User
	channels map[string]slack.Channel
	members  map[string][]string
	joined   map[string][]string
	fail     map[string]error // method → error
	calls    map[string]int
	page     int // page size of the paginated answers

	entered chan struct{} // receives when a gated conversations.info starts
	gate    chan struct{} // conversations.info waits on it when non-nil
	// holdUsers is how many of the next users.info calls signal entered
	// and wait for their caller to give up.
	holdUsers int
}

func newStub() *stubSlack {
	return &stubSlack{
		users: map[string]slack.User{}, channels: map[string]slack.Channel{}, members: map[string][]string{},
		joined: map[string][]string{}, fail: map[string]error{}, calls: map[string]int{}, page: 2,
	}
}

func (s *stubSlack) count(method string) (error, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	return s.fail[method], s.page
}

func (s *stubSlack) GetUserInfoContext(ctx context.Context, id string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	if err, _ := s.count("users.info"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	hold := s.holdUsers > 0
	if hold {
		s.holdUsers--
	}
	s.mu.Unlock()
	if hold {
		s.entered <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return nil, slack.SlackErrorResponse{Err: "user_not_found"}
	}
	return &u, nil
}

func (s *stubSlack) GetConversationInfoContext(ctx context.Context, in *slack.GetConversationInfoInput) (*slack.Channel, error) {
	err, _ := s.count("conversations.info")
	s.mu.Lock()
	ch, ok := s.channels[in.ChannelID]
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		s.entered <- struct{}{}
		<-gate
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("channel_not_found")
	}
	return &ch, nil
}

func (s *stubSlack) GetUsersInConversationContext(_ context.Context, p *slack.GetUsersInConversationParameters) ([]string, string, error) {
	err, size := s.count("conversations.members")
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return paged(s.members[p.ChannelID], p.Cursor, size)
}

func (s *stubSlack) GetConversationsForUserContext(_ context.Context, p *slack.GetConversationsForUserParameters) ([]slack.Channel, string, error) {
	err, size := s.count("users.conversations")
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, next, err := paged(s.joined[p.UserID], p.Cursor, size)
	var out []slack.Channel
	for _, id := range ids {
		var ch slack.Channel
		ch.ID = id
		out = append(out, ch)
	}
	return out, next, err
}

// paged returns the page of all starting at cursor (an index).
func paged(all []string, cursor string, size int) ([]string, string, error) {
	start := 0
	if cursor != "" {
		if _, err := fmt.Sscanf(cursor, "i%d", &start); err != nil {
			return nil, "", errors.New("invalid_cursor")
		}
	}
	end := min(start+size, len(all))
	next := ""
	if end < len(all) {
		next = fmt.Sprintf("i%d", end)
	}
	return all[start:end], next, nil
}

func (s *stubSlack) addUser(id, team, enterprise string, guest bool) {
	u := slack.User{ID: id, TeamID: team, Name: id, IsRestricted: guest}
	u.Enterprise.EnterpriseID = enterprise
	s.users[id] = u
}

// clock is a time a test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newChecker(s *stubSlack, home Org) (*Checker, *clock) {
	clk := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	return New(s, Options{Home: home, BotUserID: "UBOT", Now: clk.now}), clk
}

func TestStanding(t *testing.T) {
	s := newStub()
	s.addUser("UMEM", "T1", "", false)
	s.addUser("UGUEST", "T1", "", true)
	ultra := slack.User{ID: "UULTRA", TeamID: "T1", IsUltraRestricted: true}
	s.users["UULTRA"] = ultra
	s.addUser("UEXT", "T2", "", false)
	s.addUser("UGRID", "T3", "E1", false)
	s.addUser("UGONE", "T1", "", false)
	gone := s.users["UGONE"]
	gone.Deleted = true
	s.users["UGONE"] = gone

	for _, tc := range []struct {
		name        string
		home        Org
		user, claim string
		want        Standing
	}{
		{"member", Org{TeamID: "T1"}, "UMEM", "T1", Member},
		{"member, no team claimed", Org{TeamID: "T1"}, "UMEM", "", Member},
		{"guest", Org{TeamID: "T1"}, "UGUEST", "T1", Guest},
		{"single-channel guest", Org{TeamID: "T1"}, "UULTRA", "T1", Guest},
		{"another organisation", Org{TeamID: "T1"}, "UEXT", "T2", Outsider},
		{"claims our team, users.info says another", Org{TeamID: "T1"}, "UEXT", "T1", Outsider},
		{"claims another team, unknown to users.info", Org{TeamID: "T1"}, "UNOBODY", "T2", Outsider},
		{"another workspace of our Grid org", Org{TeamID: "T1", EnterpriseID: "E1"}, "UGRID", "T3", Member},
		{"another Grid org", Org{TeamID: "T1", EnterpriseID: "E9"}, "UGRID", "T3", Outsider},
		{"deactivated", Org{TeamID: "T1"}, "UGONE", "T1", Gone},
		{"no such user", Org{TeamID: "T1"}, "UNOBODY", "", Outsider},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newChecker(s, tc.home)
			got, err := c.Standing(t.Context(), tc.user, tc.claim)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestStandingFailsClosed(t *testing.T) {
	s := newStub()
	s.addUser("UMEM", "T1", "", false)
	s.fail["users.info"] = errors.New("fatal_error")
	c, _ := newChecker(s, Org{TeamID: "T1"})
	if _, err := c.Standing(t.Context(), "UMEM", "T1"); err == nil {
		t.Fatal("got no error while users.info fails")
	}
}

func TestStandingCachedUntilTTLOrUserChange(t *testing.T) {
	s := newStub()
	s.addUser("U1", "T1", "", false)
	c, clk := newChecker(s, Org{TeamID: "T1"})
	ctx := t.Context()
	standing := func() Standing {
		t.Helper()
		st, err := c.Standing(ctx, "U1", "T1")
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	standing()
	s.addUser("U1", "T1", "", true) // made a guest
	if got := standing(); got != Member {
		t.Errorf("within the TTL: got %s, want the cached member", got)
	}
	c.ForgetUser("U1") // user_change
	if got := standing(); got != Guest {
		t.Errorf("after user_change: got %s, want guest", got)
	}
	s.addUser("U1", "T1", "", false)
	clk.add(5*time.Minute + time.Second)
	if got := standing(); got != Member {
		t.Errorf("after the TTL: got %s, want member", got)
	}
	if n := s.calls["users.info"]; n != 3 {
		t.Errorf("users.info called %d times, want 3", n)
	}
}

func TestSharedVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		channel slack.Channel
		members []string
		fail    string // a method that fails
		want    Verdict
		wantErr bool
	}{
		{name: "the team's own", members: []string{"UBOT", "U1", "U2"}},
		{name: "Slack Connect", channel: flags(func(c *slack.Channel) { c.IsExtShared, c.IsShared = true, true }),
			want: Verdict{Shared: true, Why: "slack_connect"}},
		{name: "Slack Connect invitation pending", channel: flags(func(c *slack.Channel) { c.IsPendingExtShared = true }),
			want: Verdict{Shared: true, Why: "slack_connect"}},
		{name: "shared with another workspace", channel: flags(func(c *slack.Channel) { c.IsShared = true }),
			want: Verdict{Shared: true, Why: "shared"}},
		{name: "shared within the Grid org", channel: flags(func(c *slack.Channel) { c.IsShared, c.IsOrgShared = true, true }),
			members: []string{"U1", "UGRID"}},
		{name: "a guest in it", members: []string{"U1", "U2", "UGUEST"}, want: Verdict{Shared: true, Why: "guest"}},
		{name: "an outside member in it", members: []string{"UEXT", "U1"}, want: Verdict{Shared: true, Why: "outsider"}},
		{name: "conversations.info fails", fail: "conversations.info", wantErr: true},
		{name: "conversations.members fails", fail: "conversations.members", wantErr: true},
		{name: "users.info fails", members: []string{"U1"}, fail: "users.info", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub()
			for _, u := range []string{"U1", "U2"} {
				s.addUser(u, "T1", "E1", false)
			}
			s.addUser("UGRID", "T3", "E1", false)
			s.addUser("UGUEST", "T1", "E1", true)
			s.addUser("UEXT", "T2", "", false)
			tc.channel.ID = "C1"
			s.channels["C1"] = tc.channel
			s.members["C1"] = tc.members
			if tc.fail != "" {
				s.fail[tc.fail] = errors.New("fatal_error")
			}
			c, _ := newChecker(s, Org{TeamID: "T1", EnterpriseID: "E1"})
			got, err := c.Shared(t.Context(), "C1")
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func flags(f func(*slack.Channel)) slack.Channel {
	var c slack.Channel
	f(&c)
	return c
}

func TestSharedReadsEveryPageOfMembers(t *testing.T) {
	s := newStub()
	var members []string
	for i := range 9 {
		id := fmt.Sprintf("U%d", i)
		s.addUser(id, "T1", "", false)
		members = append(members, id)
	}
	s.addUser("ULAST", "T1", "", true) // a guest on the last page
	s.members["C1"] = append(members, "ULAST")
	s.channels["C1"] = slack.Channel{}
	c, _ := newChecker(s, Org{TeamID: "T1"})
	got, err := c.Shared(t.Context(), "C1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Shared || got.Why != "guest" {
		t.Errorf("got %+v, want shared because of the guest on the last page", got)
	}
	if n := s.calls["conversations.members"]; n != 5 {
		t.Errorf("conversations.members called %d times, want 5 pages of 2", n)
	}
}

// TestForgetDuringLookupWins is the race an outside test found: a look-up
// of a channel starts, the channel becomes shared (the event forgets what
// was known), then the look-up returns its older "not shared". That answer
// must not be kept: the next question asks Slack again.
func TestForgetDuringLookupWins(t *testing.T) {
	s := newStub()
	s.addUser("U1", "T1", "", false)
	s.channels["C1"] = slack.Channel{}
	s.members["C1"] = []string{"U1"}
	gate := make(chan struct{})
	s.entered, s.gate = make(chan struct{}, 1), gate
	c, _ := newChecker(s, Org{TeamID: "T1"})

	first := make(chan Verdict)
	go func() {
		v, _ := c.Shared(context.Background(), "C1")
		first <- v
	}()
	<-s.entered // the look-up read the old state and waits at conversations.info

	s.mu.Lock()
	s.channels["C1"] = flags(func(c *slack.Channel) { c.IsExtShared = true })
	s.gate = nil
	s.mu.Unlock()
	c.ForgetChannel("C1") // channel_shared arrives
	close(gate)

	if v := <-first; v.Shared {
		t.Fatalf("the look-up under way saw %+v; the stub should have answered the old state", v)
	}
	got, err := c.Shared(t.Context(), "C1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Shared {
		t.Errorf("after the event: got %+v, want shared (the stale answer was kept)", got)
	}
}

func TestMarkSharedDuringLookupWins(t *testing.T) {
	s := newStub()
	s.addUser("U1", "T1", "", false)
	s.channels["C1"] = slack.Channel{}
	s.members["C1"] = []string{"U1"}
	gate := make(chan struct{})
	s.entered, s.gate = make(chan struct{}, 1), gate
	c, _ := newChecker(s, Org{TeamID: "T1"})

	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.Shared(context.Background(), "C1")
	}()
	<-s.entered
	c.MarkShared("C1", "slack_connect")
	s.mu.Lock()
	s.gate = nil
	s.mu.Unlock()
	close(gate)
	<-done
	got, err := c.Shared(t.Context(), "C1")
	if err != nil {
		t.Fatal(err)
	}
	if got != (Verdict{Shared: true, Why: "slack_connect"}) {
		t.Errorf("got %+v, want the event's verdict kept", got)
	}
}

// A caller who gives up while the members are being looked up gets an
// error, and nothing is kept: "not shared" would otherwise be remembered
// for a channel with a guest in it, whose members were never all seen.
func TestAbandonedLookupIsNotAVerdict(t *testing.T) {
	for _, members := range [][]string{{"UGUEST"}, {"UGUEST", "U2", "U3"}} {
		t.Run(fmt.Sprint(len(members), " unknown"), func(t *testing.T) {
			s := newStub()
			s.addUser("U2", "T1", "", false)
			s.addUser("U3", "T1", "", false)
			s.addUser("UGUEST", "T1", "", true)
			s.channels["C1"] = slack.Channel{}
			s.members["C1"] = members
			s.entered, s.holdUsers = make(chan struct{}, len(members)), len(members)
			c, _ := newChecker(s, Org{TeamID: "T1"})

			ctx, cancel := context.WithCancel(t.Context())
			errc := make(chan error)
			go func() {
				_, err := c.Shared(ctx, "C1")
				errc <- err
			}()
			<-s.entered // users.info is under way
			cancel()
			if err := <-errc; err == nil {
				t.Error("the abandoned look-up answered without an error")
			}
			s.mu.Lock()
			s.holdUsers = 0
			s.mu.Unlock()
			got, err := c.Shared(t.Context(), "C1")
			if err != nil || !got.Shared {
				t.Errorf("asked again: %+v, %v; want shared, the guest looked up this time", got, err)
			}
		})
	}
}

// A member's look-up that another caller started and then abandoned is
// asked again for the callers still waiting on it: its cancellation is not
// their answer, and must not read as "no stranger found".
func TestAbandonedSharedFetchIsAskedAgain(t *testing.T) {
	s := newStub()
	s.addUser("U1", "T1", "", false)
	s.addUser("U2", "T1", "", false)
	s.addUser("UGUEST", "T1", "", true)
	s.channels["C1"] = slack.Channel{}
	s.members["C1"] = []string{"U1", "U2", "UGUEST"}
	c, _ := newChecker(s, Org{TeamID: "T1"})
	if _, err := c.Person(t.Context(), "U1"); err != nil {
		t.Fatal(err)
	}
	// Someone else is looking the guest up, and will give up.
	s.entered, s.holdUsers = make(chan struct{}, 1), 1
	other, giveUp := context.WithCancel(t.Context())
	otherDone := make(chan struct{})
	go func() {
		defer close(otherDone)
		_, _ = c.Person(other, "UGUEST")
	}()
	<-s.entered
	type result struct {
		v   Verdict
		err error
	}
	judged := make(chan result)
	go func() {
		v, err := c.Shared(t.Context(), "C1")
		judged <- result{v, err}
	}()
	waitJoined(t, c.people, "UGUEST")
	giveUp()
	<-otherDone
	if r := <-judged; r.err != nil || r.v != (Verdict{Shared: true, Why: "guest"}) {
		t.Errorf("the channel was judged %+v, %v; want shared because of the guest", r.v, r.err)
	}
}

// waitJoined waits until a caller waits on the fetch of k under way.
func waitJoined[K comparable, V any](t *testing.T, c *cache[K, V], k K) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		e := c.entries[k]
		joined := e != nil && e.flight != nil && e.flight.joined > 0
		c.mu.Unlock()
		if joined {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nobody joined the fetch of %v", k)
		}
		runtime.Gosched()
	}
}

// A fetch whose entry was forgotten, then evicted and made anew, does not
// store its answer over the new fetch's: the event that forgot it (a
// member made a guest) stays in force.
func TestEvictedFetchKeepsNoAnswer(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	c := newCache[string, string](time.Minute, clk.now, 2)
	oldStarted, oldRelease, oldDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(oldDone)
		_, _ = c.get(context.Background(), "k", func(context.Context) (string, error) {
			close(oldStarted)
			<-oldRelease
			return "member (before the event)", nil
		})
	}()
	<-oldStarted
	c.forget("k")
	c.put("a", "x") // the cache fills up and evicts k's entry
	c.put("b", "y")
	newStarted, newRelease := make(chan struct{}), make(chan struct{})
	got := make(chan string)
	go func() {
		v, _ := c.get(context.Background(), "k", func(context.Context) (string, error) {
			close(newStarted)
			<-newRelease
			return "guest", nil
		})
		got <- v
	}()
	<-newStarted
	close(oldRelease)
	<-oldDone
	if v, ok := c.cached("k"); ok {
		t.Errorf("the fetch from before the event stored %q", v)
	}
	close(newRelease)
	if v := <-got; v != "guest" {
		t.Errorf("the new look-up got %q, want guest", v)
	}
	if v, _ := c.cached("k"); v != "guest" {
		t.Errorf("kept %q, want guest", v)
	}
}

// Members already known are not asked about again: a channel where only
// a newcomer is unknown costs one users.info.
func TestKnownMembersAreNotAskedAgain(t *testing.T) {
	s := newStub()
	for _, u := range []string{"U1", "U2", "U3"} {
		s.addUser(u, "T1", "", false)
	}
	s.channels["C1"] = slack.Channel{}
	s.members["C1"] = []string{"U1", "U2"}
	s.channels["C2"] = slack.Channel{}
	s.members["C2"] = []string{"U1", "U2", "U3"}
	c, _ := newChecker(s, Org{TeamID: "T1"})
	for _, ch := range []string{"C1", "C2"} {
		if got, err := c.Shared(t.Context(), ch); err != nil || got.Shared {
			t.Fatalf("%s: %+v, %v; want not shared", ch, got, err)
		}
	}
	if n := s.calls["users.info"]; n != 3 {
		t.Errorf("users.info called %d times for 3 people, want 3", n)
	}
	s.addUser("U2", "T1", "", true) // made a guest; the event forgets them
	c.ForgetUser("U2")
	c.ForgetChannel("C2")
	if got, err := c.Shared(t.Context(), "C2"); err != nil || got != (Verdict{Shared: true, Why: "guest"}) {
		t.Errorf("after U2 became a guest: %+v, %v; want shared because of the guest", got, err)
	}
}

func TestConcurrentLookupsShareOneCall(t *testing.T) {
	s := newStub()
	s.addUser("U1", "T1", "", false)
	s.channels["C1"] = slack.Channel{}
	s.members["C1"] = []string{"U1"}
	gate := make(chan struct{})
	s.entered, s.gate = make(chan struct{}, 1), gate
	c, _ := newChecker(s, Org{TeamID: "T1"})

	var wg sync.WaitGroup
	var shared atomic.Int32
	for range 16 {
		wg.Go(func() {
			if v, err := c.Shared(context.Background(), "C1"); err == nil && v.Shared {
				shared.Add(1)
			}
		})
	}
	<-s.entered
	close(gate)
	wg.Wait()
	if n := s.calls["conversations.info"]; n != 1 {
		t.Errorf("conversations.info called %d times for 16 concurrent look-ups, want 1", n)
	}
	if shared.Load() != 0 {
		t.Errorf("%d look-ups said shared", shared.Load())
	}
}

func TestChannelsOf(t *testing.T) {
	s := newStub()
	s.joined["U1"] = []string{"C1", "C2", "C3", "C4", "C5"}
	c, clk := newChecker(s, Org{TeamID: "T1"})
	got, err := c.ChannelsOf(t.Context(), "U1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || !got["C5"] {
		t.Errorf("got %v, want the 5 channels over 3 pages", got)
	}
	s.joined["U1"] = append(s.joined["U1"], "C6")
	if got, _ := c.ChannelsOf(t.Context(), "U1"); got["C6"] {
		t.Error("a cached list was read again within the TTL")
	}
	c.ForgetMembership("U1") // member_joined_channel
	if got, _ := c.ChannelsOf(t.Context(), "U1"); !got["C6"] {
		t.Error("the list was not read again after the user joined a channel")
	}
	clk.add(time.Minute)
	s.fail["users.conversations"] = errors.New("ratelimited")
	if _, err := c.ChannelsOf(t.Context(), "U1"); err == nil {
		t.Error("got no error once the TTL passed and Slack fails")
	}
}

func TestCacheStaysBounded(t *testing.T) {
	clk := &clock{t: time.Unix(0, 0)}
	c := newCache[int, int](time.Minute, clk.now, 10)
	for i := range 100 {
		if _, err := c.get(t.Context(), i, func(context.Context) (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(c.entries); n > 10 {
		t.Errorf("%d entries kept, want at most 10", n)
	}
}
