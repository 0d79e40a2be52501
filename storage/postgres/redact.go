package postgres

import (
	"net/url"
	"strings"
)

// Redact is a database URL fit for a log line, an error or doctor's
// output: its password, in the user info or in a password parameter, is
// replaced by ***. What is not a URL is returned as it is (a SQLite path).
func Redact(dsn string) string {
	if !IsURL(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// Unparseable: keep the scheme and hide the rest, which may hold
		// anything.
		scheme, _, _ := strings.Cut(dsn, "://")
		return scheme + "://***"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "***")
		u.RawQuery = q.Encode()
	}
	// url.String escapes the asterisks of the user info; they are ours.
	return strings.NewReplacer("%2A%2A%2A", "***", "%2a%2a%2a", "***").Replace(u.String())
}

// secrets are the forms in which dsn's password may appear in a message:
// as typed in the URL, and decoded.
func secrets(dsn string) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	if u, err := url.Parse(dsn); err == nil {
		if pw, ok := u.User.Password(); ok {
			add(pw)
			add(url.QueryEscape(pw))
			add(url.PathEscape(pw))
		}
		add(u.Query().Get("password"))
	}
	// The raw text between ':' and '@' of the authority, however it is
	// escaped, and the raw password parameter.
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		auth, _, _ := strings.Cut(rest, "/")
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(auth[:at], ":"); ok {
				add(pw)
			}
		}
		if _, query, ok := strings.Cut(rest, "?"); ok {
			for _, kv := range strings.Split(query, "&") {
				if k, v, _ := strings.Cut(kv, "="); k == "password" {
					add(v)
				}
			}
		}
	}
	return out
}

// scrub is err with every appearance of dsn's password in its message
// replaced by ***, still wrapping err: the driver's own errors may quote
// the connection string.
func scrub(err error, dsn string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range secrets(dsn) {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	if msg == err.Error() {
		return err
	}
	return &scrubbed{msg: msg, err: err}
}

// scrubbed is an error whose message was cleaned of a password.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

var _ interface{ Unwrap() error } = (*scrubbed)(nil)

// hasParam reports whether the URL dsn sets the query parameter name.
func hasParam(dsn, name string) bool {
	u, err := url.Parse(dsn)
	return err == nil && u.Query().Has(name)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
