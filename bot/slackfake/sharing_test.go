package slackfake

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// addPartners adds a Slack Connect partner team T2 with user U12, and a
// team T3 of the Enterprise Grid org E1 with user W13.
func addPartners(f *Server) {
	f.AddTeam(Team{ID: "T2", Name: "Partner", Domain: "partner"})
	f.AddTeam(Team{ID: "T3", Name: "Grid East", Domain: "east", EnterpriseID: "E1", EnterpriseName: "Grid Org"})
	f.AddUser(User{ID: "U12", Name: "pat", RealName: "Pat Partner", TeamID: "T2"})
	f.AddUser(User{ID: "W13", Name: "eve", RealName: "Eve East", TeamID: "T3"})
}

// deliverEvent sends ev and returns the events_api callback the client
// parsed; an envelope slack-go could not parse fails the test.
func (h *harness) deliverEvent(ctx context.Context, ev Event) slackevents.EventsAPIEvent {
	h.t.Helper()
	if _, err := h.fake.Event(ctx, ev); err != nil {
		h.t.Fatal(err)
	}
	evt := h.waitEvent(ctx, func(e socketmode.Event) bool {
		return e.Type == socketmode.EventTypeEventsAPI || e.Type == socketmode.EventTypeErrorBadMessage
	})
	if evt.Type == socketmode.EventTypeErrorBadMessage {
		h.t.Fatalf("slack-go could not parse the envelope: %+v", evt.Data)
	}
	return evt.Data.(slackevents.EventsAPIEvent)
}

