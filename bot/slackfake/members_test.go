package slackfake

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestUsersInfoGuestsAndOrganisations(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	fake.AddTeam(Team{ID: "T2", Name: "Partner", Domain: "partner"})
	fake.AddTeam(Team{ID: "T3", Name: "Grid East", Domain: "east", EnterpriseID: "E1", EnterpriseName: "Grid Org"})
	for _, u := range []User{
		{ID: "U10", Name: "guest", IsRestricted: true},
		{ID: "U11", Name: "single", IsUltraRestricted: true},
		{ID: "U12", Name: "partner", TeamID: "T2"},
		{ID: "W13", Name: "east", TeamID: "T3"},
		{ID: "W14", Name: "own", EnterpriseID: "E9"},
		{ID: "U15", Name: "gone", Deleted: true},
	} {
		fake.AddUser(u)
	}
	type view struct {
		TeamID                               string
		Restricted, UltraRestricted, Deleted bool
		EntUserID, EntID, EntName            string
		EntTeams                             []string
	}
	for _, tc := range []struct {
		user string
		want view
	}{
		{"U1", view{TeamID: "T0FAKE"}},
		{"U10", view{TeamID: "T0FAKE", Restricted: true}},
		{"U11", view{TeamID: "T0FAKE", Restricted: true, UltraRestricted: true}},
		{"U12", view{TeamID: "T2"}},
		{"W13", view{TeamID: "T3", EntUserID: "W13", EntID: "E1", EntName: "Grid Org", EntTeams: []string{"T3"}}},
		{"W14", view{TeamID: "T0FAKE", EntUserID: "W14", EntID: "E9", EntTeams: []string{"T0FAKE"}}},
		{"U15", view{TeamID: "T0FAKE", Deleted: true}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			u, err := api.GetUserInfoContext(ctx, tc.user)
			if err != nil {
				t.Fatal(err)
			}
			got := view{u.TeamID, u.IsRestricted, u.IsUltraRestricted, u.Deleted,
				u.Enterprise.ID, u.Enterprise.EnterpriseID, u.Enterprise.EnterpriseName, u.Enterprise.Teams}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("users.info (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthTestEnterprise(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"standalone", Options{}, ""},
		{"grid", Options{EnterpriseID: "E1", EnterpriseName: "Grid Org"}, "E1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, api := newAPI(t, tc.opts)
			res, err := api.AuthTestContext(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if res.EnterpriseID != tc.want || res.TeamID != "T0FAKE" {
				t.Errorf("auth.test enterprise_id %q team %q, want %q T0FAKE", res.EnterpriseID, res.TeamID, tc.want)
			}
		})
	}
}

func TestConversationsInfoSharing(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	fake.AddChannel(Channel{ID: "G1", Name: "secret", IsPrivate: true})
	fake.AddChannel(Channel{ID: "G2", Name: "inner", IsPrivate: true, IsMember: true})
	for _, tc := range []struct {
		name  string
		set   func() error
		flags SharedFlags
	}{
		{"none", func() error { return fake.SetSharedFlags("C1", SharedFlags{}) }, SharedFlags{}},
		{"org shared", func() error {
			return fake.SetSharedFlags("C1", SharedFlags{IsShared: true, IsOrgShared: true})
		}, SharedFlags{IsShared: true, IsOrgShared: true}},
		{"pending", func() error {
			return fake.SetSharedFlags("C1", SharedFlags{IsPendingExtShared: true})
		}, SharedFlags{IsPendingExtShared: true}},
		// SetShared leaves the other flags as they were.
		{"SetShared", func() error { return fake.SetShared("C1", true, true) },
			SharedFlags{IsShared: true, IsExtShared: true, IsPendingExtShared: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.set(); err != nil {
				t.Fatal(err)
			}
			ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"})
			if err != nil {
				t.Fatal(err)
			}
			got := SharedFlags{ch.IsShared, ch.IsExtShared, ch.IsOrgShared, ch.IsPendingExtShared}
			if got != tc.flags {
				t.Errorf("flags = %+v, want %+v", got, tc.flags)
			}
		})
	}
	if err := fake.SetSharedFlags("C404", SharedFlags{}); err == nil {
		t.Error("SetSharedFlags on an unknown channel: want an error")
	}
	// A private channel the bot is not in does not exist for its token.
	if _, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "G1"}); !isSlackError(err, "channel_not_found") {
		t.Errorf("private channel without the bot: %v, want channel_not_found", err)
	}
	if ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "G2"}); err != nil || !ch.IsPrivate {
		t.Errorf("private channel with the bot: %+v, %v", ch, err)
	}
}

