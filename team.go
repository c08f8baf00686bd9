package tender

import (
	"net/mail"
	"strings"
	"time"
)

// TeamUser is a person who signs in to a merchant's dashboard with an
// email and a password. API keys are for programs; team users are for
// people, and their role bounds what the dashboard lets them do.
type TeamUser struct {
	ID         string
	MerchantID string
	// Email is lower-cased; it is unique across merchants (sign-in starts
	// from it alone).
	Email string
	// PasswordHash is a bcrypt hash; never shown, never logged.
	PasswordHash string
	Role         string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Team roles: owners and admins may do everything; staff may look and
// charge but not refund, and not manage keys or settings.
const (
	RoleOwner = "owner"
	RoleAdmin = "admin"
	RoleStaff = "staff"
)

// ValidRole reports whether role is one of the team roles.
func ValidRole(role string) bool {
	return role == RoleOwner || role == RoleAdmin || role == RoleStaff
}

// CanRefund reports whether the user may refund or void payments.
func (u *TeamUser) CanRefund() bool { return u.Role == RoleOwner || u.Role == RoleAdmin }

// NormalizeEmail trims and lower-cases an email for storage and lookup.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// TeamUserInput is what creating a team user takes.
type TeamUserInput struct {
	Email    string
	Role     string
	Password string
}

// MinPasswordLength and MaxPasswordLength bound a team user's password
// (bcrypt reads at most 72 bytes; a longer one is refused, not truncated).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 72
)

// Validate checks the input: a plain address, a known role, a password
// of 12 to 72 bytes.
func (in *TeamUserInput) Validate() error {
	errs := FieldErrors{}
	email := NormalizeEmail(in.Email)
	if email == "" {
		errs.Required("email")
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		errs.Add("email", "The email must be a valid email address.")
	}
	if in.Role == "" {
		errs.Required("role")
	} else if !ValidRole(in.Role) {
		errs.Add("role", "The role must be owner, admin or staff.")
	}
	switch n := len(in.Password); {
	case n == 0:
		errs.Required("password")
	case n < MinPasswordLength:
		errs.Add("password", "The password must be at least 12 characters.")
	case n > MaxPasswordLength:
		errs.Add("password", "The password may not be greater than 72 bytes.")
	}
	return errs.Err()
}

// TeamSession is a signed-in browser session, or a one-time sign-in link
// (Kind "link"). Only the SHA-256 of its random token is stored.
type TeamSession struct {
	TokenHash string
	Kind      string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Team session kinds.
const (
	SessionKindSession = "session"
	SessionKindLink    = "link"
)

// EventFilter narrows the event log: by event name and by the id of the
// object the event is about.
type EventFilter struct {
	Name     string
	ObjectID string
}
