package service

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/internal/jsonenc/jsonenctest"
)

// withTransactions gives v and its children a transaction each (Fill may
// leave the embedded pointer nil, which no view has).
func withTransactions(r *rand.Rand, v *TransactionView) {
	if v.Transaction == nil {
		v.Transaction = &tender.Transaction{}
		jsonenctest.Fill(r, v.Transaction)
	}
	for _, k := range v.ChildTransactions {
		if k != nil {
			withTransactions(r, k)
		}
	}
}

func TestTransactionViewAppendJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		var v TransactionView
		jsonenctest.Fill(r, &v)
		withTransactions(r, &v)
		type plain TransactionView // encoding/json's own walk of the fields
		want, err := jsonenc.Reflect((*plain)(&v))
		if err != nil {
			t.Fatal(err)
		}
		got, err := jsonenc.Encode(&v)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("jsonenc.Encode (%v):\n got %s\nwant %s", err, got, want)
		}
	}
	bad := sampleChargeView()
	bad.Meta = json.RawMessage(`{"a":`)
	if _, err := jsonenc.Encode(bad); err == nil {
		t.Fatal("jsonenc.Encode of invalid meta: no error")
	}
}
