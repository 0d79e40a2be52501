package main

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// race runs the same command from n users at once and returns the answers.
func (h *e2e) race(channel, line string, users ...string) []answer {
	h.t.Helper()
	answers := make([]answer, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = h.cmd(u, channel, line)
		}()
	}
	wg.Wait()
	return answers
}

func winners(answers []answer) (won int, lost []answer) {
	for _, a := range answers {
		if a.ephemeral {
			lost = append(lost, a)
		} else {
			won++
		}
	}
	return won, lost
}

func TestRacesOnOneDealHaveOneWinner(t *testing.T) {
	h := newE2E(t)
	users := []string{"U1", "U2", "U9", "U1", "U2", "U9"}

	won, lost := winners(h.race("C1", "/deal open Acme", users...))
	if won != 1 {
		t.Fatalf("%d /deal open won in one channel, want exactly 1", won)
	}
	for _, a := range lost {
		a.expect(t, "losing /deal open", "already the home of the deal Acme")
	}
	if n := h.rows()["deals"]; n != 1 {
		t.Errorf("%d deals, want 1", n)
	}

	h.inChannel("U1", "C1", "/risk flag data migration may slip")
	won, lost = winners(h.race("C1", "/risk resolve 1", users...))
	if won != 1 {
		t.Errorf("%d /risk resolve 1 won, want exactly 1", won)
	}
	for _, a := range lost {
		a.expect(t, "losing /risk resolve", "Risk #1 is already resolved")
	}

	h.inChannel("U1", "C1", "/deal close won")
	won, lost = winners(h.race("C1", "/deal reopen", users...))
	if won != 1 {
		t.Errorf("%d /deal reopen won, want exactly 1", won)
	}
	for _, a := range lost {
		a.expect(t, "losing /deal reopen", "already open")
	}
}

// Many users in many channels at once: every command is answered and
// recorded, and numbering per deal has no gap and no repeat.
func TestManyUsersInManyChannelsAtOnce(t *testing.T) {
	h := newE2E(t)
	const channels, perChannel = 8, 25
	for c := range channels {
		id := fmt.Sprintf("CP%02d", c)
		h.fake.AddChannel(slackfake.Channel{ID: id, Name: id, IsMember: true})
		h.inChannel("U1", id, "/deal open Deal "+id)
	}
	var wg sync.WaitGroup
	answers := make(chan answer, channels*perChannel)
	for c := range channels {
		for i := range perChannel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := []string{"U1", "U2", "U9"}[i%3]
				answers <- h.cmd(user, fmt.Sprintf("CP%02d", c), fmt.Sprintf("/risk flag risk %d of channel %d", i, c))
			}()
		}
	}
	wg.Wait()
	close(answers)
	for a := range answers {
		if a.ephemeral {
			t.Errorf("a concurrent /risk flag got %q", a.text)
		}
	}
	// On a busy machine a command may answer after its ack, through the
	// response_url: wait for every answer, then check each channel heard
	// of each number once.
	flagged := regexp.MustCompile(`flagged risk #(\d+)`)
	numbers := func(channel string) map[string]int {
		seen := map[string]int{}
		for _, r := range h.fake.Replies() {
			if (r.Kind == slackfake.KindPostMessage && r.Channel == channel) || r.Kind == slackfake.KindResponseURL && r.Channel == channel {
				if m := flagged.FindStringSubmatch(render.Message(r.Text, r.Blocks)); m != nil {
					seen[m[1]]++
				}
			}
		}
		return seen
	}
	waitFor(t, "every /risk flag answered and recorded", func() bool {
		if h.rows()["risks"] != channels*perChannel {
			return false
		}
		for c := range channels {
			if len(numbers(fmt.Sprintf("CP%02d", c))) != perChannel {
				return false
			}
		}
		return true
	})
	for c := range channels {
		for n, times := range numbers(fmt.Sprintf("CP%02d", c)) {
			if times != 1 {
				t.Errorf("channel %d: risk #%s announced %d times", c, n, times)
			}
		}
	}
	for c := range channels {
		a := h.private("U1", fmt.Sprintf("CP%02d", c), "/risk list", fmt.Sprintf("Open risks of Deal CP%02d: %d", c, perChannel))
		for n := 1; n <= perChannel; n++ {
			if !strings.Contains(strings.ReplaceAll(a.text, "*", ""), fmt.Sprintf("#%d ", n)) {
				t.Errorf("channel %d: risk #%d missing from:\n%s", c, n, a.text)
			}
		}
	}
}
