package tender

import (
	"testing"
	"time"
)

func TestParseRule(t *testing.T) {
	for rule, ok := range map[string]bool{
		"DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=12":       true,
		"DTSTART:20270115T090000Z\r\nRRULE:FREQ=WEEKLY":               true,
		"DTSTART=20270115T090000Z;FREQ=YEARLY;UNTIL=20300101T000000Z": true,
		"RRULE:FREQ=MONTHLY":                                               false, // no DTSTART
		"DTSTART:20270115T090000Z\nRRULE:FREQ=HOURLY":                      false,
		"DTSTART:20270115T090000Z\nRRULE:FREQ=SECONDLY":                    false,
		"DTSTART:20270115T090000Z\nRRULE:FREQ=DAILY;BYHOUR=9,17":           false, // twice a day
		"DTSTART:20270115T090000Z\nRRULE:FREQ=WEEKLY;BYMINUTE=0,30":        false,
		"DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;BYHOUR=9;BYMINUTE=0": true,
		"DTSTART:20270115T090000Z\nRRULE:FREQ=FORTNIGHT":                   false,
		"":        false,
		"garbage": false,
	} {
		if _, err := ParseRule(rule); (err == nil) != ok {
			t.Errorf("%q: %v", rule, err)
		}
	}
	r, _ := ParseRule("DTSTART:20270131T090000Z\nRRULE:FREQ=MONTHLY;COUNT=3")
	var got []string
	for n := NextOccurrence(r, r.GetDTStart(), true); n != nil; n = NextOccurrence(r, n.Time, false) {
		got = append(got, n.Format("2006-01-02"))
	}
	// RFC 5545: months without a 31st are skipped.
	if len(got) != 3 || got[0] != "2027-01-31" || got[1] != "2027-03-31" || got[2] != "2027-05-31" {
		t.Fatalf("occurrences %v", got)
	}
}

// FuzzParseRule: no rule panics the parser, and an accepted rule yields
// occurrences in increasing order.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=12", "DTSTART=20270101T000000Z;FREQ=DAILY;BYDAY=MO,-1FR",
		"DTSTART:20270101T000000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "DTSTART:x\nRRULE:FREQ=DAILY", "FREQ=WEEKLY;INTERVAL=0",
		"DTSTART:20270115T090000Z\x00\nRRULE:FREQ=MONTHLY", "DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=\xff"} { // NUL, invalid UTF-8
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		prev := time.Time{}
		n := NextOccurrence(r, r.GetDTStart(), true)
		for i := 0; n != nil && i < 3; i++ {
			if !n.After(prev) {
				t.Fatalf("%q: occurrence %v not after %v", s, n, prev)
			}
			prev = n.Time
			n = NextOccurrence(r, n.Time, false)
		}
	})
}
