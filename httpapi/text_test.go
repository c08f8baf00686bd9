package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tenderpay/tender/httpapi"
	"github.com/tenderpay/tender/internal/apitest"
)

// textPoisons are the string contents neither store may receive: PostgreSQL
// refuses NUL (22P05 in jsonb, 22021 in text) where SQLite stores it, and
// Go's JSON decoder turns invalid UTF-8 (a stray byte, a lone surrogate
// escape) into U+FFFD without a word. Each is spliced raw into a body.
var textPoisons = []struct {
	name, raw, flaw string
}{
	{"NUL escape", `a\u0000b`, "NUL"},
	{"invalid UTF-8 byte", "a\xffb", "UTF-8"},
	{"truncated UTF-8 sequence", "a\xe2\x82", "UTF-8"},
	{"lone surrogate escape", `a\ud800b`, "UTF-8"},
	{"lone low surrogate escape", `\udc00`, "UTF-8"},
}

// bodyTextCases names, per route with a request body, a body whose field
// gets a poison spliced in at "%s". Every such route must be listed.
var bodyTextCases = map[string]struct{ body, field string }{
	"POST /team/apikey":                             {`{"name":"%s"}`, "name"},
	"POST /team/user":                               {`{"name":"%s","email":"t@example.com","team_role":"staff","password":"long enough password"}`, "name"},
	"PUT /team/user/{id}":                           {`{"name":"%s"}`, "name"},
	"PUT /team":                                     {`{"contact_name":"%s"}`, "contact_name"},
	"PUT /team/options":                             {`{"note":"%s"}`, "note"},
	"PUT /team/option/advanced_customizations":      {`{"primary_color":"#00000%s"}`, "primary_color"},
	"POST /merchant":                                {`{"company_name":"%s"}`, "company_name"},
	"PUT /merchant/{id}":                            {`{"company_name":"%s"}`, "company_name"},
	"POST /merchant/{id}/apikey":                    {`{"name":"%s"}`, "name"},
	"POST /customer":                                {`{"firstname":"Ann","email":"ann%s@example.com"}`, "email"},
	"PUT /customer/{id}":                            {`{"notes":"%s"}`, "notes"},
	"POST /payment-method":                          {`{"method":"card","customer_id":"{cust}","person_name":"%s","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`, "person_name"},
	"PUT /payment-method/{id}":                      {`{"nickname":"%s"}`, "nickname"},
	"POST /charge":                                  {`{"payment_method_id":"{pm}","total":1,"idempotency_id":"%s"}`, "idempotency_id"},
	"POST /credit":                                  {`{"payment_method_id":"{pm}","total":1,"meta":{"memo":"%s"}}`, "meta.memo"},
	"POST /transaction/{id}/capture":                {`{"idempotency_id":"%s"}`, "idempotency_id"},
	"POST /transaction/{id}/void":                   {`{"idempotency_id":"%s"}`, "idempotency_id"},
	"POST /transaction/{id}/refund":                 {`{"total":1,"idempotency_id":"%s"}`, "idempotency_id"},
	"PUT /transaction/{id}":                         {`{"notes":"%s"}`, "notes"},
	"POST /sandbox/clock":                           {`{"advance":"1h%s"}`, "advance"},
	"POST /transaction/{id}/void-or-refund":         {`{"idempotency_id":"%s"}`, "idempotency_id"},
	"PUT /transaction/{id}/receipt/email":           {`{"email":"x%s@example.com"}`, "email"},
	"PUT /transaction/{id}/receipt/sms":             {`{"phone":"555%s"}`, "phone"},
	"POST /invoice":                                 {`{"customer_id":"{cust}","total":5,"meta":{"lineItems":[{"item":"W","details":"%s","quantity":1,"price":5}]}}`, "meta.lineItems.0.details"},
	"PUT /invoice/{id}":                             {`{"meta":{"memo":"%s"}}`, "meta.memo"},
	"POST /invoice/schedule":                        {`{"customer_id":"{cust}","total":5,"rule":"DTSTART:20990101T000000Z\nRRULE:FREQ=DAILY","meta":{"foo":{"bar":"%s"}}}`, "meta.foo.bar"},
	"PUT /invoice/schedule/{id}":                    {`{"url":"https://example.com/%s"}`, "url"},
	"POST /invoice/{id}/pay":                        {`{"payment_method_id":"{pm}","idempotency_id":"%s"}`, "idempotency_id"},
	"POST /invoice/{id}/pay/{method}":               {`{"total":1,"meta":{"check":"%s"}}`, "meta.check"},
	"POST /webpayment/{token}/tokenize":             {`{"firstname":"%s","card_number":"4111111111111111","card_cvv":"123","month":"12","year":"2030"}`, "firstname"},
	"POST /webpayment/{token}/pay":                  {`{"email":"p%s@example.com","total":1,"card_number":"4111111111111111","card_cvv":"123","month":"12","year":"2030"}`, "email"},
	"POST /pay/link/{id}":                           {`{"person_name":"%s","email":"jane@example.com","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`, "person_name"},
	"POST /pay/invoice/{id}":                        {`{"person_name":"%s","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`, "person_name"},
	"POST /terminal/register":                       {`{"nickname":"%s"}`, "nickname"},
	"PUT /terminal/register/{id}":                   {`{"serial":"%s"}`, "serial"},
	"POST /terminal/charge":                         {`{"total":1,"register":"{reg}","meta":{"idempotency_id":"%s"}}`, "meta.idempotency_id"},
	"POST /terminal/charge/queue":                   {`{"total":1,"register":"{reg}","meta":{"idempotency_id":"%s"}}`, "meta.idempotency_id"},
	"POST /terminal/credit":                         {`{"total":1,"register":"{reg}","customer_id":"%s"}`, "customer_id"},
	"POST /terminal/refund":                         {`{"transaction_id":"%s"}`, "transaction_id"},
	"POST /terminal/void":                           {`{"transaction_id":"{tx}","meta":{"k":["x","%s"]}}`, "meta.k.1"},
	"POST /terminal/prompt":                         {`{"register":"{reg}","message":"%s"}`, "message"},
	"POST /webhook":                                 {`{"target_url":"https://example.com/h","event":"create_customer","name":"%s"}`, "name"},
	"POST /webhookadmin/webhook/brand":              {`{"target_url":"https://example.com/h","event_name":"create_customer","name":"%s"}`, "name"},
	"POST /item":                                    {`{"item":"W","category":"%s"}`, "category"},
	"PUT /item/{id}":                                {`{"code":"%s"}`, "code"},
	"PUT /item/{id}/increment":                      {`{"quantity":1,"memo":"%s"}`, "memo"},
	"PUT /item/{id}/decrement":                      {`{"quantity":1,"memo":"%s"}`, "memo"},
	"PUT /transaction/{id}/receipt-sms":             {`{"phone":"555%s"}`, "phone"},
	"POST /terminal/void-or-refund":                 {`{"transaction_id":"{tx}","idempotency_id":"%s"}`, "idempotency_id"},
	"POST /terminal/tokenize":                       {`{"register_id":"{reg}","customer_id":"%s"}`, "customer_id"},
	"POST /terminal/print":                          {`{"register_id":"{reg}","text":"%s"}`, "text"},
	"POST /terminal/promptChoice":                   {`{"register_id":"{reg}","message":"Q","choices":["a","%s"]}`, "choices.1"},
	"POST /terminal/promptInput":                    {`{"register_id":"{reg}","message":"%s"}`, "message"},
	"POST /terminal/prompt/signature":               {`{"register_id":"{reg}","message":"%s"}`, "message"},
	"POST /query/payment-links":                     {`{"name":"%s","total":1}`, "name"},
	"PUT /query/payment-links/{id}":                 {`{"description":"%s"}`, "description"},
	"PUT /file/{id}":                                {`{"name":"%s"}`, "name"},
	"POST /underwriting/dispute/{disputeId}/submit": {`{"uncategorized_text":"%s"}`, "uncategorized_text"},
	"PUT /self":                                     {`{"name":"%s"}`, "name"},
	"POST /self":                                    {`{"company_name":"%s","email":"signup@example.com","password":"long enough password"}`, "company_name"},
	"POST /team":                                    {`{"company_name":"%s"}`, "company_name"},
	"POST /forgot":                                  {`{"email":"%s"}`, "email"},
	"POST /reset/{token}":                           {`{"password":"%s"}`, "password"},
}