func TestSharingEvents(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	addPartners(h.fake)
	h.fake.AddChannel(Channel{ID: "G1", Name: "inner", IsPrivate: true, IsMember: true})
	if err := h.fake.SetSharedFlags("C1", SharedFlags{IsPendingExtShared: true}); err != nil {
		t.Fatal(err)
	}
	flags := func(id string) SharedFlags {
		c, _ := h.fake.Channel(id)
		return SharedFlags{c.IsShared, c.IsExtShared, c.IsOrgShared, c.IsPendingExtShared}
	}
	for _, tc := range []struct {
		name     string
		build    func() (Event, error)
		ext      bool // the envelope's is_ext_shared_channel
		want     any  // the inner event slack-go parsed
		ignore   []string
		check    func(t *testing.T, inner any)
		channel  string
		flags    SharedFlags
		connects []string
	}{
		{
			name:    "channel_shared",
			build:   func() (Event, error) { return h.fake.NewChannelShared("C2", "T2") },
			ext:     true,
			want:    &slackevents.ChannelSharedEvent{Type: "channel_shared", ConnectedTeamID: "T2", Channel: "C2"},
			channel: "C2", flags: SharedFlags{IsShared: true, IsExtShared: true}, connects: []string{"T2"},
		},
		{
			name:  "channel_unshared",
			build: func() (Event, error) { return h.fake.NewChannelUnshared("C2", "T2") },
			want: &slackevents.ChannelUnsharedEvent{Type: "channel_unshared", PreviouslyConnectedTeamID: "T2",
				Channel: "C2", IsExtShared: false},
			channel: "C2", flags: SharedFlags{},
		},
		{
			name:  "shared_channel_invite_accepted",
			build: func() (Event, error) { return h.fake.NewSharedChannelInviteAccepted("C1", "U12") },
			ext:   true,
			check: func(t *testing.T, inner any) {
				ev := inner.(*slackevents.SharedChannelInviteAcceptedEvent)
				var teams []string
				for _, tm := range ev.TeamsInChannel {
					teams = append(teams, tm.ID)
				}
				got := []any{ev.Type, ev.Channel.ID, ev.Channel.Name, ev.Channel.IsPrivate, teams,
					ev.AcceptingUser.ID, ev.AcceptingUser.TeamID, ev.AcceptingUser.Profile.RealName,
					ev.Invite.InvitingTeam.ID, ev.Invite.RecipientUserID}
				want := []any{"shared_channel_invite_accepted", "C1", "deals", false, []string{"T0FAKE", "T2"},
					"U12", "T2", "Pat Partner", "T0FAKE", "U12"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("event (-want +got):\n%s", diff)
				}
			},
			channel: "C1", flags: SharedFlags{IsShared: true, IsExtShared: true}, connects: []string{"T2"},
		},
		{
			name:  "member_joined_channel from another org",
			build: func() (Event, error) { return h.fake.NewMemberJoinedChannel("C1", "U12", "U1") },
			ext:   true,
			want: &slackevents.MemberJoinedChannelEvent{Type: "member_joined_channel", User: "U12", Channel: "C1",
				ChannelType: "C", Team: "T2", Inviter: "U1"},
			ignore:  []string{"EventTimestamp"},
			channel: "C1", flags: SharedFlags{IsShared: true, IsExtShared: true}, connects: []string{"T2"},
		},
		{
			name:  "member_joined_channel private",
			build: func() (Event, error) { return h.fake.NewMemberJoinedChannel("G1", "U2", "") },
			want: &slackevents.MemberJoinedChannelEvent{Type: "member_joined_channel", User: "U2", Channel: "G1",
				ChannelType: "G", Team: "T0FAKE"},
			ignore:  []string{"EventTimestamp"},
			channel: "G1",
		},
		{
			name: "user_change",
			build: func() (Event, error) {
				h.fake.AddUser(User{ID: "U2", Name: "bob", RealName: "Bob Baker", IsRestricted: true})
				return h.fake.NewUserChange("U2")
			},
			check: func(t *testing.T, inner any) {
				ev := inner.(*slackevents.UserChangeEvent)
				got := []any{ev.Type, ev.User.ID, ev.User.TeamID, ev.User.IsRestricted, ev.User.IsUltraRestricted,
					ev.User.Profile.RealName, ev.User.TZ}
				want := []any{"user_change", "U2", "T0FAKE", true, false, "Bob Baker", "America/Los_Angeles"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("event (-want +got):\n%s", diff)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			api := h.deliverEvent(ctx, ev)
			cb := api.Data.(*slackevents.EventsAPICallbackEvent)
			if cb.IsExtSharedChannel != tc.ext || cb.EventID != ev.EventID {
				t.Errorf("envelope is_ext_shared_channel %v event_id %q, want %v %q", cb.IsExtSharedChannel, cb.EventID, tc.ext, ev.EventID)
			}
			inner := api.InnerEvent.Data
			if tc.want != nil {
				opts := cmp.Options{ignoreFieldsNamed(append(tc.ignore, "EventTs", "EventTimestamp")...)}
				if diff := cmp.Diff(tc.want, inner, opts); diff != "" {
					t.Errorf("inner event (-want +got):\n%s", diff)
				}
			}
			if tc.check != nil {
				tc.check(t, inner)
			}
			if tc.channel == "" {
				return
			}
			if got := flags(tc.channel); got != tc.flags {
				t.Errorf("%s flags = %+v, want %+v", tc.channel, got, tc.flags)
			}
			if c, _ := h.fake.Channel(tc.channel); !cmp.Equal(tc.connects, c.ConnectedTeamIDs, cmpopts.EquateEmpty()) {
				t.Errorf("%s connected teams = %v, want %v", tc.channel, c.ConnectedTeamIDs, tc.connects)
			}
		})
	}
	if m := h.fake.Members("C1"); !slices.Contains(m, "U12") {
		t.Errorf("C1 members = %v, want U12 after member_joined_channel", m)
	}
	if m := h.fake.Members("G1"); !slices.Contains(m, "U2") {
		t.Errorf("G1 members = %v, want U2 after member_joined_channel", m)
	}
	ch, err := h.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"})
	if err != nil || !cmp.Equal(ch.ConnectedTeamIDs, []string{"T2"}) || !cmp.Equal(ch.SharedTeamIDs, []string{"T0FAKE", "T2"}) {
		t.Errorf("conversations.info connected %v shared %v (%v)", ch.ConnectedTeamIDs, ch.SharedTeamIDs, err)
	}
}

func TestSharingEventErrors(t *testing.T) {
	fake, _ := newAPI(t, Options{})
	dm := fake.DM("U1")
	for name, build := range map[string]func() (Event, error){
		"shared unknown channel":   func() (Event, error) { return fake.NewChannelShared("C404", "T2") },
		"unshared unknown channel": func() (Event, error) { return fake.NewChannelUnshared("C404", "T2") },
		"accepted unknown channel": func() (Event, error) { return fake.NewSharedChannelInviteAccepted("C404", "U1") },
		"accepted unknown user":    func() (Event, error) { return fake.NewSharedChannelInviteAccepted("C1", "U404") },
		"joined unknown channel":   func() (Event, error) { return fake.NewMemberJoinedChannel("C404", "U1", "") },
		"joined unknown user":      func() (Event, error) { return fake.NewMemberJoinedChannel("C1", "U404", "") },
		"joined a DM":              func() (Event, error) { return fake.NewMemberJoinedChannel(dm, "U2", "") },
		"change unknown user":      func() (Event, error) { return fake.NewUserChange("U404") },
	} {
		if _, err := build(); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestUnsharedStaysSharedWhileConnected(t *testing.T) {
	fake, _ := newAPI(t, Options{})
	for _, team := range []string{"T2", "T5"} {
		if _, err := fake.NewChannelShared("C1", team); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fake.NewChannelUnshared("C1", "T2"); err != nil {
		t.Fatal(err)
	}
	if c, _ := fake.Channel("C1"); !c.IsShared || !c.IsExtShared || !cmp.Equal(c.ConnectedTeamIDs, []string{"T5"}) {
		t.Errorf("after unsharing one of two teams: %+v", c)
	}
	if err := fake.SetSharedFlags("C1", SharedFlags{IsShared: true, IsExtShared: true, IsOrgShared: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.NewChannelUnshared("C1", "T5"); err != nil {
		t.Fatal(err)
	}
	if c, _ := fake.Channel("C1"); !c.IsShared || c.IsExtShared || !c.IsOrgShared {
		t.Errorf("org-shared channel after its last partner left: %+v", c)
	}
}

func TestAppMentionTeams(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	addPartners(h.fake)
	for _, tc := range []struct {
		channel, user, team, userTeam string
		ext                           bool
	}{
		{"C4", "U12", "T2", "T2", true},
		{"C1", "U1", "T0FAKE", "", false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			ev, err := h.fake.NewAppMention(tc.channel, tc.user, "<@U0BOT> deals", "")
			if err != nil {
				t.Fatal(err)
			}
			api := h.deliverEvent(ctx, ev)
			m := api.InnerEvent.Data.(*slackevents.AppMentionEvent)
			cb := api.Data.(*slackevents.EventsAPICallbackEvent)
			got := []any{m.User, m.UserTeam, m.SourceTeam, cb.IsExtSharedChannel}
			if diff := cmp.Diff([]any{tc.user, tc.userTeam, tc.userTeam, tc.ext}, got); diff != "" {
				t.Errorf("user, user_team, source_team, is_ext_shared_channel (-want +got):\n%s", diff)
			}
			if !slices.Contains(h.fake.Members(tc.channel), tc.user) {
				t.Errorf("%s is not a member of %s after mentioning the app there", tc.user, tc.channel)
			}
		})
	}
}

func TestActorsEnterprise(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	addPartners(h.fake)
	_, ts, err := h.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Acme", false), slack.MsgOptionBlocks(buttonBlocks()...))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user, team, ent, entName string
	}{
		{"W13", "T3", "E1", "Grid Org"},
		{"U12", "T2", "", ""},
		{"U1", "T0FAKE", "", ""},
	} {
		t.Run(tc.user, func(t *testing.T) {
			if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C2", UserID: tc.user, Command: "/deal"}); err != nil {
				t.Fatal(err)
			}
			cmd := h.waitEvent(ctx, ofType(socketmode.EventTypeSlashCommand)).Data.(slack.SlashCommand)
			if got := []string{cmd.TeamID, cmd.EnterpriseID, cmd.EnterpriseName}; !cmp.Equal(got, []string{tc.team, tc.ent, tc.entName}) {
				t.Errorf("slash command team, enterprise = %v", got)
			}
			if !slices.Contains(h.fake.Members("C2"), tc.user) {
				t.Errorf("%s is not a member of C2 after a slash command there", tc.user)
			}

			if _, err := h.fake.BlockAction(ctx, BlockAction{UserID: tc.user, ChannelID: "C1", MessageTS: ts, ActionID: "approve"}); err != nil {
				t.Fatal(err)
			}
			cb := h.waitEvent(ctx, ofType(socketmode.EventTypeInteractive)).Data.(slack.InteractionCallback)
			got := []string{cb.User.TeamID, cb.Team.ID, cb.Team.EnterpriseID, cb.Team.EnterpriseName, cb.Enterprise.ID, cb.Enterprise.Name}
			if diff := cmp.Diff([]string{tc.team, tc.team, tc.ent, tc.entName, tc.ent, tc.entName}, got); diff != "" {
				t.Errorf("block action user team, team, enterprise (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOwnTeamInEnterprise(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.opts.EnterpriseID, c.opts.EnterpriseName = "E7", "Own Grid" })
	ctx := testCtx(t)
	res, err := h.api.AuthTestContext(ctx)
	if err != nil || res.EnterpriseID != "E7" {
		t.Errorf("auth.test enterprise_id %q, %v", res.EnterpriseID, err)
	}
	u, err := h.api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Enterprise.EnterpriseID != "E7" || u.Enterprise.EnterpriseName != "Own Grid" {
		t.Errorf("users.info enterprise_user = %+v, %v", u.Enterprise, err)
	}
	if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"}); err != nil {
		t.Fatal(err)
	}
	cmd := h.waitEvent(ctx, ofType(socketmode.EventTypeSlashCommand)).Data.(slack.SlashCommand)
	if cmd.EnterpriseID != "E7" || cmd.EnterpriseName != "Own Grid" {
		t.Errorf("slash command enterprise %q %q", cmd.EnterpriseID, cmd.EnterpriseName)
	}
	api := h.deliverEvent(ctx, h.fake.NewAppHomeOpened("U1"))
	if cb := api.Data.(*slackevents.EventsAPICallbackEvent); cb.EnterpriseID != "E7" || cb.Authorizations[0].EnterpriseID != "E7" {
		t.Errorf("event enterprise_id %q, authorizations %+v", cb.EnterpriseID, cb.Authorizations)
	}
}

// ignoreFieldsNamed ignores struct fields with these names, in any type.
func ignoreFieldsNamed(names ...string) cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		return ok && slices.Contains(names, sf.Name())
	}, cmp.Ignore())
}
