package service

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// applySchedule validates in onto sc (create: a new schedule), checks the
// customer, autopay method and catalog items it names, and defaults the url.
func (s *Service) applySchedule(ctx context.Context, tx store.Executor, sc *tender.Schedule, in *tender.ScheduleInput, create bool) error {
	errs := tender.FieldErrors{}
	lines := in.Apply(sc, create, s.now(), errs)
	if sc.URL == "" {
		sc.URL = s.InvoiceURL()
	}
	if sc.CustomerID != "" {
		refs := &tender.Invoice{MerchantID: sc.MerchantID, CustomerID: sc.CustomerID, PaymentMethodID: sc.PaymentMethodID}
		if err := s.checkInvoiceRefs(ctx, tx, refs, lines, errs); err != nil {
			return err
		}
	}
	return errs.Err()
}

// CreateSchedule stores a scheduled invoice.
func (s *Service) CreateSchedule(ctx context.Context, merchantID string, in *tender.ScheduleInput) (*tender.Schedule, error) {
	now := tender.NewTime(s.now())
	sc := &tender.Schedule{ID: tender.NewID(), MerchantID: merchantID, Active: true, CreatedAt: now, UpdatedAt: now}
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := s.applySchedule(ctx, tx, sc, in, true); err != nil {
			return err
		}
		sc.Refresh(now.Time)
		if err := tx.ScheduleCreate(ctx, sc); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventCreateSchedule, "schedule", sc.ID, sc)
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// UpdateSchedule changes a schedule; active=false pauses it and true
// resumes it (occurrences missed while paused are skipped).
func (s *Service) UpdateSchedule(ctx context.Context, merchantID, id string, in *tender.ScheduleInput) (*tender.Schedule, error) {
	var sc *tender.Schedule
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if sc, err = tx.ScheduleGetForUpdate(ctx, merchantID, id); err != nil {
			return err
		}
		if sc.DeletedAt != nil {
			return invalid("id", "The schedule was deleted.")
		}
		wasActive := sc.Active
		if err := s.applySchedule(ctx, tx, sc, in, false); err != nil {
			return err
		}
		now := tender.NewTime(s.now())
		if sc.Active && !wasActive && in.Rule == nil && sc.NextRunAt != nil && sc.NextRunAt.Before(now.Time) {
			// Resumed: continue from now, not with the occurrences missed while paused.
			if r, err := tender.ParseRule(sc.Rule); err == nil {
				sc.NextRunAt = tender.NextOccurrence(r, now.Time, true)
			}
		}
		sc.UpdatedAt = now
		sc.Refresh(now.Time)
		if err := tx.ScheduleUpdate(ctx, sc); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdateSchedule, "schedule", sc.ID, sc)
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// DeleteSchedule stops a schedule for good (status DELETED).
func (s *Service) DeleteSchedule(ctx context.Context, merchantID, id string) (*tender.Schedule, error) {
	var sc *tender.Schedule
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if sc, err = tx.ScheduleGetForUpdate(ctx, merchantID, id); err != nil {
			return err
		}
		if sc.DeletedAt != nil {
			return tender.NotFound("schedule")
		}
		now := tender.NewTime(s.now())
		sc.DeletedAt, sc.UpdatedAt, sc.Active = &now, now, false
		sc.Refresh(now.Time)
		if err := tx.ScheduleUpdate(ctx, sc); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventDeleteSchedule, "schedule", sc.ID, sc)
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// Schedule returns a schedule with its status as of now.
func (s *Service) Schedule(ctx context.Context, merchantID, id string) (*tender.Schedule, error) {
	sc, err := s.store.ScheduleGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	sc.Refresh(s.now())
	return sc, nil
}

// Schedules lists schedules with their status as of now.
func (s *Service) Schedules(ctx context.Context, merchantID string, f tender.ScheduleFilter, lp tender.ListParams) (*tender.Page[*tender.Schedule], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	page, err := s.store.ScheduleList(ctx, merchantID, f, lp)
	if err != nil {
		return nil, err
	}
	for _, sc := range page.Items {
		sc.Refresh(s.now())
	}
	return page, nil
}

// RunSchedules is the scheduler's tick (run by a River periodic job, and
// safe to run from any number of processes at once): every due occurrence
// of every schedule creates its invoice, emailed when asked, exactly once —
// the schedule row is locked and the invoice's (schedule, occurrence) is a
// unique key — and then each scheduled invoice not yet autopaid is charged
// with an idempotency_id derived from the invoice, so a charge runs once
// however often this is retried. Occurrences missed while the server was
// down are each run once when it is back. It returns the invoices created
// and the autopay charges attempted.
func (s *Service) RunSchedules(ctx context.Context) (created, charged int, err error) {
	now := s.now()
	for {
		due, err := s.store.SchedulesDue(ctx, now, 100)
		if err != nil {
			return created, charged, err
		}
		progress := 0
		for _, ref := range due {
			n, err := s.runOccurrence(ctx, ref, now)
			if err != nil {
				s.log().Warn("schedule occurrence failed", "schedule_id", ref.ID, "error", tender.ErrorMessage(err))
				continue
			}
			created += n
			progress++
		}
		if progress == 0 || len(due) < 100 {
			break
		}
	}
	due, err := s.store.InvoicesAutopayDue(ctx, now, 100)
	if err != nil {
		return created, charged, err
	}
	for _, ref := range due {
		if ok, err := s.autopay(ctx, ref); err != nil {
			s.log().Warn("autopay failed", "invoice_id", ref.ID, "error", tender.ErrorMessage(err))
		} else if ok {
			charged++
		}
	}
	return created, charged, nil
}

