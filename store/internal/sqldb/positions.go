package sqldb

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/tenderpay/tender"
)

// positionPage reads a default list (newest first, no filter) by list
// position (migrations 010 and 012) with query, whose rows are scan's
// columns followed by the list's total; totalQuery gives the total alone
// past the last page. One statement, so the total and the page come from
// one snapshot.
func positionPage[T any](ctx context.Context, e *exec, scan func(rowScanner) (T, error), query, totalQuery, merchantID string, p tender.ListParams) (*tender.Page[T], error) {
	page := &tender.Page[T]{}
	items, err := all(ctx, e, e.r, func(row rowScanner) (T, error) {
		return scan(withTotal{row, &page.Total})
	}, e.q(query), merchantID, p.PerPage, p.Offset())
	if err != nil {
		return nil, err
	}
	page.Items = items
	if len(items) == 0 { // past the end: the total alone
		if err := e.r.QueryRowContext(ctx, e.q(totalQuery), merchantID).Scan(&page.Total); err != nil {
			return nil, e.d.wrap(err)
		}
	}
	return page, nil
}

// ListPositionsAssign numbers up to limit queued objects of the lists of
// migration 012 created before before, oldest first: each gets the next
// position in its merchant's list, and the live ones count in their block. The queue rows
// are taken out first (DELETE ... RETURNING): on PostgreSQL their row locks
// order the numberer against a concurrent delete of the same object.
func (e *exec) ListPositionsAssign(ctx context.Context, before time.Time, limit int) (int, error) {
	if q, ok := e.d.Queries["ListPositionsLock"]; ok {
		var got bool
		if err := e.w.QueryRowContext(ctx, q).Scan(&got); err != nil || !got {
			return 0, e.d.wrap(err)
		}
	}
	type queued struct {
		list, id, merchant string
		created            time.Time
		live               bool
	}
	batch, err := all(ctx, e, e.w, func(row rowScanner) (queued, error) {
		var q queued
		var created timeCol
		err := row.Scan(&q.list, (*textCol)(&q.id), (*textCol)(&q.merchant), &created, &q.live)
		q.created = created.t
		return q, err
	}, e.q("ListPositionsDequeue"), e.t(before), limit)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	slices.SortFunc(batch, func(a, b queued) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id))
	})
	type position struct {
		List     string `json:"list"`
		ID       string `json:"id"`
		Merchant string `json:"merchant"`
		Pos      int64  `json:"pos"`
		Live     bool   `json:"live"`
	}
	type key struct{ list, merchant string }
	last := map[key]int64{}
	set := make([]position, len(batch))
	for i, q := range batch {
		k := key{q.list, q.merchant}
		n, ok := last[k]
		if !ok {
			if err := e.w.QueryRowContext(ctx, e.q("ListPositionsMax"), q.list, q.merchant).Scan(&n); err != nil {
				return 0, e.d.wrap(err)
			}
		}
		n++
		last[k] = n
		set[i] = position{q.list, q.id, q.merchant, n, q.live}
	}
	js := mustJSON(set)
	if _, err := e.w.ExecContext(ctx, e.q("ListPositionsSet"), js); err != nil {
		return 0, e.d.wrap(err)
	}
	if _, err := e.w.ExecContext(ctx, e.q("ListBlocksAdd"), js); err != nil {
		return 0, e.d.wrap(err)
	}
	return len(batch), nil
}
