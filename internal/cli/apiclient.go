package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/tenderpay/tender/client"
)

// apiFlags are the flags of the commands that talk to a running server
// through the Go client (listen, trigger, clock).
type apiFlags struct {
	server, key, keyFile, dataDir string
}

func (f *apiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.server, "server", env("TENDER_SERVER", "http://localhost:8080"), "Tender server URL (TENDER_SERVER)")
	fs.StringVar(&f.key, "api-key", "", "merchant API key (TENDER_API_KEY; default: the sandbox key of the data directory)")
	fs.StringVar(&f.keyFile, "api-key-file", env("TENDER_API_KEY_FILE", ""), "file holding the merchant API key (TENDER_API_KEY_FILE)")
	fs.StringVar(&f.dataDir, "data", env("TENDER_DATA_DIR", "tender-data"), "data directory whose sandbox-keys.json gives the key when none is set (TENDER_DATA_DIR)")
}

// client returns a Go client for the server with the key from --api-key,
// TENDER_API_KEY, --api-key-file, or the sandbox keys of the data directory.
func (f *apiFlags) client() (*client.Client, error) {
	key := f.key
	if key == "" {
		key = os.Getenv("TENDER_API_KEY")
	}
	if key == "" && f.keyFile != "" {
		b, err := os.ReadFile(f.keyFile)
		if err != nil {
			return nil, fmt.Errorf("api key file: %w", err)
		}
		key = string(trimSpace(b))
	}
	if key == "" {
		keys, err := sandboxKeys(f.dataDir)
		if err != nil || keys.APIKey == "" {
			return nil, fmt.Errorf("no API key: set --api-key or TENDER_API_KEY (no sandbox keys in %s)", f.dataDir)
		}
		key = keys.APIKey
	}
	return client.New(f.server, key), nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// parseInterspersed parses fs's flags wherever they stand among args and
// returns the other arguments in order ("advance 30d --server URL").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}
