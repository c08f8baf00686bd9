package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/tenderpay/tender/server"
)

// apikeyCmd lists and revokes a merchant's API keys (as GET /team/apikey
// and DELETE /team/apikey/{id} do for the merchant itself). Secrets are
// never printed: a key shows its id, name and prefix.
func apikeyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "list" && args[0] != "revoke" {
		return fmt.Errorf("apikey: want list or revoke")
	}
	var cfg server.Config
	fs := storeFlagSet("apikey "+args[0], stderr, &cfg)
	merchantID := fs.String("merchant", env("TENDER_MERCHANT_ID", ""), "merchant id; default the sandbox merchant of the data directory (TENDER_MERCHANT_ID)")
	id := fs.String("id", "", "the key's id (revoke)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *merchantID == "" {
		keys, err := sandboxKeys(cfg.DataDir)
		if err != nil || keys.MerchantID == "" {
			return fmt.Errorf("apikey: --merchant is required (no sandbox merchant in %s)", cfg.DataDir)
		}
		*merchantID = keys.MerchantID
	}
	svc, done, err := openService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.Merchant(ctx, *merchantID); err != nil {
		return describe(err)
	}
	switch args[0] {
	case "list":
		keys, err := svc.MerchantKeys(ctx, *merchantID)
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tCREATED\tEXPIRES")
		for _, k := range keys {
			exp := "never"
			if k.ExpiresAt != nil {
				exp = k.ExpiresAt.Format("2006-01-02 15:04:05")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s…\t%s\t%s\n", k.ID, k.Name, k.Prefix, k.CreatedAt.Format("2006-01-02 15:04:05"), exp)
		}
		return tw.Flush()
	default:
		if *id == "" {
			return fmt.Errorf("apikey revoke: --id is required (see tender apikey list)")
		}
		k, err := svc.RevokeMerchantKey(ctx, *merchantID, *id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "revoked %s (%s, %s…); running servers refuse it within 5 s\n", k.ID, k.Name, k.Prefix)
		return nil
	}
}
