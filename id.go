package tender

import "github.com/google/uuid"

// NewID returns a new object id: a UUID (version 7, RFC 9562) whose first
// 48 bits are the Unix time in milliseconds and the rest random. Ids made
// one after another sort one after another, so a new row's primary key and
// the index entries naming it land on the last page of their B-trees, not
// on a random one: a write touches a page or two instead of a page per
// index, and the write-ahead log (SQLite's WAL frames, PostgreSQL's full
// page images) carries that much less.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil { // only if the system's randomness fails
		panic(err)
	}
	return id.String()
}
