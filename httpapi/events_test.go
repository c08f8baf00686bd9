package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestEventLog reads the event log: every change's event, newest first,
// filtered by name and by object, one by id; another merchant's events
// are neither listed nor readable.
func TestEventLog(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		c := e.Call("POST", "/customer", map[string]any{"firstname": "Ada"}, 200).Map(t)["id"].(string)
		e.Call("PUT", "/customer/"+c, map[string]any{"lastname": "Lovelace"}, 200)
		other := e.Call("POST", "/customer", map[string]any{"firstname": "Bob"}, 200).Map(t)["id"].(string)

		var page struct {
			Total int `json:"total"`
			Data  []struct {
				ID         string         `json:"id"`
				Name       string         `json:"name"`
				ObjectType string         `json:"object_type"`
				ObjectID   string         `json:"object_id"`
				Data       map[string]any `json:"data"`
			} `json:"data"`
		}
		e.Call("GET", "/event?object_id="+c, nil, 200).JSON(t, &page)
		if page.Total != 2 || len(page.Data) != 2 || page.Data[0].Name != "update_customer" ||
			page.Data[1].Name != "create_customer" || page.Data[0].ObjectType != "customer" ||
			page.Data[0].Data["lastname"] != "Lovelace" {
			t.Fatalf("events of %s = %+v", c, page)
		}
		e.Call("GET", "/event?name=create_customer&per_page=1", nil, 200).JSON(t, &page)
		if page.Total != 2 || len(page.Data) != 1 || page.Data[0].ObjectID != other {
			t.Fatalf("create_customer events = %+v", page)
		}
		one := e.Call("GET", "/event/"+page.Data[0].ID, nil, 200).Map(t)
		if one["name"] != "create_customer" || one["object_id"] != other {
			t.Fatalf("event = %v", one)
		}
		e.Call("GET", "/event?per_page=0", nil, 422)
		e.Call("GET", "/event?colour=red", nil, 422)

		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/event/" + page.Data[0].ID, Key: b.APIKey.Key}); r.Status != 404 {
			t.Fatalf("B reads A's event: %d %s", r.Status, r.Body)
		}
		var bPage struct {
			Total int `json:"total"`
		}
		e.Do(apitest.Request{Method: "GET", Path: "/event?object_id=" + c, Key: b.APIKey.Key}).JSON(t, &bPage)
		if bPage.Total != 0 {
			t.Fatalf("B lists A's events: %d", bPage.Total)
		}
	})
}
