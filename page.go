package tender

// MaxPerPage caps per_page on every list.
const MaxPerPage = 200

// ListParams are the Laravel paginator's inputs.
type ListParams struct {
	Page    int    // 1-based
	PerPage int    // 1..MaxPerPage
	Sort    string // a whitelisted column name
	Desc    bool
}

// Offset is the number of rows before the page.
func (p ListParams) Offset() int { return (p.Page - 1) * p.PerPage }

// Page is one page of a list plus the total count.
type Page[T any] struct {
	Items []T
	Total int
}