// formTextCases names, per route taking a multipart/form-data body (an
// upload), the text field that gets a poison. Every such route must be
// listed. A form has no escapes: its poisons are the raw bytes.
var formTextCases = map[string]string{
	"POST /file":         "name",
	"POST /file/dispute": "name",
	"PUT /file/{id}":     "tag",
	// The logo form is one image part: no text field to poison.
	"POST /team/option/branding": "",
}

var formPoisons = []struct{ name, raw, flaw string }{
	{"NUL byte", "a\x00b", "NUL"},
	{"invalid UTF-8 byte", "a\xffb", "UTF-8"},
	{"truncated UTF-8 sequence", "a\xe2\x82", "UTF-8"},
	{"encoded surrogate", "a\xed\xa0\x80b", "UTF-8"},
}

// TestTextFlawsAnswer422: a NUL or invalid UTF-8 in any string of any
// route's body (meta nested included), or in a query parameter, answers 422
// naming the field on both stores, and nothing is written.
func TestTextFlawsAnswer422(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "ISV")
		if err != nil {
			t.Fatal(err)
		}
		merchant := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key,
			Body: map[string]any{"company_name": "Shop", "contact_email": "o@shop.test"}}).Map(t)["merchant"].(map[string]any)["id"].(string)
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Ann", "email": "ann@example.com"}, 200).Map(t)["id"].(string)
		pm := e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Ann",
			"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}, 200).Map(t)["id"].(string)
		tx := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 2, "pre_auth": true}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)
		sched := e.Call("POST", "/invoice/schedule", map[string]any{"customer_id": cust, "total": 5,
			"rule": "DTSTART:20990101T000000Z\nRRULE:FREQ=DAILY"}, 200).Map(t)["id"].(string)
		item := e.Call("POST", "/item", map[string]any{"item": "W", "price": 1}, 200).Map(t)["id"].(string)
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "front"}, 201).Map(t)["id"].(string)
		link := e.Call("POST", "/query/payment-links", map[string]any{"name": "L", "total": 1}, 200).Map(t)["id"].(string)
		var team []map[string]any
		e.Call("GET", "/team/user", nil, 200).JSON(t, &team)
		owner := team[0]["id"].(string)
		file := upload(t, e, e.Key, "POST", "/file", nil, "a.png", "image/png", apitest.PNG(t)).Map(t)["id"].(string)

		snapshot := func() map[string]string {
			out := map[string]string{}
			for _, p := range []string{"/customer/" + cust, "/payment-method/" + pm, "/transaction/" + tx, "/invoice/" + inv,
				"/invoice/schedule/" + sched, "/item/" + item, "/terminal/register/" + reg, "/customer", "/payment-method",
				"/transaction", "/invoice", "/invoice/schedule", "/item", "/terminal/register", "/webhook", "/team/user",
				"/query/payment-links/" + link, "/query/payment-links", "/file/" + file, "/file"} {
				out[p] = string(e.Call("GET", p, nil, 200).Body)
			}
			out["/merchant"] = string(e.Do(apitest.Request{Method: "GET", Path: "/merchant", Key: pk.Key}).Body)
			events, err := e.Server.Store.EventListSince(t.Context(), e.MerchantID, zeroTime, 10000)
			if err != nil {
				t.Fatal(err)
			}
			out["events"] = apitest.Sprintf("%d", len(events))
			return out
		}
		before := snapshot()

		ids := strings.NewReplacer("{cust}", cust, "{pm}", pm, "{tx}", tx, "{reg}", reg)
		eachRouteCase(t, e.Server.API.Routes(), "a body", func(rt httpapi.RouteInfo) bool { return rt.Body != "" }, bodyTextCases, func(rt httpapi.RouteInfo, tc struct{ body, field string }) {
			id := map[bool]string{true: ""}[false]
			switch {
			case strings.HasPrefix(rt.Path, "/merchant/"):
				id = merchant
			case strings.HasPrefix(rt.Path, "/customer/"):
				id = cust
			case strings.HasPrefix(rt.Path, "/payment-method/"):
				id = pm
			case strings.HasPrefix(rt.Path, "/transaction/"):
				id = tx
			case strings.HasPrefix(rt.Path, "/invoice/schedule/"):
				id = sched
			case strings.HasPrefix(rt.Path, "/invoice/"), strings.HasPrefix(rt.Path, "/pay/invoice/"):
				id = inv
			case strings.HasPrefix(rt.Path, "/item/"):
				id = item
			case strings.HasPrefix(rt.Path, "/terminal/register/"):
				id = reg
			case strings.HasPrefix(rt.Path, "/team/user/"):
				id = owner
			case strings.HasPrefix(rt.Path, "/query/payment-links/"), strings.HasPrefix(rt.Path, "/pay/link/"):
				id = link
			case strings.HasPrefix(rt.Path, "/file/"):
				id = file
			}
			path := strings.NewReplacer("{id}", id, "{method}", "CHECK", "{token}", e.WebToken).Replace(rt.Path)
			key := e.Key
			switch rt.Auth {
			case "partner":
				key = pk.Key
			case "webpayment", "public":
				key = ""
			}
			// The route's own field, then one nested in meta on every route.
			for _, c := range []struct{ body, field string }{tc, {`{"meta":{"foo":{"bar":"%s"}}}`, "meta.foo.bar"}} {
				for _, p := range textPoisons {
					body := strings.Replace(ids.Replace(c.body), "%s", p.raw, 1)
					r := e.Do(apitest.Request{Method: rt.Method, Path: path, Key: key, Body: body})
					if !refusedNaming(t, r, c.field, p.flaw) {
						t.Errorf("%s %s %s in %s: %d %s, want 422 naming it", rt.Method, rt.Path, p.name, c.field, r.Status, r.Body)
					}
				}
			}
		})
		// Upload forms: the poison in a text field, with a good file.
		eachRouteCase(t, e.Server.API.Routes(), "a form", func(rt httpapi.RouteInfo) bool { return rt.Form != "" }, formTextCases, func(rt httpapi.RouteInfo, field string) {
			if field == "" {
				return
			}
			path := strings.Replace(rt.Path, "{id}", file, 1)
			for _, p := range formPoisons {
				r := upload(t, e, e.Key, rt.Method, path, map[string]string{field: p.raw}, "b.png", "image/png", apitest.PNG(t))
				if !refusedNaming(t, r, field, p.flaw) {
					t.Errorf("%s %s %s in %s: %d %s, want 422 naming it", rt.Method, rt.Path, p.name, field, r.Status, r.Body)
				}
			}
		})

		// Query filters and parameters, on the list routes.
		for _, q := range []struct{ path, field string }{
			{"/customer?keywords[]=a%00b", "keywords[]"},
			{"/customer?keywords[]=ok&keywords[]=%FF", "keywords[]"},
			{"/customer?email=x%C3@example.com", "email"},
			{"/customer?firstname=%00", "firstname"},
			{"/transaction?customer_id=%00", "customer_id"},
			{"/invoice?customer_id=a%00", "customer_id"},
			{"/invoice?keywords[]=%ED%A0%80", "keywords[]"}, // an encoded surrogate is not UTF-8
			{"/payment-method?customer_id=%00", "customer_id"},
			{"/invoice/schedule?customer_id=%FE", "customer_id"},
			{"/item?category=%00", "category"},
			{"/transaction?payment_method_id=%00", "payment_method_id"},
		} {
			if r := e.Do(apitest.Request{Method: "GET", Path: q.path, Key: e.Key}); !refusedNaming(t, r, q.field, "") {
				t.Errorf("GET %s: %d %s, want 422 naming %s", q.path, r.Status, r.Body, q.field)
			}
		}
		// Paths: nothing can be named by them.
		for _, p := range []string{"/customer/%00", "/invoice/%FF", "/pay/invoice/%00", "/webpayment/%00/tokenize"} {
			method := "GET"
			if strings.HasPrefix(p, "/webpayment/") {
				method = "POST"
			}
			if r := e.Do(apitest.Request{Method: method, Path: p, Key: e.Key, Body: "{}"}); r.Status != http.StatusNotFound {
				t.Errorf("%s %s: %d %s, want 404", method, p, r.Status, r.Body)
			}
		}

		after := snapshot()
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed after only refused requests:\n before %s\n after  %s", k, v, after[k])
			}
		}
	})
}

