package store

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

// teamQueries are the queries of the dashboard's team, the event log and
// the vault's key fingerprints.
type teamQueries interface {
	// --- vault key fingerprints ---

	// VaultKeys returns the recorded fingerprint of each master key id that
	// has sealed values in this database.
	VaultKeys(ctx context.Context) (map[string]string, error)
	// VaultKeyRecord records kid's fingerprint; one already recorded is
	// kept, unless it is replaces (a stale record: no stored value is
	// wrapped by kid).
	VaultKeyRecord(ctx context.Context, kid, fingerprint, replaces string, at time.Time) error
	// VaultSealedSample returns one stored sealed value wrapped by master key
	// kid ("" for any), or "" when there is none.
	VaultSealedSample(ctx context.Context, kid string) (string, error)

	// --- the dashboard's team and the event log ---

	// TeamUserCreate stores a team user; ECONFLICT when the email is taken
	// (by any merchant's user).
	TeamUserCreate(ctx context.Context, u *tender.TeamUser) error
	// TeamUserGet returns a user of merchantID; ENOTFOUND otherwise.
	TeamUserGet(ctx context.Context, merchantID, id string) (*tender.TeamUser, error)
	// TeamUserByEmail finds a user by lower-cased email, of any merchant.
	TeamUserByEmail(ctx context.Context, email string) (*tender.TeamUser, error)
	// TeamUserUpdate writes name, email, email_verified_at, role, password
	// hash, disabled and updated_at; ENOTFOUND when the user is not
	// merchantID's, ECONFLICT when the email is another user's.
	TeamUserUpdate(ctx context.Context, u *tender.TeamUser) error
	// TeamUserList lists up to limit of a merchant's users, oldest first,
	// after the given one (nil: from the start), by (created_at, id).
	TeamUserList(ctx context.Context, merchantID string, after *tender.TeamUser, limit int) ([]*tender.TeamUser, error)
	// TeamOwnersLock returns the ids of the merchant's enabled owners and,
	// inside a transaction, holds them until it ends: two transactions that
	// each remove an owner cannot both count the other's.
	TeamOwnersLock(ctx context.Context, merchantID string) ([]string, error)
	// TeamSessionsDeleteUser ends every session and unspent sign-in link
	// of a user; no error when there is none.
	TeamSessionsDeleteUser(ctx context.Context, userID string) error
	// TeamSessionCreate stores a session or a one-time sign-in link.
	TeamSessionCreate(ctx context.Context, s *tender.TeamSession) error
	// TeamSessionGet returns the session whose token hashes to tokenHash
	// and its user, in one query: ENOTFOUND when there is none, when it has
	// expired at now, or when it is a sign-in link. A disabled user's
	// session is returned (the caller refuses it).
	TeamSessionGet(ctx context.Context, tokenHash string, now time.Time) (*tender.TeamSession, *tender.TeamUser, error)
	// TeamLinkUse spends a one-time sign-in link and returns its user:
	// ENOTFOUND when it is unknown, expired at now or already spent. Two
	// concurrent callers never both spend it.
	TeamLinkUse(ctx context.Context, tokenHash string, now time.Time) (*tender.TeamUser, error)
	// TeamSessionDelete removes a session (sign-out); no error when absent.
	TeamSessionDelete(ctx context.Context, tokenHash string) error
	// TeamSessionsDeleteExpired removes sessions, links and reset and
	// verification tokens expired before now and returns how many.
	TeamSessionsDeleteExpired(ctx context.Context, now time.Time) (int, error)
	// TeamTokenCreate stores a password-reset or verification token and
	// deletes the user's unspent older tokens of the same kind (inside a
	// transaction, both or neither).
	TeamTokenCreate(ctx context.Context, t *tender.TeamToken) error
	// TeamTokenGet returns the live token of kind whose hash is tokenHash,
	// and its user, without spending it: ENOTFOUND when it is unknown, of
	// another kind, expired at now, spent or superseded.
	TeamTokenGet(ctx context.Context, kind, tokenHash string, now time.Time) (*tender.TeamToken, *tender.TeamUser, error)
	// TeamTokenUse spends a live token of kind: ENOTFOUND as TeamTokenGet.
	// Two concurrent callers never both spend it.
	TeamTokenUse(ctx context.Context, kind, tokenHash string, now time.Time) (*tender.TeamToken, error)

	// EventList lists a merchant's events, newest first, filtered by name
	// and object id (each "" for any).
	EventList(ctx context.Context, merchantID string, f tender.EventFilter, p tender.ListParams) (*tender.Page[*tender.Event], error)
	// TransactionVolume counts and sums a merchant's successful sales
	// (charges and captures, refunds not deducted) created in [from, to).
	TransactionVolume(ctx context.Context, merchantID string, from, to time.Time) (int, tender.Amount, error)
	// SalesVolume is TransactionVolume read from the sales rollup for the
	// whole hours of [from, to) it covers (before its watermark's hour) and
	// from transactions for the rest: equal to TransactionVolume once the
	// rollup has run past every change to the range's transactions.
	SalesVolume(ctx context.Context, merchantID string, from, to time.Time) (int, tender.Amount, error)
}
