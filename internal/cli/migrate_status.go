package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tenderpay/tender/store"
)

// migrationStatus prints each migration of the configured database,
// applied (with when) or pending, and says when the database records
// migrations this build does not know (a newer release applied them).
func migrationStatus(ctx context.Context, st store.Store, stdout io.Writer) error {
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	var applied, pending int
	var unknown []string
	for _, m := range states {
		state := "pending"
		if m.Applied {
			applied++
			state = "applied"
			if !m.AppliedAt.IsZero() {
				state += "\t" + m.AppliedAt.UTC().Format(time.RFC3339)
			}
		} else {
			pending++
		}
		if !m.Known {
			unknown = append(unknown, m.Version)
			state += "\t(not known to this tender)"
		}
		fmt.Fprintf(tw, "%s\t%s\n", m.Version, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d applied, %d pending\n", st.Dialect(), applied, pending)
	if pending > 0 {
		fmt.Fprintln(stdout, "Run \"tender migrate\" to apply the pending migrations.")
	}
	if len(unknown) > 0 {
		fmt.Fprintf(stdout, "The database schema is newer than this tender (%s): it records migrations this build does not know: %s.\n",
			Version, strings.Join(unknown, ", "))
	}
	return nil
}
