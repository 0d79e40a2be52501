package reminders

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// specParser accepts standard five-field specs, CRON_TZ= prefixes and
// descriptors such as @weekly or @every 1m.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a robfig/cron spec and rejects the ones that parse but
// would never fire, or would fire absurdly often, because cron itself
// accepts them silently: a spec of only "CRON_TZ=UTC" panics in the parser,
// "0 9 31 2 *" never fires, and "@every -5s" becomes one second.
func ParseSchedule(spec string) (sched cron.Schedule, err error) {
	defer func() {
		// A spec that is only "CRON_TZ=UTC" panics inside the parser.
		if r := recover(); r != nil {
			sched, err = nil, errors.New("it has a time zone but no schedule fields")
		}
	}()
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("it is empty")
	}
	if rest, ok := strings.CutPrefix(strings.TrimSpace(spec), "@every "); ok {
		// cron turns a negative or zero interval into one second.
		if d, err := time.ParseDuration(strings.TrimSpace(rest)); err == nil && d <= 0 {
			return nil, fmt.Errorf("the interval %s is not positive", d)
		}
	}
	sched, err = specParser.Parse(spec)
	if err != nil {
		return nil, err
	}
	if sched.Next(time.Now()).IsZero() {
		return nil, errors.New("it never fires")
	}
	return sched, nil
}
