package httpapi

// What the OpenAPI document says about each operation beyond its row in the
// route table: a description and, for an operation with a request body, an
// example of it. Keyed by operation id, so a new route adds one entry here
// (TestOpenAPIDocumented fails until it does). Response examples are built
// from the response schemas (openapi_examples.go).

type opDoc struct {
	desc string
	req  any // the request body's example; nil without a body
	form any // the multipart/form-data body's example (uploads)
}

const pmExample = "01a242a3-e8ec-7de8-bbc3-7a2be0e25498"

var opDocs = map[string]opDoc{
	// Merchant self-service.
	"putTeam": {desc: "Changes the merchant's own business details (company and contact names, contact email and phone, address); only the fields sent change. What the operator or a partner decides (status, processor, features, allowed origins) is not changed here. Answers the merchant, as GET /self shows it.",
		req: map[string]any{"contact_name": "Ada Lovelace", "contact_phone": "8005551234", "address_1": "1 Main St", "address_city": "Orlando", "address_state": "FL", "address_zip": "32801", "address_country": "USA"}},
	"putTeamOptions": {desc: "Merges the body into the merchant's options, a flat settings object its own integrations read back from GET /self: each name set to a string, number or boolean replaces that option, null removes it; at most 100 options.",
		req: map[string]any{"receipt_footer": "Thank you for shopping local", "tip_prompt": true, "old_option": nil}},
	"postTeamOptionBranding": {desc: "Uploads the merchant's logo as the multipart part branding (or file). Its type is read from its bytes: PNG, JPEG, GIF or WebP, never SVG; at most 512 KB. The hosted invoice page shows it; branding.logo_url is its public address, new with each upload.",
		form: map[string]any{"branding": "(the image's bytes)"}},
	"deleteTeamOptionBranding": {desc: "Removes the merchant's logo; the hosted invoice page shows the company name alone."},
	"putTeamOptionAdvancedCustomizations": {desc: "Sets the brand colours the hosted invoice page uses: primary_color for its button and header rule, accent_color for its links, each #rrggbb; an empty string restores Tender's colour.",
		req: map[string]any{"primary_color": "#0a66c2", "accent_color": "#5b2a86"}},
	"getBrandingMerchantIdLogo": {desc: "The merchant's logo, public, as uploaded with POST /team/option/branding: its type as read from its bytes at upload, nosniff, cacheable for a day (the address changes with each upload). 404 when the merchant has none."},
	"getSelf":                   {desc: "The merchant the key belongs to, with the key's id and kind (merchant, ephemeral)."},
	"postTeamApikey": {desc: "Mints another API key for the merchant. The key is in the answer only; it is stored as a hash. An ephemeral token cannot mint keys (403).",
		req: map[string]any{"name": "reporting"}},
	"getTeamApikey":      {desc: "The merchant's API keys that still work, oldest first: id, name, the secret's prefix (as shown when it was made), expiry and creation time. Never the secret or its hash; ephemeral tokens are not listed."},
	"deleteTeamApikeyId": {desc: "Revokes one of the merchant's API keys and answers it as listed. This server refuses it at once; another server process sharing the database may accept it from its authentication cache for up to 5 seconds. Another merchant's key, or an unknown id, is 404."},
	"getTeamUser":        {desc: "The people who sign in to the merchant's dashboard, oldest first, as a bare array: name, email, team_role (owner, admin or staff), team_admin (owner or admin) and team_enabled. Never a password or its hash."},
	"postTeamUser": {desc: "Adds a team user who signs in to the dashboard with the email and password given (12 to 72 bytes, stored as a bcrypt hash). Emails are unique across merchants; a taken one is a 422 on email. Staff may look and charge but not refund, nor manage keys or settings.",
		req: map[string]any{"name": "Grace Hopper", "email": "grace@example.com", "team_role": "admin", "password": "correct horse battery"}},
	"getTeamUserId": {desc: "One of the merchant's team users; another merchant's is 404."},
	"putTeamUserId": {desc: "Changes only the fields given: name, team_role, team_enabled, password. A new password or disabling ends the user's dashboard sessions and unspent sign-in links at once. The change that would leave the merchant without an enabled owner is a 422 (on team_role or team_enabled), decided with the owners locked, so concurrent demotions cannot both pass.",
		req: map[string]any{"team_role": "staff"}},
	"getEphemeral": {desc: "A token that acts as the merchant's API key for 24 hours but cannot mint other keys; hand it to a browser session."},

	// Partner.
	"postMerchant": {desc: "A partner (ISV) key creates a merchant and its first API key (shown once).",
		req: map[string]any{"company_name": "Main Street Barbers", "contact_email": "owner@example.com"}},
	"getMerchant":   {desc: "The partner's merchants, newest first, as a Laravel paginator."},
	"getMerchantId": {desc: "One of the partner's merchants; another partner's is 404."},
	"putMerchantId": {desc: "Changes only the fields named: company name, contact email, features (split funding and its funding accounts, card-present surcharging and tokenization) and the origins allowed to call the web-payments routes.",
		req: map[string]any{"features": map[string]any{"split_funding": true, "funding_accounts": []any{map[string]any{"id": "fa_operating", "name": "Operating"}}}, "allowed_origins": []string{"https://shop.example.com"}}},
	"getMerchantIdApikey": {desc: "The API keys of one of the partner's merchants, as GET /team/apikey lists them: never a secret or its hash. Another partner's merchant is 404."},
	"postMerchantIdApikey": {desc: "Mints an API key for one of the partner's merchants (shown once).",
		req: map[string]any{"name": "pos"}},

	// The event log.
	"getEvent":   {desc: "The merchant's events, newest first, as a Laravel paginator: every change's event as webhooks receive it (data is the object after the change). name and object_id filter."},
	"getEventId": {desc: "One of the merchant's events; another merchant's is 404."},

	// Customers.
	"postCustomer": {desc: "At least one of firstname, lastname, email or company. Emits create_customer.",
		req: map[string]any{"firstname": "Jane", "lastname": "Doe", "email": "jane@example.com", "phone": "5555550100"}},
	"getCustomer":   {desc: "The merchant's customers, newest first; keywords[] terms must all match name, company, email, phone or reference."},
	"getCustomerId": {desc: "A customer, deleted ones included (deleted_at set)."},
	"putCustomerId": {desc: "Changes only the fields named. Emits update_customer.",
		req: map[string]any{"phone": "5555550199", "notes": "prefers SMS"}},
	"deleteCustomerId":           {desc: "Soft delete: the customer stays readable by id with deleted_at set. Emits delete_customer."},
	"getCustomerIdPaymentMethod": {desc: "The customer's live payment methods as a bare array (as Stax)."},

	// Payment methods.
	"postPaymentMethod": {desc: "Stores a card (number and CVV sealed in the vault; the CVV is erased after the first authorization) or a bank account on a customer. The answer shows only brand, last four and expiry.",
		req: map[string]any{"method": "card", "customer_id": pmExample, "person_name": "Jane Doe", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}},
	"getPaymentMethod":   {desc: "The merchant's payment methods, newest first; filter by customer_id or method."},
	"getPaymentMethodId": {desc: "A payment method; never its number."},
	"putPaymentMethodId": {desc: "Billing address, nickname, holder name, expiry or the default flag; never the number.",
		req: map[string]any{"address_zip": "10001", "is_default": true}},
	"deletePaymentMethodId": {desc: "Soft delete: it can no longer be charged."},

	// Money.
	"postCharge": {desc: "A sale, or with pre_auth an authorization to capture later. 200 approved, 400 declined (the recorded transaction), 202 when the processor's answer is pending. The same idempotency_id with the same parameters replays the original answer.",
		req: map[string]any{"payment_method_id": pmExample, "total": 10.5, "idempotency_id": "order-1001"}},
	"postCredit": {desc: "Pays money out to a payment method (a refund without a parent). Answers as a charge.",
		req: map[string]any{"payment_method_id": pmExample, "total": 5, "idempotency_id": "credit-1"}},
	"getTransaction":   {desc: "The merchant's transactions, newest first, with filters by type, status, customer, payment method, invoice and date."},
	"getTransactionId": {desc: "A transaction with its children (captures, voids, refunds) in child_transactions."},
	"postTransactionIdCapture": {desc: "Captures a pre-authorization once, for at most the authorized total (default: all of it).",
		req: map[string]any{"total": 15, "idempotency_id": "capture-1"}},
	"postTransactionIdVoid": {desc: "Cancels an unsettled payment; a settled one needs a refund (422).",
		req: map[string]any{"idempotency_id": "void-1"}},
	"postTransactionIdRefund": {desc: "Refunds a settled payment, partly or fully (total ≤ captured − refunded); an invoice's balance reopens.",
		req: map[string]any{"total": 5, "idempotency_id": "refund-1"}},
	"postTransactionIdVoidOrRefund": {desc: "Voids an unsettled payment, else refunds it.",
		req: map[string]any{"total": 5}},
	"putTransactionIdReceiptEmail": {desc: "Queues the receipt email to the customer, or to email; it goes out through the relay (or waits in the outbox without SMTP).",
		req: map[string]any{"email": "jane@example.com"}},
	"putTransactionIdReceiptSmsStax": {desc: "Stax's spelling of PUT /transaction/{id}/receipt/sms: queues the receipt text to the customer's phone, or to phone.",
		req: map[string]any{"phone": "5555550100"}},
	"getTransactionIdFunding": {desc: "How a split-funded payment was allocated across the merchant's funding accounts (an empty list when it was not split)."},
	"putTransactionId": {desc: "A transaction's money, parties and outcome are history: only meta (replaced whole), notes and reference (kept as meta.notes and meta.reference) change; any other field is a 422 naming it. 409 while the processor's answer is pending. Emits update_transaction.",
		req: map[string]any{"notes": "called the customer", "reference": "ORD-1042"}},
	"getTransactionIdRelated": {desc: "The transactions of the same family, oldest first, the one asked about left out: for a payment its captures, voids and refunds; for one of those the payment (with its child_transactions) and its siblings."},
	"putTransactionIdReceiptSms": {desc: "Queues the receipt text to the customer's phone, or to phone.",
		req: map[string]any{"phone": "+15555550100"}},

	// Invoices.
	"postInvoice": {desc: "A DRAFT invoice (send_now also emails it). A line item's id, when given, names a catalog item whose stock goes down on the first payment; an empty id is a 422.",
		req: map[string]any{"customer_id": pmExample, "total": 50, "is_partial_payment_enabled": true,
			"meta": map[string]any{"subtotal": 50, "tax": 0, "memo": "Thanks!", "lineItems": []any{map[string]any{"item": "Labor", "quantity": 1, "price": 50}}}}},
	"getInvoice":   {desc: "The merchant's invoices, newest first; filter by status, customer, schedule and date."},
	"getInvoiceId": {desc: "An invoice with its payments in child_transactions."},
	"putInvoiceId": {desc: "Changes an invoice that has no payment yet (else 422).",
		req: map[string]any{"total": 60, "meta": map[string]any{"subtotal": 60, "tax": 0}}},
	"deleteInvoiceId":       {desc: "Marks an invoice without payments DELETED."},
	"putInvoiceIdSend":      {desc: "Emails the invoice (with a link to its hosted page) to the customer and its cc_emails; DRAFT becomes SENT. 422 if the customer has no email."},
	"putInvoiceIdSendEmail": {desc: "Same as PUT /invoice/{id}/send."},
	"putInvoiceIdSendSms":   {desc: "Texts the invoice link to the customer's phone (422 without one)."},
	"postInvoiceIdPay": {desc: "Pays an invoice with a stored payment method: the amount is reserved under the invoice's row lock first, so concurrent payments cannot exceed the balance. Answers as a charge. email_receipt queues a receipt with the outcome; a customer without an email makes it a 422 before anything is charged.",
		req: map[string]any{"payment_method_id": pmExample, "total": 20, "idempotency_id": "inv-1-a", "email_receipt": true}},
	"postInvoiceIdPayMethod": {desc: "Records money received outside Tender (CASH, CHECK, BANK TRANSFER, GIFTCARD, PAYPAL, VENMO, OTHER); settled at once, never refundable.",
		req: map[string]any{"total": 5}},

	// Scheduled invoices.
	"postInvoiceSchedule": {desc: "An invoice made on each occurrence of an RFC 5545 rule (DTSTART in the future, at most daily), emailed and, with payment_method_id, paid automatically. Each occurrence runs exactly once across instances.",
		req: map[string]any{"customer_id": pmExample, "payment_method_id": pmExample, "total": 25, "rule": "DTSTART:20300115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=12"}},
	"getInvoiceSchedule":   {desc: "The merchant's scheduled invoices, newest first; filter by status or customer."},
	"getInvoiceScheduleId": {desc: "A scheduled invoice with its next and last run."},
	"putInvoiceScheduleId": {desc: "Changes the fields named; active false pauses it (occurrences while paused are skipped).",
		req: map[string]any{"active": false}},
	"deleteInvoiceScheduleId": {desc: "No more occurrences; the invoices already made stay."},

	// Web payments.
	"postWebpaymentTokenTokenize": {desc: "Stax.js tokenize(): stores the card from the hosted fields, or a bank account, on a given, matched or new customer. Authenticated by the merchant's public web-payments token in the path; CORS: the merchant's allowed_origins (any origin for a sandbox merchant).",
		req: map[string]any{"firstname": "Jane", "lastname": "Doe", "email": "jane@example.com", "card_number": "4111111111111111", "card_cvv": "123", "month": "12", "year": "2030"}},
	"postWebpaymentTokenPay": {desc: "Stax.js pay(): customer, payment method, invoice and payment in one; 200 PAID, 400 ATTEMPTED, 202 pending. idempotency_id makes a retry return the same invoice.",
		req: map[string]any{"firstname": "Jane", "email": "jane@example.com", "total": 24.5, "card_number": "4111111111111111", "card_cvv": "123", "month": "12", "year": "2030", "idempotency_id": "order-1001"}},
	"postPayInvoiceId": {desc: "The hosted invoice page's payment, by card or bank account, saved on the invoice's customer. No key: the invoice id is the capability. The answer holds no customer details.",
		req: map[string]any{"method": "bank", "bank_account": "9876543210", "bank_routing": "021000021", "bank_type": "checking", "bank_holder_type": "personal", "person_name": "Jane Doe"}},
	"getPayInvoiceId": {desc: "The hosted invoice page (HTML, strict CSP); opening a sent invoice marks it VIEWED."},
	"postPayLinkId": {desc: "A payment link page's payment, by card (hosted fields) or bank account. No key: the link id is the capability. Takes one of the link's uses in the transaction that creates the invoice (so concurrent payers never exceed max_uses), finds the merchant's customer by email or creates one named person_name, and pays an invoice for the link's total whose meta names the link (payment_link_id). 200 paid, 400 declined (the use is given back), 202 pending, 422 when the link is inactive, expired or used up. idempotency_id makes a retry return the first attempt's answer.",
		req: map[string]any{"person_name": "Jane Doe", "email": "jane@example.com", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230", "idempotency_id": "link-3f9a"}},
	"getPayLinkId":       {desc: "A payment link's public page (HTML, strict CSP, the merchant's branding): name, description, amount, payer name and email, and the hosted card fields; opening it counts a view. 410 with a \"no longer available\" page when the link is inactive, expired, used up or deleted; 404 for an unknown id."},
	"getJsFile":          {desc: "stax.js, the Stax.js-compatible library, and the hosted pages' scripts; content-hash ETag, immutable with ?v=<hash>."},
	"getHostedFieldKind": {desc: "A hosted card field (number or cvv) to embed in an iframe; the card number never reaches the embedding page."},

	// Terminals.
	"getTerminalRegister": {desc: "The merchant's registers as a bare array, with whether each device is online."},
	"postTerminalRegister": {desc: "Adds a register; the answer holds a one-time pairing code (valid 24 h) for the device or the simulator.",
		req: map[string]any{"nickname": "Front counter", "tip_enabled": true}},
	"getTerminalRegisterId": {desc: "A register."},
	"putTerminalRegisterId": {desc: "Nickname, serial, tip prompt or daily batch time (UTC).",
		req: map[string]any{"batch_time": "22:00"}},
	"postTerminalRegisterIdPair":  {desc: "A new pairing code; the paired device is revoked."},
	"postTerminalRegisterIdBatch": {desc: "Closes the device's batch now: offline approvals are captured, the batch settles."},
	"postTerminalCharge": {desc: "A card-present sale (or pre-auth) on a register: waits up to 60 s for the device, then answers 202 terminalservice.waiting. A duplicate meta.idempotency_id returns the original and never reaches the device twice.",
		req: map[string]any{"total": 10, "register": 1, "meta": map[string]any{"idempotency_id": "order-1"}, "printReceipt": "Both", "paymentType": "Credit"}},
	"postTerminalChargeQueue": {desc: "As POST /terminal/charge, but answers the PENDING transaction at once; poll its status.",
		req: map[string]any{"total": 12, "register": 1}},
	"postTerminalCredit": {desc: "Pays out to the card presented on the device.",
		req: map[string]any{"total": 15, "register": 1}},
	"postTerminalRefund": {desc: "Refunds a terminal transaction; the original card must be presented unless it was card-present tokenized.",
		req: map[string]any{"transaction_id": pmExample, "total": 5}},
	"postTerminalVoid": {desc: "Voids a terminal transaction on its own register, before the device's batch.",
		req: map[string]any{"transaction_id": pmExample, "register": 1}},
	"postTerminalPrompt": {desc: "Shows a message (and a price) on the device and answers the customer's yes or no.",
		req: map[string]any{"register": 1, "message": "Add a warranty?", "total": 5}},
	"postTerminalVoidOrRefund": {desc: "Voids a terminal transaction while it is unsettled, else refunds it: the server decides from the transaction, as POST /transaction/{id}/void-or-refund. A void is confirmed on the original's register (the default), a refund needs the original card presented unless it was card-present tokenized. A repeated idempotency_id returns the transaction and reaches the device once.",
		req: map[string]any{"transaction_id": pmExample, "idempotency_id": "return-1"}},
	"postTerminalTokenize": {desc: "The device reads a card and Tender keeps it as a reusable payment method (card-present tokenized) on customer_id, or on a new customer named by the cardholder; no charge. The card number goes only to the vault. Wallet cards cannot be kept.",
		req: map[string]any{"register_id": 1, "customer_id": pmExample}},
	"postTerminalPrint": {desc: "Prints text (up to 4000 characters, lines split on newlines) on the device's printer.",
		req: map[string]any{"register_id": 1, "text": "Thank you for shopping with us!\nReturns within 30 days."}},
	"postTerminalPromptChoice": {desc: "Shows a question with 2 to 10 options on the device; answer is the chosen option and choice_index its position.",
		req: map[string]any{"register_id": 1, "message": "How did you hear about us?", "choices": []string{"Friend", "Online", "Other"}}},
	"postTerminalPromptInput": {desc: "Asks for free text (input_type text) or a number (input_type number), at most max_length characters (255); answer is what the customer typed.",
		req: map[string]any{"register_id": 1, "message": "ZIP code?", "input_type": "number", "max_length": 5}},
	"postTerminalPromptSignature": {desc: "Captures the customer's signature; signature is SVG path data in a 300x100 box, kept with the request's answer.",
		req: map[string]any{"register_id": 1, "message": "Sign to accept the terms"}},
	"getTerminalRegisterIdStatusTransactionId": {desc: "SUCCESS, FAILED or PENDING for a terminal transaction (success 1 or 0, as Stax), with the transaction once done."},

	// Webhooks and the sandbox.
	"postWebhook": {desc: "Subscribes a URL to one event or * (a partner key: every merchant's of the partner). The answer is the only time the signing secret is shown. Outside sandbox, private addresses are refused.",
		req: map[string]any{"target_url": "https://example.com/hooks/stax", "event": "create_transaction"}},
	"getWebhook":                              {desc: "The principal's live webhooks, newest first, as a Laravel paginator; secrets are never shown again."},
	"deleteWebhookId":                         {desc: "Unsubscribes the URL: later events are not sent to it."},
	"getWebhookIdDeliveries":                  {desc: "The delivery log, newest first: status, attempts, last HTTP status and error."},
	"postWebhookIdDeliveriesDeliveryIdReplay": {desc: "Sends a delivery's event again, signed anew."},
	"postWebhookadminWebhookBrand": {desc: "Stax's partner-level (brand) webhook: a partner key subscribes a URL to one event (event_name, or *) of every one of its merchants, present and future. Each delivery is signed with this webhook's own secret, shown only in this answer, and its body is the object with the merchant_id it is about. meta.webhook_retry_count is the retries after the first attempt, meta.webhook_retry_frequency the minutes before the first retry (doubling after). Delivered, retried, logged (GET /webhook/{id}/deliveries) and replayed like every webhook; outside sandbox, private addresses are refused. A merchant key is 403.",
		req: map[string]any{"target_url": "https://example.com/hooks/brand", "event_name": "create_transaction", "meta": map[string]any{"response_code": "200", "webhook_retry_count": 5, "webhook_retry_frequency": 10}}},
	"getWebhookadminWebhookBrand":             {desc: "The partner's live brand webhooks, oldest first, as a bare array; secrets are never shown again. A merchant key is 403."},
	"getWebhookadminWebhookBrandWebhookId":    {desc: "One of the partner's live brand webhooks; another partner's, a merchant's or a deleted one is 404."},
	"deleteWebhookadminWebhookBrandWebhookId": {desc: "Unsubscribes the brand webhook and answers it with deleted_at: later events are not sent to it and its pending deliveries are dropped. Another partner's is 404."},
	"getSandboxOutbox":                        {desc: "The sandbox merchant's emails and texts, newest first: those sent and those kept in the outbox when no transport is configured."},
	"getSandboxClock":                         {desc: "The sandbox server's clock: its time and how many seconds it runs ahead of the wall clock. One clock per server process, shared by every merchant. 404 on a server not in sandbox mode, 403 for a merchant that is not a sandbox one."},
	"postSandboxClock": {desc: "Moves the sandbox server's clock forward by advance: a duration (\"720h\", \"30d\", \"90m\") or whole seconds. Scheduled invoices, settlement, webhook retries, message reminders and token expiry then act at the new time, without waiting. It never goes back (restart the server to reset it). 404 outside sandbox mode, 403 for a non-sandbox merchant.",
		req: map[string]any{"advance": "720h"}},
	"postSandboxBatch": {desc: "Settles the sandbox merchant's open batch now (it also closes daily at TENDER_SETTLE_AT); ACH returns happen here."},

	// Item catalog.
	"postItem": {desc: "A catalog item; price in dollars, exact to the cent. Emits create_item.",
		req: map[string]any{"item": "Widget", "price": 10, "in_stock": 10}},
	"getItem":     {desc: "The catalog, newest first; filter by category, code or is_active."},
	"getItemId":   {desc: "A catalog item, deleted ones included."},
	"getItemCode": {desc: "The newest live catalog item with the code given as ?code=; 404 when none has it."},
	"putItemIdIncrement": {desc: "Adds quantity to the item's in_stock in one conditional update. Emits update_item.",
		req: map[string]any{"quantity": 5}},
	"putItemIdDecrement": {desc: "Takes quantity from the item's in_stock in one conditional update: the stock never goes below zero, and a larger take is a 422 that changes nothing. Emits update_item.",
		req: map[string]any{"quantity": 2}},
	"putItemId": {desc: "Changes only the fields named. Emits update_item.",
		req: map[string]any{"price": 12.5}},
	"deleteItemId": {desc: "Soft delete. Emits delete_item."},

	// Payment links.
	"postQueryPaymentLinks": {desc: "A payment link: a shareable page on which a payer pays total (dollars, exact to the cent, at least 0.01) for the product named and described, with no invoice made first. It is active at once; expires_at (after now) and max_uses (1 to 1,000,000,000) are optional limits, null for none. Emits create_payment_link.",
		req: map[string]any{"name": "Yoga class pass", "description": "Ten classes, valid for three months", "total": 120, "max_uses": 50, "expires_at": "2031-01-01 00:00:00"}},
	"getQueryPaymentLinks":   {desc: "The merchant's live payment links, newest first, as a Laravel paginator (O(page) in the default order); filter by is_active or keywords[] (name, description); sort by created_at, updated_at, name, total, uses, views or expires_at."},
	"getQueryPaymentLinksId": {desc: "A payment link, deleted ones included; another merchant's is 404."},
	"putQueryPaymentLinksId": {desc: "Changes only the fields named; expires_at or max_uses given as null removes the limit. uses and views are never written here, so an edit cannot undo a concurrent payment or view; a max_uses below the link's uses is a 422. A deleted link is 404. Emits update_payment_link.",
		req: map[string]any{"is_active": false}},
	"deleteQueryPaymentLinksId":         {desc: "Soft delete: the link stays readable by id but can no longer be paid or counted. Emits delete_payment_link."},
	"getQueryPaymentLinksIdIsActive":    {desc: "Whether the link can be paid now: is_active true when it is active, not deleted, not past expires_at and, with max_uses, has uses left; otherwise reason says which of these it fails (deleted, inactive, expired, max_uses_reached)."},
	"putQueryPaymentLinksIdUpdateStats": {desc: "Counts one view of the link's page: views goes up by one in a single statement, so concurrent calls all count. No body. The link's fields, updated_at and the event log are unchanged. A deleted link is 404."},
	// Files.
	"postFile": {desc: "Uploads a file as multipart/form-data: the part file, and optional name (default: the upload's file name, sanitized: no directories, quotes or control characters), tag, and one of invoice_id, item_id or transaction_id naming the merchant's object to attach it to (another merchant's or an unknown one is a 422). The type is sniffed from the bytes, never taken from the client: PNG, JPEG, GIF, WebP, PDF, or UTF-8 text (CSV when the name ends in .csv); anything else (HTML, SVG, executables, archives) is a 422 on file, as is a file over the server's limit (TENDER_MAX_FILE_BYTES, default 10 MiB). The bytes are kept in the database, beside the metadata.",
		form: map[string]any{"file": "(the bytes of receipt.png)", "name": "Signed receipt", "tag": "generic", "invoice_id": "01a242a3-e8ec-7de8-bbc3-7a2be0e25499"}},
	"getFile":   {desc: "The merchant's live files, newest first, without their bytes; filter by tag (Stax's GET /file/{tag} lists a tag's files this way) or by the attached invoice_id, item_id or transaction_id. public_url is the download route."},
	"getFileId": {desc: "A file's metadata by id, deleted ones included (with deleted_at), as Stax shows it: name, tag, public_url (the download route, which needs the merchant's key), meta (filesize_bytes, filesize, extension, image size, mime, sha256) and the attached object. Another merchant's file is 404."},
	"putFileId": {desc: "Changes only what is given, as multipart/form-data (Stax's form) or JSON: name, tag (\"\" clears it), an attachment (invoice_id, item_id or transaction_id; attaching to one detaches from the others, \"\" detaches) and, in a form, a new file (the same type and size checks as an upload). A deleted file is 404.",
		req: map[string]any{"name": "Signed receipt (copy)", "tag": "itemThumbnail"}, form: map[string]any{"name": "Signed receipt (copy)", "file": "(the new bytes)"}},
	"deleteFileId":      {desc: "Soft-deletes a file: it answers the file with deleted_at, GET /file/{id} still shows it, its bytes are dropped and the download is 404. A second delete is 404."},
	"getFileIdDownload": {desc: "The file's bytes with the type sniffed at upload, as an attachment (Content-Disposition with the sanitized name), X-Content-Type-Options: nosniff and a sandboxing Content-Security-Policy, so a browser never renders it as a page of this server. ETag is the content's SHA-256 (If-None-Match answers 304); Range is honoured. A deleted file is 404."},

	// Disputes.
	"getUnderwritingDisputes":           {desc: "The merchant's disputes (chargebacks and inquiries its processor reported on its payments, one per processor dispute id), newest first, as a Laravel paginator; filter by status or transaction_id (another parameter is a 422). Each shows the disputed transaction_id, amount (dollars), reason, status (Stripe's: needs_response, under_review, won, lost, warning_*), due_by, the submitted text evidence, the attached evidence_files and evidence_details (has_evidence, past_due, submission_count, file_count). A sandbox payment with card 4000000000000259 is disputed when it settles."},
	"getUnderwritingDisputesMerchantId": {desc: "The same list for the merchant named in the path: with a partner key, one of the partner's merchants (another is 404); with a merchant key, only its own id (another is 404)."},
	"postUnderwritingDisputeDisputeIdSubmit": {desc: "Submits the text evidence fields in the body (Stripe's: customer_name, product_description, uncategorized_text, ...; an unknown one is a 422) and the files attached with POST /file/dispute to the merchant's processor, while the dispute needs a response and before due_by (else a 422 on status or due_by). The dispute is then under_review (update_transaction_dispute_updated); the sandbox decides at once by the text, as Stripe's test mode does: winning_evidence wins, losing_evidence loses (update_transaction_dispute_closed). A processor that takes no evidence through its API is a 422 on processor naming it, and nothing is written.",
		req: map[string]any{"customer_name": "Jane Doe", "product_description": "Yoga class pass", "uncategorized_text": "Signed receipt attached; winning_evidence"}},
	"postFileDispute": {desc: "Uploads an evidence file (the files feature's type sniffing and size limit) and attaches it to one of the merchant's disputes that still needs a response: the part file, dispute_id (required; another merchant's or an unknown one is a 422), evidence_type (Stripe's file fields: receipt, customer_communication, ..., default uncategorized_file; one file per type and dispute, else a 422) and optional name. The file is also a file of GET /file (tag dispute_evidence).",
		form: map[string]any{"file": "(the bytes of receipt.pdf)", "dispute_id": "01a242a3-e8ec-7de8-bbc3-7a2be0e25499", "evidence_type": "receipt"}},
	"deleteFileDisputeEvidenceFileId": {desc: "Detaches an evidence file from its dispute and soft-deletes it, while the dispute still needs a response (else a 422 on status). A file that is no evidence file of the merchant's is 404."},

	// Operations.
	"Liveness":          {desc: "200 while the process serves."},
	"Readiness":         {desc: "200 when the instance is ready to take traffic, else 503."},
	"Prometheusmetrics": {desc: "Prometheus metrics in the text exposition format."},
	"Thisdocument":      {desc: "This OpenAPI 3.1 document, built from the route table."},
}
