package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

// route is one row of the route table: the handler and what the OpenAPI
// document says about it. The mux and the document are both built from this
// table, so they cannot disagree.
type route struct {
	method, path string
	auth         authKind
	tag          string
	summary      string
	// req names the request body schema ("" for none); resp the 2xx
	// response schema; list wraps resp in the Laravel paginator; array makes
	// it a bare array.
	req, resp   string
	list, array bool
	// form names the schema of a multipart/form-data request body (an
	// upload: the body limit is the file limit plus MaxBodyBytes); with
	// req as well, the route takes either. download says the 2xx answer
	// is a file's bytes, not JSON.
	form     string
	download bool
	// stream says the 2xx answer is a text/event-stream (Server-Sent
	// Events) of resp, open until the client leaves or the server stops.
	stream bool
	// money adds 400 (declined, with the transaction) and 202 (processor
	// outcome pending) responses of the same schema.
	money  bool
	status int
	// opID overrides the operation id derived from method and path (two
	// spellings of one path would otherwise share one).
	opID string
	// mux, when set, is the pattern the route is registered under instead
	// of path: a more general one, for a path that would otherwise conflict
	// in http.ServeMux (PUT /invoice/{id}/send and PUT
	// /invoice/schedule/{id} both match /invoice/schedule/send). The
	// handler then checks path's literal segments itself.
	mux   string
	query []queryParam
	// limit picks the throttling budget (default: the API's).
	limit string
	// admin refuses a staff user's key (403): what only owners and admins
	// may do (money given back, webhooks). Every merchant-key-only route
	// (keys, team, settings) is admin too.
	admin bool
	h     func(w http.ResponseWriter, r *http.Request) error
}

type queryParam struct {
	name, typ, desc string
}

var pageParams = []queryParam{
	{"page", "integer", "1-based page number"},
	{"per_page", "integer", "page size, at most 200 (default 25)"},
	{"sort", "string", "sort column"},
	{"order", "string", "asc or desc (default desc on created_at)"},
	{"keywords[]", "string", "search terms, all must match"},
	{"keywords", "string", "as keywords[]"},
}

