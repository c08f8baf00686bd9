package tender

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/internal/jsonenc/jsonenctest"
)

// reflected is v as encoding/json writes it with the API's settings.
func reflected(t *testing.T, v any) []byte {
	t.Helper()
	b, err := jsonenc.Reflect(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCustomerAppendJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var c Customer
		jsonenctest.Fill(r, &c)
		type plain Customer
		missing := c.MissingAddressComponents()
		want := reflected(t, struct {
			plain
			HasAddress bool            `json:"has_address"`
			Missing    []string        `json:"missing_address_components"`
			Options    json.RawMessage `json:"options"`
		}{plain(c), len(missing) == 0, missing, json.RawMessage(`{}`)})
		if got := c.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
		}
		if got := reflected(t, c); !bytes.Equal(got, want) {
			t.Fatalf("encoding/json of a Customer:\n got %s\nwant %s", got, want)
		}
	}
}

func TestPaymentMethodAppendJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		var pm PaymentMethod
		jsonenctest.Fill(r, &pm)
		if i%2 == 0 { // a readable expiry half the time
			pm.Method, pm.CardExp = MethodCard, []string{"122030", "012001", "022024", "13202x"}[i%8/2]
		}
		type plain PaymentMethod
		var exp *Time
		if t, ok := pm.CardExpiry(); ok {
			v := NewTime(t)
			exp = &v
		}
		want := reflected(t, struct {
			plain
			CardExpDatetime *Time `json:"card_exp_datetime"`
			IsTokenized     bool  `json:"is_tokenized"`
		}{plain(pm), exp, true})
		got, err := pm.AppendJSON(nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON (%v):\n got %s\nwant %s", err, got, want)
		}
	}
	if _, err := (&PaymentMethod{Meta: json.RawMessage(`{"a":`)}).AppendJSON(nil); err == nil {
		t.Fatal("AppendJSON of invalid meta: no error")
	}
}

func TestTimeAndAmountAppendJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		var v struct {
			T Time
			A Amount
		}
		jsonenctest.Fill(r, &v)
		want := "null"
		if !v.T.IsZero() {
			want = `"` + v.T.UTC().Format(TimeLayout) + `"`
		}
		if got := string(v.T.AppendJSON(nil)); got != want {
			t.Fatalf("Time %v: got %s, want %s", v.T, got, want)
		}
		back, err := ParseAmount(string(v.A.AppendJSON(nil)))
		if err != nil || back != v.A {
			t.Fatalf("Amount %d: wrote %s, read back %d (%v)", v.A, v.A.AppendJSON(nil), back, err)
		}
	}
}