func TestMembership(t *testing.T) {
	fake, _ := newAPI(t, Options{})
	fake.AddUser(User{ID: "U3", Name: "carol"})
	// The bot's membership follows IsMember, whatever Members says.
	fake.AddChannel(Channel{ID: "C5", Name: "five", Members: []string{"U1", "U0BOT", "U1"}})
	fake.AddChannel(Channel{ID: "C6", Name: "six", IsMember: true, Members: []string{"U2"}})
	check := func(channel string, want ...string) {
		t.Helper()
		if diff := cmp.Diff(want, fake.Members(channel)); diff != "" {
			t.Errorf("Members(%s) (-want +got):\n%s", channel, diff)
		}
		ch, _ := fake.Channel(channel)
		if ch.IsMember != slices.Contains(want, "U0BOT") {
			t.Errorf("%s: IsMember %v with members %v", channel, ch.IsMember, want)
		}
	}
	check("C5", "U1")
	check("C6", "U2", "U0BOT")
	check("C1", "U0BOT")

	mustOK := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustOK(fake.AddMember("C5", "U2"))
	mustOK(fake.AddMember("C5", "U2"))
	mustOK(fake.AddMember("C5", "U0BOT"))
	check("C5", "U1", "U2", "U0BOT")
	mustOK(fake.RemoveMember("C5", "U1"))
	mustOK(fake.RemoveMember("C5", "U1"))
	mustOK(fake.SetMember("C5", false))
	check("C5", "U2")
	mustOK(fake.SetMember("C5", true))
	mustOK(fake.RemoveMember("C5", "U0BOT"))
	check("C5", "U2")

	// Typing in a channel joins it.
	if _, err := fake.PostUserMessage("C5", "U3", "hello", ""); err != nil {
		t.Fatal(err)
	}
	check("C5", "U2", "U3")

	// A returned Channel is a copy.
	ch, _ := fake.Channel("C5")
	ch.Members[0] = "U999"
	check("C5", "U2", "U3")

	// DMs hold their user and the bot, and take no one else.
	dm := fake.DM("U1")
	check(dm, "U1", "U0BOT")
	for _, tc := range []struct{ channel, user string }{
		{"C404", "U1"}, {"C5", "U404"}, {dm, "U2"},
	} {
		if err := fake.AddMember(tc.channel, tc.user); err == nil {
			t.Errorf("AddMember(%s, %s): want an error", tc.channel, tc.user)
		}
		if err := fake.RemoveMember(tc.channel, tc.user); err == nil {
			t.Errorf("RemoveMember(%s, %s): want an error", tc.channel, tc.user)
		}
	}
	if got := fake.Members("C404"); got != nil {
		t.Errorf("Members of an unknown channel = %v", got)
	}
}

func TestGroupDMMembers(t *testing.T) {
	fake, api := newAPI(t, Options{Scopes: append(slices.Clone(DefaultScopes), "mpim:write")})
	ctx := testCtx(t)
	open := func(users ...string) string {
		t.Helper()
		ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: users})
		if err != nil {
			t.Fatal(err)
		}
		return ch.ID
	}
	id := open("U2", "U1")
	if diff := cmp.Diff([]string{"U0BOT", "U1", "U2"}, sorted(fake.Members(id))); diff != "" {
		t.Errorf("group DM members (-want +got):\n%s", diff)
	}
	if again := open("U1", "U2"); again != id {
		t.Errorf("reopened group DM %s, want %s", again, id)
	}
	members, next, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: id})
	if err != nil || next != "" || len(members) != 3 {
		t.Errorf("conversations.members of the group DM = %v %q %v", members, next, err)
	}
}

func TestConversationsMembersPaging(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	want := []string{"U0BOT"}
	for i := range 250 {
		id := fmt.Sprintf("U%04d", i)
		fake.AddUser(User{ID: id, Name: "user" + id})
		if err := fake.AddMember("C1", id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	var got []string
	var sizes []int
	cursor := ""
	for {
		page, next, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{
			ChannelID: "C1", Limit: 100, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got, sizes = append(got, page...), append(sizes, len(page))
		if next == "" {
			break
		}
		cursor = next
	}
	if diff := cmp.Diff([]int{100, 100, 51}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	all, next, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C1"})
	if err != nil || len(all) != 100 || next == "" {
		t.Errorf("default limit: %d members, next %q, %v; want 100 and a cursor", len(all), next, err)
	}
	all, next, _ = api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C1", Limit: 5000})
	if len(all) != 251 || next != "" {
		t.Errorf("limit over 1000: %d members, next %q; want all", len(all), next)
	}
}

func TestConversationsMembersErrors(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	fake.AddChannel(Channel{ID: "G1", Name: "secret", IsPrivate: true, Members: []string{"U1"}})
	fake.AddChannel(Channel{ID: "G2", Name: "inner", IsPrivate: true, IsMember: true, Members: []string{"U1"}})
	fake.AddChannel(Channel{ID: "G3", Name: "mpdm-alice--bob-1", IsMpIM: true, IsPrivate: true, Members: []string{"U1", "U2"}})
	for _, tc := range []struct {
		name, channel, cursor string
		scopes                []string
		want                  string
	}{
		{"unknown", "C404", "", nil, "channel_not_found"},
		{"private without the bot", "G1", "", nil, "channel_not_found"},
		{"group DM without the bot", "G3", "", nil, "channel_not_found"},
		{"bad cursor", "C1", "bm9wZQ==", nil, "invalid_cursor"},
		{"garbage cursor", "C1", "%%%", nil, "invalid_cursor"},
		{"public without channels:read", "C1", "", []string{"groups:read"}, "missing_scope"},
		{"private without groups:read", "G2", "", []string{"channels:read"}, "missing_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.scopes != nil {
				fake.SetScopes(tc.scopes...)
				defer fake.SetScopes(DefaultScopes...)
			}
			_, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: tc.channel, Cursor: tc.cursor})
			if !isSlackError(err, tc.want) {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
		})
	}
	members, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "G2"})
	if diff := cmp.Diff([]string{"U1", "U0BOT"}, members); err != nil || diff != "" {
		t.Errorf("private channel with the bot: %v (-want +got):\n%s", err, diff)
	}
}

