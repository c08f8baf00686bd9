package tender

import (
	"encoding/json"
	"testing"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Amount
		ok   bool
	}{
		{"10", 1000, true}, {"10.5", 1050, true}, {"10.50", 1050, true}, {"0.01", 1, true}, {"1.500", 150, true},
		{"-1.25", -125, true}, {".5", 50, true}, {"5.", 500, true}, {"99999999.99", 9_999_999_999, true},
		{"1.005", 0, false}, {"1e3", 0, false}, {"", 0, false}, {"abc", 0, false}, {"-", 0, false},
		{".", 0, false}, {"100000000", 0, false}, {"1,000", 0, false}, {"0x10", 0, false}, {" 7 ", 700, true},
	} {
		got, err := ParseAmount(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestAmountString(t *testing.T) {
	t.Parallel()
	for a, want := range map[Amount]string{800: "8", 1050: "10.5", 1: "0.01", -5: "-0.05", 1234: "12.34", 0: "0", -100: "-1"} {
		if a.String() != want {
			t.Errorf("%d → %q, want %q", a, a.String(), want)
		}
		b, _ := json.Marshal(a)
		var back Amount
		if err := json.Unmarshal(b, &back); err != nil || back != a {
			t.Errorf("JSON round trip of %d: %s → %d %v", a, b, back, err)
		}
	}
}

func TestAmountInput(t *testing.T) {
	t.Parallel()
	var in struct {
		Total AmountInput `json:"total"`
	}
	for body, want := range map[string]string{
		`{"total": 8}`: "", `{"total": "8.25"}`: "", `{"total": 0}`: "total", `{"total": 1.001}`: "total",
		`{"total": true}`: "total", `{}`: "total", `{"total": null}`: "total", `{"total": "x"}`: "total",
	} {
		in.Total = AmountInput{}
		if err := json.Unmarshal([]byte(body), &in); err != nil {
			t.Fatalf("%s: decode failed: %v", body, err)
		}
		errs := FieldErrors{}
		in.Total.Parse(errs, "total", true, 1)
		if (want == "") != (len(errs) == 0) {
			t.Errorf("%s: %v", body, errs)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"10", "10.50", "-1.25", ".5", "1e3", "99999999.99", "1\x00", "\x001.00", "1.\xff5", "\xed\xa0\x80"} { // NUL, invalid UTF-8
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		if back, err := ParseAmount(a.String()); err != nil || back != a {
			t.Fatalf("%q → %d → %q → %d, %v", s, a, a.String(), back, err)
		}
	})
}
