// Package render turns Block Kit JSON into the plain text a person would
// read in Slack: for the terminal of `longgame local`, and for tests that
// assert on what a user sees.
package render

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// block is the union of the Block Kit blocks Long Game sends.
type block struct {
	Type      string          `json:"type"`
	BlockID   string          `json:"block_id"`
	Text      *textObject     `json:"text"`
	Fields    []textObject    `json:"fields"`
	Elements  json.RawMessage `json:"elements"`
	Label     *textObject     `json:"label"`
	Element   *element        `json:"element"`
	Accessory *element        `json:"accessory"`
}

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type element struct {
	Type     string      `json:"type"`
	Text     *textObject `json:"text"`
	ActionID string      `json:"action_id"`
	Value    string      `json:"value"`
	Style    string      `json:"style"`
}

// Button is a button as the reader sees it, numbered in order of
// appearance across a rendering.
type Button struct {
	Label    string
	ActionID string
	BlockID  string
	Value    string
}

// Blocks renders blocks as text and lists their buttons. buttons numbers
// on from len(prior), so a caller can number across several messages.
func Blocks(raw json.RawMessage) (string, []Button) {
	var blocks []block
	if len(raw) == 0 || json.Unmarshal(raw, &blocks) != nil {
		return "", nil
	}
	var out []string
	var buttons []Button
	for _, b := range blocks {
		line, bs := renderBlock(b, len(buttons))
		buttons = append(buttons, bs...)
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n"), buttons
}

// Message is a message's blocks as text, or its text when it has none.
func Message(text string, blocks json.RawMessage) string {
	if s, _ := Blocks(blocks); s != "" {
		return s
	}
	return Mrkdwn(text)
}

func renderBlock(b block, numbered int) (string, []Button) {
	switch b.Type {
	case "header":
		return "# " + textOf(b.Text), nil
	case "section":
		var parts []string
		if b.Text != nil {
			parts = append(parts, textOf(b.Text))
		}
		for _, f := range b.Fields {
			parts = append(parts, strings.ReplaceAll(textOf(&f), "\n", ": "))
		}
		line := strings.Join(parts, "\n")
		if b.Accessory != nil && b.Accessory.Type == "button" {
			btn := toButton(*b.Accessory, b.BlockID)
			return line + fmt.Sprintf("  [%d: %s]", numbered+1, btn.Label), []Button{btn}
		}
		return line, nil
	case "context":
		var elems []textObject
		_ = json.Unmarshal(b.Elements, &elems)
		var parts []string
		for _, e := range elems {
			parts = append(parts, textOf(&e))
		}
		return "  " + strings.Join(parts, " "), nil
	case "divider":
		return "────────", nil
	case "actions":
		var elems []element
		_ = json.Unmarshal(b.Elements, &elems)
		var labels []string
		var buttons []Button
		for _, e := range elems {
			if e.Type != "button" {
				continue
			}
			btn := toButton(e, b.BlockID)
			buttons = append(buttons, btn)
			labels = append(labels, fmt.Sprintf("[%d: %s]", numbered+len(buttons), btn.Label))
		}
		return strings.Join(labels, " "), buttons
	case "input":
		return "? " + textOf(b.Label), nil
	}
	return "", nil
}

func toButton(e element, blockID string) Button {
	return Button{Label: textOf(e.Text), ActionID: e.ActionID, BlockID: blockID, Value: e.Value}
}

func textOf(t *textObject) string {
	if t == nil {
		return ""
	}
	if t.Type == "plain_text" {
		return t.Text
	}
	return Mrkdwn(t.Text)
}

var (
	userRef    = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|([^>]*))?>`)
	channelRef = regexp.MustCompile(`<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>`)
	linkRef    = regexp.MustCompile(`<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>`)
	special    = regexp.MustCompile(`<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>`)
)

// Mrkdwn reads Slack's mrkdwn as plain text: mentions become @id, links
// their label, entities their characters; emphasis marks stay, as a
// terminal shows them.
func Mrkdwn(s string) string {
	s = userRef.ReplaceAllString(s, "@$1")
	s = channelRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := channelRef.FindStringSubmatch(m)
		if sub[2] != "" {
			return "#" + sub[2]
		}
		return "#" + sub[1]
	})
	s = linkRef.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkRef.FindStringSubmatch(m)
		if sub[2] != "" {
			return sub[2] + " (" + sub[1] + ")"
		}
		return sub[1]
	})
	s = special.ReplaceAllString(s, "@$1")
	return unescape.Replace(s)
}

// unescape undoes the only three entities Slack uses.
var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
