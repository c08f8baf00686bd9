// Package jsonenctest is for tests that hold a hand-written JSON writer to
// encoding/json's output (jsonenc.Reflect): Fill sets every exported field
// of a struct at random (so a field the writer forgets shows), with the
// strings and raw JSON that encoders get wrong.
package jsonenctest

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"time"
)

// Strings are the strings Fill draws from: empty, plain, HTML, quotes and
// backslashes, control characters, invalid UTF-8, U+2028/U+2029 and
// multi-byte runes.
var Strings = []string{
	"", "plain", "<b>&amp;</b>", `say "hi" \ bye`, "tab\there\nnew\rline\b\f\x00\x1f\x7f",
	"bad \xff\xfe utf8", "line\u2028para\u2029end", "héllo wörld 日本 🎉", "ends with \\", "0000",
}

// RawMessages are the raw JSON values Fill draws from (json.RawMessage is
// written compacted).
var RawMessages = []json.RawMessage{
	nil, json.RawMessage(`{}`), json.RawMessage(`null`), json.RawMessage(` { "a" : [ 1 , 2.50 ] ,
	"b" : "<x> \u2028" } `), json.RawMessage(`"s"`), json.RawMessage(`[true,false]`),
}

var (
	rawType  = reflect.TypeFor[json.RawMessage]()
	timeType = reflect.TypeFor[time.Time]()
)

// Fill sets every exported field reachable from ptr (a pointer to a
// struct) to a random value: pointers nil or set, slices nil, empty or
// holding up to three elements, integers across their sign.
func Fill(r *rand.Rand, ptr any) {
	fill(r, reflect.ValueOf(ptr).Elem(), 0)
}

func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch {
	case v.Type() == rawType:
		v.Set(reflect.ValueOf(RawMessages[r.IntN(len(RawMessages))]))
		return
	case v.Type() == timeType:
		if r.IntN(4) > 0 {
			v.Set(reflect.ValueOf(time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC().Truncate(time.Microsecond)))
		} else {
			v.Set(reflect.ValueOf(time.Time{}))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(Strings[r.IntN(len(Strings))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch r.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(-r.Int64N(1e10))
		default:
			v.SetInt(r.Int64N(1e10))
		}
	case reflect.Pointer:
		if depth > 3 || r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch n := r.IntN(5); {
		case n == 0 || depth > 3:
			v.SetZero()
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				fill(r, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth)
			}
		}
	}
}
