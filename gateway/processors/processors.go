// Package processors maps a processor's name to the driver that speaks to
// it. Each merchant names its processor (tender.Merchant.Processor) and
// holds that processor's credentials; the service opens the driver with
// them. Adding a processor is one driver package (implementing
// gateway.Gateway, and gateway.Receiver if it pushes events) and one
// Register call where the server builds its registry.
package processors

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// Credentials are a merchant's credentials for its processor (for stripe:
// secret_key and webhook_secret). They are sealed at rest and never shown.
type Credentials map[string]string

// Deps are what an opener may use besides the credentials.
type Deps struct {
	Store      store.Store
	Now        func() time.Time
	HTTPClient *http.Client
	// BaseURL overrides a processor's API address (a test double,
	// stripe-mock); "" for the processor's own.
	BaseURL string
}

// Opener opens a driver for one merchant's credentials.
type Opener func(c Credentials, d Deps) (gateway.Gateway, error)

// Processor is one registered processor.
type Processor struct {
	Name string
	// Fields are the credentials it requires (none for the sandbox).
	Fields []string
	Open   Opener
}

// Registry holds the processors a server knows.
type Registry struct {
	byName map[string]Processor
	deps   map[string]Deps
}

// New returns an empty registry.
func New() *Registry { return &Registry{byName: map[string]Processor{}, deps: map[string]Deps{}} }

// Register adds a processor opened with deps.
func (r *Registry) Register(p Processor, deps Deps) {
	r.byName[p.Name] = p
	r.deps[p.Name] = deps
}

// Names lists the registered processors, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.byName))
	for n := range r.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Known reports whether name is registered.
func (r *Registry) Known(name string) bool { _, ok := r.byName[name]; return ok }

// Missing lists the required credential fields c lacks for processor name.
func (r *Registry) Missing(name string, c Credentials) []string {
	var out []string
	for _, f := range r.byName[name].Fields {
		if c[f] == "" {
			out = append(out, f)
		}
	}
	return out
}

// Fields lists the credential fields of processor name.
func (r *Registry) Fields(name string) []string { return slices.Clone(r.byName[name].Fields) }

// Open opens processor name's driver with c. The error never contains the
// credentials.
func (r *Registry) Open(name string, c Credentials) (gateway.Gateway, error) {
	p, ok := r.byName[name]
	if !ok {
		return nil, fmt.Errorf("processors: unknown processor %q", name)
	}
	if m := r.Missing(name, c); len(m) > 0 {
		return nil, fmt.Errorf("processors: %s lacks credentials %v", name, m)
	}
	g, err := p.Open(c, r.deps[name])
	if err != nil {
		return nil, fmt.Errorf("processors: open %s: the driver refused its configuration", name)
	}
	return g, nil
}
