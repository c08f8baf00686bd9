package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "TeamUserCreate", "TeamUserGet", "TeamUserByID", "TeamUserByEmail",
		"TeamUserUpdate", "TeamUserList", "TeamOwnersLock", "TeamSessionsDeleteUser", "TeamSessionCreate", "TeamSessionGet", "TeamLinkUse", "TeamSessionDelete",
		"TeamSessionsDeleteExpired", "TeamTokensDeleteExpired", "TeamTokensSupersede", "TeamTokenCreate", "TeamTokenGet",
		"TeamTokenUse", "EventCount", "EventList", "EventCountByName", "EventListByName",
		"EventCountByObject", "EventListByObject", "TransactionVolume")
}

// --- team users -------------------------------------------------------------

func (e *exec) TeamUserCreate(ctx context.Context, u *tender.TeamUser) error {
	_, err := e.w.ExecContext(ctx, e.q("TeamUserCreate"), u.ID, u.MerchantID, u.Email, u.PasswordHash, u.Role,
		u.Disabled, e.t(u.CreatedAt), e.t(u.UpdatedAt), u.Name, e.tp(u.EmailVerifiedAt))
	return e.d.wrap(err)
}

func scanTeamUser(row rowScanner) (*tender.TeamUser, error) {
	var u tender.TeamUser
	var created, updated, verified timeCol
	if err := row.Scan((*textCol)(&u.ID), (*textCol)(&u.MerchantID), &u.Email, &u.PasswordHash, &u.Role, &u.Disabled,
		&created, &updated, &u.Name, &verified); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt, u.EmailVerifiedAt = created.t, updated.t, verified.timePtr()
	return &u, nil
}

