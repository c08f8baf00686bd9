package httpapi

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The OpenAPI 3.1 document is generated from the route table at start-up
// and served at /openapi.json. Schemas describe the JSON the handlers write;
// the HTTP tests validate every response against this document.

func componentSchemas() schema {
	all := func(p schema) []string {
		keys := make([]string, 0, len(p))
		for k := range p {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return keys
	}
	// except is all of p's keys but the ones named: those may be absent.
	except := func(p schema, optional ...string) []string {
		var keys []string
		for _, k := range all(p) {
			if !slices.Contains(optional, k) {
				keys = append(keys, k)
			}
		}
		return keys
	}
	cust, item := customerProps(false), itemProps(false)
	merchant := schema{
		"id": str(), "partner_id": str(), "company_name": str(), "contact_email": str(), "status": str(),
		"is_sandbox": boolean(), "features": features, "hosted_payments_token": str(),
		"allowed_origins": arr(str()), "created_at": ts(), "updated_at": ts(),
		"processor": str(), "is_test": boolean(), "processor_configured": boolean(),
		"contact_name": str(), "contact_phone": str(), "address_1": str(), "address_2": str(),
		"address_city": str(), "address_state": str(), "address_zip": str(), "address_country": str(),
		"options":  schema{"type": "object", "description": "the merchant's own settings (PUT /team/options): names to strings, numbers or booleans"},
		"branding": ref("Branding"),
	}
	userID := schema{"type": []string{"string", "null"}, "description": "the team user the key acts for, with their role (null: the merchant's own key)"}
	apiKey := schema{"id": str(), "kind": str(), "name": str(), "prefix": str(), "expires_at": nts(), "created_at": ts(), "user_id": userID}
	teamUser := schema{"id": str(), "merchant_id": str(), "name": str(), "email": str(), "team_role": str(),
		"team_admin": boolean(), "team_enabled": boolean(), "is_api_key": boolean(), "created_at": ts(), "updated_at": ts(),
		"email_verified": boolean(), "email_verified_at": nts()}
	newKey := schema{"id": str(), "kind": str(), "name": str(), "api_key": str(), "expires_at": nts(), "created_at": ts(), "user_id": userID}
	webhook := schema{"id": str(), "merchant_id": str(), "partner_id": str(), "target_url": str(), "event": str(),
		"max_attempts": integer(), "retry_base_seconds": integer(), "created_at": ts(), "deleted_at": nts()}
	brandWebhook := schema{"id": str(), "partner_id": str(), "merchant_id": schema{"type": "null", "description": "null: every merchant of the partner"},
		"url": str(), "target_url": str(), "event": str(), "brand_level": schema{"type": "string", "description": "the partner's name"},
		"meta": object([]string{"webhook_retry_count", "webhook_retry_frequency", "max_attempts", "retry_base_seconds"},
			schema{"webhook_retry_count": integer(), "webhook_retry_frequency": integer(), "max_attempts": integer(), "retry_base_seconds": integer()}),
		"created_at": ts(), "updated_at": ts(), "deleted_at": nts()}
	delivery := schema{"id": str(), "webhook_id": str(), "merchant_id": str(), "event_id": str(), "event": str(),
		"object_id": str(), "status": str(), "attempts": integer(), "last_status_code": integer(), "last_error": str(),
		"delivered_at": nts(), "created_at": ts(), "updated_at": ts()}
	message := schema{"id": str(), "merchant_id": str(), "channel": str(), "kind": str(), "to": str(),
		"subject": str(), "text": str(), "html": str(), "object_type": str(), "object_id": str(), "status": str(),
		"attempts": integer(), "last_error": str(), "created_at": ts(), "sent_at": nts()}
	sched := schema{"id": str(), "merchant_id": str(), "customer_id": str(), "payment_method_id": str(),
		"rule": str(), "total": money(), "url": str(), "meta": schema{"type": "object"}, "email_notification": boolean(),
		"active": boolean(), "status": str(), "next_run_at": nts(), "last_run_at": nts(), "count": integer(),
		"created_at": ts(), "updated_at": ts(), "deleted_at": nts()}
	pm := paymentMethodProps(false)
	tx, child := transactionProps(true), transactionProps(false)
	register := schema{"id": str(), "merchant_id": str(), "register_num": integer(), "serial": str(), "nickname": str(),
		"type": str(), "tip_enabled": boolean(), "batch_time": str(), "last_batch_at": nts(), "is_online": boolean(),
		"last_seen_at": nts(), "paired_at": nts(), "created_at": ts(), "updated_at": ts(), "deleted_at": nts()}
	newRegister := withProp(withProp(object(all(register), register), "pairing_code", str()), "pairing_expires_at", ts())
	registerRef := schema{"type": []string{"string", "integer"}, "description": "register id or register_num"}
	termStatus := schema{"id": str(), "register_id": str(), "status": str(), "success": integer(), "message": str(),
		"cancelled": boolean(), "total": money(), "surcharge": money(), "transaction": ref("Transaction")}
	return schema{
		"Register":      object(all(register), register),
		"NewRegister":   newRegister,
		"RegisterInput": object(nil, schema{"nickname": str(), "serial": str(), "type": str(), "tip_enabled": boolean(), "batch_time": str()}),
		"TerminalChargeInput": object([]string{"total", "register"}, schema{"total": money(), "register": registerRef,
			"meta":         schema{"type": "object", "description": "lineItems, idempotency_id, reference, ...; customFee is refused"},
			"printReceipt": str(), "paymentType": str(), "customer_id": str(), "customerId": str(), "invoice_id": str(),
			"invoiceId": str(), "tokenize": boolean(), "pre_auth": boolean(), "idempotency_id": str()}),
		"TerminalActionInput": object([]string{"transaction_id"}, schema{"transaction_id": str(), "transactionId": str(),
			"register": registerRef, "total": money(), "idempotency_id": str()}),
		"PromptInput":  object([]string{"register"}, schema{"register": registerRef, "message": str(), "total": money()}),
		"PromptResult": object([]string{"id", "answered", "answer", "message"}, schema{"id": str(), "answered": boolean(), "answer": boolean(), "message": str()}),
		"TerminalAskInput": object(nil, schema{"register_id": registerRef, "register": registerRef,
			"message": str(), "text": str(), "choices": arr(str()),
			"input_type":  schema{"type": "string", "enum": []string{"text", "number"}},
			"max_length":  integer(),
			"customer_id": str(), "customerId": str()}),
		"TerminalAnswer": object([]string{"id", "register_id", "kind", "answered", "cancelled", "message"}, schema{
			"id": str(), "register_id": str(), "kind": str(), "answered": boolean(), "cancelled": boolean(), "message": str(),
			"answer": str(), "choice_index": integer(),
			"signature":      schema{"type": "string", "description": "SVG path data of the signature, in a 300x100 box"},
			"payment_method": ref("PaymentMethod")}),
		// surcharge is absent until the card is presented (a queued
		// card-present sale: the surcharge depends on the card).
		"TerminalStatus":      object(except(termStatus, "surcharge"), termStatus),
		"RegisterBatchResult": object([]string{"register_id", "settled"}, schema{"register_id": str(), "settled": integer(), "offline_captured": integer(), "offline_declined": integer()}),
		"PaymentMethod":       object(all(pm), pm),
		// A single payment method embeds its customer; lists do not.
		"PaymentMethodWithCustomer": object(append(all(pm), "customer"), func() schema {
			p := maps.Clone(pm)
			p["customer"] = schema{"oneOf": []schema{ref("Customer"), {"type": "null"}}}
			return p
		}()),
		"PaymentMethodInput": object(nil, paymentMethodProps(true)),
		"Transaction":        object(except(tx, "surcharge"), tx),
		"ChildTransaction":   object(all(child), child),
		"ChargeInput": object(nil, schema{
			"payment_method_id": str(), "total": money(), "meta": schema{"type": "object"},
			"pre_auth": schema{"type": []string{"boolean", "integer", "string"}}, "idempotency_id": str(),
		}),
		"ActionInput": object(nil, schema{"total": money(), "idempotency_id": str()}),
		"TransactionUpdateInput": object(nil, schema{"meta": schema{"type": "object", "description": "replaces the meta"},
			"notes":     schema{"type": []string{"string", "null"}, "description": "kept as meta.notes; \"\" or null removes it"},
			"reference": schema{"type": []string{"string", "null"}, "description": "kept as meta.reference; \"\" or null removes it"}}),
		"WebPaymentInput": object(nil, func() schema {
			p := schema{"method": str(), "customer_id": str(), "match_customer": schema{"type": []string{"boolean", "integer", "string"}},
				"person_name": str(), "card_number": str(), "card_cvv": str(), "card_exp": str(),
				"month": schema{"type": []string{"string", "integer"}}, "year": schema{"type": []string{"string", "integer"}},
				"bank_name": str(), "bank_account": str(), "bank_routing": str(), "bank_type": str(), "bank_holder_type": str(),
				"total": money(), "url": str(), "meta": schema{"type": "object"}, "send_receipt": boolean(), "validate": boolean(),
				"idempotency_id": str()}
			for _, f := range []string{"firstname", "lastname", "company", "email", "phone", "address_1", "address_2",
				"address_city", "address_state", "address_zip", "address_country"} {
				p[f] = str()
			}
			return p
		}()),
		"HostedPayResult": object([]string{"success", "message", "status", "total", "total_paid", "balance_due", "last_four", "method", "pending"},
			schema{"success": boolean(), "message": str(), "status": str(), "total": money(), "total_paid": money(),
				"balance_due": money(), "last_four": str(), "method": str(), "pending": boolean()}),
		"Invoice": withProp(withProp(object(all(invoiceProps(false)), invoiceProps(false)),
			"is_webpayment", schema{"type": "boolean", "description": "paid by its payer on a public page (hosted invoice page, Stax.js pay(), payment link)"}),
			"payment_meta", schema{"oneOf": []schema{ref("InvoicePaymentMeta"), {"type": "null"}}, "description": "the newest web payment, payer side; null without one"}),
		"InvoicePaymentMeta": object([]string{"transaction_id", "method", "card_type", "last_four", "person_name", "email", "total", "paid_at"},
			schema{"transaction_id": str(), "method": str(), "card_type": str(), "last_four": str(), "person_name": str(),
				"email": str(), "total": money(), "paid_at": ts()}),
		"InvoiceInput": object(nil, invoiceProps(true)),
		"PayInvoiceInput": object(nil, schema{"payment_method_id": str(), "total": money(), "idempotency_id": str(),
			"email_receipt": boolean(), "meta": schema{"type": "object"},
			"funding": arr(object([]string{"account_id", "amount"}, schema{"account_id": str(), "amount": money()}))}),
		"ManualPaymentInput": object(nil, schema{"total": money(), "idempotency_id": str(), "meta": schema{"type": "object"}}),
		"Schedule":           object(all(sched), sched),
		"ScheduleInput": object(nil, schema{"rule": str(), "total": money(), "url": str(), "customer_id": str(),
			"payment_method_id": str(), "email_notification": boolean(), "meta": schema{"type": "object"}, "active": boolean()}),
		"StockInput":   object([]string{"quantity"}, schema{"quantity": integer()}),
		"Funding":      object([]string{"account_id", "amount"}, schema{"account_id": str(), "amount": money()}),
		"ReceiptInput": object(nil, schema{"email": str(), "phone": str()}),
		"Message":      object(all(message), message),
		"BatchResult":  object([]string{"settled"}, schema{"settled": integer()}),
		"SandboxClock": object([]string{"now", "offset_seconds", "scope"}, schema{"now": ts(), "offset_seconds": integer(), "scope": str()}),
		"SandboxClockInput": object([]string{"advance"}, schema{"advance": schema{"oneOf": []schema{str(), integer()},
			"description": "a duration (720h, 30d, 90m) or whole seconds"}}),
		"Webhook": withProp(object(all(webhook), webhook), "secret", str()),
		"Event": object([]string{"id", "merchant_id", "name", "object_type", "object_id", "data", "created_at"}, schema{
			"id": str(), "merchant_id": str(), "name": str(), "object_type": str(), "object_id": str(),
			"data":       schema{"type": "object", "description": "the object as the API showed it after the change"},
			"created_at": ts()}),
		"WebhookInput": object([]string{"target_url", "event"}, schema{"target_url": str(), "event": str(),
			"max_attempts": integer(), "retry_base_seconds": integer()}),
		"BrandWebhook": withProp(object(all(brandWebhook), brandWebhook), "secret", str()),
		"BrandWebhookInput": object([]string{"target_url", "event_name"}, schema{"target_url": str(), "event_name": str(),
			"event": schema{"type": "string", "description": "as event_name"},
			"meta": object(nil, schema{"webhook_retry_count": schema{"type": "integer", "description": "retries after the first attempt, 0 to 49 (default 20)"},
				"webhook_retry_frequency": schema{"type": "integer", "description": "minutes before the first retry, doubling after (1 to 60)"},
				"response_code":           schema{"type": []string{"string", "integer"}, "description": "a 2xx status; any 2xx counts as delivered"}})}),
		"WebhookDelivery":  object(all(delivery), delivery),
		"Error":            object([]string{"error"}, schema{"error": str()}),
		"ValidationErrors": schema{"type": "object", "additionalProperties": arr(str()), "description": "field → messages"},
		"Customer":         object(all(cust), cust),
		"CustomerInput":    object(nil, customerProps(true)),
		"Item":             object(all(item), item),
		"ItemInput":        object(nil, itemProps(true)),
		"PaymentLink":      object(all(paymentLinkProps(false)), paymentLinkProps(false)),
		"PaymentLinkInput": object(nil, paymentLinkProps(true)),
		"PaymentLinkStatus": object([]string{"id", "is_active", "reason"}, schema{"id": str(), "is_active": boolean(),
			"reason": schema{"type": []string{"string", "null"}, "enum": []any{nil, "deleted", "inactive", "expired", "max_uses_reached"}}}),
		"Merchant": object(all(merchant), merchant),
		"MerchantInput": object(nil, schema{
			"company_name": str(), "contact_email": str(), "features": features, "allowed_origins": arr(str()),
			"processor": schema{"type": "string", "description": "sandbox, stripe, ... (\"\" for none)"},
			"processor_credentials": schema{"type": "object", "additionalProperties": str(),
				"description": "the processor's credentials (stripe: secret_key, webhook_secret); sealed, never returned"},
			"is_test": boolean(),
		}),
		"ProcessorEventAck": object([]string{"received"}, schema{"received": boolean()}),
		"CreatedMerchant":   object([]string{"merchant", "api_key"}, schema{"merchant": ref("Merchant"), "api_key": ref("NewKey")}),
		"NewKey":            object(all(newKey), newKey),
		"APIKeyInput": object(nil, schema{"name": str(), "expires_at": str(),
			"user_id": schema{"type": "string", "description": "one of the merchant's team users: the key acts for them, with their role"}}),
		"ForgotInput":    object([]string{"email"}, schema{"email": str()}),
		"ResetInput":     object([]string{"password"}, schema{"password": schema{"type": "string", "minLength": 12, "description": "12 to 72 bytes"}}),
		"AccountMessage": object([]string{"message"}, schema{"message": str()}),
		"ResetTokenStatus": object([]string{"valid", "email", "expires_at"}, schema{"valid": boolean(),
			"email": schema{"type": []string{"string", "null"}, "description": "the email the link was sent to, masked (g***@example.com); null when not valid"}, "expires_at": nts()}),
		"SignUpInput": object([]string{"company_name", "email", "password"}, schema{"company_name": str(), "name": str(), "email": str(),
			"password": schema{"type": "string", "minLength": 12, "description": "12 to 72 bytes"}}),
		"SignUp":      object([]string{"merchant", "user", "api_key"}, schema{"merchant": ref("Merchant"), "user": ref("TeamUser"), "api_key": ref("NewKey")}),
		"EmailExists": object([]string{"exists"}, schema{"exists": boolean()}),
		"SelfUpdate": object(nil, schema{"name": str(), "email": str(), "password": schema{"type": "string", "minLength": 12},
			"current_password": schema{"type": "string", "description": "required with email or password"}}),
		"APIKey":   object([]string{"id", "kind", "name", "prefix", "expires_at", "created_at", "user_id"}, apiKey),
		"TeamUser": object(all(teamUser), teamUser),
		"TeamUserInput": object([]string{"email", "team_role", "password"}, schema{"name": str(), "email": str(),
			"team_role": schema{"type": "string", "enum": []string{"owner", "admin", "staff"}}, "password": schema{"type": "string", "minLength": 12,
				"description": "12 to 72 bytes; stored as a bcrypt hash, never returned"}}),
		"TeamUserUpdate": object(nil, schema{"name": str(), "team_role": schema{"type": "string", "enum": []string{"owner", "admin", "staff"}},
			"team_enabled": boolean(), "password": schema{"type": "string", "minLength": 12}}),
		"TeamInput": object(nil, schema{"company_name": str(), "contact_name": str(), "contact_email": str(), "contact_phone": str(),
			"address_1": str(), "address_2": str(), "address_city": str(), "address_state": str(), "address_zip": str(),
			"address_country": schema{"type": "string", "description": "three letters, such as USA"}}),
		"TeamOptions": schema{"type": "object", "description": "option names (a letter, then letters, digits, _ . -; at most 64) to a string (at most 1000 characters), number, boolean, or null to remove it",
			"additionalProperties": schema{"type": []string{"string", "number", "boolean", "null"}}},
		"Branding": object([]string{"logo_url", "primary_color", "accent_color"}, schema{
			"logo_url":      schema{"type": "string", "description": "the public logo address (\"\" for none); it changes with each upload"},
			"primary_color": schema{"type": "string", "description": "#rrggbb, \"\" for Tender's own"},
			"accent_color":  schema{"type": "string", "description": "#rrggbb, \"\" for Tender's own"}}),
		"BrandingInput": object(nil, schema{"primary_color": str(), "accent_color": str()}),
		"LogoUpload": object([]string{"branding"}, schema{"branding": schema{"type": "string", "format": "binary",
			"description": "the logo: PNG, JPEG, GIF or WebP (read from its bytes), at most 512 KB; also accepted as part file"}}),
		"EphemeralToken": object([]string{"token", "expires_at"}, schema{"token": str(), "expires_at": ts()}),
		"Self": object([]string{"merchant", "key"}, schema{
			"merchant": ref("Merchant"),
			"user":     ref("TeamUser"),
			"key":      object([]string{"id", "kind"}, schema{"id": str(), "kind": str()}),
		}),
	}
}

func paginatorSchema(item schema) schema {
	nint := schema{"type": []string{"integer", "null"}}
	p := schema{
		"current_page": integer(), "data": arr(item), "first_page_url": str(), "from": nint,
		"last_page": integer(), "last_page_url": str(), "next_page_url": nstr(), "path": str(),
		"per_page": integer(), "prev_page_url": nstr(), "to": nint, "total": integer(),
	}
	req := make([]string, 0, len(p))
	for k := range p {
		req = append(req, k)
	}
	sort.Strings(req)
	return object(req, p)
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

func jsonContent(s schema) schema {
	return schema{"application/json": schema{"schema": s}}
}

func errResp(desc string) schema {
	return schema{"description": desc, "content": jsonContent(ref("Error"))}
}

// OpenAPI builds the document from the route table.
func (a *API) OpenAPI() map[string]any {
	paths := schema{}
	comps := componentSchemas()
	maps.Copy(comps, querySchemas())
	maps.Copy(comps, fileSchemas())
	for _, rt := range a.routes {
		op := schema{
			"summary":     rt.summary,
			"tags":        []string{rt.tag},
			"operationId": operationID(rt),
		}
		var params []schema
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, schema{"name": m[1], "in": "path", "required": true, "schema": str()})
		}
		for _, q := range rt.query {
			ps := schema{"type": q.typ}
			if strings.HasSuffix(q.name, "[]") {
				ps = arr(str())
			}
			params = append(params, schema{"name": q.name, "in": "query", "required": false, "schema": ps, "description": q.desc})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		doc := opDocs[operationID(rt)]
		if rt.req != "" || rt.form != "" {
			content := schema{}
			if rt.req != "" {
				content = jsonContent(ref(rt.req))
				if doc.req != nil {
					content["application/json"].(schema)["example"] = doc.req
				}
			}
			if rt.form != "" {
				content["multipart/form-data"] = schema{"schema": ref(rt.form), "example": doc.form}
				if rt.form == "FileUpload" {
					content["multipart/form-data"].(schema)["encoding"] = schema{"file": schema{"contentType": strings.Join(fileMimes, ", ")}}
				}
			}
			op["requestBody"] = schema{"required": true, "content": content}
		}
		status := rt.status
		if status == 0 {
			status = http.StatusOK
		}
		body := ref(rt.resp)
		switch {
		case rt.list:
			body = paginatorSchema(body)
		case rt.array:
			body = arr(body)
		}
		var ok schema
		switch {
		case rt.download:
			ok = downloadContent()
		case rt.stream:
			ok = streamContent(exampleOf(body, "", comps, 0))
		default:
			ok = jsonContent(body)
			ok["application/json"].(schema)["example"] = exampleOf(body, "", comps, 0)
		}
		responses := schema{
			strconv.Itoa(status): schema{"description": "OK", "content": ok},
			"401":                errResp("Missing or unknown API key"),
			"403":                errResp("Key of the wrong kind for this route"),
			"404":                errResp("Not found (or another merchant's object)"),
			"429":                errResp("Throttled; see Retry-After"),
			"422":                schema{"description": "Validation failed", "content": jsonContent(ref("ValidationErrors"))},
			"500":                errResp("Internal error"),
			"503":                errResp("A dependency is unavailable"),
		}
		if rt.money {
			responses["400"] = schema{"description": "Declined: the recorded transaction (success false)", "content": jsonContent(body)}
			responses["202"] = schema{"description": "The processor's answer is pending; the transaction (status PENDING)", "content": jsonContent(body)}
		}
		if rt.resp == "TerminalAnswer" || rt.resp == "PromptResult" {
			responses["202"] = schema{"description": "Still with the device (answered false, message terminalservice.waiting); the request stays queued for it", "content": jsonContent(body)}
		}
		if rt.resp == "ProcessorEventAck" {
			responses["400"] = errResp("The event's signature does not verify (nothing changed)")
			responses["413"] = errResp("Body too large")
			responses["503"] = errResp("Not applied yet (the payment's own answer from the processor may still come, or an operation on it is with the processor); nothing changed, send it again after Retry-After")
		}
		if rt.download {
			responses["206"] = schema{"description": "The range asked for (Range)", "content": downloadContent()}
			responses["304"] = schema{"description": "Not modified (If-None-Match with the ETag, the content's SHA-256)"}
			delete(responses, "422")
		}
		if rt.req != "" || rt.form != "" {
			responses["413"] = errResp("Body too large")
			responses["503"] = errResp("Not applied yet (the payment's own answer from the processor may still come, or an operation on it is with the processor); nothing changed, send it again after Retry-After")
			responses["415"] = errResp(mediaTypeRefused(rt))
			responses["409"] = errResp("Conflict")
		}
		op["responses"] = responses
		switch rt.auth {
		case authWebToken:
			// The public web-payments token is the {token} path segment.
			op["security"] = []schema{}
			op["description"] = "Authenticated by the merchant's public web-payments token in the path. CORS: the merchant's allowed_origins (any origin for a sandbox merchant); 403 for another origin."
		case authPublic:
			op["security"] = []schema{}
			op["description"] = "No key: the invoice id is the capability, as for the hosted page itself."
		default:
			op["security"] = []schema{{"bearer": []string{}}}
		}
		if doc.desc != "" {
			if d, ok := op["description"].(string); ok {
				op["description"] = doc.desc + "\n\n" + d
			} else {
				op["description"] = doc.desc
			}
		}
		item, _ := paths[rt.path].(schema)
		if item == nil {
			item = schema{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	// Public operations outside the route table: no key (security: []).
	plain := func(summary string, s schema, example any) schema {
		opID := strings.Trim(strings.ReplaceAll(summary, " ", ""), ".")
		for _, c := range s {
			c.(schema)["example"] = example
		}
		return schema{"get": schema{"summary": summary, "tags": []string{"ops"}, "operationId": opID,
			"description": opDocs[opID].desc, "security": []schema{},
			"responses": schema{"200": schema{"description": "OK", "content": s},
				"405": schema{"description": "Method not allowed (GET only)"}}}}
	}
	status := object([]string{"status"}, schema{"status": str()})
	paths["/healthz"] = plain("Liveness", jsonContent(status), schema{"status": "ok"})
	readyStatus := object([]string{"status"}, schema{"status": str(),
		"replica": schema{"type": "string", "enum": []string{"streaming", "lagging", "down", "starting"},
			"description": "With a read replica (TENDER_DATABASE_REPLICA_URL): its state. It never fails readiness: reads fall back to the primary."}})
	ready := plain("Readiness", jsonContent(readyStatus), schema{"status": "ok"})
	ready["get"].(schema)["responses"].(schema)["503"] = schema{"description": "Not ready", "content": jsonContent(status)}
	paths["/readyz"] = ready
	connect := plain("Device connection (WebSocket)", jsonContent(schema{"type": "object"}), schema{})
	get := connect["get"].(schema)
	get["tags"] = []string{"terminal"}
	get["operationId"] = "terminalConnect"
	get["description"] = "A card-present device connects with its pairing code (header X-Tender-Pairing-Code, once) or its device token (Bearer). Pairing attempts are throttled per address and across all addresses."
	errBody := jsonContent(object([]string{"error"}, schema{"error": str()}))
	get["responses"] = schema{"101": schema{"description": "WebSocket"},
		"401": schema{"description": "Bad pairing code or device token", "content": errBody},
		"429": schema{"description": "Too many pairing attempts; see Retry-After", "content": errBody},
		"503": schema{"description": "The server could not check the device", "content": errBody}}
	paths["/terminal/connect"] = connect
	paths["/metrics"] = plain("Prometheus metrics", schema{"text/plain": schema{"schema": str()}},
		"# TYPE tender_http_requests_total counter\ntender_http_requests_total{code=\"200\",method=\"GET\",route=\"/customer\"} 3\n")
	paths["/openapi.json"] = plain("This document", jsonContent(schema{"type": "object"}), schema{"openapi": "3.1.0"})

	// The browser side of web payments: pages and scripts, no key.
	page := func(opID, summary, tag, param string, content schema) schema {
		for typ, c := range content {
			c.(schema)["example"] = map[string]string{"text/html": "<!doctype html>\n<html lang=\"en\">...</html>",
				"text/javascript": "(function () { ... })();", "text/css": ":root { --primary: #1a56db; }",
				"image/svg+xml": "<svg xmlns=\"http://www.w3.org/2000/svg\">...</svg>"}[typ]
		}
		return schema{"summary": summary, "tags": []string{tag}, "operationId": opID,
			"description": opDocs[opID].desc, "security": []schema{},
			"parameters": []schema{{"name": param, "in": "path", "required": true, "schema": str()}},
			"responses": schema{"200": schema{"description": "OK", "content": content},
				"404": schema{"description": "Not found"}}}
	}
	html := schema{"text/html": schema{"schema": str()}}
	js := page("getJsFile", "The Stax.js-compatible library (stax.js) and the hosted pages' scripts, stylesheet and favicon; ETag, ?v=<hash> immutable", "webpayment", "file",
		schema{"text/javascript": schema{"schema": str()}, "text/css": schema{"schema": str()}, "image/svg+xml": schema{"schema": str()}})
	js["responses"].(schema)["304"] = schema{"description": "Not modified (If-None-Match)"}
	paths["/js/{file}"] = schema{"get": js}
	field := page("getHostedFieldKind", "A hosted card field (number or cvv) for an iframe; query token, sid, origin", "webpayment", "kind", html)
	paths["/hosted/field/{kind}"] = schema{"get": field}
	logo := page("getBrandingMerchantIdLogo", "The merchant's logo (public)", "merchant", "merchant_id", schema{
		"image/png": schema{"schema": schema{"type": "string", "format": "binary"}}, "image/jpeg": schema{"schema": schema{"type": "string", "format": "binary"}},
		"image/gif": schema{"schema": schema{"type": "string", "format": "binary"}}, "image/webp": schema{"schema": schema{"type": "string", "format": "binary"}}})
	paths["/branding/{merchant_id}/logo"] = schema{"get": logo}
	if item, ok := paths["/pay/invoice/{id}"].(schema); ok {
		item["get"] = page("getPayInvoiceId", "The hosted invoice page (marks a sent invoice VIEWED)", "invoice", "id", html)
	}
	if item, ok := paths["/pay/link/{id}"].(schema); ok {
		get := page("getPayLinkId", "A payment link's public page (counts a view); 410 when the link can no longer be paid", "payment-link", "id", html)
		get["responses"].(schema)["410"] = schema{"description": "The link is inactive, expired, used up or deleted: a page saying it is no longer available", "content": html}
		item["get"] = get
	}

	return schema{
		"openapi": "3.1.0",
		"info": schema{
			"title":       "Tender API",
			"version":     a.cfg.Version,
			"description": "A self-hosted, Stax-compatible payments API.",
		},
		"servers": []schema{{"url": cmp.Or(a.cfg.PublicURL, "/"), "description": "this Tender server"}},
		"paths":   paths,
		"components": schema{
			"schemas": comps,
			"securitySchemes": schema{
				"bearer": schema{"type": "http", "scheme": "bearer", "description": "merchant API key, ephemeral token or partner API key"},
			},
		},
	}
}

func operationID(rt route) string {
	if rt.opID != "" {
		return rt.opID
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.Split(rt.path, "/") {
		part = strings.Trim(part, "{}")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

var openapiOnce sync.Once
var openapiJSON []byte

func (a *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	openapiOnce.Do(func() {
		openapiJSON, _ = json.MarshalIndent(a.OpenAPI(), "", "  ")
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiJSON)
}
