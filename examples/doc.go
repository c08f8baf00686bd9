// Package examples holds example integrations of Tender. checkout/ is a
// merchant's checkout page using the Stax.js-compatible library (served by
// Tender at /js/stax.js) with hosted card fields; its tests drive it, and
// Tender's hosted invoice page, in a real headless Chromium.
package examples
