package client

import "context"

// NewAPIKey is an API key just created: APIKey, the secret, is shown only
// in this answer.
type NewAPIKey struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	APIKey    string  `json:"api_key"`
	ExpiresAt *Time   `json:"expires_at"`
	CreatedAt Time    `json:"created_at"`
	UserID    *string `json:"user_id"`
}

// APIKeyInput names a new API key; ExpiresAt ("YYYY-MM-DD HH:MM:SS", UTC)
// and UserID (a team user the key acts for) are optional.
type APIKeyInput struct {
	Name      string `json:"name,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	UserID    string `json:"user_id,omitempty"`
}

// CreateAPIKey creates another API key of the client's merchant.
func (c *Client) CreateAPIKey(ctx context.Context, in *APIKeyInput) (*NewAPIKey, error) {
	var out NewAPIKey
	return &out, c.do(ctx, call{method: "POST", path: "/team/apikey", body: in, out: &out})
}
