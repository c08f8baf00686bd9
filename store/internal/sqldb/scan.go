package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// sqliteLayout is how the sqlite dialect stores times: fixed width, so text
// comparison is time order.
const sqliteLayout = "2006-01-02 15:04:05.000000"

// SQLiteTime formats t for the sqlite dialect's TimeArg.
func SQLiteTime(t time.Time) any { return t.UTC().Format(sqliteLayout) }

// timeCol scans a time stored natively (PostgreSQL) or as text (SQLite).
type timeCol struct {
	t     time.Time
	valid bool
}

func (c *timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.valid = false
		return nil
	case time.Time:
		c.t, c.valid = x.UTC(), true
		return nil
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	}
	return fmt.Errorf("sqldb: cannot scan %T into time", v)
}

func (c *timeCol) parse(s string) error {
	for _, layout := range []string{sqliteLayout, "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			c.t, c.valid = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("sqldb: bad time %q", s)
}

func (c timeCol) tender() tender.Time { return tender.NewTime(c.t) }

func (c timeCol) ptr() *tender.Time {
	if !c.valid {
		return nil
	}
	v := tender.NewTime(c.t)
	return &v
}

// jsonCol scans json/jsonb or text holding JSON.
type jsonCol []byte

func (c *jsonCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c = nil
	case string:
		*c = []byte(x)
	case []byte:
		doc, err := storedJSON(x)
		if err != nil {
			return err
		}
		*c = doc
	default:
		return fmt.Errorf("sqldb: cannot scan %T into json", v)
	}
	return nil
}

// textCol scans a nullable text or uuid column into a string ("" for NULL).
type textCol string

func (c *textCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c = ""
	case string:
		*c = textCol(x)
	case []byte:
		*c = textCol(x)
	case [16]byte:
		*c = textCol(uuid.UUID(x).String())
	default:
		return fmt.Errorf("sqldb: cannot scan %T into text", v)
	}
	return nil
}

// nullable passes "" as NULL (for optional foreign keys).
func nullable(s string) driver.Valuer { return nullString(s) }

type nullString string

func (s nullString) Value() (driver.Value, error) {
	if s == "" {
		return nil, nil
	}
	return string(s), nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// validID reports whether id can be a stored primary key; other strings are
// simply not found (and never reach PostgreSQL's uuid parser).
func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// likeEscaper escapes LIKE's wildcards (and its escape character) in a
// keyword, so that the keyword matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likeKeywords encodes keywords as a JSON array of LIKE patterns with %
// and _ escaped, for the queries' json_each / jsonb_array_elements_text.
func likeKeywords(kws []string) string {
	out := make([]string, 0, len(kws))
	for _, k := range kws {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		out = append(out, "%"+strings.ToLower(likeEscaper.Replace(k))+"%")
	}
	return mustJSON(out)
}

var _ sql.Scanner = (*timeCol)(nil)

// all runs query on q and scans every row with scan (an empty result is an
// empty, non-nil slice).
func all[T any](ctx context.Context, e *exec, q querier, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, e.d.wrap(err)
		}
		out = append(out, v)
	}
	return out, e.d.wrap(rows.Err())
}

// timePtr is the column's time, or nil for NULL.
func (c timeCol) timePtr() *time.Time {
	if !c.valid {
		return nil
	}
	t := c.t
	return &t
}
