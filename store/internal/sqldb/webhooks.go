package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

func init() {
	requiredQueries = append(requiredQueries, "WebhookCreate", "WebhookGet", "WebhookList", "WebhookDelete",
		"DeliveryCreate", "DeliveryGet", "DeliveryUpdate", "DeliveryCount", "DeliveryList",
		"DeliveryBlocked", "EventGet", "DeliveriesToEnqueue", "DeliveriesMarkEnqueued", "DeliveriesWork", "DeliveriesUpdate")
}

func (e *exec) WebhookCreate(ctx context.Context, w *tender.Webhook) error {
	_, err := e.w.ExecContext(ctx, e.q("WebhookCreate"), w.ID, nullable(w.MerchantID), nullable(w.PartnerID),
		w.TargetURL, w.Event, w.Secret, w.MaxAttempts, w.RetryBaseSeconds, e.t(w.CreatedAt.Time))
	return e.d.wrap(err)
}

func scanWebhook(row rowScanner) (*tender.Webhook, error) {
	var w tender.Webhook
	var created, deleted timeCol
	if err := row.Scan((*textCol)(&w.ID), (*textCol)(&w.MerchantID), (*textCol)(&w.PartnerID), &w.TargetURL, &w.Event,
		&w.Secret, &w.MaxAttempts, &w.RetryBaseSeconds, &created, &deleted); err != nil {
		return nil, err
	}
	w.CreatedAt, w.DeletedAt = created.tender(), deleted.ptr()
	return &w, nil
}

func (e *exec) WebhookGet(ctx context.Context, id string) (*tender.Webhook, error) {
	if !validID(id) {
		return nil, tender.NotFound("webhook")
	}
	w, err := scanWebhook(e.r.QueryRowContext(ctx, e.q("WebhookGet"), id))
	if err != nil {
		return nil, e.notFound(err, "webhook")
	}
	return w, nil
}

func (e *exec) webhooks(ctx context.Context, name string, args ...any) ([]*tender.Webhook, error) {
	return all(ctx, e, e.r, scanWebhook, e.q(name), args...)
}

func (e *exec) WebhookList(ctx context.Context, merchantID, partnerID string) ([]*tender.Webhook, error) {
	return e.webhooks(ctx, "WebhookList", merchantID, partnerID)
}

func (e *exec) WebhookDelete(ctx context.Context, id string, at time.Time) error {
	if !validID(id) {
		return tender.NotFound("webhook")
	}
	if err := e.execOne(ctx, "WebhookDelete", id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("webhook")
		}
		return err
	}
	return nil
}

func (e *exec) DeliveryCreate(ctx context.Context, d *tender.WebhookDelivery) error {
	_, err := e.w.ExecContext(ctx, e.q("DeliveryCreate"), d.ID, d.WebhookID, d.MerchantID, d.EventID, d.EventName,
		d.ObjectID, d.Status, d.Attempts, d.LastStatusCode, d.LastError, e.t(d.CreatedAt.Time), e.t(d.UpdatedAt.Time))
	return e.d.wrap(err)
}

func scanDelivery(row rowScanner) (*tender.WebhookDelivery, error) {
	var d tender.WebhookDelivery
	var delivered, created, updated timeCol
	if err := row.Scan(&d.Seq, (*textCol)(&d.ID), (*textCol)(&d.WebhookID), (*textCol)(&d.MerchantID), &d.EventID,
		&d.EventName, &d.ObjectID, &d.Status, &d.Attempts, &d.LastStatusCode, &d.LastError, &delivered, &created, &updated); err != nil {
		return nil, err
	}
	d.DeliveredAt, d.CreatedAt, d.UpdatedAt = delivered.ptr(), created.tender(), updated.tender()
	return &d, nil
}

func (e *exec) DeliveryGet(ctx context.Context, id string) (*tender.WebhookDelivery, error) {
	if !validID(id) {
		return nil, tender.NotFound("delivery")
	}
	d, err := scanDelivery(e.r.QueryRowContext(ctx, e.q("DeliveryGet"), id))
	if err != nil {
		return nil, e.notFound(err, "delivery")
	}
	return d, nil
}

func (e *exec) DeliveryUpdate(ctx context.Context, d *tender.WebhookDelivery) error {
	var delivered time.Time
	if d.DeliveredAt != nil {
		delivered = d.DeliveredAt.Time
	}
	return e.execOne(ctx, "DeliveryUpdate", d.ID, d.Status, d.Attempts, d.LastStatusCode, d.LastError,
		e.t(delivered), e.t(d.UpdatedAt.Time))
}

