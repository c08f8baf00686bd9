package main_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tenderpay/tender/client"
)

// api is the Go client (package client) for a tender process under test.
// It does not retry: a test sees every status the server answers (a 503 or
// 429 is a failure here, not something to wait out).
func api(url, key string) *client.Client {
	c := client.New(url, key)
	c.MaxRetries = -1
	return c
}

// ctx is the context of the tests' client calls.
var ctx = context.Background()

// status is the HTTP status of a client call's answer: 200 when it
// succeeded (every route called through the client answers 200 or 201 on
// success), the error's status otherwise. A transport error fails the test.
func status(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 200
	}
	var e *client.Error
	if errors.As(err, &e) {
		return e.Status
	}
	t.Error(err)
	return 0
}

// customerWithCard creates a customer and stores a card for them (CVV
// 123, expiring 12/30).
func customerWithCard(t *testing.T, c *client.Client, firstname, person, card string) (*client.Customer, *client.PaymentMethod) {
	t.Helper()
	cust, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: firstname})
	if err != nil {
		t.Fatalf("POST /customer: %v", err)
	}
	pm, err := c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: cust.ID,
		PersonName: person, CardNumber: card, CardCVV: "123", CardExp: "1230"})
	if err != nil {
		t.Fatalf("POST /payment-method: %v", err)
	}
	return cust, pm
}

// call is a raw HTTP call, for what the Go client has no operation for
// (the terminal routes) and for tests about the wire itself.
func call(t *testing.T, method, url, key string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// subscribe subscribes target to event ("*" for all).
func subscribe(t *testing.T, c *client.Client, target, event string) *client.Webhook {
	t.Helper()
	w, err := c.CreateWebhook(ctx, &client.WebhookInput{TargetURL: target, Event: event})
	if err != nil {
		t.Fatalf("POST /webhook: %v", err)
	}
	return w
}
