package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tenderpay/tender/client"
)

// trigger is one "tender trigger" scenario: the sandbox objects it makes
// and the event it is there to emit.
type trigger struct {
	name, event, desc string
	run               func(ctx context.Context, c *client.Client) (objectID string, err error)
}

var triggers = []trigger{
	{"create_customer", "create_customer", "a customer", func(ctx context.Context, c *client.Client) (string, error) {
		cust, err := triggerCustomer(ctx, c)
		if err != nil {
			return "", err
		}
		return cust.ID, nil
	}},
	{"create_transaction", "create_transaction", "a card charge of $10.00 (customer and card made first)", func(ctx context.Context, c *client.Client) (string, error) {
		tx, err := triggerCharge(ctx, c, "4111111111111111", 1000)
		if err != nil {
			return "", err
		}
		return tx.ID, nil
	}},
	{"charge_declined", "create_transaction", "a declined card charge (the transaction, success false)", func(ctx context.Context, c *client.Client) (string, error) {
		tx, err := triggerCharge(ctx, c, "4000000000000002", 1000)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Declined() {
			return ce.Transaction.ID, nil
		}
		if err == nil {
			return "", fmt.Errorf("the charge %s was not declined", tx.ID)
		}
		return "", err
	}},
	{"settlement", "update_transaction_settled", "a charge, then the sandbox batch settled", func(ctx context.Context, c *client.Client) (string, error) {
		tx, err := triggerCharge(ctx, c, "4111111111111111", 1000)
		if err != nil {
			return "", err
		}
		_, err = c.SettleSandboxBatch(ctx)
		return tx.ID, err
	}},
	{"refund", "update_transaction", "a charge, settled, then refunded $2.50", func(ctx context.Context, c *client.Client) (string, error) {
		tx, err := triggerCharge(ctx, c, "4111111111111111", 1000)
		if err != nil {
			return "", err
		}
		if _, err = c.SettleSandboxBatch(ctx); err != nil {
			return "", err
		}
		_, err = c.Refund(ctx, tx.ID, &client.ActionInput{Total: 250})
		return tx.ID, err
	}},
	{"void", "update_transaction", "a charge, then voided", func(ctx context.Context, c *client.Client) (string, error) {
		tx, err := triggerCharge(ctx, c, "4111111111111111", 1000)
		if err != nil {
			return "", err
		}
		_, err = c.Void(ctx, tx.ID, nil)
		return tx.ID, err
	}},
	{"invoice_payment_declined", "update_invoice", "an invoice of $25.00 paid with a card that is declined (ATTEMPTED)", func(ctx context.Context, c *client.Client) (string, error) {
		cust, err := triggerCustomer(ctx, c)
		if err != nil {
			return "", err
		}
		pm, err := triggerCard(ctx, c, cust.ID, "4000000000000002")
		if err != nil {
			return "", err
		}
		inv, err := c.CreateInvoice(ctx, &client.InvoiceInput{CustomerID: cust.ID, Total: 2500,
			Meta: client.Meta{"lineItems": []any{map[string]any{"item": "Trigger", "quantity": 1, "price": 25}}}})
		if err != nil {
			return "", err
		}
		_, err = c.PayInvoice(ctx, inv.ID, &client.PayInvoiceInput{PaymentMethodID: pm.ID, Total: 2500})
		var ce *client.Error
		if errors.As(err, &ce) && ce.Declined() {
			return inv.ID, nil
		}
		if err == nil {
			return "", fmt.Errorf("the payment of invoice %s was not declined", inv.ID)
		}
		return "", err
	}},
	{"bank_return", "update_transaction_settled", "a bank debit returned R01 (NSF) at settlement: a refund child with source ach_return", func(ctx context.Context, c *client.Client) (string, error) {
		cust, err := triggerCustomer(ctx, c)
		if err != nil {
			return "", err
		}
		pm, err := c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "bank", CustomerID: cust.ID, PersonName: "Trigger Test",
			BankName: "Sandbox Bank", BankAccount: "9876543211", BankRouting: "021000021", BankType: "checking", BankHolderType: "personal"})
		if err != nil {
			return "", err
		}
		tx, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: 1000})
		if err != nil {
			return "", err
		}
		_, err = c.SettleSandboxBatch(ctx)
		return tx.ID, err
	}},
}

func triggerCustomer(ctx context.Context, c *client.Client) (*client.Customer, error) {
	return c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Trigger", Lastname: "Test", Email: "trigger@example.com"})
}

func triggerCard(ctx context.Context, c *client.Client, customerID, number string) (*client.PaymentMethod, error) {
	return c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: customerID, PersonName: "Trigger Test",
		CardNumber: number, CardCVV: "123", CardExp: "1240"})
}

func triggerCharge(ctx context.Context, c *client.Client, number string, cents client.Amount) (*client.Transaction, error) {
	cust, err := triggerCustomer(ctx, c)
	if err != nil {
		return nil, err
	}
	pm, err := triggerCard(ctx, c, cust.ID, number)
	if err != nil {
		return nil, err
	}
	return c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: cents})
}

// triggerCmd runs "tender trigger <name>": it makes, through the Go client
// on a sandbox server, the objects that emit an event, then prints the
// events the object has.
func triggerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trigger", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.Bool("list", false, "print the supported triggers")
	var af apiFlags
	af.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	name := ""
	switch len(pos) {
	case 0:
	case 1:
		name = pos[0]
	default:
		return fmt.Errorf("trigger: want one event name, not %q", pos)
	}
	if *list || name == "" {
		for _, t := range triggers {
			fmt.Fprintf(stdout, "%-26s %-28s %s\n", t.name, t.event, t.desc)
		}
		if !*list {
			return errors.New("trigger: want an event name (see the list above)")
		}
		return nil
	}
	var tr *trigger
	for i := range triggers {
		if triggers[i].name == name {
			tr = &triggers[i]
		}
	}
	if tr == nil {
		return fmt.Errorf("trigger: unknown event %q (tender trigger --list)", name)
	}
	c, err := af.client()
	if err != nil {
		return err
	}
	id, err := tr.run(ctx, c)
	if err != nil {
		return fmt.Errorf("trigger %s: %w", name, err)
	}
	evs, err := c.Events(ctx, &client.ListParams{PerPage: 50, Filter: map[string]string{"object_id": id}})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(evs.Data))
	for i := len(evs.Data) - 1; i >= 0; i-- { // oldest first
		names = append(names, evs.Data[i].Name)
	}
	fmt.Fprintf(stdout, "triggered %s: object %s; its events: %s\n", name, id, strings.Join(names, ", "))
	return nil
}
