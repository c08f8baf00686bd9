package dashboard_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestDashboardHomeChart: home's chart shows the last 14 days' sales, as
// bars and as a table; today's bar is the tallest (the only sales) and
// today's row sums today's sales.
func TestDashboardHomeChart(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e)
		a := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)["total"].(float64)
		b := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 2.5}, 200).Map(t)["total"].(float64)
		owner := signInOwner(t, e)
		home := owner.get("/", 200)
		if n := strings.Count(home, "<rect "); n != 14 {
			t.Fatalf("%d bars, want 14: %s", n, home)
		}
		if !strings.Contains(home, `<rect x="260" y="0" width="16" height="100">`) {
			t.Fatalf("today's bar is not the full height: %s", home)
		}
		rows := home[strings.Index(home, `id="sales-by-day"`):]
		rows = rows[:strings.Index(rows, "</table>")]
		day := e.Server.Service.Now().UTC().Format("Mon Jan 2")
		today := fmt.Sprintf(`<tr><td>%s</td><td class="num">2</td><td class="num">$%.2f</td></tr>`, day, a+b)
		if !strings.HasSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rows), "</tbody>")), today) {
			t.Fatalf("today's row, want %s: %s", today, rows)
		}
		if strings.Count(rows, `<td class="num">$0.00</td>`) != 13 {
			t.Fatalf("the other 13 days should be empty: %s", rows)
		}
	})
}
