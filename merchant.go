package tender

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// Partner is a software vendor (ISV) that owns merchants.
type Partner struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt Time   `json:"created_at"`
}

// Features are per-merchant switches a partner sets.
type Features struct {
	SplitFunding       bool `json:"split_funding"`
	CPSurcharging      bool `json:"cp_surcharging"`
	CPTokenization     bool `json:"cp_tokenization"`
	SurchargeRateBasis int  `json:"surcharge_rate_bps"` // card-present surcharge in basis points
	// FundingAccounts are the merchant's payout accounts a split-funded
	// payment may be allocated across.
	FundingAccounts []FundingAccount `json:"funding_accounts,omitempty"`
}

// FundingAccount is a merchant's payout account, named by the partner.
type FundingAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// FundingAccount returns the merchant's funding account id, or nil.
func (m *Merchant) FundingAccount(id string) *FundingAccount {
	for i := range m.Features.FundingAccounts {
		if m.Features.FundingAccounts[i].ID == id {
			return &m.Features.FundingAccounts[i]
		}
	}
	return nil
}

// Merchant is one tenant: every object belongs to exactly one merchant.
type Merchant struct {
	ID           string `json:"id"`
	PartnerID    string `json:"partner_id"`
	CompanyName  string `json:"company_name"`
	ContactEmail string `json:"contact_email"`
	// The merchant's own details, options and branding (PUT /team...).
	MerchantProfile
	Status           string   `json:"status"`
	Sandbox          bool     `json:"is_sandbox"`
	Features         Features `json:"features"`
	WebPaymentsToken string   `json:"hosted_payments_token"`
	AllowedOrigins   []string `json:"allowed_origins"`
	// Processor names the payment processor that moves the merchant's money
	// ("sandbox", "stripe", ...; "" for none). IsTest marks a test merchant:
	// outside sandbox mode only test merchants may use the sandbox processor.
	Processor string `json:"processor"`
	IsTest    bool   `json:"is_test"`
	// ProcessorConfigured says whether the processor has the credentials it
	// needs; the credentials themselves are never shown.
	ProcessorConfigured bool `json:"processor_configured"`
	CreatedAt           Time `json:"created_at"`
	UpdatedAt           Time `json:"updated_at"`
	// ProcessorCredentials is the processor's credentials (a JSON object)
	// sealed by the vault; "" when none. Never shown, never logged.
	ProcessorCredentials string `json:"-"`
}

// ProcessorSandbox is the sandbox processor's name: it needs no
// credentials, and outside sandbox mode serves only test merchants.
const ProcessorSandbox = "sandbox"

// SetProcessorConfigured computes ProcessorConfigured (the store calls it
// after reading a merchant).
func (m *Merchant) SetProcessorConfigured() {
	m.ProcessorConfigured = m.Processor == ProcessorSandbox || m.Processor != "" && m.ProcessorCredentials != ""
}

// MerchantInput is the body of POST /merchant and PUT /merchant/{id}.
type MerchantInput struct {
	CompanyName    *string   `json:"company_name"`
	ContactEmail   *string   `json:"contact_email"`
	Features       *Features `json:"features"`
	AllowedOrigins *[]string `json:"allowed_origins"`
	// Processor and ProcessorCredentials choose the payment processor and
	// give its credentials (for stripe: secret_key and webhook_secret); the
	// service checks the name and the credentials' fields and seals them.
	// Credentials sent without a processor apply to the current one.
	Processor            *string           `json:"processor"`
	ProcessorCredentials map[string]string `json:"processor_credentials"`
	IsTest               *bool             `json:"is_test"`
}

// Apply validates in and copies it onto m.
func (in *MerchantInput) Apply(m *Merchant, create bool) error {
	errs := FieldErrors{}
	set(&m.CompanyName, in.CompanyName)
	set(&m.ContactEmail, in.ContactEmail)
	if in.Features != nil {
		m.Features = *in.Features
	}
	if in.AllowedOrigins != nil {
		m.AllowedOrigins = *in.AllowedOrigins
	}
	if in.IsTest != nil {
		m.IsTest = *in.IsTest
	}
	if in.Processor != nil {
		m.Processor = strings.TrimSpace(*in.Processor)
	}
	if m.AllowedOrigins == nil {
		m.AllowedOrigins = []string{}
	}
	if m.Options == nil {
		m.Options = map[string]any{}
	}
	if create && m.CompanyName == "" {
		errs.Required("company_name")
	}
	MaxLen(errs, "company_name", m.CompanyName, 255)
	if m.ContactEmail != "" && !ValidEmail(m.ContactEmail) {
		errs.Add("contact_email", "The contact email must be a valid email address.")
	}
	if m.Features.SurchargeRateBasis < 0 || m.Features.SurchargeRateBasis > 400 {
		errs.Add("features.surcharge_rate_bps", "The surcharge rate must be between 0 and 400 basis points.")
	}
	seen := map[string]bool{}
	for i, fa := range m.Features.FundingAccounts {
		field := "features.funding_accounts." + itoa(i)
		switch {
		case fa.ID == "" || len(fa.ID) > 64:
			errs.Add(field+".id", "Each funding account needs an id of at most 64 characters.")
		case seen[fa.ID]:
			errs.Add(field+".id", "The funding account ids must be distinct.")
		}
		seen[fa.ID] = true
		MaxLen(errs, field+".name", fa.Name, 255)
	}
	for i, o := range m.AllowedOrigins {
		if !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
			errs.Add("allowed_origins."+itoa(i), "Each origin must start with http:// or https://.")
		}
	}
	return errs.Err()
}

// Key kinds.
const (
	KeyMerchant  = "merchant"  // a merchant's secret API key
	KeyEphemeral = "ephemeral" // a merchant's 24-hour key from GET /ephemeral
	KeyPartner   = "partner"   // a partner's key: manages its merchants
)

// EphemeralTTL is how long a GET /ephemeral token lives.
const EphemeralTTL = 24 * time.Hour

// APIKey is a stored credential. Only the SHA-256 of the secret is stored;
// the secret is shown once, when created.
type APIKey struct {
	ID         string
	Kind       string
	MerchantID string // for merchant and ephemeral keys
	PartnerID  string // for partner keys
	Name       string
	Hash       string // hex SHA-256 of the secret
	Prefix     string // first characters of the secret, for identification
	ExpiresAt  time.Time
	CreatedAt  time.Time
	// UserID is the team user the key belongs to ("" for the merchant's
	// own keys): it acts with that user's role, and not while the user is
	// disabled.
	UserID string
}

// NewSecret returns a fresh random secret for a key of kind, with a readable
// prefix ("tnd_sk_", "tnd_eph_", "tnd_pk_", "tnd_wp_").
func NewSecret(prefix string) string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// Secret prefixes per kind.
var SecretPrefix = map[string]string{
	KeyMerchant:  "tnd_sk_",
	KeyEphemeral: "tnd_eph_",
	KeyPartner:   "tnd_pk_",
}

// WebPaymentsPrefix starts every public web-payments token.
const WebPaymentsPrefix = "tnd_wp_"

// HashSecret is how a secret is stored and looked up. Secrets are 120 random
// bits, so a fast hash is safe against guessing.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Principal is who a request acts as after authentication.
type Principal struct {
	Kind     string // a key kind
	KeyID    string
	Merchant *Merchant // nil for partner keys
	Partner  *Partner  // set for partner keys
	// User is the team user a user's key acts for (nil for a merchant's
	// own key): their role bounds what the key may do.
	User *TeamUser
}
