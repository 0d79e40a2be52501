package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Block Kit limits Slack enforces; a violation fails the whole call.
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxSectionFields = 10
	maxFieldText     = 2000
	maxHeaderText    = 150
	maxButtonText    = 75
	maxIDLen         = 255
	maxActions       = 25
	maxContext       = 10
	maxViewTitle     = 24
	maxPrivateMeta   = 3000
	maxInputLength   = 3000
	maxOptions       = 100
	maxOptionText    = 75
	maxOptionValue   = 150
	maxButtonValue   = 2000
	maxLabelText     = 2000
	maxMessageText   = 40000
)

var knownBlocks = []string{"actions", "call", "context", "divider", "file", "header", "image",
	"input", "markdown", "rich_text", "section", "table", "video"}

// problems collects violations worded as Slack words them in
// response_metadata.messages.
type problems []string

func (ps *problems) add(ptr, format string, args ...any) {
	*ps = append(*ps, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr))
}

// checkBlocks validates a blocks array of at most limit blocks; ptr is its
// JSON pointer ("/blocks", "/view/blocks"). A nil error means well-formed
// JSON; problems lists rule violations.
func checkBlocks(raw json.RawMessage, limit int, ptr string) (problems, error) {
	var blocks []map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &blocks); err != nil {
			return nil, err
		}
	}
	return checkBlockList(blocks, limit, ptr), nil
}

// checkBlockList is checkBlocks on blocks already parsed.
func checkBlockList(blocks []map[string]any, limit int, ptr string) problems {
	var ps problems
	if len(blocks) > limit {
		ps.add(ptr, "no more than %d items allowed", limit)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		p := fmt.Sprintf("%s/%d", ptr, i)
		if id, ok := b["block_id"].(string); ok {
			if utf8.RuneCountInString(id) > maxIDLen {
				ps.add(p+"/block_id", "must be less than %d characters", maxIDLen+1)
			}
			if ids[id] {
				ps.add(p+"/block_id", "duplicate block_id %q", id)
			}
			ids[id] = true
		}
		ps.checkBlock(p, b)
	}
	return ps
}

func (ps *problems) checkBlock(p string, b map[string]any) {
	typ, _ := b["type"].(string)
	switch typ {
	case "section":
		ps.checkSection(p, b)
	case "header":
		ps.checkText(p+"/text", b["text"], 1, maxHeaderText, true)
	case "actions":
		ps.checkElements(p+"/elements", b["elements"], maxActions)
	case "context":
		els, _ := b["elements"].([]any)
		if len(els) == 0 || len(els) > maxContext {
			ps.add(p+"/elements", "must have between 1 and %d items", maxContext)
		}
	case "input":
		ps.checkText(p+"/label", b["label"], 1, maxLabelText, true)
		el, ok := b["element"].(map[string]any)
		if !ok {
			ps.add(p, "missing required field: element")
			return
		}
		ps.checkElement(p+"/element", el)
	case "image":
		if b["image_url"] == nil && b["slack_file"] == nil {
			ps.add(p, "missing required field: image_url")
		}
		if s, _ := b["alt_text"].(string); s == "" {
			ps.add(p, "missing required field: alt_text")
		}
	case "":
		ps.add(p, "missing required field: type")
	default:
		if !slices.Contains(knownBlocks, typ) {
			ps.add(p+"/type", "unsupported type: %s", typ)
		}
	}
}

func (ps *problems) checkSection(p string, b map[string]any) {
	text, fields := b["text"], b["fields"]
	if text == nil && fields == nil {
		ps.add(p, "must provide either text or fields")
	}
	if text != nil {
		ps.checkText(p+"/text", text, 1, maxSectionText, false)
	}
	if fields != nil {
		fs, _ := fields.([]any)
		if len(fs) > maxSectionFields {
			ps.add(p+"/fields", "no more than %d items allowed", maxSectionFields)
		}
		for i, f := range fs {
			ps.checkText(fmt.Sprintf("%s/fields/%d", p, i), f, 1, maxFieldText, false)
		}
	}
	if acc, ok := b["accessory"].(map[string]any); ok {
		ps.checkElement(p+"/accessory", acc)
	}
}

// checkText checks a text object's type and length in characters.
func (ps *problems) checkText(p string, v any, lo, hi int, plainOnly bool) {
	t, ok := v.(map[string]any)
	if !ok {
		ps.add(p, "must be a text object")
		return
	}
	typ, _ := t["type"].(string)
	if typ != "plain_text" && (plainOnly || typ != "mrkdwn") {
		ps.add(p+"/type", "unsupported type: %s", typ)
	}
	s, _ := t["text"].(string)
	n := utf8.RuneCountInString(s)
	if n < lo {
		ps.add(p+"/text", "must be more than %d characters", lo-1)
	}
	if n > hi {
		ps.add(p+"/text", "must be less than %d characters", hi+1)
	}
}

func (ps *problems) checkElements(p string, v any, limit int) {
	els, _ := v.([]any)
	if len(els) == 0 || len(els) > limit {
		ps.add(p, "must have between 1 and %d items", limit)
	}
	for i, e := range els {
		el, ok := e.(map[string]any)
		if !ok {
			ps.add(fmt.Sprintf("%s/%d", p, i), "must be an object")
			continue
		}
		ps.checkElement(fmt.Sprintf("%s/%d", p, i), el)
	}
}

