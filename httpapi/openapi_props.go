package httpapi

import "maps"

// The building blocks of the OpenAPI document's schemas: the primitive
// types (money in dollars, timestamps as Stax writes them) and the
// properties of each entity, shared by its request and response schemas
// (input true: the writable ones only).

type schema = map[string]any

func str() schema     { return schema{"type": "string"} }
func nstr() schema    { return schema{"type": []string{"string", "null"}} }
func integer() schema { return schema{"type": "integer"} }
func boolean() schema { return schema{"type": "boolean"} }
func money() schema   { return schema{"type": "number", "description": "dollars, exact to the cent"} }
func ts() schema      { return schema{"type": "string", "description": "YYYY-MM-DD HH:MM:SS, UTC"} }
func nts() schema {
	return schema{"type": []string{"string", "null"}, "description": "YYYY-MM-DD HH:MM:SS, UTC"}
}
func ref(n string) schema { return schema{"$ref": "#/components/schemas/" + n} }
func arr(items schema) schema {
	return schema{"type": "array", "items": items}
}
func object(required []string, props schema) schema {
	s := schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func customerProps(input bool) schema {
	p := schema{}
	for _, f := range []string{"firstname", "lastname", "company", "email", "phone", "address_1", "address_2",
		"address_city", "address_state", "address_zip", "address_country", "notes", "reference"} {
		p[f] = str()
	}
	p["cc_emails"] = arr(str())
	p["allow_invoice_credit_card_payments"] = boolean()
	if !input {
		p["id"], p["merchant_id"] = str(), str()
		p["created_at"], p["updated_at"], p["deleted_at"] = ts(), ts(), nts()
		p["has_address"], p["missing_address_components"] = boolean(), arr(str())
		p["options"] = schema{"type": "object"}
	}
	return p
}

func itemProps(input bool) schema {
	p := schema{
		"item": str(), "code": str(), "category": str(), "details": str(),
		"is_active": boolean(), "is_taxable": boolean(), "is_service": boolean(), "is_discount": boolean(),
		"price": money(), "in_stock": integer(), "low_stock_alert": integer(), "meta": schema{"type": "object"},
	}
	if !input {
		p["id"], p["merchant_id"] = str(), str()
		p["created_at"], p["updated_at"], p["deleted_at"] = ts(), ts(), nts()
	}
	return p
}

func paymentLinkProps(input bool) schema {
	nint := schema{"type": []string{"integer", "null"}, "minimum": 1}
	p := schema{
		"name": str(), "description": str(), "total": money(), "meta": schema{"type": "object"},
		"is_active": boolean(), "expires_at": nts(), "max_uses": nint,
	}
	if !input {
		p["id"], p["merchant_id"] = str(), str()
		p["uses"], p["views"] = integer(), integer()
		p["created_at"], p["updated_at"], p["deleted_at"] = ts(), ts(), nts()
		p["url"] = schema{"type": "string", "description": "the link's public payment page (GET /pay/link/{id})"}
	}
	return p
}

var features = object(nil, schema{
	"split_funding": boolean(), "cp_surcharging": boolean(), "cp_tokenization": boolean(),
	"surcharge_rate_bps": integer(),
	"funding_accounts":   arr(object([]string{"id"}, schema{"id": str(), "name": str()})),
})

func paymentMethodProps(input bool) schema {
	p := schema{"person_name": str(), "nickname": str(), "is_default": boolean(), "meta": schema{"type": "object"}}
	for _, f := range []string{"address_1", "address_2", "address_city", "address_state", "address_zip", "address_country"} {
		p[f] = str()
	}
	if input {
		for _, f := range []string{"method", "customer_id", "card_number", "card_cvv", "card_exp", "bank_name",
			"bank_account", "bank_routing", "bank_type", "bank_holder_type"} {
			p[f] = str()
		}
		return p
	}
	for _, f := range []string{"id", "customer_id", "merchant_id", "method", "card_type", "card_last_four",
		"card_exp", "bin_type", "bank_name", "bank_type", "bank_holder_type"} {
		p[f] = str()
	}
	p["has_cvv"], p["is_usable_in_vt"] = boolean(), boolean()
	p["created_at"], p["updated_at"], p["deleted_at"] = ts(), ts(), nts()
	p["card_exp_datetime"], p["is_tokenized"] = nts(), boolean()
	return p
}

// transactionProps describes a transaction; a child (capture, void,
// refund) is listed inside its parent and has no children of its own.
func transactionProps(parent bool) schema {
	p := schema{}
	for _, f := range []string{"id", "merchant_id", "reference_id", "invoice_id", "customer_id", "payment_method_id",
		"type", "source", "method", "status", "message", "last_four", "batch_id", "issuer_auth_code", "avs_code", "avs_message"} {
		p[f] = str()
	}
	for _, f := range []string{"success", "pre_auth", "is_captured", "is_voided", "cancelled", "is_refundable",
		"is_voidable", "is_settling"} {
		p[f] = boolean()
	}
	p["total"], p["total_refunded"], p["surcharge"] = money(), money(), money()
	p["meta"] = schema{"type": "object"}
	p["batched_at"], p["settled_at"] = nts(), nts()
	p["created_at"], p["updated_at"] = ts(), ts()
	p["child_transactions"] = schema{"type": "array", "maxItems": 0}
	if parent {
		p["child_transactions"] = arr(ref("ChildTransaction"))
	}
	p["customer"] = schema{"oneOf": []schema{ref("Customer"), {"type": "null"}}}
	p["payment_method"] = schema{"oneOf": []schema{ref("PaymentMethod"), {"type": "null"}}}
	p["funding"] = arr(ref("Funding"))
	p["currency"], p["is_manual"] = str(), boolean()
	p["recurring_transaction_id"], p["user_id"] = schema{"type": "null"}, schema{"type": "null"}
	p["user"] = schema{"type": "null"}
	p["receipt_email_at"], p["receipt_sms_at"], p["schedule_id"] = nts(), nts(), nstr()
	return p
}

func invoiceProps(input bool) schema {
	meta := object(nil, schema{
		"tax": money(), "subtotal": money(), "memo": str(), "reference": str(),
		"lineItems": arr(object(nil, schema{"id": str(), "item": str(), "details": str(),
			"quantity": schema{"type": "number"}, "price": money()})),
	})
	if input {
		return schema{"customer_id": str(), "payment_method_id": str(), "total": money(), "url": str(), "meta": meta,
			"send_now": boolean(), "due_at": str(), "is_partial_payment_enabled": boolean()}
	}
	p := schema{}
	for _, f := range []string{"id", "merchant_id", "customer_id", "payment_method_id", "status", "url",
		"payment_attempt_message", "schedule_id"} {
		p[f] = str()
	}
	p["total"], p["balance_due"], p["total_paid"] = money(), money(), money()
	p["payment_attempt_failed"], p["is_partial_payment_enabled"] = boolean(), boolean()
	p["meta"] = schema{"type": "object"}
	p["sent_at"], p["viewed_at"], p["paid_at"], p["due_at"], p["deleted_at"] = nts(), nts(), nts(), nts(), nts()
	p["created_at"], p["updated_at"] = ts(), ts()
	p["child_transactions"] = arr(ref("Transaction"))
	p["customer"] = schema{"oneOf": []schema{ref("Customer"), {"type": "null"}}}
	return p
}

// withProp returns a copy of an object schema with one more optional
// property; s itself is not changed (its properties may be shared).
func withProp(s schema, name string, p schema) schema {
	out := maps.Clone(s)
	props := maps.Clone(s["properties"].(schema))
	props[name] = p
	out["properties"] = props
	return out
}
