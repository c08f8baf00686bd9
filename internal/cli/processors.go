package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/tenderpay/tender"
)

// procFlags are a merchant's processor settings on the command line.
// Secrets come from files or the environment, never from arguments (which
// other users of the machine can read).
type procFlags struct {
	processor, secretKeyFile, webhookSecretFile string
	test                                        bool
}

func processorFlags(fs *flag.FlagSet) *procFlags {
	p := &procFlags{}
	fs.StringVar(&p.processor, "processor", "", `the merchant's payment processor: sandbox, stripe ("none" to remove)`)
	fs.BoolVar(&p.test, "test", false, "a test merchant: outside sandbox mode the sandbox processor serves only these")
	fs.StringVar(&p.secretKeyFile, "stripe-secret-key-file", "", "file holding the Stripe secret key (or TENDER_STRIPE_SECRET_KEY)")
	fs.StringVar(&p.webhookSecretFile, "stripe-webhook-secret-file", "", "file holding the Stripe webhook signing secret (or TENDER_STRIPE_WEBHOOK_SECRET)")
	return p
}

// apply copies the flags that were given onto in.
func (p *procFlags) apply(fs *flag.FlagSet, in *tender.MerchantInput) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["processor"] {
		name := strings.TrimSpace(p.processor)
		if name == "none" {
			name = ""
		}
		in.Processor = &name
	}
	if set["test"] {
		in.IsTest = &p.test
	}
	key, err := secret(p.secretKeyFile, "TENDER_STRIPE_SECRET_KEY")
	if err != nil {
		return err
	}
	hook, err := secret(p.webhookSecretFile, "TENDER_STRIPE_WEBHOOK_SECRET")
	if err != nil {
		return err
	}
	if key != "" || hook != "" {
		in.ProcessorCredentials = map[string]string{}
		if key != "" {
			in.ProcessorCredentials["secret_key"] = key
		}
		if hook != "" {
			in.ProcessorCredentials["webhook_secret"] = hook
		}
	}
	return nil
}

// secret reads a secret from file, else from the environment variable env.
func secret(file, env string) (string, error) {
	if file == "" {
		return strings.TrimSpace(os.Getenv(env)), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		// The path, not the contents.
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	return strings.TrimSpace(string(b)), nil
}
