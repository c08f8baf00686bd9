package tender

import (
	"encoding/json"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TeamUser is a person who signs in to a merchant's dashboard with an
// email and a password. API keys are for programs; team users are for
// people, and their role bounds what the dashboard lets them do.
type TeamUser struct {
	ID         string
	MerchantID string
	// Name is how the team sees the person ("" when not given).
	Name string
	// Email is lower-cased; it is unique across merchants (sign-in starts
	// from it alone).
	Email string
	// PasswordHash is a bcrypt hash; never shown, never logged.
	PasswordHash string
	Role         string
	Disabled     bool
	// EmailVerifiedAt is when the user proved they read Email (nil: not
	// yet, or the email changed since).
	EmailVerifiedAt *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
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

// CanAdminister reports whether the user may manage API keys and the
// merchant's settings: owners and admins, not staff.
func (u *TeamUser) CanAdminister() bool { return u.Role == RoleOwner || u.Role == RoleAdmin }

// NormalizeEmail trims and lower-cases an email for storage and lookup.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// TeamUserInput is what creating a team user takes.
type TeamUserInput struct {
	Name     string
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
	validTeamUserName(errs, in.Name)
	email := NormalizeEmail(in.Email)
	if email == "" {
		errs.Required("email")
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		errs.Add("email", "The email must be a valid email address.")
	}
	if in.Role == "" {
		errs.Required("team_role")
	} else if !ValidRole(in.Role) {
		errs.Add("team_role", "The team role must be owner, admin or staff.")
	}
	if in.Password == "" {
		errs.Required("password")
	} else {
		validPassword(errs, in.Password)
	}
	return errs.Err()
}

// MaxTeamUserName bounds a team user's name, in characters.
const MaxTeamUserName = 255

func validTeamUserName(errs FieldErrors, name string) {
	if utf8.RuneCountInString(name) > MaxTeamUserName {
		errs.Add("name", "The name may not be greater than 255 characters.")
	} else if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		errs.Add("name", "The name may not contain control characters.")
	}
}

func validPassword(errs FieldErrors, password string) {
	switch n := len(password); {
	case n < MinPasswordLength:
		errs.Add("password", "The password must be at least 12 characters.")
	case n > MaxPasswordLength:
		errs.Add("password", "The password may not be greater than 72 bytes.")
	}
}

// TeamUserUpdate is what PUT /team/user/{id} changes; nil leaves a field
// as it is.
type TeamUserUpdate struct {
	Name     *string
	Role     *string
	Enabled  *bool
	Password *string
}

// Validate checks the fields given, naming them as the API does
// (team_role, team_enabled).
func (in *TeamUserUpdate) Validate() error {
	errs := FieldErrors{}
	if in.Name != nil {
		validTeamUserName(errs, *in.Name)
	}
	if in.Role != nil && !ValidRole(*in.Role) {
		errs.Add("team_role", "The team role must be owner, admin or staff.")
	}
	if in.Password != nil {
		validPassword(errs, *in.Password)
	}
	if in.Name == nil && in.Role == nil && in.Enabled == nil && in.Password == nil {
		errs.Add("name", "Give at least one of name, team_role, team_enabled or password.")
	}
	return errs.Err()
}

// MarshalJSON writes a team user in Stax's user shape. The password hash is
// never written, whatever path the value takes.
func (u TeamUser) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID          string `json:"id"`
		MerchantID  string `json:"merchant_id"`
		Name        string `json:"name"`
		Email       string `json:"email"`
		TeamRole    string `json:"team_role"`
		TeamAdmin   bool   `json:"team_admin"`
		TeamEnabled bool   `json:"team_enabled"`
		IsAPIKey    bool   `json:"is_api_key"`
		Verified    bool   `json:"email_verified"`
		VerifiedAt  *Time  `json:"email_verified_at"`
		CreatedAt   Time   `json:"created_at"`
		UpdatedAt   Time   `json:"updated_at"`
	}{u.ID, u.MerchantID, u.Name, u.Email, u.Role, u.Role == RoleOwner || u.Role == RoleAdmin, !u.Disabled, false,
		u.EmailVerifiedAt != nil, verifiedAt(u.EmailVerifiedAt), NewTime(u.CreatedAt), NewTime(u.UpdatedAt)})
}

func verifiedAt(t *time.Time) *Time {
	if t == nil {
		return nil
	}
	v := NewTime(*t)
	return &v
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

// TeamToken is a password-reset or email-verification token sent by
// email: only the SHA-256 of the random token is stored; it is for one
// user and the one email it was sent to, and spent once.
type TeamToken struct {
	TokenHash string
	Kind      string
	UserID    string
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Team token kinds.
const (
	TokenKindReset  = "reset"
	TokenKindVerify = "verify"
)

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

// SelfUpdate is PUT /self's body: the signed-in user's own name, email and
// password; nil leaves a field as it is. A new email or password needs
// CurrentPassword.
type SelfUpdate struct {
	Name            *string
	Email           *string
	Password        *string
	CurrentPassword string
}

// Validate checks the fields given.
func (in *SelfUpdate) Validate() error {
	errs := FieldErrors{}
	if in.Name != nil {
		validTeamUserName(errs, *in.Name)
	}
	if in.Email != nil {
		validUserEmail(errs, *in.Email)
	}
	if in.Password != nil {
		validPassword(errs, *in.Password)
	}
	if in.Name == nil && in.Email == nil && in.Password == nil {
		errs.Add("name", "Give at least one of name, email or password.")
	}
	return errs.Err()
}

func validUserEmail(errs FieldErrors, s string) {
	email := NormalizeEmail(s)
	if email == "" {
		errs.Required("email")
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		errs.Add("email", "The email must be a valid email address.")
	}
}
