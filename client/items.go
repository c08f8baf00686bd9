package client

import "context"

// Item is a catalog item.
type Item struct {
	ID            string `json:"id"`
	MerchantID    string `json:"merchant_id"`
	Item          string `json:"item"`
	Code          string `json:"code"`
	Category      string `json:"category"`
	Details       string `json:"details"`
	IsActive      bool   `json:"is_active"`
	IsTaxable     bool   `json:"is_taxable"`
	IsService     bool   `json:"is_service"`
	IsDiscount    bool   `json:"is_discount"`
	Price         Amount `json:"price"`
	InStock       int    `json:"in_stock"`
	LowStockAlert int    `json:"low_stock_alert"`
	Meta          Meta   `json:"meta"`
	CreatedAt     Time   `json:"created_at"`
	UpdatedAt     Time   `json:"updated_at"`
	DeletedAt     *Time  `json:"deleted_at"`
}

// ItemInput creates or updates a catalog item.
type ItemInput struct {
	Item          string `json:"item,omitempty"`
	Code          string `json:"code,omitempty"`
	Category      string `json:"category,omitempty"`
	Details       string `json:"details,omitempty"`
	IsActive      *bool  `json:"is_active,omitempty"`
	IsTaxable     *bool  `json:"is_taxable,omitempty"`
	IsService     *bool  `json:"is_service,omitempty"`
	IsDiscount    *bool  `json:"is_discount,omitempty"`
	Price         Amount `json:"price"`
	InStock       *int   `json:"in_stock,omitempty"`
	LowStockAlert *int   `json:"low_stock_alert,omitempty"`
	Meta          Meta   `json:"meta,omitempty"`
}

// CreateItem creates a catalog item.
func (c *Client) CreateItem(ctx context.Context, in *ItemInput) (*Item, error) {
	var out Item
	return &out, c.do(ctx, call{method: "POST", path: "/item", body: in, out: &out})
}

// Item gets a catalog item.
func (c *Client) Item(ctx context.Context, id string) (*Item, error) {
	var out Item
	return &out, c.do(ctx, call{method: "GET", path: "/item/{id}", args: []string{id}, out: &out})
}

// UpdateItem changes a catalog item.
func (c *Client) UpdateItem(ctx context.Context, id string, in *ItemInput) (*Item, error) {
	var out Item
	return &out, c.do(ctx, call{method: "PUT", path: "/item/{id}", args: []string{id}, body: in, out: &out})
}

// DeleteItem soft-deletes a catalog item.
func (c *Client) DeleteItem(ctx context.Context, id string) (*Item, error) {
	var out Item
	return &out, c.do(ctx, call{method: "DELETE", path: "/item/{id}", args: []string{id}, out: &out})
}

// Items lists catalog items (filters: category, code, is_active).
func (c *Client) Items(ctx context.Context, p *ListParams) (*Page[Item], error) {
	var out Page[Item]
	return &out, c.do(ctx, call{method: "GET", path: "/item", query: p.values(), out: &out})
}
