// Command tender is a self-hosted, Stax-compatible payments server.
// Run "tender serve" for a sandbox on an embedded SQLite file.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tenderpay/tender/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
