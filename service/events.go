package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Events lists a merchant's events (the event log), newest first by
// default, filtered by name and object id.
func (s *Service) Events(ctx context.Context, merchantID string, f tender.EventFilter, lp tender.ListParams) (*tender.Page[*tender.Event], error) {
	errs := tender.FieldErrors{}
	if flaw := tender.TextFlaw(f.Name); flaw != "" || len(f.Name) > 100 {
		errs.Add("name", "The name is not a valid event name.")
	}
	if flaw := tender.TextFlaw(f.ObjectID); flaw != "" || len(f.ObjectID) > 100 {
		errs.Add("object_id", "The object id is not valid.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*tender.Event], error) {
		return st.EventList(ctx, merchantID, f, lp)
	})
}

// Event returns one of a merchant's events; ENOTFOUND for another
// merchant's.
func (s *Service) Event(ctx context.Context, merchantID, id string) (*tender.Event, error) {
	ev, err := s.store.EventGet(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.MerchantID != merchantID {
		return nil, tender.NotFound("event")
	}
	return ev, nil
}
