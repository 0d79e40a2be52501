package bot

import "testing"

func TestHomeRefreshesCoalesce(t *testing.T) {
	var h homeRefreshes
	steps := []struct {
		name string
		do   func() bool
		want bool
	}{
		{"first change starts a refresher", func() bool { return h.want("T1", "U1") }, true},
		{"a change during it starts none", func() bool { return h.want("T1", "U1") }, false},
		{"nor does a third", func() bool { return h.want("T1", "U1") }, false},
		{"another user gets their own", func() bool { return h.want("T1", "U2") }, true},
		{"the changes during the run ask for one more", func() bool { return h.again("T1", "U1") }, true},
		{"and only one", func() bool { return h.again("T1", "U1") }, false},
		{"once stopped, a change starts a refresher again", func() bool { return h.want("T1", "U1") }, true},
	}
	for _, s := range steps {
		if got := s.do(); got != s.want {
			t.Fatalf("%s: got %v, want %v", s.name, got, s.want)
		}
	}
}
