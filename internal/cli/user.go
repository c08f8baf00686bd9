package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/server"
)

// user manages the dashboard's team users: `tender user create` makes a
// merchant's first owner on a live server, `tender user link` prints a
// one-time sign-in link for one.
func user(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" && args[0] != "link" {
		return fmt.Errorf("user: want create or link")
	}
	var cfg server.Config
	fs := storeFlagSet("user "+args[0], stderr, &cfg)
	merchantID := fs.String("merchant", env("TENDER_USER_MERCHANT", ""), "merchant id (create) [TENDER_USER_MERCHANT]")
	email := fs.String("email", "", "the user's email")
	role := fs.String("role", tender.RoleOwner, "owner, admin or staff (create)")
	pwFile := fs.String("password-file", env("TENDER_USER_PASSWORD_FILE", ""),
		"a file holding the password (create; default: a random one, printed once) [TENDER_USER_PASSWORD_FILE]")
	publicURL := fs.String("public-url", env("TENDER_PUBLIC_URL", "http://localhost:8080"), "the dashboard's base URL (link) [TENDER_PUBLIC_URL]")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	svc, done, err := openService(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	if args[0] == "link" {
		u, err := svc.TeamUserByEmail(ctx, *email)
		if err != nil {
			return describe(err)
		}
		token, err := svc.CreateSignInLink(ctx, u)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "one-time sign-in link for %s (15 minutes): %s/dashboard/link/%s\n", u.Email,
			strings.TrimSuffix(*publicURL, "/"), token)
		return nil
	}
	password, generated := "", false
	if *pwFile != "" {
		b, err := os.ReadFile(*pwFile)
		if err != nil {
			return err
		}
		password = strings.TrimRight(string(b), "\r\n")
	} else {
		b := make([]byte, 15)
		_, _ = rand.Read(b)
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	u, err := svc.CreateTeamUser(ctx, *merchantID, &tender.TeamUserInput{Email: *email, Role: *role, Password: password})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "user %s: %s, %s of merchant %s\n", u.ID, u.Email, u.Role, u.MerchantID)
	if generated {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}
