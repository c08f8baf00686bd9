package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/server"
)

// BenchmarkEventsToRelay is the webhook relay's read of a batch of 100
// charge events (2.2 KB payloads) that no webhook receives: the relay runs
// it after every commit that wrote an event, webhooks or not. payloads=true
// reads every payload with its event (what the relay asks for while its
// batches go somewhere), payloads=false none.
//
//	go test -run '^$' -bench EventsToRelay -count 5 ./bench
func BenchmarkEventsToRelay(b *testing.B) {
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			ctx := context.Background()
			st, err := server.OpenStore(ctx, server.Config{DatabaseURL: apitest.DatabaseURL(b, store), DataDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			now := tender.NewTime(time.Now())
			m := &tender.Merchant{ID: tender.NewID(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
				WebPaymentsToken: "tok-" + tender.NewID(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
			if err := st.MerchantCreate(ctx, m); err != nil {
				b.Fatal(err)
			}
			for i := range 100 {
				// About a charge's answer: its fields, customer and
				// payment method.
				fields := make([]string, 60)
				for j := range fields {
					fields[j] = fmt.Sprintf(`"field_%02d":"value %d of %s"`, j, j, tender.NewID()[:13])
				}
				ev := &tender.Event{ID: tender.NewID(), MerchantID: m.ID, Name: tender.EventCreateTransaction,
					ObjectType: "transaction", ObjectID: fmt.Sprint(i), CreatedAt: now.Time,
					Payload: json.RawMessage("{" + strings.Join(fields, ",") + "}")}
				if err := st.EventInsert(ctx, ev); err != nil {
					b.Fatal(err)
				}
			}
			for _, payloads := range []bool{false, true} {
				b.Run(fmt.Sprintf("payloads=%t", payloads), func(b *testing.B) {
					for b.Loop() {
						if evs, err := st.EventsToRelay(ctx, 100, payloads); err != nil || len(evs) != 100 {
							b.Fatal(len(evs), err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/100, "µs/event")
				})
			}
		})
	}
}