func TestUsersConversations(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	// U1 is in C1 (with the bot), C2 (without), archived C3, a private
	// channel with the bot and one without, and a group DM with the bot.
	for _, c := range []string{"C1", "C2", "C3"} {
		if err := fake.AddMember(c, "U1"); err != nil {
			t.Fatal(err)
		}
	}
	fake.AddChannel(Channel{ID: "G1", Name: "secret", IsPrivate: true, Members: []string{"U1"}})
	fake.AddChannel(Channel{ID: "G2", Name: "inner", IsPrivate: true, IsMember: true, Members: []string{"U1"}})
	fake.AddChannel(Channel{ID: "G3", Name: "mpdm-alice--bob-1", IsMpIM: true, IsPrivate: true, IsMember: true, Members: []string{"U1", "U2"}})
	dm := fake.DM("U1")

	list := func(p slack.GetConversationsForUserParameters) ([]string, error) {
		chans, _, err := api.GetConversationsForUserContext(ctx, &p)
		var ids []string
		for _, c := range chans {
			ids = append(ids, c.ID)
		}
		return ids, err
	}
	for _, tc := range []struct {
		name string
		p    slack.GetConversationsForUserParameters
		want []string
	}{
		{"default types", slack.GetConversationsForUserParameters{UserID: "U1"}, []string{"C1", "C2", "C3"}},
		{"exclude archived", slack.GetConversationsForUserParameters{UserID: "U1", ExcludeArchived: true}, []string{"C1", "C2"}},
		{"private", slack.GetConversationsForUserParameters{UserID: "U1", Types: []string{"private_channel"}}, []string{"G2"}},
		{"all types", slack.GetConversationsForUserParameters{UserID: "U1",
			Types: []string{"public_channel", "private_channel", "mpim", "im"}}, []string{"C1", "C2", "C3", "G2", "G3", dm}},
		{"the bot by default", slack.GetConversationsForUserParameters{Types: []string{"public_channel", "im"}},
			[]string{"C1", "C3", "C4", dm}},
		{"U2", slack.GetConversationsForUserParameters{UserID: "U2", Types: []string{"mpim"}}, []string{"G3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := list(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("channels (-want +got):\n%s", diff)
			}
		})
	}

	for _, tc := range []struct {
		name   string
		p      slack.GetConversationsForUserParameters
		scopes []string
		want   string
	}{
		{"unknown user", slack.GetConversationsForUserParameters{UserID: "U404"}, nil, "user_not_found"},
		{"unknown type", slack.GetConversationsForUserParameters{UserID: "U1", Types: []string{"public_channel", "dm"}}, nil, "invalid_types"},
		{"mpim without mpim:read", slack.GetConversationsForUserParameters{UserID: "U1", Types: []string{"mpim"}},
			[]string{"channels:read", "groups:read", "im:read"}, "missing_scope"},
		{"public without channels:read", slack.GetConversationsForUserParameters{UserID: "U1"}, []string{"groups:read"}, "missing_scope"},
		{"bad cursor", slack.GetConversationsForUserParameters{UserID: "U1", Cursor: "bm9wZQ=="}, nil, "invalid_cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.scopes != nil {
				fake.SetScopes(tc.scopes...)
				defer fake.SetScopes(DefaultScopes...)
			}
			if _, err := list(tc.p); !isSlackError(err, tc.want) {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestUsersConversationsPagingAndShape(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	var want []string
	for i := range 230 {
		id := fmt.Sprintf("C9%04d", i)
		fake.AddChannel(Channel{ID: id, Name: fmt.Sprintf("deal-%d", i), IsMember: i%2 == 0, Members: []string{"U2"}})
		want = append(want, id)
	}
	if err := fake.SetSharedFlags("C90007", SharedFlags{IsShared: true, IsExtShared: true}); err != nil {
		t.Fatal(err)
	}
	var got []string
	var sizes []int
	var shared *slack.Channel
	cursor := ""
	for {
		chans, next, err := api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{
			UserID: "U2", Limit: 100, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(chans))
		for i, c := range chans {
			got = append(got, c.ID)
			if c.ID == "C90007" {
				shared = &chans[i]
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if diff := cmp.Diff([]int{100, 100, 30}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}
	// Objects are those conversations.info shows.
	info, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C90007"})
	if err != nil {
		t.Fatal(err)
	}
	if shared == nil || !shared.IsExtShared || shared.Name != "deal-7" || shared.IsMember ||
		!cmp.Equal(*info, *shared) {
		t.Errorf("users.conversations object %+v, conversations.info %+v", shared, info)
	}
}