func (e *exec) TeamUserGet(ctx context.Context, merchantID, id string) (*tender.TeamUser, error) {
	if !validID(merchantID) || !validID(id) {
		return nil, tender.NotFound("user")
	}
	u, err := scanTeamUser(e.r.QueryRowContext(ctx, e.q("TeamUserGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "user")
	}
	return u, nil
}

func (e *exec) TeamUserByEmail(ctx context.Context, email string) (*tender.TeamUser, error) {
	u, err := scanTeamUser(e.r.QueryRowContext(ctx, e.q("TeamUserByEmail"), tender.NormalizeEmail(email)))
	if err != nil {
		return nil, e.notFound(err, "user")
	}
	return u, nil
}

func (e *exec) TeamUserUpdate(ctx context.Context, u *tender.TeamUser) error {
	if !validID(u.MerchantID) || !validID(u.ID) {
		return tender.NotFound("user")
	}
	return e.execOne(ctx, "TeamUserUpdate", u.ID, u.MerchantID, u.Role, u.PasswordHash, u.Disabled, e.t(u.UpdatedAt),
		u.Name, tender.NormalizeEmail(u.Email), e.tp(u.EmailVerifiedAt))
}

// firstID sorts before every id (the keyset's start).
const firstID = "00000000-0000-0000-0000-000000000000"

func (e *exec) TeamUserList(ctx context.Context, merchantID string, after *tender.TeamUser, limit int) ([]*tender.TeamUser, error) {
	if !validID(merchantID) {
		return nil, nil
	}
	at, id := time.Unix(0, 0), firstID
	if after != nil {
		at, id = after.CreatedAt, after.ID
	}
	rows, err := e.r.QueryContext(ctx, e.q("TeamUserList"), merchantID, e.t(at), id, limit)
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	var out []*tender.TeamUser
	for rows.Next() {
		u, err := scanTeamUser(rows)
		if err != nil {
			return nil, e.d.wrap(err)
		}
		out = append(out, u)
	}
	return out, e.d.wrap(rows.Err())
}

func (e *exec) TeamOwnersLock(ctx context.Context, merchantID string) ([]string, error) {
	if !validID(merchantID) {
		return nil, nil
	}
	rows, err := e.w.QueryContext(ctx, e.q("TeamOwnersLock"), merchantID)
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan((*textCol)(&id)); err != nil {
			return nil, e.d.wrap(err)
		}
		ids = append(ids, id)
	}
	return ids, e.d.wrap(rows.Err())
}

func (e *exec) TeamSessionsDeleteUser(ctx context.Context, userID string) error {
	if !validID(userID) {
		return nil
	}
	_, err := e.w.ExecContext(ctx, e.q("TeamSessionsDeleteUser"), userID)
	return e.d.wrap(err)
}

// --- sessions and sign-in links ----------------------------------------------

func (e *exec) TeamSessionCreate(ctx context.Context, s *tender.TeamSession) error {
	_, err := e.w.ExecContext(ctx, e.q("TeamSessionCreate"), s.TokenHash, s.Kind, s.UserID, e.t(s.CreatedAt),
		e.t(s.ExpiresAt))
	return e.d.wrap(err)
}

func (e *exec) TeamSessionGet(ctx context.Context, tokenHash string, now time.Time) (*tender.TeamSession, *tender.TeamUser, error) {
	var s tender.TeamSession
	var u tender.TeamUser
	var sCreated, sExpires, uCreated, uUpdated, uVerified timeCol
	err := e.r.QueryRowContext(ctx, e.q("TeamSessionGet"), tokenHash, e.t(now)).Scan(&s.TokenHash, &s.Kind,
		(*textCol)(&s.UserID), &sCreated, &sExpires, (*textCol)(&u.ID), (*textCol)(&u.MerchantID), &u.Email,
		&u.PasswordHash, &u.Role, &u.Disabled, &uCreated, &uUpdated, &u.Name, &uVerified)
	if err != nil {
		return nil, nil, e.notFound(err, "session")
	}
	s.CreatedAt, s.ExpiresAt, u.CreatedAt, u.UpdatedAt = sCreated.t, sExpires.t, uCreated.t, uUpdated.t
	u.EmailVerifiedAt = uVerified.timePtr()
	return &s, &u, nil
}

func (e *exec) TeamLinkUse(ctx context.Context, tokenHash string, now time.Time) (*tender.TeamUser, error) {
	var userID string
	if err := e.w.QueryRowContext(ctx, e.q("TeamLinkUse"), tokenHash, e.t(now)).Scan((*textCol)(&userID)); err != nil {
		return nil, e.notFound(err, "sign-in link")
	}
	u, err := scanTeamUser(e.w.QueryRowContext(ctx, e.q("TeamUserByID"), userID))
	if err != nil {
		return nil, e.notFound(err, "user")
	}
	return u, nil
}

func (e *exec) TeamSessionDelete(ctx context.Context, tokenHash string) error {
	_, err := e.w.ExecContext(ctx, e.q("TeamSessionDelete"), tokenHash)
	return e.d.wrap(err)
}

func (e *exec) TeamSessionsDeleteExpired(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for _, q := range []string{"TeamSessionsDeleteExpired", "TeamTokensDeleteExpired"} {
		res, err := e.w.ExecContext(ctx, e.q(q), e.t(now))
		if err != nil {
			return 0, e.d.wrap(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, e.d.wrap(err)
		}
		total += int(n)
	}
	return total, nil
}

// --- password-reset and verification tokens ------------------------------------

func (e *exec) TeamTokenCreate(ctx context.Context, t *tender.TeamToken) error {
	if !validID(t.UserID) {
		return tender.NotFound("user")
	}
	if _, err := e.w.ExecContext(ctx, e.q("TeamTokensSupersede"), t.UserID, t.Kind); err != nil {
		return e.d.wrap(err)
	}
	_, err := e.w.ExecContext(ctx, e.q("TeamTokenCreate"), t.TokenHash, t.Kind, t.UserID, t.Email, e.t(t.CreatedAt),
		e.t(t.ExpiresAt))
	return e.d.wrap(err)
}

func (e *exec) TeamTokenGet(ctx context.Context, kind, tokenHash string, now time.Time) (*tender.TeamToken, *tender.TeamUser, error) {
	t := tender.TeamToken{TokenHash: tokenHash}
	var u tender.TeamUser
	var tCreated, tExpires, uCreated, uUpdated, uVerified timeCol
	err := e.r.QueryRowContext(ctx, e.q("TeamTokenGet"), tokenHash, kind, e.t(now)).Scan(&t.Kind,
		(*textCol)(&t.UserID), &t.Email, &tCreated, &tExpires, (*textCol)(&u.ID), (*textCol)(&u.MerchantID), &u.Email,
		&u.PasswordHash, &u.Role, &u.Disabled, &uCreated, &uUpdated, &u.Name, &uVerified)
	if err != nil {
		return nil, nil, e.notFound(err, "token")
	}
	t.CreatedAt, t.ExpiresAt, u.CreatedAt, u.UpdatedAt = tCreated.t, tExpires.t, uCreated.t, uUpdated.t
	u.EmailVerifiedAt = uVerified.timePtr()
	return &t, &u, nil
}

func (e *exec) TeamTokenUse(ctx context.Context, kind, tokenHash string, now time.Time) (*tender.TeamToken, error) {
	t := tender.TeamToken{TokenHash: tokenHash, Kind: kind}
	var created, expires timeCol
	err := e.w.QueryRowContext(ctx, e.q("TeamTokenUse"), tokenHash, kind, e.t(now)).Scan((*textCol)(&t.UserID),
		&t.Email, &created, &expires)
	if err != nil {
		return nil, e.notFound(err, "token")
	}
	t.CreatedAt, t.ExpiresAt = created.t, expires.t
	return &t, nil
}

// --- the event log -------------------------------------------------------------

func scanEvent(row rowScanner) (*tender.Event, error) {
	var ev tender.Event
	var payload jsonCol
	var created timeCol
	if err := row.Scan((*textCol)(&ev.ID), (*textCol)(&ev.MerchantID), &ev.Name, &ev.ObjectType,
		(*textCol)(&ev.ObjectID), &payload, &created); err != nil {
		return nil, err
	}
	ev.Payload, ev.CreatedAt = json.RawMessage(payload), created.t
	return &ev, nil
}

// EventList reads the events by the index that fits the filter: the
// object's (the most selective), the name's, or the merchant's.
func (e *exec) EventList(ctx context.Context, merchantID string, f tender.EventFilter, p tender.ListParams) (*tender.Page[*tender.Event], error) {
	page := &tender.Page[*tender.Event]{Items: []*tender.Event{}}
	if !validID(merchantID) {
		return page, nil
	}
	count, list, args := "EventCount", "EventList", []any{merchantID}
	switch {
	case f.ObjectID != "":
		// The name, when also given, is checked on the object's events
		// ("" matches any).
		count, list, args = "EventCountByObject", "EventListByObject", []any{merchantID, f.ObjectID, f.Name}
	case f.Name != "":
		count, list, args = "EventCountByName", "EventListByName", []any{merchantID, f.Name}
	}
	if err := e.r.QueryRowContext(ctx, e.q(count), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 || p.Offset() >= page.Total {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanEvent, e.ordered(list, p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) TransactionVolume(ctx context.Context, merchantID string, from, to time.Time) (int, tender.Amount, error) {
	if !validID(merchantID) {
		return 0, 0, nil
	}
	var n int
	var sum int64
	if err := e.r.QueryRowContext(ctx, e.q("TransactionVolume"), merchantID, e.t(from), e.t(to)).Scan(&n, &sum); err != nil {
		return 0, 0, e.d.wrap(err)
	}
	return n, tender.Amount(sum), nil
}
