package client

import "context"

// Customer is a customer as the API shows it.
type Customer struct {
	ID                             string   `json:"id"`
	MerchantID                     string   `json:"merchant_id"`
	Firstname                      string   `json:"firstname"`
	Lastname                       string   `json:"lastname"`
	Company                        string   `json:"company"`
	Email                          string   `json:"email"`
	CCEmails                       []string `json:"cc_emails"`
	Phone                          string   `json:"phone"`
	Address1                       string   `json:"address_1"`
	Address2                       string   `json:"address_2"`
	AddressCity                    string   `json:"address_city"`
	AddressState                   string   `json:"address_state"`
	AddressZip                     string   `json:"address_zip"`
	AddressCountry                 string   `json:"address_country"`
	Notes                          string   `json:"notes"`
	Reference                      string   `json:"reference"`
	AllowInvoiceCreditCardPayments bool     `json:"allow_invoice_credit_card_payments"`
	HasAddress                     bool     `json:"has_address"`
	MissingAddressComponents       []string `json:"missing_address_components"`
	Options                        Meta     `json:"options"`
	CreatedAt                      Time     `json:"created_at"`
	UpdatedAt                      Time     `json:"updated_at"`
	DeletedAt                      *Time    `json:"deleted_at"`
}

// CustomerInput creates or updates a customer; empty fields are left out.
type CustomerInput struct {
	Firstname                      string   `json:"firstname,omitempty"`
	Lastname                       string   `json:"lastname,omitempty"`
	Company                        string   `json:"company,omitempty"`
	Email                          string   `json:"email,omitempty"`
	CCEmails                       []string `json:"cc_emails,omitempty"`
	Phone                          string   `json:"phone,omitempty"`
	Address1                       string   `json:"address_1,omitempty"`
	Address2                       string   `json:"address_2,omitempty"`
	AddressCity                    string   `json:"address_city,omitempty"`
	AddressState                   string   `json:"address_state,omitempty"`
	AddressZip                     string   `json:"address_zip,omitempty"`
	AddressCountry                 string   `json:"address_country,omitempty"`
	Notes                          string   `json:"notes,omitempty"`
	Reference                      string   `json:"reference,omitempty"`
	AllowInvoiceCreditCardPayments *bool    `json:"allow_invoice_credit_card_payments,omitempty"`
}

// CreateCustomer creates a customer.
func (c *Client) CreateCustomer(ctx context.Context, in *CustomerInput) (*Customer, error) {
	var out Customer
	return &out, c.do(ctx, call{method: "POST", path: "/customer", body: in, out: &out})
}

// Customer gets a customer.
func (c *Client) Customer(ctx context.Context, id string) (*Customer, error) {
	var out Customer
	return &out, c.do(ctx, call{method: "GET", path: "/customer/{id}", args: []string{id}, out: &out})
}

// UpdateCustomer changes a customer.
func (c *Client) UpdateCustomer(ctx context.Context, id string, in *CustomerInput) (*Customer, error) {
	var out Customer
	return &out, c.do(ctx, call{method: "PUT", path: "/customer/{id}", args: []string{id}, body: in, out: &out})
}

// DeleteCustomer soft-deletes a customer.
func (c *Client) DeleteCustomer(ctx context.Context, id string) (*Customer, error) {
	var out Customer
	return &out, c.do(ctx, call{method: "DELETE", path: "/customer/{id}", args: []string{id}, out: &out})
}

// Customers lists customers (filters: email, firstname, lastname, ...).
func (c *Client) Customers(ctx context.Context, p *ListParams) (*Page[Customer], error) {
	var out Page[Customer]
	return &out, c.do(ctx, call{method: "GET", path: "/customer", query: p.values(), out: &out})
}

