package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/jsonenc"
)

// statusOf maps each error code to its HTTP status: the one table.
var statusOf = map[string]int{
	tender.ECONFLICT:     http.StatusConflict,
	tender.EINTERNAL:     http.StatusInternalServerError,
	tender.EINVALID:      http.StatusUnprocessableEntity,
	tender.ENOTFOUND:     http.StatusNotFound,
	tender.EUNAUTHORIZED: http.StatusUnauthorized,
	tender.EFORBIDDEN:    http.StatusForbidden,
	tender.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	tender.EMEDIATYPE:    http.StatusUnsupportedMediaType,
	tender.ERATELIMIT:    http.StatusTooManyRequests,
	tender.EDECLINED:     http.StatusBadRequest,
	tender.EINFLIGHT:     http.StatusConflict,
	tender.EUNAVAILABLE:  http.StatusServiceUnavailable,
	tender.EBADREQUEST:   http.StatusBadRequest,
}

// ErrorBody is the JSON of every non-validation error.
type ErrorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	// A value that writes its own JSON skips encoding/json's reflection
	// and its second pass over a Marshaler's output (jsonenc.Encode).
	b, err := jsonenc.Encode(v)
	w.WriteHeader(status)
	if err == nil {
		_, _ = w.Write(append(b, '\n'))
	}
}

// writeError renders err: validation errors as Stax's field map, others as
// {"error": message}. Internal errors are logged with the request id and
// shown as a generic message.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := tender.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	var te *tender.Error
	if code == tender.EINVALID && errors.As(err, &te) && len(te.Fields) > 0 {
		writeJSON(w, status, te.Fields)
		return
	}
	if status == http.StatusServiceUnavailable {
		// The database (or a peer) is unreachable or busy: the client may
		// retry, with the same idempotency id, after a short wait.
		w.Header().Set("Retry-After", "1")
	}
	if status >= 500 {
		a.log.ErrorContext(r.Context(), "request failed", "request_id", requestID(r.Context()), "error", err.Error())
	}
	writeJSON(w, status, ErrorBody{Error: tender.ErrorMessage(err)})
}

// decode reads a JSON body into v. An empty body decodes as {}. Bodies must be
// declared application/json. A string with a NUL or invalid UTF-8 anywhere
// in the body is a 422 naming it (text.go).
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tender.Errorf(tender.ETOOLARGE, "The request body is larger than %d bytes.", mbe.Limit)
		}
		return tender.Errorf(tender.EINVALID, "The request body could not be read.")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	} else if !isJSON(r.Header.Get("Content-Type")) {
		return tender.Errorf(tender.EMEDIATYPE, "Content-Type must be application/json.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			errs := tender.FieldErrors{}
			errs.Add(te.Field, "The "+te.Field+" must be of type "+jsonKind(te.Type.Kind().String())+".")
			return errs.Err()
		}
		errs := tender.FieldErrors{}
		errs.Add("body", "The request body must be a valid JSON object.")
		return errs.Err()
	}
	// The body is valid JSON: now its strings (see text.go).
	return bodyTextErrors(body)
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "number"
	case k == "bool":
		return "boolean"
	case k == "slice":
		return "array"
	case k == "map", k == "struct":
		return "object"
	}
	return k
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// paginator is Laravel's length-aware paginator response.
type paginator[T any] struct {
	CurrentPage  int     `json:"current_page"`
	Data         []T     `json:"data"`
	FirstPageURL string  `json:"first_page_url"`
	From         *int    `json:"from"`
	LastPage     int     `json:"last_page"`
	LastPageURL  string  `json:"last_page_url"`
	NextPageURL  *string `json:"next_page_url"`
	Path         string  `json:"path"`
	PerPage      int     `json:"per_page"`
	PrevPageURL  *string `json:"prev_page_url"`
	To           *int    `json:"to"`
	Total        int     `json:"total"`
}

func paginate[T any](a *API, r *http.Request, p tender.ListParams, page *tender.Page[T]) paginator[T] {
	path := a.baseURL(r) + r.URL.Path
	q := r.URL.Query()
	pageURL := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return path + "?" + q.Encode()
	}
	last := max(1, (page.Total+p.PerPage-1)/p.PerPage)
	out := paginator[T]{
		CurrentPage: p.Page, Data: page.Items, FirstPageURL: pageURL(1), LastPage: last,
		LastPageURL: pageURL(last), Path: path, PerPage: p.PerPage, Total: page.Total,
	}
	if out.Data == nil {
		out.Data = []T{}
	}
	if n := len(page.Items); n > 0 {
		from, to := p.Offset()+1, p.Offset()+n
		out.From, out.To = &from, &to
	}
	if p.Page < last {
		u := pageURL(p.Page + 1)
		out.NextPageURL = &u
	}
	if p.Page > 1 {
		u := pageURL(p.Page - 1)
		out.PrevPageURL = &u
	}
	return out
}

// listParams parses page, per_page, sort and order.
func listParams(q url.Values, sorts []string, errs tender.FieldErrors) tender.ListParams {
	p := tender.ListParams{Page: 1, PerPage: 25, Sort: "created_at", Desc: true}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			errs.Add("page", "The page must be a positive integer.")
		} else {
			p.Page = n
		}
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > tender.MaxPerPage {
			errs.Add("per_page", "The per page must be between 1 and "+strconv.Itoa(tender.MaxPerPage)+".")
		} else {
			p.PerPage = n
		}
	}
	if v := q.Get("sort"); v != "" {
		ok := false
		for _, s := range sorts {
			ok = ok || s == v
		}
		if !ok {
			errs.Add("sort", "The selected sort is invalid. Allowed: "+strings.Join(sorts, ", ")+".")
		} else {
			p.Sort = v
			p.Desc = false
		}
	}
	switch strings.ToLower(q.Get("order")) {
	case "":
	case "asc":
		p.Desc = false
	case "desc":
		p.Desc = true
	default:
		errs.Add("order", "The order must be asc or desc.")
	}
	return p
}

// keywords reads keywords[] (and keywords) query parameters.
func keywords(q url.Values, errs tender.FieldErrors) []string {
	kws := append(q["keywords[]"], q["keywords"]...)
	if len(kws) > 10 {
		errs.Add("keywords", "At most 10 keywords are allowed.")
		return nil
	}
	for _, k := range kws {
		if len(k) > 100 {
			errs.Add("keywords", "Each keyword may not be greater than 100 characters.")
			return nil
		}
	}
	return kws
}

var _ = slog.LevelInfo