func (e *exec) DeliveriesUpdate(ctx context.Context, ds []*tender.WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	type row struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Attempts    int    `json:"attempts"`
		Code        int    `json:"code"`
		Error       string `json:"error"`
		DeliveredAt any    `json:"delivered_at"`
		UpdatedAt   any    `json:"updated_at"`
	}
	rows := make([]row, len(ds))
	for i, d := range ds {
		rows[i] = row{d.ID, d.Status, d.Attempts, d.LastStatusCode, d.LastError, e.t(tp(d.DeliveredAt)), e.t(d.UpdatedAt.Time)}
	}
	res, err := e.w.ExecContext(ctx, e.q("DeliveriesUpdate"), mustJSON(rows))
	if err != nil {
		return e.d.wrap(err)
	}
	if n, err := res.RowsAffected(); err == nil && int(n) != len(ds) {
		return tender.NotFound("delivery")
	}
	return nil
}

func (e *exec) DeliveryList(ctx context.Context, webhookID string, p tender.ListParams) (*tender.Page[*tender.WebhookDelivery], error) {
	page := &tender.Page[*tender.WebhookDelivery]{Items: []*tender.WebhookDelivery{}}
	if !validID(webhookID) {
		return page, nil
	}
	if err := e.r.QueryRowContext(ctx, e.q("DeliveryCount"), webhookID).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	items, err := all(ctx, e, e.r, scanDelivery, e.q("DeliveryList"), webhookID, p.PerPage, p.Offset())
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) DeliveryBlocked(ctx context.Context, d *tender.WebhookDelivery) (bool, error) {
	var blocked bool
	err := e.r.QueryRowContext(ctx, e.q("DeliveryBlocked"), d.WebhookID, d.ObjectID, d.Seq).Scan(&blocked)
	return blocked, e.d.wrap(err)
}

func (e *exec) EventGet(ctx context.Context, id string) (*tender.Event, error) {
	if !validID(id) {
		return nil, tender.NotFound("event")
	}
	var ev tender.Event
	var payload jsonCol
	var created timeCol
	err := e.r.QueryRowContext(ctx, e.q("EventGet"), id).Scan((*textCol)(&ev.ID), (*textCol)(&ev.MerchantID), &ev.Name,
		&ev.ObjectType, (*textCol)(&ev.ObjectID), &payload, &created)
	if err != nil {
		return nil, e.notFound(err, "event")
	}
	ev.Payload, ev.CreatedAt = json.RawMessage(payload), created.t
	return &ev, nil
}

func (e *exec) DeliveryWork(ctx context.Context, id string) (*store.DeliveryWork, error) {
	if !validID(id) {
		return nil, tender.NotFound("delivery")
	}
	// The batch's query: for one delivery, leaving the batch out of the
	// blocking check leaves out only the delivery itself, which it does anyway.
	ws, err := e.DeliveriesWork(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, tender.NotFound("delivery")
	}
	return ws[0], nil
}

func (e *exec) DeliveriesWork(ctx context.Context, ids []string) ([]*store.DeliveryWork, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return all(ctx, e, e.r, scanDeliveryWork, e.q("DeliveriesWork"), mustJSON(ids))
}

func scanDeliveryWork(row rowScanner) (*store.DeliveryWork, error) {
	var (
		d                           tender.WebhookDelivery
		w                           tender.Webhook
		payload                     jsonCol
		delivered, created, updated timeCol
		hookCreated, hookDeleted    timeCol
		blocked                     bool
	)
	err := row.Scan(&d.Seq, (*textCol)(&d.ID), (*textCol)(&d.WebhookID),
		(*textCol)(&d.MerchantID), &d.EventID, &d.EventName, &d.ObjectID, &d.Status, &d.Attempts, &d.LastStatusCode,
		&d.LastError, &delivered, &created, &updated,
		(*textCol)(&w.ID), (*textCol)(&w.MerchantID), (*textCol)(&w.PartnerID), &w.TargetURL, &w.Event, &w.Secret,
		&w.MaxAttempts, &w.RetryBaseSeconds, &hookCreated, &hookDeleted, &payload, &blocked)
	if err != nil {
		return nil, err
	}
	d.DeliveredAt, d.CreatedAt, d.UpdatedAt = delivered.ptr(), created.tender(), updated.tender()
	w.CreatedAt, w.DeletedAt = hookCreated.tender(), hookDeleted.ptr()
	return &store.DeliveryWork{Delivery: &d, Webhook: &w, Payload: payload, Blocked: blocked}, nil
}

func (e *exec) DeliveriesToEnqueue(ctx context.Context, limit int) ([]string, error) {
	return all(ctx, e, e.w, func(row rowScanner) (string, error) {
		var id string
		err := row.Scan((*textCol)(&id))
		return id, err
	}, e.q("DeliveriesToEnqueue"), limit)
}

func (e *exec) DeliveriesMarkEnqueued(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := e.w.ExecContext(ctx, e.q("DeliveriesMarkEnqueued"), mustJSON(ids))
	return e.d.wrap(err)
}

func init() {
	requiredQueries = append(requiredQueries, "RelayLease", "EventsToRelay", "EventPayloads", "WebhooksOf", "DeliveriesPendingOf",
		"DeliveriesInsert", "EventsMarkRelayed")
}

