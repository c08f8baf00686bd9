package service

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/jsonenc"
)

func sampleChargeView() *TransactionView {
	now := tender.NewTime(time.Date(2026, 12, 7, 23, 14, 50, 123456000, time.UTC))
	c := &tender.Customer{ID: tender.NewID(), MerchantID: tender.NewID(), Firstname: "Jane", Lastname: "Doe",
		Email: "jane@example.com", CCEmails: []string{}, Phone: "5555555555", Address1: "123 Main St",
		AddressCity: "Orlando", AddressState: "FL", AddressZip: "32801", AddressCountry: "USA", CreatedAt: now, UpdatedAt: now}
	pm := &tender.PaymentMethod{ID: tender.NewID(), CustomerID: c.ID, MerchantID: c.MerchantID, Method: "card",
		Nickname: "VISA: Jane Doe (ending in: 1111)", PersonName: "Jane Doe", CardType: "visa", CardLastFour: "1111",
		CardExp: "122030", BinType: "CREDIT", HasCVV: true, AddressZip: "32801", Meta: json.RawMessage(`{}`),
		IsUsableInVT: true, CreatedAt: now, UpdatedAt: now}
	t := &tender.Transaction{ID: tender.NewID(), MerchantID: c.MerchantID, CustomerID: c.ID, PaymentMethodID: pm.ID,
		Type: "charge", Source: "api", Method: "card", Success: true, Status: "SUCCESS", Total: 1234,
		LastFour: "1111", Meta: json.RawMessage(`{"subtotal":12.34,"tax":0}`), Captured: 1234, CreatedAt: now, UpdatedAt: now,
		AuthCode: "A1B2C3", AVSCode: "Y", AVSMessage: "Address and ZIP match"}
	v := flags(t)
	v.Customer, v.PaymentMethod = c, pm
	return v
}

func BenchmarkEncodeChargeView(b *testing.B) {
	v := sampleChargeView()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonenc.Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}
