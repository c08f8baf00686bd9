package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkDashboardPages renders the dashboard's main pages (home,
// transactions, a transaction, customers, invoices, scheduled invoices,
// catalog, events) for a signed-in owner whose merchant has a million
// transactions (TENDER_BENCH_LIST_ROWS overrides the size), on each store:
// one client, one page at a time, over real HTTP on loopback, so the
// figure is the page's whole server-side time (session, queries,
// template) plus a loopback round trip. The target is 50 ms a page;
// lists are O(page), so no page should depend on the table's size. The
// rows are seeded as in BenchmarkTransactionList, but a second apart up to
// a minute ago, so they all fall in home's 14-day chart (a million seconds
// is 11.6 days, 86,400 sales a day): the chart's worst case, every row of
// the table in its window. The seed then runs the sales rollup once, as
// the server's job would have over those days; home reads the hours it
// covers from it and only the last hour or so from transactions.
func BenchmarkDashboardPages(b *testing.B) {
	rows := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TENDER_BENCH_LIST_ROWS")); err == nil && v > 0 {
		rows = v
	}
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: time.Second})
			start := e.Server.Service.Now().Add(-time.Duration(rows)*time.Second - time.Minute)
			total := seedTransactionsFrom(b, e, store, rows, start)
			rollUpSeed(b, e, store, total)
			br := dashboardSignIn(b, e)
			tx := regexp.MustCompile(`/dashboard/transactions/([0-9a-f-]{36})"`).FindStringSubmatch(br.get(b, "/dashboard/transactions"))
			if tx == nil {
				b.Fatal("no transaction listed")
			}
			if home := br.get(b, "/"); strings.Count(home, `<td class="num">$0.00</td>`) == 14 {
				b.Fatal("home's chart shows none of the seeded sales")
			}
			middle := (total/25 + 1) / 2
			for _, p := range []struct{ name, path string }{
				{"home", "/"},
				{"transactions", "/dashboard/transactions"},
				{"transactions-middle", fmt.Sprintf("/dashboard/transactions?page=%d", middle)},
				{"transaction", "/dashboard/transactions/" + tx[1]},
				{"customers", "/dashboard/customers"},
				{"invoices", "/dashboard/invoices"},
				{"schedules", "/dashboard/invoices/scheduled"},
				{"catalog", "/dashboard/catalog"},
				{"events", "/dashboard/events"},
			} {
				b.Run("page="+p.name, func(b *testing.B) {
					var lat []time.Duration
					for b.Loop() {
						t0 := time.Now()
						br.get(b, p.path)
						lat = append(lat, time.Since(t0))
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}

// rollUpSeed runs the sales rollup over the seed, as the server's job
// (jobs.SalesRollup) would have over the seeded days, and checks the
// dashboard's volume of each of the last 14 days against the direct sum.
// The seed's rows are back-dated (updated_at days ago) and committed in one
// statement, after the server's own job may have moved the watermark past
// them; so the rollup starts over, as on a database that never ran it.
func rollUpSeed(b *testing.B, e *apitest.Env, store string, total int) {
	b.Helper()
	ctx := context.Background()
	if _, err := e.Server.Store.SQLDB().ExecContext(ctx, `UPDATE sales_rollup SET watermark = NULL`); err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	hours, err := e.Server.Service.RollupSales(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: sales rollup of %d rows: %d merchant hours in %s", store, total, hours, time.Since(began).Round(time.Millisecond))
	today := e.Server.Service.Now().UTC().Truncate(24 * time.Hour)
	for i := range 14 {
		from := today.Add(-time.Duration(i) * 24 * time.Hour)
		got, err := e.Server.Service.Volume(ctx, e.MerchantID, from, from.Add(24*time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		n, sum, err := e.Server.Store.TransactionVolume(ctx, e.MerchantID, from, from.Add(24*time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		if got.Count != n || got.Total != sum {
			b.Fatalf("%s: volume of %s: %d sales %d, direct %d sales %d", store, from.Format(time.DateOnly), got.Count, got.Total, n, sum)
		}
	}
}

// dashBrowser is an HTTP client with its own cookies: a signed-in owner.
type dashBrowser struct {
	base string
	c    *http.Client
}

func (br *dashBrowser) get(b *testing.B, path string) string {
	resp, err := br.c.Get(br.base + path)
	if err != nil {
		b.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(out), "<main") {
		b.Fatalf("GET %s: %d %s", path, resp.StatusCode, out)
	}
	return string(out)
}

var dashCSRF = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// dashboardSignIn signs the sandbox owner in with the start banner's
// one-time link.
func dashboardSignIn(b *testing.B, e *apitest.Env) *dashBrowser {
	jar, _ := cookiejar.New(nil)
	br := &dashBrowser{base: e.URL, c: &http.Client{Jar: jar}}
	link := strings.TrimPrefix(e.Server.SignInLink, e.Server.Service.PublicURL)
	page := br.get(b, link)
	m := dashCSRF.FindStringSubmatch(page)
	if m == nil {
		b.Fatalf("no CSRF token on the link page: %s", page)
	}
	resp, err := br.c.PostForm(e.URL+"/dashboard/link", url.Values{"csrf": {m[1]}, "token": {link[strings.LastIndex(link, "/")+1:]}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("sign in with the link: %d", resp.StatusCode)
	}
	return br
}
