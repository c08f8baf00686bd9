package tender

import (
	"encoding/json"
	"sort"
	"unicode/utf8"
)

// TransactionUpdate is the body of PUT /transaction/{id}: a transaction's
// money, parties and outcome are history and never change; only its meta,
// notes and reference do. Notes and reference are kept in meta (as
// meta.notes and meta.reference, where Stax clients put them and keyword
// search finds the reference).
type TransactionUpdate struct {
	// Meta replaces the whole meta when set.
	Meta json.RawMessage
	// Notes and Reference set (or, when "" or null, remove) one key of meta.
	Notes, Reference *string
	notesSet, refSet bool
}

// ParseTransactionUpdate reads the body's fields: any other field is a
// validation error naming it (a client that believes it changed the total
// must hear that it did not).
func ParseTransactionUpdate(body map[string]json.RawMessage) (*TransactionUpdate, error) {
	errs := FieldErrors{}
	names := make([]string, 0, len(body))
	for name := range body {
		names = append(names, name)
	}
	sort.Strings(names)
	in := &TransactionUpdate{}
	for _, name := range names {
		raw := body[name]
		switch name {
		case "meta":
			if in.Meta = MetaInput(raw, errs); in.Meta == nil {
				continue
			}
		case "notes", "reference":
			v, ok := optionalString(raw)
			limit := map[string]int{"notes": 1000, "reference": 255}[name]
			switch {
			case !ok:
				errs.Add(name, "The "+name+" must be a string.")
			case v != nil && utf8.RuneCountInString(*v) > limit:
				errs.Add(name, "The "+name+" may not be greater than "+itoa(limit)+" characters.")
			case name == "notes":
				in.Notes, in.notesSet = v, true
			default:
				in.Reference, in.refSet = v, true
			}
		default:
			errs.Add(name, "The "+name+" field cannot be changed: a transaction's meta, notes and reference can.")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

// optionalString reads a JSON string or null (nil).
func optionalString(raw json.RawMessage) (*string, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return &s, true
}

// Apply writes the update into t's meta (canonical, ≤ 16 KiB as any meta).
func (in *TransactionUpdate) Apply(t *Transaction) error {
	meta := map[string]json.RawMessage{}
	base := t.Meta
	if in.Meta != nil {
		base = in.Meta
	}
	if len(base) > 0 {
		if err := json.Unmarshal(base, &meta); err != nil || meta == nil {
			meta = map[string]json.RawMessage{}
		}
	}
	set := func(key string, v *string, given bool) {
		switch {
		case !given:
		case v == nil || *v == "":
			delete(meta, key)
		default:
			b, _ := json.Marshal(*v)
			meta[key] = b
		}
	}
	set("notes", in.Notes, in.notesSet)
	set("reference", in.Reference, in.refSet)
	out, _ := json.Marshal(meta)
	errs := FieldErrors{}
	if t.Meta = MetaInput(out, errs); t.Meta == nil {
		return errs.Err()
	}
	return nil
}

// TransactionExtras are a transaction's fields that live beside it: when
// its receipts went out (the message outbox) and the scheduled invoice its
// invoice belongs to.
type TransactionExtras struct {
	ReceiptEmailAt, ReceiptSMSAt *Time
	ScheduleID                   string
}
