package slackfake

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// obj is a JSON object in a response.
type obj = map[string]any

// apiErr is a Web API error answer: {"ok":false,"error":code,…}.
type apiErr struct {
	code     string
	messages []string // response_metadata.messages, as Slack explains validation errors
	needed   string   // for missing_scope
	// retryAfter, when set, makes the answer HTTP 429 with Retry-After.
	retryAfter time.Duration
}

func errCode(code string, messages ...string) *apiErr { return &apiErr{code: code, messages: messages} }

type tokenKind int

const (
	tokBot tokenKind = iota + 1
	tokApp
)

// call is one Web API request.
type call struct {
	method string
	p      params
}

type apiMethod struct {
	token tokenKind
	run   func(*Server, *call) (obj, *apiErr)
}

// methods maps each Web API method the fake serves to its handler.
var methods = map[string]apiMethod{
	"auth.test":             {tokBot, (*Server).authTest},
	"apps.connections.open": {tokApp, (*Server).connectionsOpen},
	"chat.postMessage":      {tokBot, (*Server).chatPostMessage},
	"chat.postEphemeral":    {tokBot, (*Server).chatPostEphemeral},
	"chat.update":           {tokBot, (*Server).chatUpdate},
	"chat.delete":           {tokBot, (*Server).chatDelete},
	"conversations.info":    {tokBot, (*Server).conversationsInfo},
	"conversations.open":    {tokBot, (*Server).conversationsOpen},
	"conversations.history": {tokBot, (*Server).conversationsHistory},
	"conversations.members": {tokBot, (*Server).conversationsMembers},
	"users.info":            {tokBot, (*Server).usersInfo},
	"users.conversations":   {tokBot, (*Server).usersConversations},
	"views.open":            {tokBot, (*Server).viewsOpen},
	"views.push":            {tokBot, (*Server).viewsPush},
	"views.update":          {tokBot, (*Server).viewsUpdate},
	"views.publish":         {tokBot, (*Server).viewsPublish},
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	s.mu.Lock()
	s.calls[name]++
	s.mu.Unlock()
	f := s.takeFault(name)
	if f != nil && s.applyFault(r.Context(), w, f) {
		s.log.Debug("slack api fault", "method", name, "status", f.Status, "error", f.Error)
		return
	}
	m, ok := methods[name]
	if !ok {
		s.log.Debug("slack api unknown method", "method", name)
		writeJSON(w, obj{"ok": false, "error": "unknown_method", "req_method": name})
		return
	}
	p, err := parseParams(r)
	if err != nil {
		writeJSON(w, obj{"ok": false, "error": "invalid_form_data"})
		return
	}
	if e := s.checkToken(bearerOr(r, p), m.token); e != nil {
		s.writeResult(w, name, nil, e, false)
		return
	}
	res, e := m.run(s, &call{method: name, p: p})
	if f != nil && f.After > 0 {
		// Done, whether or not the app is still there to hear it.
		_ = s.sleepCtx(r.Context(), f.After)
	}
	s.writeResult(w, name, res, e, m.token == tokBot)
}

// writeResult answers a call, with the bot token's scopes in the
// x-oauth-scopes header as Slack sends them.
func (s *Server) writeResult(w http.ResponseWriter, method string, res obj, e *apiErr, scopes bool) {
	if scopes {
		s.mu.Lock()
		w.Header().Set("X-OAuth-Scopes", strings.Join(s.opts.Scopes, ","))
		s.mu.Unlock()
	}
	if e != nil && e.retryAfter > 0 {
		s.log.Debug("slack api rate limited", "method", method)
		writeRateLimited(w, e.retryAfter)
		return
	}
	if e != nil {
		s.log.Debug("slack api error", "method", method, "error", e.code)
		out := obj{"ok": false, "error": e.code}
		if len(e.messages) > 0 {
			out["response_metadata"] = obj{"messages": e.messages}
		}
		if e.needed != "" {
			out["needed"] = e.needed
			s.mu.Lock()
			out["provided"] = strings.Join(s.opts.Scopes, ",")
			s.mu.Unlock()
		}
		writeJSON(w, out)
		return
	}
	s.log.Debug("slack api ok", "method", method)
	if res == nil {
		res = obj{}
	}
	res["ok"] = true
	writeJSON(w, res)
}

// checkToken answers as Slack does to a missing, unknown or misused token.
func (s *Server) checkToken(tok string, want tokenKind) *apiErr {
	var got tokenKind
	switch tok {
	case "":
		return errCode("not_authed")
	case s.opts.BotToken:
		got = tokBot
	case s.opts.AppToken:
		got = tokApp
	default:
		return errCode("invalid_auth")
	}
	if got != want {
		return errCode("not_allowed_token_type")
	}
	return nil
}

// lacks returns missing_scope unless the bot token has scope.
// Called with s.mu held.
func (s *Server) lacks(scope string) *apiErr {
	if slices.Contains(s.opts.Scopes, scope) {
		return nil
	}
	return &apiErr{code: "missing_scope", needed: scope}
}

func bearerOr(r *http.Request, p params) string {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return tok
	}
	return p.get("token")
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// params are a call's arguments, from a form or a JSON body.
type params struct {
	form url.Values
	js   map[string]json.RawMessage
}

const maxBody = 4 << 20

func parseParams(r *http.Request) (params, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		if err := r.ParseForm(); err != nil {
			return params{}, err
		}
		return params{form: r.Form}, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return params{}, err
	}
	p := params{form: r.URL.Query(), js: map[string]json.RawMessage{}}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &p.js); err != nil {
			return params{}, err
		}
	}
	return p, nil
}

// get returns an argument as a string: a JSON string decoded, other JSON
// values as their text.
func (p params) get(key string) string {
	if v, ok := p.js[key]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		if string(v) == "null" {
			return ""
		}
		return string(v)
	}
	return p.form.Get(key)
}

// has reports whether the argument was sent at all.
func (p params) has(key string) bool {
	if _, ok := p.js[key]; ok {
		return true
	}
	return p.form.Has(key)
}

// raw returns a JSON-valued argument (blocks, view, metadata), which form
// bodies carry as a JSON string. Empty or null gives nil.
func (p params) raw(key string) json.RawMessage {
	v := strings.TrimSpace(p.get(key))
	if v == "" || v == "null" {
		return nil
	}
	return json.RawMessage(v)
}
