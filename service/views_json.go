package service

import (
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/jsonenc"
)

// MarshalJSON writes v as AppendJSON does.
func (v *TransactionView) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil) }

// AppendJSON appends v as encoding/json would write its fields (the
// transaction's own first, then the view's), without reflection: every
// charge answers with one, and its event carries the same bytes.
// TestTransactionViewAppendJSON holds it to encoding/json's output. An
// error only when a meta is not valid JSON.
func (v *TransactionView) AppendJSON(dst []byte) ([]byte, error) {
	t := v.Transaction
	dst = append(dst, '{')
	dst = jsonenc.String(jsonenc.Key(dst, "id"), t.ID)
	dst = jsonenc.String(jsonenc.Key(dst, "merchant_id"), t.MerchantID)
	dst = jsonenc.String(jsonenc.Key(dst, "reference_id"), t.ParentID)
	dst = jsonenc.String(jsonenc.Key(dst, "invoice_id"), t.InvoiceID)
	dst = jsonenc.String(jsonenc.Key(dst, "customer_id"), t.CustomerID)
	dst = jsonenc.String(jsonenc.Key(dst, "payment_method_id"), t.PaymentMethodID)
	dst = jsonenc.String(jsonenc.Key(dst, "type"), t.Type)
	dst = jsonenc.String(jsonenc.Key(dst, "source"), t.Source)
	dst = jsonenc.String(jsonenc.Key(dst, "method"), t.Method)
	dst = jsonenc.Bool(jsonenc.Key(dst, "success"), t.Success)
	dst = jsonenc.String(jsonenc.Key(dst, "status"), t.Status)
	dst = jsonenc.String(jsonenc.Key(dst, "message"), t.Message)
	dst = t.Total.AppendJSON(jsonenc.Key(dst, "total"))
	dst = t.TotalRefunded.AppendJSON(jsonenc.Key(dst, "total_refunded"))
	// The transaction's surcharge is shadowed by the view's, below.
	dst = jsonenc.Bool(jsonenc.Key(dst, "pre_auth"), t.PreAuth)
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_captured"), t.IsCaptured)
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_voided"), t.IsVoided)
	dst = jsonenc.Bool(jsonenc.Key(dst, "cancelled"), t.Cancelled)
	dst = jsonenc.String(jsonenc.Key(dst, "last_four"), t.LastFour)
	dst, err := jsonenc.Raw(jsonenc.Key(dst, "meta"), t.Meta)
	if err != nil {
		return nil, err
	}
	dst = jsonenc.String(jsonenc.Key(dst, "batch_id"), t.BatchID)
	dst = tender.AppendTimePtr(jsonenc.Key(dst, "batched_at"), t.BatchedAt)
	dst = tender.AppendTimePtr(jsonenc.Key(dst, "settled_at"), t.SettledAt)
	dst = t.CreatedAt.AppendJSON(jsonenc.Key(dst, "created_at"))
	dst = t.UpdatedAt.AppendJSON(jsonenc.Key(dst, "updated_at"))
	dst = jsonenc.String(jsonenc.Key(dst, "issuer_auth_code"), t.AuthCode)
	dst = jsonenc.String(jsonenc.Key(dst, "avs_code"), t.AVSCode)
	dst = jsonenc.String(jsonenc.Key(dst, "avs_message"), t.AVSMessage)

	dst = jsonenc.Bool(jsonenc.Key(dst, "is_refundable"), v.IsRefundable)
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_voidable"), v.IsVoidable)
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_settling"), v.IsSettling)
	dst = appendFunding(jsonenc.Key(dst, "funding"), v.Funding)
	if v.Surcharge != nil {
		dst = v.Surcharge.AppendJSON(jsonenc.Key(dst, "surcharge"))
	}
	dst = jsonenc.Key(dst, "child_transactions")
	if v.ChildTransactions == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, k := range v.ChildTransactions {
			if i > 0 {
				dst = append(dst, ',')
			}
			if k == nil {
				dst = append(dst, "null"...)
			} else if dst, err = k.AppendJSON(dst); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	dst = jsonenc.Key(dst, "customer")
	if v.Customer == nil {
		dst = append(dst, "null"...)
	} else {
		dst = v.Customer.AppendJSON(dst)
	}
	dst = jsonenc.Key(dst, "payment_method")
	if v.PaymentMethod == nil {
		dst = append(dst, "null"...)
	} else if dst, err = v.PaymentMethod.AppendJSON(dst); err != nil {
		return nil, err
	}
	dst = jsonenc.String(jsonenc.Key(dst, "currency"), v.Currency)
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_manual"), v.IsManual)
	dst = jsonenc.StringPtr(jsonenc.Key(dst, "recurring_transaction_id"), v.RecurringTransactionID)
	dst = jsonenc.StringPtr(jsonenc.Key(dst, "user_id"), v.UserID)
	dst = jsonenc.Key(dst, "user")
	if v.User == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '{', '}')
	}
	dst = tender.AppendTimePtr(jsonenc.Key(dst, "receipt_email_at"), v.ReceiptEmailAt)
	dst = tender.AppendTimePtr(jsonenc.Key(dst, "receipt_sms_at"), v.ReceiptSMSAt)
	dst = jsonenc.StringPtr(jsonenc.Key(dst, "schedule_id"), v.ScheduleID)
	return append(dst, '}'), nil
}

// appendFunding appends split-funding allocations; null for nil.
func appendFunding(dst []byte, fs []tender.Funding) []byte {
	if fs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, f := range fs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonenc.String(append(dst, `{"account_id":`...), f.AccountID)
		dst = append(f.Amount.AppendJSON(append(dst, `,"amount":`...)), '}')
	}
	return append(dst, ']')
}
