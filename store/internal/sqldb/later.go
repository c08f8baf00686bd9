package sqldb

import "github.com/tenderpay/tender/store"

// runLater runs fn on ex, a transaction's executor, then what it queued
// with Later, in order.
func runLater(ex *exec, fn func(tx store.Executor) error) error {
	var later []func() error
	ex.later = &later
	if err := fn(ex); err != nil {
		return err
	}
	for i := 0; i < len(later); i++ { // a queued fn may queue more
		if err := later[i](); err != nil {
			return err
		}
	}
	return nil
}

// Later implements store.Executor.
func (e *exec) Later(fn func() error) error {
	if e.later == nil {
		return fn()
	}
	*e.later = append(*e.later, fn)
	return nil
}