// runOccurrence creates the invoice of a schedule's due occurrence (or of
// each due one, when several were missed) and advances the schedule, in one
// database transaction per occurrence.
func (s *Service) runOccurrence(ctx context.Context, ref store.Ref, now time.Time) (int, error) {
	n := 0
	for {
		done := true
		err := s.store.InTx(ctx, func(tx store.Executor) error {
			sc, err := tx.ScheduleGetForUpdate(ctx, ref.MerchantID, ref.ID)
			if err != nil {
				return err
			}
			if !sc.Active || sc.DeletedAt != nil || sc.NextRunAt == nil || sc.NextRunAt.After(now) {
				return nil // another process ran it, or it changed
			}
			r, err := tender.ParseRule(sc.Rule)
			if err != nil {
				return err
			}
			occ := *sc.NextRunAt
			stamp := tender.NewTime(now)
			inv := &tender.Invoice{ID: tender.NewID(), MerchantID: sc.MerchantID, CustomerID: sc.CustomerID,
				PaymentMethodID: sc.PaymentMethodID, Total: sc.Total, Meta: sc.Meta, Status: tender.InvoiceDraft,
				URL: sc.URL, DueAt: &occ, ScheduleID: sc.ID, Occurrence: &occ, AutopayDone: sc.PaymentMethodID == "",
				CreatedAt: stamp, UpdatedAt: stamp}
			inv.Recompute(0, stamp)
			if err := tx.InvoiceCreate(ctx, inv); err != nil {
				return err
			}
			view, err := s.invoiceView(ctx, tx, inv)
			if err != nil {
				return err
			}
			if err := s.emit(ctx, tx, inv.MerchantID, tender.EventCreateInvoice, "invoice", inv.ID, view); err != nil {
				return err
			}
			if sc.EmailNotification && view.Customer != nil && view.Customer.Email != "" {
				if err := s.send(ctx, tx, inv, view, ChannelEmail); err != nil {
					return err
				}
			}
			sc.LastRunAt, sc.Count, sc.UpdatedAt = &occ, sc.Count+1, stamp
			sc.NextRunAt = tender.NextOccurrence(r, occ.Time, false)
			sc.Refresh(now)
			if err := tx.ScheduleUpdate(ctx, sc); err != nil {
				return err
			}
			n++
			done = sc.NextRunAt == nil || sc.NextRunAt.After(now)
			return s.emit(ctx, tx, sc.MerchantID, tender.EventUpdateSchedule, "schedule", sc.ID, sc)
		})
		if err != nil {
			return n, err
		}
		if done {
			return n, nil
		}
	}
}

// autopay charges a scheduled invoice with its autopay payment method, once
// (the idempotency_id is derived from the invoice), and records that it was
// attempted. It reports whether a charge was made or declined now.
func (s *Service) autopay(ctx context.Context, ref store.Ref) (bool, error) {
	inv, err := s.store.InvoiceGet(ctx, ref.MerchantID, ref.ID)
	if err != nil {
		return false, err
	}
	res, err := s.PayInvoice(ctx, ref.MerchantID, ref.ID, &tender.PayInvoiceInput{
		PaymentMethodID: inv.PaymentMethodID, IdempotencyID: "autopay:" + inv.ID,
	})
	msg := ""
	switch {
	case err == nil && res.Outcome == OutcomePending:
		return false, nil // the janitor resolves it; the next tick replays the answer
	case err == nil:
	case tender.ErrorCode(err) == tender.EINVALID:
		// The method was deleted, or the invoice paid by other means: record
		// the attempt instead of retrying for ever.
		msg = "Autopay was not attempted: " + tender.ErrorMessage(err)
	default:
		return false, err
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.InvoiceGetForUpdate(ctx, ref.MerchantID, ref.ID)
		if err != nil || cur.AutopayDone {
			return err
		}
		cur.AutopayDone = true
		if msg != "" && cur.Status != tender.InvoicePaid {
			cur.PaymentAttemptFailed, cur.PaymentAttemptMessage = true, msg
			cur.Recompute(cur.TotalPaid, tender.NewTime(s.now()))
		}
		return tx.InvoiceUpdate(ctx, cur)
	})
	return msg == "", err
}
