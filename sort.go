package tender

// Sort columns each list accepts (ListParams.Sort); anything else is a 422
// at the edge. Stores order by the whitelisted name, never by the caller's
// text.
var (
	CustomerSorts      = []string{"created_at", "updated_at", "firstname", "lastname", "company", "email"}
	ItemSorts          = []string{"created_at", "updated_at", "item", "price", "in_stock", "category"}
	PaymentLinkSorts   = []string{"created_at", "updated_at", "name", "total", "uses", "views", "expires_at"}
	DisputeSorts       = []string{"created_at", "updated_at", "amount", "status", "due_by"}
	FileSorts          = []string{"created_at", "updated_at", "name", "size"}
	MerchantSorts      = []string{"created_at", "company_name"}
	PaymentMethodSorts = []string{"created_at", "updated_at", "card_type", "method"}
	TransactionSorts   = []string{"created_at", "updated_at", "total", "type", "status"}
	ScheduleSorts      = []string{"created_at", "updated_at", "total", "status", "next_run_at"}
	InvoiceSorts       = []string{"created_at", "updated_at", "total", "status", "due_at", "balance_due", "paid_at"}
	// DepositSorts: deposits and their lines are read in one order
	// (batched_at; created_at as Stax's default name for it).
	DepositSorts = []string{"batched_at", "created_at"}
)