// PaymentMethod is a stored card or bank account (never its number).
type PaymentMethod struct {
	ID              string    `json:"id"`
	CustomerID      string    `json:"customer_id"`
	MerchantID      string    `json:"merchant_id"`
	Method          string    `json:"method"`
	Nickname        string    `json:"nickname"`
	PersonName      string    `json:"person_name"`
	CardType        string    `json:"card_type"`
	CardLastFour    string    `json:"card_last_four"`
	CardExp         string    `json:"card_exp"`
	CardExpDatetime *Time     `json:"card_exp_datetime"`
	BinType         string    `json:"bin_type"`
	BankName        string    `json:"bank_name"`
	BankType        string    `json:"bank_type"`
	BankHolderType  string    `json:"bank_holder_type"`
	HasCVV          bool      `json:"has_cvv"`
	IsDefault       bool      `json:"is_default"`
	IsUsableInVT    bool      `json:"is_usable_in_vt"`
	IsTokenized     bool      `json:"is_tokenized"`
	Address1        string    `json:"address_1"`
	Address2        string    `json:"address_2"`
	AddressCity     string    `json:"address_city"`
	AddressState    string    `json:"address_state"`
	AddressZip      string    `json:"address_zip"`
	AddressCountry  string    `json:"address_country"`
	Meta            Meta      `json:"meta"`
	CreatedAt       Time      `json:"created_at"`
	UpdatedAt       Time      `json:"updated_at"`
	DeletedAt       *Time     `json:"deleted_at"`
	Customer        *Customer `json:"customer,omitempty"` // a single payment method embeds it; lists do not
}

// PaymentMethodInput tokenizes (method card or bank) or updates a payment
// method. The card and bank numbers go to the server's vault.
type PaymentMethodInput struct {
	Method         string `json:"method,omitempty"`
	CustomerID     string `json:"customer_id,omitempty"`
	PersonName     string `json:"person_name,omitempty"`
	CardNumber     string `json:"card_number,omitempty"`
	CardCVV        string `json:"card_cvv,omitempty"`
	CardExp        string `json:"card_exp,omitempty"` // MMYY
	BankName       string `json:"bank_name,omitempty"`
	BankAccount    string `json:"bank_account,omitempty"`
	BankRouting    string `json:"bank_routing,omitempty"`
	BankType       string `json:"bank_type,omitempty"`
	BankHolderType string `json:"bank_holder_type,omitempty"`
	Nickname       string `json:"nickname,omitempty"`
	IsDefault      *bool  `json:"is_default,omitempty"`
	Address1       string `json:"address_1,omitempty"`
	Address2       string `json:"address_2,omitempty"`
	AddressCity    string `json:"address_city,omitempty"`
	AddressState   string `json:"address_state,omitempty"`
	AddressZip     string `json:"address_zip,omitempty"`
	AddressCountry string `json:"address_country,omitempty"`
	Meta           Meta   `json:"meta,omitempty"`
}

// CreatePaymentMethod tokenizes a card or bank account.
func (c *Client) CreatePaymentMethod(ctx context.Context, in *PaymentMethodInput) (*PaymentMethod, error) {
	var out PaymentMethod
	return &out, c.do(ctx, call{method: "POST", path: "/payment-method", body: in, out: &out})
}

// PaymentMethod gets a payment method with its customer.
func (c *Client) PaymentMethod(ctx context.Context, id string) (*PaymentMethod, error) {
	var out PaymentMethod
	return &out, c.do(ctx, call{method: "GET", path: "/payment-method/{id}", args: []string{id}, out: &out})
}

// UpdatePaymentMethod changes a payment method's address, nickname, holder
// name, expiry or default.
func (c *Client) UpdatePaymentMethod(ctx context.Context, id string, in *PaymentMethodInput) (*PaymentMethod, error) {
	var out PaymentMethod
	return &out, c.do(ctx, call{method: "PUT", path: "/payment-method/{id}", args: []string{id}, body: in, out: &out})
}

// DeletePaymentMethod soft-deletes a payment method.
func (c *Client) DeletePaymentMethod(ctx context.Context, id string) (*PaymentMethod, error) {
	var out PaymentMethod
	return &out, c.do(ctx, call{method: "DELETE", path: "/payment-method/{id}", args: []string{id}, out: &out})
}

// PaymentMethods lists payment methods (filters: customer_id, method).
func (c *Client) PaymentMethods(ctx context.Context, p *ListParams) (*Page[PaymentMethod], error) {
	var out Page[PaymentMethod]
	return &out, c.do(ctx, call{method: "GET", path: "/payment-method", query: p.values(), out: &out})
}

// CustomerPaymentMethods lists a customer's payment methods.
func (c *Client) CustomerPaymentMethods(ctx context.Context, customerID string) ([]PaymentMethod, error) {
	var out []PaymentMethod
	err := c.do(ctx, call{method: "GET", path: "/customer/{id}/payment-method", args: []string{customerID}, out: &out})
	return out, err
}