// eachRouteCase calls f with each route that takes (a body, a form: what)
// and its case in cases, keyed "METHOD /path"; a route without a case, or
// a case that names no such route, fails the test.
func eachRouteCase[C any](t *testing.T, routes []httpapi.RouteInfo, what string, takes func(httpapi.RouteInfo) bool, cases map[string]C, f func(httpapi.RouteInfo, C)) {
	t.Helper()
	covered := 0
	for _, rt := range routes {
		if !takes(rt) {
			continue
		}
		c, ok := cases[rt.Method+" "+rt.Path]
		if !ok {
			t.Errorf("%s %s takes %s but has no case", rt.Method, rt.Path, what)
			continue
		}
		covered++
		f(rt, c)
	}
	if covered != len(cases) {
		t.Errorf("%d cases, the routes %d with %s: a case names no route", len(cases), covered, what)
	}
}

// refusedNaming reports whether r is a 422 whose field's first message
// holds flaw.
func refusedNaming(t *testing.T, r *apitest.Response, field, flaw string) bool {
	t.Helper()
	if r.Status != http.StatusUnprocessableEntity {
		return false
	}
	fields := map[string][]string{}
	r.JSON(t, &fields)
	msgs := fields[field]
	return len(msgs) > 0 && strings.Contains(msgs[0], flaw)
}
