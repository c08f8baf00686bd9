package sqldb

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Keyword searches by index (issue 22; migration 033 of each dialect).
//
// A list's keywords filter ("NOT EXISTS ... LIKE k.value" in queries.sql)
// keeps a row when each keyword is a substring of one of its searched
// columns, lower-cased. By itself it reads every row of the merchant. A
// keyword of 3 or more characters has trigrams, which an index can find:
// the query's " by keywords" variant keeps its searchMarker line, which
// restricts the rows to the index's candidates (PostgreSQL: search_text
// LIKE the longest keyword's pattern, on a pg_trgm GIN index; SQLite: an
// FTS5 trigram table MATCHing every such keyword). The candidates are a
// superset of the filter's rows (every searched column is part of the
// indexed text), and the filter, unchanged, still decides: both stores
// keep the same rows with or without the index, and a search of short
// keywords only reads the merchant's rows as before.

// searchMarker starts a line that only the " by keywords" variant keeps
// (without the marker). Its argument comes after all the query's others.
const searchMarker = "--SEARCH "

// noSearchMarker ends a line that the " by keywords" variant drops: with
// the searchMarker line after it, a line the variant replaces. SQLite's
// variants replace their WHERE line by one whose "+merchant_id" keeps the
// planner off the merchant's indexes (which it would otherwise walk,
// probing each row in the FTS candidates) and on the candidates' rowids.
const noSearchMarker = "--NOSEARCH"

// searchVariant is query q's " by keywords" variant: its searchMarker
// lines kept, its noSearchMarker lines dropped.
func searchVariant(q string) string {
	lines := strings.Split(q, "\n")
	out := lines[:0]
	for _, l := range lines {
		if strings.HasSuffix(strings.TrimSpace(l), noSearchMarker) {
			continue
		}
		out = append(out, strings.Replace(l, searchMarker, "", 1))
	}
	return strings.Join(out, "\n")
}

// searchArgLast renumbers the argument of q's searchMarker line to one
// past the highest that q's other lines use: the keyword pattern is a
// statement's last argument, after a list's limit and offset, and after
// the filters in the count generated from that list (countOf).
func searchArgLast(q string) string {
	lines := strings.Split(q, "\n")
	most, at := 0, -1
	for i, l := range lines {
		if strings.Contains(l, searchMarker) {
			at = i
			continue
		}
		most = max(most, MaxParam(l))
	}
	if at < 0 {
		return q
	}
	// The line's own argument is the one the other lines do not use (it may
	// use theirs too: SQLite's repeats the merchant's $1).
	lines[at] = placeholder.ReplaceAllStringFunc(lines[at], func(m string) string {
		if n, _ := strconv.Atoi(m[1:]); n <= most {
			return m
		}
		return "$" + strconv.Itoa(most+1)
	})
	return strings.Join(lines, "\n")
}

// searchSuffix names a query's " by keywords" variant.
const searchSuffix = " by keywords"

// minTrigramKeyword is the shortest keyword, in characters, an index of
// trigrams can find.
const minTrigramKeyword = 3

// searchTerms are kws as the filter compares them (trimmed and
// lower-cased, as likeKeywords), those an index can find.
func searchTerms(kws []string) []string {
	var out []string
	for _, k := range kws {
		k = strings.ToLower(strings.TrimSpace(k))
		if utf8.RuneCountInString(k) >= minTrigramKeyword {
			out = append(out, k)
		}
	}
	return out
}

// search returns the variant suffix for a list filtered by kws and the
// argument its searchMarker line takes: none when no keyword can use the
// index (the filter reads the merchant's rows, as before).
func (e *exec) search(kws []string) (string, []any) {
	terms := searchTerms(kws)
	if len(terms) == 0 {
		return "", nil
	}
	if e.d.FTSSearch {
		return searchSuffix, []any{ftsMatch(terms)}
	}
	return searchSuffix, []any{trigramLike(terms)}
}

// ftsMatch is an FTS5 query requiring each term as a phrase: in a trigram
// table, a phrase is the term's run of trigrams, so a substring match.
// Inside double quotes FTS5 reads every character literally ('"' doubled).
func ftsMatch(terms []string) string {
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(q, " AND ")
}

// trigramLike is the LIKE pattern (escaped as likeKeywords) of the
// longest term: one indexed condition, the most selective as a rule; the
// filter checks the others on its rows.
func trigramLike(terms []string) string {
	longest := terms[0]
	for _, t := range terms[1:] {
		if utf8.RuneCountInString(t) > utf8.RuneCountInString(longest) {
			longest = t
		}
	}
	return "%" + likeEscaper.Replace(longest) + "%"
}

// withArgs is args followed by more, in a new slice (args is shared by a
// list's count and page queries).
func withArgs(args []any, more ...any) []any {
	out := make([]any, 0, len(args)+len(more))
	return append(append(out, args...), more...)
}