func (e *exec) RelayLease(ctx context.Context, holder string, now, until time.Time) (bool, error) {
	res, err := e.w.ExecContext(ctx, e.q("RelayLease"), holder, e.t(until), e.t(now))
	if err != nil {
		return false, e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, e.d.wrap(err)
}

func (e *exec) EventsToRelay(ctx context.Context, limit int, payloads bool) ([]*store.RelayEvent, error) {
	partners := map[string]string{} // event id → its merchant's partner
	events, err := all(ctx, e, e.r, func(row rowScanner) (*store.RelayEvent, error) {
		var ev tender.Event
		var created timeCol
		var partner string
		var payload jsonCol
		re := &store.RelayEvent{Event: &ev}
		err := row.Scan(&re.Seq, (*textCol)(&ev.ID), (*textCol)(&ev.MerchantID), &ev.Name, &ev.ObjectType,
			(*textCol)(&ev.ObjectID), &created, (*textCol)(&partner), &payload)
		ev.CreatedAt, ev.Payload = created.t, json.RawMessage(payload)
		partners[ev.ID] = partner
		return re, err
	}, e.q("EventsToRelay"), limit, payloads)
	if err != nil || len(events) == 0 {
		return events, err
	}
	// The batch's webhooks (few), then which of them wait on a pending
	// delivery of one of the batch's objects (rarely any).
	merchantIDs, partnerIDs, objectIDs := []string{}, []string{}, []string{}
	seenMerchant, seenPartner, seenObject := map[string]bool{}, map[string]bool{}, map[string]bool{}
	add := func(list *[]string, seen map[string]bool, id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			*list = append(*list, id)
		}
	}
	for _, re := range events {
		add(&merchantIDs, seenMerchant, re.Event.MerchantID)
		add(&partnerIDs, seenPartner, partners[re.Event.ID])
		add(&objectIDs, seenObject, re.Event.ObjectID)
	}
	hooks, err := all(ctx, e, e.r, scanWebhook, e.q("WebhooksOf"), mustJSON(merchantIDs), mustJSON(partnerIDs))
	if err != nil || len(hooks) == 0 {
		return events, err
	}
	hookIDs := make([]string, len(hooks))
	for i, h := range hooks {
		hookIDs[i] = h.ID
	}
	type pair struct{ webhook, object string }
	pending := map[pair]bool{}
	pairs, err := all(ctx, e, e.r, func(row rowScanner) (pair, error) {
		var p pair
		err := row.Scan((*textCol)(&p.webhook), &p.object)
		return p, err
	}, e.q("DeliveriesPendingOf"), mustJSON(hookIDs), mustJSON(objectIDs))
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		pending[p] = true
	}
	bySeq := map[int64]*tender.Event{}
	for _, re := range events {
		for _, h := range hooks {
			if h.Receives(re.Event, partners[re.Event.ID]) {
				re.Targets = append(re.Targets, store.RelayTarget{Webhook: h, Blocked: pending[pair{h.ID, re.Event.ObjectID}]})
				if !payloads {
					bySeq[re.Seq] = re.Event
				}
			}
		}
	}
	return events, e.eventPayloads(ctx, bySeq)
}

// eventPayloads reads the payloads of the events in bySeq (only those a
// webhook receives: a charge's is about 2 KB to read and decompress).
func (e *exec) eventPayloads(ctx context.Context, bySeq map[int64]*tender.Event) error {
	if len(bySeq) == 0 {
		return nil
	}
	seqs := make([]int64, 0, len(bySeq))
	for seq := range bySeq {
		seqs = append(seqs, seq)
	}
	_, err := all(ctx, e, e.r, func(row rowScanner) (struct{}, error) {
		var seq int64
		var payload jsonCol
		if err := row.Scan(&seq, &payload); err != nil {
			return struct{}{}, err
		}
		if ev := bySeq[seq]; ev != nil {
			ev.Payload = json.RawMessage(payload)
		}
		return struct{}{}, nil
	}, e.q("EventPayloads"), mustJSON(seqs))
	return err
}

func (e *exec) EventsRelayed(ctx context.Context, events []*store.RelayEvent, ds []*tender.WebhookDelivery) error {
	rows := make([][]any, len(ds))
	for i, d := range ds {
		rows[i] = []any{d.ID, d.WebhookID, d.MerchantID, d.EventID, d.EventName, d.ObjectID, d.Status, d.Attempts,
			d.LastStatusCode, d.LastError, e.t(tp(d.DeliveredAt)), e.t(d.CreatedAt.Time), e.t(d.UpdatedAt.Time)}
	}
	if err := e.execRows(ctx, "DeliveriesInsert", rows); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	seqs := make([]int64, len(events))
	for i, re := range events {
		seqs[i] = re.Seq
	}
	_, err := e.w.ExecContext(ctx, e.q("EventsMarkRelayed"), mustJSON(seqs))
	return e.d.wrap(err)
}