func (a *API) routeTable() []route {
	return []route{
		// Merchant self-service.
		{method: "GET", path: "/self", tag: "merchant", summary: "The authenticated merchant and key, and with a user's key the user", resp: "Self", h: a.getSelf},
		{method: "POST", path: "/forgot", auth: authPublic, limit: limitAccount, tag: "account", summary: "Email a password reset link to a team user (the same answer whether or not the email has an account)", req: "ForgotInput", resp: "AccountMessage", h: a.forgotPassword},
		{method: "GET", path: "/reset/{token}", auth: authPublic, limit: limitAccount, tag: "account", summary: "Whether a password reset link is still valid, and its email (masked); does not spend it", resp: "ResetTokenStatus", h: a.getResetToken},
		{method: "POST", path: "/reset/{token}", auth: authPublic, limit: limitAccount, tag: "account", summary: "Set a new password with a reset link (spends it; ends the user's sessions)", req: "ResetInput", resp: "AccountMessage", h: a.resetPassword},
		{method: "POST", path: "/verify", limit: limitAccount, tag: "account", summary: "Email the signed-in user a link to verify their email (a user's API key)", resp: "AccountMessage", h: a.resendVerification},
		{method: "PUT", path: "/self/verify/resend", limit: limitAccount, tag: "account", summary: "Send the signed-in user a new email verification link", resp: "AccountMessage", h: a.resendVerification},
		{method: "GET", path: "/self/verify/{token}", auth: authPublic, limit: limitAccount, tag: "account", summary: "Verify an email with the emailed link (single use, 24 hours)", resp: "AccountMessage", h: a.verifyEmail},
		{method: "POST", path: "/self", auth: authPublic, limit: limitAccount, tag: "account", summary: "Sign up: create a merchant, its owner and the owner's API key (shown once), when sign-up is open", req: "SignUpInput", resp: "SignUp", status: 201, h: a.signUp},
		{method: "GET", path: "/self/exists", auth: authPublic, limit: limitAccount, tag: "account", summary: "Whether an email already has an account (only while sign-up is open)", resp: "EmailExists", query: []queryParam{{"email", "string", "the email (required)"}}, h: a.emailExists},
		{method: "POST", path: "/team", auth: authPartner, tag: "partner", summary: "Create a merchant (team) for the partner: as POST /merchant", req: "MerchantInput", resp: "CreatedMerchant", status: 201, h: a.createMerchant},
		{method: "PUT", path: "/self", tag: "merchant", summary: "Change the signed-in user's own name, email or password (a user's API key; current_password for email or password)", req: "SelfUpdate", resp: "TeamUser", h: a.putSelf},
		{method: "POST", path: "/team/apikey", auth: authMerchantKey, tag: "merchant", summary: "Create another merchant API key (shown once)", req: "APIKeyInput", resp: "NewKey", status: 201, h: a.createTeamKey},
		{method: "GET", path: "/team/apikey", auth: authMerchantKey, tag: "merchant", summary: "List the merchant's API keys, without their secrets (bare array)", resp: "APIKey", array: true, h: a.listTeamKeys},
		{method: "DELETE", path: "/team/apikey/{id}", auth: authMerchantKey, tag: "merchant", summary: "Revoke one of the merchant's API keys", resp: "APIKey", h: a.revokeTeamKey},
		{method: "GET", path: "/team/user", auth: authMerchantKey, tag: "merchant", summary: "List the merchant's team users, oldest first (bare array)", resp: "TeamUser", array: true, h: a.listTeamUsers},
		{method: "POST", path: "/team/user", auth: authMerchantKey, tag: "merchant", summary: "Add a team user who signs in to the dashboard", req: "TeamUserInput", resp: "TeamUser", status: 201, h: a.createTeamUser},
		{method: "GET", path: "/team/user/{id}", auth: authMerchantKey, tag: "merchant", summary: "Get a team user", resp: "TeamUser", h: a.getTeamUser},
		{method: "PUT", path: "/team/user/{id}", auth: authMerchantKey, tag: "merchant", summary: "Change a team user's name, role, enabled flag or password; disabling or a new password ends their sessions; the last enabled owner stays", req: "TeamUserUpdate", resp: "TeamUser", h: a.updateTeamUser},
		{method: "PUT", path: "/team", auth: authMerchantKey, tag: "merchant", summary: "Change the merchant's own business details: company and contact names, email, phone, address", req: "TeamInput", resp: "Merchant", h: a.updateTeam},
		{method: "PUT", path: "/team/options", auth: authMerchantKey, tag: "merchant", summary: "Set the merchant's options: a flat object of names to strings, numbers or booleans merged into options; null removes one", req: "TeamOptions", resp: "Merchant", h: a.updateTeamOptions},
		{method: "POST", path: "/team/option/branding", auth: authMerchantKey, tag: "merchant", summary: "Upload the merchant's logo (multipart/form-data, part branding: PNG, JPEG, GIF or WebP, at most 512 KB), shown on the hosted invoice page and in emails", form: "LogoUpload", resp: "Merchant", h: a.uploadLogo},
		{method: "DELETE", path: "/team/option/branding", auth: authMerchantKey, tag: "merchant", summary: "Remove the merchant's logo", resp: "Merchant", h: a.deleteLogo},
		{method: "PUT", path: "/team/option/advanced_customizations", auth: authMerchantKey, tag: "merchant", summary: "Set the brand colours of the hosted invoice page and emails (#rrggbb; empty restores Tender's)", req: "BrandingInput", resp: "Merchant", h: a.updateBrandingColors},
		{method: "GET", path: "/ephemeral", auth: authMerchantKey, tag: "merchant", summary: "Create a 24-hour ephemeral token (merchant API keys only)", resp: "EphemeralToken", h: a.getEphemeral},

		// Partner routes.
		{method: "POST", path: "/merchant", auth: authPartner, tag: "partner", summary: "Create a merchant with its first API key", req: "MerchantInput", resp: "CreatedMerchant", status: 201, h: a.createMerchant},
		{method: "GET", path: "/merchant", auth: authPartner, tag: "partner", summary: "List the partner's merchants", resp: "Merchant", list: true, query: pageParams[:4], h: a.listMerchants},
		{method: "GET", path: "/merchant/{id}", auth: authPartner, tag: "partner", summary: "Get one of the partner's merchants", resp: "Merchant", h: a.getMerchant},
		{method: "PUT", path: "/merchant/{id}", auth: authPartner, tag: "partner", summary: "Update a merchant: name, features, allowed origins", req: "MerchantInput", resp: "Merchant", h: a.updateMerchant},
		{method: "GET", path: "/merchant/{id}/apikey", auth: authPartner, tag: "partner", summary: "List a merchant's API keys, without their secrets (bare array)", resp: "APIKey", array: true, h: a.listMerchantKeys},
		{method: "POST", path: "/merchant/{id}/apikey", auth: authPartner, tag: "partner", summary: "Create an API key for a merchant (shown once)", req: "APIKeyInput", resp: "NewKey", status: 201, h: a.createMerchantKey},

		// Customers.
		{method: "POST", path: "/customer", tag: "customer", summary: "Create a customer", req: "CustomerInput", resp: "Customer", h: a.createCustomer},
		{method: "GET", path: "/customer", tag: "customer", summary: "List customers (a created_at range alone reads in O(page))", resp: "Customer", list: true, query: listQuery([]queryParam{
			{"email", "string", "exact email (case-insensitive)"}, {"firstname", "string", ""}, {"lastname", "string", ""},
			{"company", "string", ""}, {"phone", "string", ""}, {"reference", "string", ""},
		}, createdParams, updatedParams, pageParams), h: a.listCustomers},
		{method: "GET", path: "/customer/{id}", tag: "customer", summary: "Get a customer", resp: "Customer", h: a.getCustomer},
		{method: "PUT", path: "/customer/{id}", tag: "customer", summary: "Update a customer", req: "CustomerInput", resp: "Customer", h: a.updateCustomer},
		{method: "DELETE", path: "/customer/{id}", tag: "customer", summary: "Soft-delete a customer", resp: "Customer", h: a.deleteCustomer},
		{method: "GET", path: "/customer/{id}/payment-method", tag: "customer", summary: "A customer's payment methods (bare array)", resp: "PaymentMethod", array: true, h: a.customerPaymentMethods},

		// Payment methods (card numbers sealed in the vault, never returned).
		{method: "POST", path: "/payment-method", tag: "payment-method", summary: "Tokenize a card or bank account", req: "PaymentMethodInput", resp: "PaymentMethodWithCustomer", h: a.createPaymentMethod},
		{method: "GET", path: "/payment-method", tag: "payment-method", summary: "List payment methods (a created_at range alone reads in O(page))", resp: "PaymentMethod", list: true, query: listQuery([]queryParam{
			{"customer_id", "string", ""}, {"method", "string", "card or bank"},
		}, createdParams, updatedParams, pageParams[:4]), h: a.listPaymentMethods},
		{method: "GET", path: "/payment-method/{id}", tag: "payment-method", summary: "Get a payment method, its customer embedded", resp: "PaymentMethodWithCustomer", h: a.getPaymentMethod},
		{method: "PUT", path: "/payment-method/{id}", tag: "payment-method", summary: "Update billing address, nickname, holder name, expiry or default", req: "PaymentMethodInput", resp: "PaymentMethodWithCustomer", h: a.updatePaymentMethod},
		{method: "DELETE", path: "/payment-method/{id}", tag: "payment-method", summary: "Soft-delete a payment method", resp: "PaymentMethod", h: a.deletePaymentMethod},

		// Money.
		{method: "POST", path: "/charge", tag: "transaction", summary: "Charge a payment method (sale, or pre-auth with pre_auth)", req: "ChargeInput", resp: "Transaction", money: true, h: a.charge(false)},
		{method: "POST", path: "/credit", admin: true, tag: "transaction", summary: "Credit (pay out to) a payment method", req: "ChargeInput", resp: "Transaction", money: true, h: a.charge(true)},
		{method: "GET", path: "/transaction", tag: "transaction", summary: "List transactions (a created_at range with at most one of customer_id and payment_method_id reads in O(page))", resp: "Transaction", list: true, query: listQuery([]queryParam{
			{"type", "string", "charge, pre_auth, capture, refund, void, credit"}, {"method", "string", "card, bank, or a manual method (cash, check, ...)"},
			{"status", "string", "PENDING, SUCCESS or FAILED"}, {"success", "string", "true or false"},
			{"customer_id", "string", ""}, {"payment_method_id", "string", ""}, {"invoice_id", "string", ""},
			{"schedule_id", "string", "payments of the scheduled invoice's invoices"},
			{"total_min", "number", "total at least (dollars)"}, {"total_max", "number", "total at most (dollars)"},
		}, createdParams, updatedParams, pageParams), h: a.listTransactions},
		{method: "GET", path: "/transaction/{id}", tag: "transaction", summary: "Get a transaction with its children", resp: "Transaction", h: a.getTransaction},
		{method: "POST", path: "/transaction/{id}/capture", tag: "transaction", summary: "Capture a pre-authorization (total ≤ authorized)", req: "ActionInput", resp: "Transaction", money: true, h: a.act(tender.OpCapture)},
		{method: "POST", path: "/transaction/{id}/void", admin: true, tag: "transaction", summary: "Void an unsettled payment", req: "ActionInput", resp: "Transaction", money: true, h: a.act(tender.OpVoid)},
		{method: "POST", path: "/transaction/{id}/refund", admin: true, tag: "transaction", summary: "Refund a settled payment, partly or fully", req: "ActionInput", resp: "Transaction", money: true, h: a.act(tender.OpRefund)},
		{method: "POST", path: "/transaction/{id}/void-or-refund", admin: true, tag: "transaction", summary: "Void if unsettled, else refund", req: "ActionInput", resp: "Transaction", money: true, h: a.act(tender.OpVoidOrRefund)},
		{method: "PUT", path: "/transaction/{id}/receipt/email", tag: "transaction", summary: "Email the transaction's receipt (to the customer, or to email)", req: "ReceiptInput", resp: "Message", h: a.sendReceipt(tender.ChannelEmail)},
		{method: "PUT", path: "/transaction/{id}/receipt/sms", tag: "transaction", summary: "Text the transaction's receipt (to the customer, or to phone)", req: "ReceiptInput", resp: "Message", h: a.sendReceipt(tender.ChannelSMS)},
		{method: "PUT", path: "/transaction/{id}/receipt-sms", tag: "transaction", summary: "Text the transaction's receipt (Stax's spelling of /receipt/sms)", req: "ReceiptInput", resp: "Message", opID: "putTransactionIdReceiptSmsStax", h: a.sendReceipt(tender.ChannelSMS)},
		{method: "GET", path: "/transaction/{id}/funding", tag: "transaction", summary: "The transaction's split-funding allocations (bare array; empty unless split)", resp: "Funding", array: true, h: a.transactionFunding},
		{method: "PUT", path: "/transaction/{id}", tag: "transaction", summary: "Update a transaction's meta, notes or reference (any other field: 422 naming it)", req: "TransactionUpdateInput", resp: "Transaction", h: a.updateTransaction},
		{method: "GET", path: "/transaction/{id}/related", tag: "transaction", summary: "The transaction's family: its payment and that payment's captures, voids and refunds, oldest first, itself left out (bare array)", resp: "Transaction", array: true, h: a.relatedTransactions},

		// Invoices.
		{method: "POST", path: "/invoice", tag: "invoice", summary: "Create an invoice (DRAFT; send_now sends it by email)", req: "InvoiceInput", resp: "Invoice", h: a.createInvoice},
		{method: "GET", path: "/invoice", tag: "invoice", summary: "List invoices (a created_at range alone reads in O(page))", resp: "Invoice", list: true, query: listQuery([]queryParam{
			{"status", "string", "DRAFT, SENT, VIEWED, PARTIALLY APPLIED, PAID, ATTEMPTED or DELETED"},
			{"customer_id", "string", ""}, {"schedule_id", "string", ""},
		}, createdParams, updatedParams, dueParams, totalParams, pageParams), h: a.listInvoices},
		{method: "GET", path: "/invoice/{id}", tag: "invoice", summary: "Get an invoice with its payments", resp: "Invoice", h: a.getInvoice},
		{method: "PUT", path: "/invoice/{id}", tag: "invoice", summary: "Update an invoice that has no payment yet", req: "InvoiceInput", resp: "Invoice", h: a.updateInvoice},
		{method: "DELETE", path: "/invoice/{id}", tag: "invoice", summary: "Delete an unpaid invoice (status DELETED)", resp: "Invoice", h: a.deleteInvoice},
		{method: "PUT", path: "/invoice/{id}/send", mux: "/invoice/{id}/{action}", tag: "invoice", summary: "Email the invoice to its customer", resp: "Invoice", h: a.sendInvoice(tender.ChannelEmail)},
		{method: "PUT", path: "/invoice/{id}/send/email", tag: "invoice", summary: "Email the invoice to its customer", resp: "Invoice", h: a.sendInvoice(tender.ChannelEmail)},
		{method: "PUT", path: "/invoice/{id}/send/sms", tag: "invoice", summary: "Text the invoice to its customer", resp: "Invoice", h: a.sendInvoice(tender.ChannelSMS)},
		{method: "POST", path: "/invoice/schedule", tag: "schedule", summary: "Create a scheduled invoice (RFC 5545 rule with DTSTART; autopay with payment_method_id)", req: "ScheduleInput", resp: "Schedule", h: a.createSchedule},
		{method: "GET", path: "/invoice/schedule", tag: "schedule", summary: "List scheduled invoices (a created_at range alone reads in O(page))", resp: "Schedule", list: true, query: listQuery([]queryParam{
			{"status", "string", "NOT STARTED, WAITING, PENDING, PAUSED, COMPLETED or DELETED"}, {"customer_id", "string", ""},
		}, createdParams, updatedParams, pageParams[:4]), h: a.listSchedules},
		{method: "GET", path: "/invoice/schedule/{id}", tag: "schedule", summary: "Get a scheduled invoice", resp: "Schedule", h: a.getSchedule},
		{method: "PUT", path: "/invoice/schedule/{id}", tag: "schedule", summary: "Update a scheduled invoice; active=false pauses it", req: "ScheduleInput", resp: "Schedule", h: a.updateSchedule},
		{method: "DELETE", path: "/invoice/schedule/{id}", tag: "schedule", summary: "Delete a scheduled invoice (no more occurrences)", resp: "Schedule", h: a.deleteSchedule},
		{method: "POST", path: "/invoice/{id}/pay", tag: "invoice", summary: "Pay an invoice with a stored payment method (idempotent; split funding)", req: "PayInvoiceInput", resp: "Transaction", money: true, h: a.payInvoice},
		{method: "POST", path: "/invoice/{id}/pay/{method}", tag: "invoice", summary: "Record a payment made outside Tender: CASH, CHECK, BANK TRANSFER, GIFTCARD, PAYPAL, VENMO, OTHER", req: "ManualPaymentInput", resp: "Transaction", h: a.payInvoiceManual},

		// Web payments (Stax.js and the hosted invoice page): public tokens,
		// CORS, their own throttling budgets.
		{method: "POST", path: "/webpayment/{token}/tokenize", auth: authWebToken, limit: limitWeb, tag: "webpayment", summary: "Stax.js tokenize(): store a card (from the hosted fields) or bank account on a matched, given or new customer", req: "WebPaymentInput", resp: "PaymentMethod", h: a.webTokenize},
		{method: "POST", path: "/webpayment/{token}/pay", auth: authWebToken, limit: limitWebPay, tag: "webpayment", summary: "Stax.js pay(): customer, payment method, invoice and payment in one (idempotent); the invoice PAID or ATTEMPTED", req: "WebPaymentInput", resp: "Invoice", money: true, h: a.webPay},
		{method: "POST", path: "/pay/invoice/{id}", auth: authPublic, limit: limitWebPay, tag: "webpayment", summary: "Pay an invoice from its hosted page (card or bank, saved on the invoice's customer)", req: "WebPaymentInput", resp: "HostedPayResult", money: true, h: a.hostedPay},
		{method: "POST", path: "/pay/link/{id}", auth: authPublic, limit: limitWebPay, tag: "payment-link", summary: "Pay a payment link from its page: takes one use, finds or creates the customer by email, creates and pays an invoice for the link's total", req: "WebPaymentInput", resp: "HostedPayResult", money: true, h: a.payPaymentLink},

		// Card-present terminals (the device connects to GET /terminal/connect).
		{method: "GET", path: "/terminal/register", tag: "terminal", summary: "List the merchant's registers (bare array)", resp: "Register", array: true, h: a.listRegisters},
		{method: "POST", path: "/terminal/register", tag: "terminal", summary: "Add a register; the answer holds its one-time pairing code", req: "RegisterInput", resp: "NewRegister", status: 201, h: a.createRegister},
		{method: "GET", path: "/terminal/register/{id}", tag: "terminal", summary: "Get a register", resp: "Register", h: a.getRegister},
		{method: "PUT", path: "/terminal/register/{id}", tag: "terminal", summary: "Update a register: nickname, serial, tip prompt, batch time", req: "RegisterInput", resp: "Register", h: a.updateRegister},
		{method: "POST", path: "/terminal/register/{id}/pair", tag: "terminal", summary: "New pairing code for a register (revokes the paired device)", resp: "NewRegister", status: 201, h: a.pairRegister},
		{method: "POST", path: "/terminal/register/{id}/batch", tag: "terminal", summary: "Close the device's batch now: capture offline approvals, settle", resp: "RegisterBatchResult", h: a.batchRegister},
		{method: "POST", path: "/terminal/charge", tag: "terminal", summary: "Card-present sale (or pre-auth); waits up to 60 s for the device, then answers terminalservice.waiting", req: "TerminalChargeInput", resp: "Transaction", money: true, h: a.terminalCharge(false, false)},
		{method: "POST", path: "/terminal/charge/queue", tag: "terminal", summary: "Card-present sale queued to the device: the PENDING transaction at once; poll it", req: "TerminalChargeInput", resp: "Transaction", h: a.terminalCharge(true, false)},
		{method: "POST", path: "/terminal/credit", admin: true, tag: "terminal", summary: "Card-present credit (pay out to the presented card)", req: "TerminalChargeInput", resp: "Transaction", money: true, h: a.terminalCharge(false, true)},
		{method: "POST", path: "/terminal/refund", admin: true, tag: "terminal", summary: "Refund a terminal transaction (card present unless card-present tokenized)", req: "TerminalActionInput", resp: "Transaction", money: true, h: a.terminalAction(tender.OpRefund)},
		{method: "POST", path: "/terminal/void", admin: true, tag: "terminal", summary: "Void a terminal transaction on its register, before the device's batch", req: "TerminalActionInput", resp: "Transaction", money: true, h: a.terminalAction(tender.OpVoid)},
		{method: "POST", path: "/terminal/void-or-refund", admin: true, tag: "terminal", summary: "Void a terminal transaction while unsettled, else refund it (the server decides)", req: "TerminalActionInput", resp: "Transaction", money: true, h: a.terminalAction(tender.OpVoidOrRefund)},
		{method: "POST", path: "/terminal/tokenize", tag: "terminal", summary: "Keep the card presented on the device as a payment method, without a charge", req: "TerminalAskInput", resp: "TerminalAnswer", h: a.terminalAsk(tender.TermTokenize)},
		{method: "POST", path: "/terminal/print", tag: "terminal", summary: "Print text on the device's printer", req: "TerminalAskInput", resp: "TerminalAnswer", h: a.terminalAsk(tender.TermPrint)},
		{method: "POST", path: "/terminal/promptChoice", tag: "terminal", summary: "Ask a question with options on the device; the chosen option", req: "TerminalAskInput", resp: "TerminalAnswer", h: a.terminalAsk(tender.TermChoice)},
		{method: "POST", path: "/terminal/promptInput", tag: "terminal", summary: "Ask for free text or a number on the device; what the customer typed", req: "TerminalAskInput", resp: "TerminalAnswer", h: a.terminalAsk(tender.TermInput)},
		{method: "POST", path: "/terminal/prompt/signature", tag: "terminal", summary: "Capture the customer's signature on the device (SVG path data)", req: "TerminalAskInput", resp: "TerminalAnswer", h: a.terminalAsk(tender.TermSignature)},
		{method: "POST", path: "/terminal/prompt", tag: "terminal", summary: "Show a message (and price) on the device; the customer's yes or no", req: "PromptInput", resp: "PromptResult", h: a.terminalPrompt},
		{method: "GET", path: "/terminal/{registerId}/status/{transactionId}", mux: "/terminal/{registerId}/{action}/{transactionId}", tag: "terminal", summary: "Status of a terminal transaction: SUCCESS, FAILED or PENDING (success 1/0)", resp: "TerminalStatus", h: a.terminalStatus},

		// Webhooks (a merchant's, or with a partner key every merchant's of the partner).
		{method: "POST", path: "/webhook", admin: true, auth: authAny, tag: "webhook", summary: "Subscribe a URL to an event (the answer holds the signing secret)", req: "WebhookInput", resp: "Webhook", h: a.createWebhook},
		{method: "GET", path: "/webhook", auth: authAny, tag: "webhook", summary: "List webhooks", resp: "Webhook", list: true, query: pageParams[:4], h: a.listWebhooks},
		{method: "DELETE", path: "/webhook/{id}", admin: true, auth: authAny, tag: "webhook", summary: "Delete a webhook", resp: "Webhook", h: a.deleteWebhook},
		{method: "GET", path: "/webhook/{id}/deliveries", auth: authAny, tag: "webhook", summary: "A webhook's delivery log, newest first", resp: "WebhookDelivery", list: true, query: pageParams[:2], h: a.listDeliveries},
		{method: "POST", path: "/webhook/{id}/deliveries/{deliveryId}/replay", admin: true, auth: authAny, tag: "webhook", summary: "Send a delivery's event again", resp: "WebhookDelivery", h: a.replayDelivery},
		// Brand webhooks (Stax's partner-level ones): a partner's webhooks, in Stax's shape.
		{method: "POST", path: "/webhookadmin/webhook/brand", auth: authPartner, tag: "webhook", summary: "Subscribe a URL to an event of every merchant of the partner (the answer holds the signing secret)", req: "BrandWebhookInput", resp: "BrandWebhook", h: a.createBrandWebhook},
		{method: "GET", path: "/webhookadmin/webhook/brand", auth: authPartner, tag: "webhook", summary: "List the partner's brand webhooks, oldest first (bare array)", resp: "BrandWebhook", array: true, h: a.listBrandWebhooks},
		{method: "GET", path: "/webhookadmin/webhook/brand/{webhook_id}", auth: authPartner, tag: "webhook", summary: "Get one of the partner's brand webhooks", resp: "BrandWebhook", h: a.getBrandWebhook},
		{method: "DELETE", path: "/webhookadmin/webhook/brand/{webhook_id}", auth: authPartner, tag: "webhook", summary: "Delete one of the partner's brand webhooks", resp: "BrandWebhook", h: a.deleteBrandWebhook},
		{method: "POST", path: "/processor/{name}/webhook/{merchant_id}", auth: authPublic, tag: "processor", summary: "An event from the merchant's processor (refund, failed payment, dispute), authenticated by its signature", resp: "ProcessorEventAck", h: a.processorWebhook},
		{method: "GET", path: "/sandbox/outbox", tag: "sandbox", summary: "Emails and SMS sent or kept for the sandbox merchant, newest first", resp: "Message", list: true, query: pageParams[:2], h: a.sandboxOutbox},
		{method: "POST", path: "/sandbox/batch", tag: "sandbox", summary: "Settle the sandbox merchant's open batch now", resp: "BatchResult", h: a.sandboxBatch},
		{method: "GET", path: "/sandbox/clock", tag: "sandbox", summary: "The sandbox server's clock", resp: "SandboxClock", h: a.getSandboxClock},
		{method: "POST", path: "/sandbox/clock", tag: "sandbox", summary: "Advance the sandbox server's clock", req: "SandboxClockInput", resp: "SandboxClock", h: a.advanceSandboxClock},

		// The event log: every change, as webhooks receive it.
		{method: "GET", path: "/event", tag: "event", summary: "List the merchant's events, newest first (the event log webhooks are sent from)", resp: "Event", list: true, query: append([]queryParam{
			{"name", "string", "event name, e.g. create_transaction"}, {"object_id", "string", "the id of the object the event is about"},
		}, pageParams[:2]...), h: a.listEvents},
		{method: "GET", path: "/event/stream", tag: "event", summary: "Follow the merchant's events as they are committed (Server-Sent Events; resume with Last-Event-ID)", resp: "Event", stream: true, query: []queryParam{
			{"name", "string", "event names to stream, comma-separated or repeated (default: all)"},
			{"since", "integer", "resume after this stream position (an event's SSE id), as the Last-Event-ID header does"},
		}, h: a.streamEvents},
		{method: "GET", path: "/event/{id}", tag: "event", summary: "Get one of the merchant's events", resp: "Event", h: a.getEvent},

		// Item catalog.
		{method: "POST", path: "/item", tag: "item", summary: "Create a catalog item", req: "ItemInput", resp: "Item", h: a.createItem},
		{method: "GET", path: "/item", tag: "item", summary: "List catalog items (a created_at range alone reads in O(page))", resp: "Item", list: true, query: listQuery([]queryParam{
			{"category", "string", ""}, {"code", "string", ""}, {"is_active", "string", "true or false"},
		}, createdParams, updatedParams, pageParams), h: a.listItems},
		{method: "GET", path: "/item/code", tag: "item", summary: "The newest live item with the code (query code)", resp: "Item", query: []queryParam{{"code", "string", "the item's code (required)"}}, h: a.itemByCode},
		{method: "GET", path: "/item/{id}", tag: "item", summary: "Get a catalog item", resp: "Item", h: a.getItem},
		{method: "PUT", path: "/item/{id}", tag: "item", summary: "Update a catalog item", req: "ItemInput", resp: "Item", h: a.updateItem},
		{method: "DELETE", path: "/item/{id}", tag: "item", summary: "Soft-delete a catalog item", resp: "Item", h: a.deleteItem},
		{method: "PUT", path: "/item/{id}/increment", tag: "item", summary: "Add quantity to the item's stock (atomic)", req: "StockInput", resp: "Item", h: a.adjustStock(false)},
		{method: "PUT", path: "/item/{id}/decrement", tag: "item", summary: "Take quantity from the item's stock (atomic; never below zero: 422)", req: "StockInput", resp: "Item", h: a.adjustStock(true)},

		// Payment links (Stax's /query/payment-links): a shareable page for a fixed total.
		{method: "POST", path: "/query/payment-links", tag: "payment-link", summary: "Create a payment link", req: "PaymentLinkInput", resp: "PaymentLink", h: a.createPaymentLink},
		{method: "GET", path: "/query/payment-links", tag: "payment-link", summary: "List payment links, O(page) by default", resp: "PaymentLink", list: true, query: append([]queryParam{
			{"is_active", "string", "true or false"},
		}, pageParams...), h: a.listPaymentLinks},
		{method: "GET", path: "/query/payment-links/{id}", tag: "payment-link", summary: "Get a payment link", resp: "PaymentLink", h: a.getPaymentLink},
		{method: "PUT", path: "/query/payment-links/{id}", tag: "payment-link", summary: "Update a payment link", req: "PaymentLinkInput", resp: "PaymentLink", h: a.updatePaymentLink},
		{method: "DELETE", path: "/query/payment-links/{id}", tag: "payment-link", summary: "Soft-delete a payment link", resp: "PaymentLink", h: a.deletePaymentLink},
		{method: "GET", path: "/query/payment-links/{id}/is-active", tag: "payment-link", summary: "Whether the link can be paid now, and if not why", resp: "PaymentLinkStatus", h: a.paymentLinkActive},
		{method: "PUT", path: "/query/payment-links/{id}/update-stats", tag: "payment-link", summary: "Count one view of the link's page (atomic)", resp: "PaymentLink", h: a.recordPaymentLinkView},
		// Files: uploads attached to invoices, items or transactions, kept in the database.
		{method: "POST", path: "/file", tag: "file", summary: "Upload a file (multipart/form-data: file, name, tag, invoice_id | item_id | transaction_id)", form: "FileUpload", resp: "File", h: a.createFile},
		{method: "GET", path: "/file", tag: "file", summary: "List files, newest first; filter by tag or by the attached object", resp: "File", list: true, query: append([]queryParam{
			{"tag", "string", "files with this tag"}, {"invoice_id", "string", "files attached to this invoice"},
			{"item_id", "string", "files attached to this item"}, {"transaction_id", "string", "files attached to this transaction"},
		}, pageParams[:4]...), h: a.listFiles},
		{method: "GET", path: "/file/{id}", tag: "file", summary: "A file's metadata (deleted ones too)", resp: "File", h: a.getFile},
		{method: "PUT", path: "/file/{id}", tag: "file", summary: "Rename, retag, re-attach a file or replace its bytes", req: "FileUpdate", form: "FileUpload", resp: "File", h: a.updateFile},
		{method: "DELETE", path: "/file/{id}", tag: "file", summary: "Soft-delete a file (its bytes are dropped)", resp: "File", h: a.deleteFile},
		{method: "GET", path: "/file/{id}/download", tag: "file", summary: "A file's bytes, as an attachment", download: true, h: a.downloadFile},

		// Disputes: chargebacks the processor reported, and the merchant's evidence.
		{method: "GET", path: "/underwriting/disputes", tag: "dispute", summary: "List the merchant's disputes, newest first, with their evidence", resp: "Dispute", list: true, query: disputeParams, h: a.listDisputes},
		{method: "GET", path: "/underwriting/disputes/{merchantId}", auth: authAny, tag: "dispute", summary: "List a merchant's disputes by its id (a partner: one of its merchants'; a merchant: its own)", resp: "Dispute", list: true, query: disputeParams, h: a.merchantDisputes},
		{method: "POST", path: "/underwriting/dispute/{disputeId}/submit", tag: "dispute", summary: "Submit the dispute's evidence (text fields and the attached files) to the processor", req: "DisputeSubmitInput", resp: "Dispute", h: a.submitDispute},
		{method: "POST", path: "/file/dispute", tag: "dispute", summary: "Upload an evidence file for a dispute (multipart/form-data: file, dispute_id, evidence_type, name)", form: "EvidenceFileUpload", resp: "EvidenceFile", h: a.createEvidenceFile},
		{method: "DELETE", path: "/file/dispute/{evidenceFileId}", tag: "dispute", summary: "Remove an evidence file from its dispute (and delete it)", resp: "EvidenceFile", h: a.deleteEvidenceFile},

		// Reporting (/query/*): deposits, statements, team summary.
		{method: "GET", path: "/query/deposit", tag: "reporting", summary: "List deposits (settlement batches with fees), O(page)", resp: "Deposit", list: true, query: depositParams, h: a.listDeposits},
		{method: "GET", path: "/query/depositDetail", tag: "reporting", summary: "A deposit's transactions with their fees (query id), O(page)", resp: "DepositLine", list: true, query: depositDetailParams, h: a.depositDetail},
		{method: "GET", path: "/query/statement/v3/daily-sales", tag: "reporting", summary: "Sales and refunds per day", resp: "DailySalesReport", query: reportParams, h: a.statement(tender.ReportDailySales)},
		{method: "GET", path: "/query/statement/v3/volumes/card-processing", tag: "reporting", summary: "Processing volume per payment method", resp: "MethodVolumeReport", query: reportParams, h: a.statement(tender.ReportMethod)},
		{method: "GET", path: "/query/statement/v3/volumes/card-type", tag: "reporting", summary: "Card volume per card brand", resp: "CardTypeReport", query: reportParams, h: a.statement(tender.ReportCardType)},
		{method: "GET", path: "/query/statement/v3/surcharges", tag: "reporting", summary: "Surcharges per day", resp: "SurchargeReport", query: reportParams, h: a.statement(tender.ReportSurcharges)},
		{method: "GET", path: "/query/statement/v3/adjustments", tag: "reporting", summary: "Refunds, voids and credits per day and type", resp: "AdjustmentReport", query: reportParams, h: a.statement(tender.ReportAdjustments)},
		{method: "GET", path: "/query/statement/v3/ach-rejects", tag: "reporting", summary: "Bank returns per day and return code", resp: "ACHRejectReport", query: reportParams, h: a.statement(tender.ReportACHRejects)},
		{method: "GET", path: "/query/statement/v3/disputes", tag: "reporting", summary: "Processor disputes per day and status", resp: "DisputeReport", query: reportParams, h: a.statement(tender.ReportDisputes)},
		{method: "GET", path: "/query/statistics/teamSummary", tag: "reporting", summary: "Dashboard counts: customers, invoices, scheduled invoices, ACH and hosted payments", resp: "TeamSummary", query: []queryParam{}, h: a.teamSummary},
	}
}

// RouteInfo describes one route of the table (for tests and tools).
type RouteInfo struct {
	Method, Path string
	// Auth is "merchant", "merchant-key", "partner", "any", "webpayment"
	// (the public token in the path) or "public".
	Auth string
	// Body names the request body's schema ("" when the route takes none).
	Body string
	// Form names the schema of a multipart/form-data body (an upload;
	// "" when the route takes none).
	Form string
	// Stream says a 2xx answer is a text/event-stream that stays open.
	Stream bool
}

// Routes lists the route table.
func (a *API) Routes() []RouteInfo {
	out := make([]RouteInfo, 0, len(a.routes))
	for _, rt := range a.routes {
		auth := "merchant"
		switch rt.auth {
		case authAny:
			auth = "any"
		case authMerchantKey:
			auth = "merchant-key"
		case authPartner:
			auth = "partner"
		case authWebToken:
			auth = "webpayment"
		case authPublic:
			auth = "public"
		}
		out = append(out, RouteInfo{Method: rt.method, Path: rt.path, Auth: auth, Body: rt.req, Form: rt.form, Stream: rt.stream})
	}
	return out
}
