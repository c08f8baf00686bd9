package service

import (
	"context"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"golang.org/x/crypto/bcrypt"
)

// teamPage is how many team users one store read returns.
const teamPage = 200

// TeamUsers lists a merchant's team, oldest first (GET /team/user). A team
// is people, so the whole of it is returned, read in keyset pages.
func (s *Service) TeamUsers(ctx context.Context, merchantID string) ([]*tender.TeamUser, error) {
	out := []*tender.TeamUser{}
	var after *tender.TeamUser
	for {
		page, err := s.store.TeamUserList(ctx, merchantID, after, teamPage)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < teamPage {
			return out, nil
		}
		after = page[len(page)-1]
	}
}

// TeamUser returns one of a merchant's team users; 404 for another
// merchant's.
func (s *Service) TeamUser(ctx context.Context, merchantID, id string) (*tender.TeamUser, error) {
	return s.store.TeamUserGet(ctx, merchantID, id)
}

// UpdateTeamUser changes a team user's name, role, enabled flag or
// password (PUT /team/user/{id}). A merchant keeps at least one enabled
// owner: the change that would remove the last one is a 422, decided with
// the owners locked, so two concurrent demotions cannot both pass. A new
// password or disabling ends the user's sessions and unspent sign-in
// links in the same transaction.
func (s *Service) UpdateTeamUser(ctx context.Context, merchantID, id string, in *tender.TeamUserUpdate) (*tender.TeamUser, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var hash string
	if in.Password != nil {
		h, err := bcrypt.GenerateFromPassword([]byte(*in.Password), bcryptCost)
		if err != nil {
			return nil, err
		}
		hash = string(h)
	}
	var out *tender.TeamUser
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		owners, err := tx.TeamOwnersLock(ctx, merchantID)
		if err != nil {
			return err
		}
		u, err := tx.TeamUserGet(ctx, merchantID, id)
		if err != nil {
			return err
		}
		wasOwner := u.Role == tender.RoleOwner && !u.Disabled
		endSessions := false
		if in.Name != nil {
			u.Name = strings.TrimSpace(*in.Name)
		}
		if in.Role != nil {
			u.Role = *in.Role
		}
		if in.Enabled != nil {
			endSessions = endSessions || (!*in.Enabled && !u.Disabled)
			u.Disabled = !*in.Enabled
		}
		if hash != "" {
			u.PasswordHash, endSessions = hash, true
		}
		if wasOwner && !(u.Role == tender.RoleOwner && !u.Disabled) && len(owners) <= 1 {
			errs := tender.FieldErrors{}
			field := "team_role"
			if u.Role == tender.RoleOwner {
				field = "team_enabled"
			}
			errs.Add(field, "The merchant must keep at least one enabled owner.")
			return errs.Err()
		}
		u.UpdatedAt = s.now()
		if err := tx.TeamUserUpdate(ctx, u); err != nil {
			return err
		}
		if endSessions {
			if err := tx.TeamSessionsDeleteUser(ctx, u.ID); err != nil {
				return err
			}
		}
		out = u
		return nil
	})
	// A user's keys act with the user's role and not while disabled:
	// cached principals are read again.
	s.auth.clear()
	return out, err
}
