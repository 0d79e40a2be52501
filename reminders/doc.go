// Package reminders schedules the post-sale check-ins and the weekly nudge,
// and delivers them. State lives in the database; cron only wakes the
// dispatcher, which also runs once at start-up, so a reminder that came due
// while the bot was down goes out when it comes back.
//
// # Delivery guarantee
//
// A check-in's reminder is delivered at least once, with a narrow window
// for a duplicate; it is never dropped. chat.postMessage has no idempotency
// key, so exactly-once cannot be had. Each reminder goes claim → post →
// mark:
//
//   - claim: one UPDATE … RETURNING moves it from queued to sending, under
//     this dispatcher's claimant id and the time;
//   - post: in the deal channel, with message metadata
//     {"event_type":"longgame_checkin","event_payload":{"checkin_id":…,"due_at":…}};
//   - mark: sent, with the message's ts, in a write fenced on the claim, so
//     a dispatcher whose claim was taken over cannot overwrite anything.
//
// A crash after the post and before the mark leaves the reminder in
// sending; once the claim is older than the lease, the next pass (at
// start-up, or by another process) takes it over and looks for the message
// in the channel's recent history (conversations.history with
// include_all_metadata): found, it is marked sent; not found, it is sent.
// The same reconciliation runs before resending after a 5xx, a timeout or a
// dropped connection, since Slack may have posted it anyway. The remaining
// window is a post that Slack accepted but that the history lookup does not
// show (the lookup fails for good, or the message was deleted meanwhile):
// then a second message may go out. A rate limit (HTTP 429) only delays a
// reminder, by Retry-After, and never holds up other channels.
//
// A channel that is gone or archived, or that the bot was removed from,
// sends the reminder to the deal's owner by DM instead; the failure is kept
// on the check-in (delivery "failed", with the error) and listed in the
// owner's weekly nudge.
//
// # Coalescing and the daily cap
//
// When several check-ins of one deal are due at once (the bot was down, or
// a retry waited), one message goes out for the newest; it says how many
// earlier ones were missed, and those are recorded as folded into it.
//
// A deal channel gets at most one reminder message per day, the day being
// the owner's (their cached users.info time zone, else the default one).
// A reminder that falls due in a channel that already had its reminder that
// day is held to 09:00 the next day, the owner's time, where it goes out
// alone or coalesced with whatever else is then due. Holding rather than
// editing the day's message keeps one set of buttons per check-in and makes
// the hold a plain database write that cannot fail half-way in Slack.
//
// # Weekly nudge
//
// The nudge is at most once per owner and schedule slot: the (workspace,
// owner, slot) row is claimed before the DM is posted, so a restart in the
// same minute sends nothing twice; a DM that fails keeps its error there.
package reminders