func (ps *problems) checkElement(p string, el map[string]any) {
	if id, _ := el["action_id"].(string); utf8.RuneCountInString(id) > maxIDLen {
		ps.add(p+"/action_id", "must be less than %d characters", maxIDLen+1)
	}
	switch el["type"] {
	case "button":
		ps.checkText(p+"/text", el["text"], 1, maxButtonText, true)
		if v, _ := el["value"].(string); utf8.RuneCountInString(v) > maxButtonValue {
			ps.add(p+"/value", "must be less than %d characters", maxButtonValue+1)
		}
	case "static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes":
		ps.checkOptions(p+"/options", el["options"])
	case "plain_text_input":
		if n, ok := el["max_length"].(float64); ok && n > maxInputLength {
			ps.add(p+"/max_length", "must be less than %d", maxInputLength+1)
		}
	case nil:
		ps.add(p, "missing required field: type")
	}
}

func (ps *problems) checkOptions(p string, v any) {
	opts, _ := v.([]any)
	if len(opts) > maxOptions {
		ps.add(p, "no more than %d items allowed", maxOptions)
	}
	for i, o := range opts {
		op, _ := o.(map[string]any)
		q := fmt.Sprintf("%s/%d", p, i)
		ps.checkText(q+"/text", op["text"], 1, maxOptionText, false)
		if s, _ := op["value"].(string); utf8.RuneCountInString(s) > maxOptionValue {
			ps.add(q+"/value", "must be less than %d characters", maxOptionValue+1)
		}
	}
}

// viewDoc is the part of a view object the fake reads.
type viewDoc struct {
	Type            string          `json:"type"`
	Title           json.RawMessage `json:"title"`
	Submit          json.RawMessage `json:"submit"`
	Close           json.RawMessage `json:"close"`
	Blocks          json.RawMessage `json:"blocks"`
	PrivateMetadata string          `json:"private_metadata"`
	CallbackID      string          `json:"callback_id"`
	ExternalID      string          `json:"external_id"`
	ClearOnClose    bool            `json:"clear_on_close"`
	NotifyOnClose   bool            `json:"notify_on_close"`
}

// checkView parses and validates a view object of one of the given types.
func checkView(raw json.RawMessage, types ...string) (viewDoc, problems) {
	var v viewDoc
	var ps problems
	if err := json.Unmarshal(raw, &v); err != nil || len(raw) == 0 {
		ps.add("/view", "invalid view")
		return v, ps
	}
	if !slices.Contains(types, v.Type) {
		ps.add("/view/type", "unsupported type: %s", v.Type)
	}
	bps, err := checkBlocks(v.Blocks, maxViewBlocks, "/view/blocks")
	if err != nil {
		ps.add("/view/blocks", "must be an array")
	}
	ps = append(ps, bps...)
	if v.Type == "modal" {
		ps.checkText("/view/title", anyJSON(v.Title), 1, maxViewTitle, true)
		for name, t := range map[string]json.RawMessage{"submit": v.Submit, "close": v.Close} {
			if len(t) > 0 && string(t) != "null" {
				ps.checkText("/view/"+name, anyJSON(t), 1, maxViewTitle, true)
			}
		}
		if hasInput(v.Blocks) && (len(v.Submit) == 0 || string(v.Submit) == "null") {
			ps.add("/view", "submit is required when an input block is within the blocks array")
		}
	}
	if utf8.RuneCountInString(v.PrivateMetadata) > maxPrivateMeta {
		ps.add("/view/private_metadata", "must be less than %d characters", maxPrivateMeta+1)
	}
	if utf8.RuneCountInString(v.CallbackID) > maxIDLen {
		ps.add("/view/callback_id", "must be less than %d characters", maxIDLen+1)
	}
	return v, ps
}

func anyJSON(raw json.RawMessage) any {
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

func hasInput(blocks json.RawMessage) bool {
	var bs []struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(blocks, &bs)
	return slices.ContainsFunc(bs, func(b struct {
		Type string `json:"type"`
	}) bool {
		return b.Type == "input"
	})
}

// textOf returns the text of a text object, or "".
func textOf(raw json.RawMessage) string {
	var t struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &t)
	return t.Text
}

// emptyBlocks reports whether a blocks argument holds no block.
func emptyBlocks(raw json.RawMessage) bool {
	var bs []json.RawMessage
	return len(raw) == 0 || json.Unmarshal(raw, &bs) != nil || len(bs) == 0
}

// withBlockIDs gives every block lacking a block_id one from next, as Slack
// does, and returns the array compacted. Blocks must be a valid array.
func withBlockIDs(raw json.RawMessage, next func() string) json.RawMessage {
	var bs []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &bs) != nil {
		return raw
	}
	for i, b := range bs {
		var m map[string]any
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		if _, ok := m["block_id"]; ok {
			continue
		}
		m["block_id"] = next()
		bs[i], _ = json.Marshal(m)
	}
	out, _ := json.Marshal(bs)
	return out
}
