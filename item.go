package tender

import (
	"encoding/json"
	"time"
)

// Item is a catalog item (Stax's item object).
type Item struct {
	ID            string          `json:"id"`
	MerchantID    string          `json:"merchant_id"`
	Item          string          `json:"item"`
	Code          string          `json:"code"`
	Category      string          `json:"category"`
	Details       string          `json:"details"`
	IsActive      bool            `json:"is_active"`
	IsTaxable     bool            `json:"is_taxable"`
	IsService     bool            `json:"is_service"`
	IsDiscount    bool            `json:"is_discount"`
	Price         Amount          `json:"price"`
	InStock       int64           `json:"in_stock"`
	LowStockAlert int64           `json:"low_stock_alert"`
	Meta          json.RawMessage `json:"meta"`
	CreatedAt     Time            `json:"created_at"`
	UpdatedAt     Time            `json:"updated_at"`
	DeletedAt     *Time           `json:"deleted_at"`
}

// ItemInput is the body of POST and PUT /item; nil fields are unchanged.
type ItemInput struct {
	Item          *string         `json:"item"`
	Code          *string         `json:"code"`
	Category      *string         `json:"category"`
	Details       *string         `json:"details"`
	IsActive      *bool           `json:"is_active"`
	IsTaxable     *bool           `json:"is_taxable"`
	IsService     *bool           `json:"is_service"`
	IsDiscount    *bool           `json:"is_discount"`
	Price         AmountInput     `json:"price"`
	InStock       *int64          `json:"in_stock"`
	LowStockAlert *int64          `json:"low_stock_alert"`
	Meta          json.RawMessage `json:"meta"`
}

// Apply validates in and copies its set fields onto it. create says whether
// this is a new item (then item is required and defaults apply).
func (in *ItemInput) Apply(it *Item, create bool) error {
	errs := FieldErrors{}
	setb := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	if create {
		it.IsActive = true
		it.Meta = json.RawMessage("{}")
	}
	set(&it.Item, in.Item)
	set(&it.Code, in.Code)
	set(&it.Category, in.Category)
	set(&it.Details, in.Details)
	setb(&it.IsActive, in.IsActive)
	setb(&it.IsTaxable, in.IsTaxable)
	setb(&it.IsService, in.IsService)
	setb(&it.IsDiscount, in.IsDiscount)
	if in.Price.IsSet() {
		it.Price = in.Price.Parse(errs, "price", false, 0)
	}
	if in.InStock != nil {
		it.InStock = *in.InStock
	}
	if in.LowStockAlert != nil {
		it.LowStockAlert = *in.LowStockAlert
	}
	if len(in.Meta) > 0 && string(in.Meta) != "null" {
		if !IsJSONObject(in.Meta) {
			errs.Add("meta", "The meta must be an object.")
		} else {
			it.Meta = in.Meta
		}
	}
	if it.Item == "" {
		errs.Required("item")
	}
	MaxLen(errs, "item", it.Item, 255)
	MaxLen(errs, "code", it.Code, 255)
	MaxLen(errs, "category", it.Category, 255)
	MaxLen(errs, "details", it.Details, 2000)
	if it.InStock < 0 || it.InStock > 1_000_000_000 {
		errs.Add("in_stock", "The in stock must be between 0 and 1000000000.")
	}
	if it.LowStockAlert < 0 || it.LowStockAlert > 1_000_000_000 {
		errs.Add("low_stock_alert", "The low stock alert must be between 0 and 1000000000.")
	}
	if len(it.Meta) > 16<<10 {
		errs.Add("meta", "The meta may not be greater than 16384 bytes.")
	}
	return errs.Err()
}

// IsJSONObject reports whether raw is a JSON object.
func IsJSONObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}

// ItemFilter narrows GET /item.
type ItemFilter struct {
	Category string
	Code     string
	Active   *bool
	Keywords []string
	// CreatedFrom/CreatedTo bound created_at, UpdatedFrom/UpdatedTo
	// updated_at (inclusive); zero = open.
	CreatedFrom, CreatedTo time.Time
	UpdatedFrom, UpdatedTo time.Time
}

// IsZero reports whether f filters nothing.
func (f ItemFilter) IsZero() bool {
	return f.Category == "" && f.Code == "" && f.Active == nil && len(f.Keywords) == 0 &&
		f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() && f.UpdatedFrom.IsZero() && f.UpdatedTo.IsZero()
}

// StockInput is the body of PUT /item/{id}/increment and /decrement.
type StockInput struct {
	Quantity *int64 `json:"quantity"`
}

// Validate checks the quantity: a whole number from 1 to 1,000,000,000.
func (in *StockInput) Validate() error {
	errs := FieldErrors{}
	switch {
	case in.Quantity == nil:
		errs.Required("quantity")
	case *in.Quantity < 1 || *in.Quantity > 1_000_000_000:
		errs.Add("quantity", "The quantity must be between 1 and 1000000000.")
	}
	return errs.Err()
}
