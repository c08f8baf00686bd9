package service

import (
	"strings"

	"github.com/tenderpay/tender"
)

// The public view: what an answer on a public-token route may show
// (Stax.js tokenize() and pay() with the web-payments token, the hosted
// invoice page's payment). Their caller has proved nothing but possession of
// a token that is public by design, and customer matching may have attached
// the payment to a stored customer the caller named only by an email or a
// phone. So a customer or payment method is shown as its ids and
// non-sensitive fields (type, last four, expiry, timestamps) plus what the
// caller sent; every other stored field is blank. Every public answer is
// built through publicView, and HostedPayResult holds no customer at all.
type publicView struct {
	// customer is the caller's customer fields, as they would be applied.
	customer tender.Customer
	// holder is the account holder's name the caller gave ("" for none).
	holder string
}

func newPublicView(in *tender.WebPaymentInput) publicView {
	var v publicView
	in.CustomerInput().Apply(&v.customer)
	if name := in.PaymentMethodInput("").PersonName; name != nil {
		v.holder = *name
	}
	return v
}

// Customer returns c with only its ids, flags and timestamps, and the
// demographics the caller sent.
func (v publicView) Customer(c *tender.Customer) *tender.Customer {
	if c == nil {
		return nil
	}
	out := v.customer
	out.ID, out.MerchantID, out.CreatedAt, out.UpdatedAt, out.DeletedAt = c.ID, c.MerchantID, c.CreatedAt, c.UpdatedAt, c.DeletedAt
	out.AllowInvoiceCreditCardPayments = c.AllowInvoiceCreditCardPayments
	out.CCEmails = []string{}
	return &out
}

// PaymentMethod returns pm with the holder's name only as the caller gave
// it (a name taken from a matched customer is not shown, nor in the
// nickname), and a billing address only where it is what the caller sent.
func (v publicView) PaymentMethod(pm *tender.PaymentMethod) *tender.PaymentMethod {
	if pm == nil {
		return nil
	}
	out := *pm
	if out.PersonName != v.holder {
		if out.PersonName != "" {
			out.Nickname = strings.Join(strings.Fields(strings.Replace(out.Nickname, out.PersonName, v.holder, 1)), " ")
		}
		out.PersonName = v.holder
	}
	for _, f := range []struct {
		shown *string
		sent  string
	}{
		{&out.Address1, v.customer.Address1}, {&out.Address2, v.customer.Address2}, {&out.AddressCity, v.customer.AddressCity},
		{&out.AddressState, v.customer.AddressState}, {&out.AddressZip, v.customer.AddressZip},
		{&out.AddressCountry, v.customer.AddressCountry},
	} {
		if *f.shown != f.sent {
			*f.shown = ""
		}
	}
	return &out
}

// Transaction returns t (and its children) with public customers and
// payment methods.
func (v publicView) Transaction(t *TransactionView) *TransactionView {
	if t == nil {
		return nil
	}
	out := *t
	out.Customer, out.PaymentMethod = v.Customer(t.Customer), v.PaymentMethod(t.PaymentMethod)
	out.ChildTransactions = make([]*TransactionView, len(t.ChildTransactions))
	for i, k := range t.ChildTransactions {
		out.ChildTransactions[i] = v.Transaction(k)
	}
	return &out
}

// Invoice returns inv with its public customer and payments. The invoice's
// own fields are those pay() created it with.
func (v publicView) Invoice(inv *InvoiceView) *InvoiceView {
	if inv == nil {
		return nil
	}
	out := *inv
	out.Customer = v.Customer(inv.Customer)
	out.ChildTransactions = make([]*TransactionView, len(inv.ChildTransactions))
	for i, k := range inv.ChildTransactions {
		out.ChildTransactions[i] = v.Transaction(k)
	}
	// From the public payments and customer: only what they show.
	out.IsWebPayment, out.PaymentMeta = false, nil
	out.webPayment()
	return &out
}
