package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/tenderpay/tender"
)

// eventJSON is an event as GET /event shows it: data is the object as the
// API showed it after the change (what a webhook delivery carries).
type eventJSON struct {
	ID         string          `json:"id"`
	MerchantID string          `json:"merchant_id"`
	Name       string          `json:"name"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Data       json.RawMessage `json:"data"`
	CreatedAt  tender.Time     `json:"created_at"`
}

func eventOut(ev *tender.Event) *eventJSON {
	data := ev.Payload
	if len(data) == 0 {
		data = json.RawMessage(`{}`)
	}
	return &eventJSON{ID: ev.ID, MerchantID: ev.MerchantID, Name: ev.Name, ObjectType: ev.ObjectType,
		ObjectID: ev.ObjectID, Data: data, CreatedAt: tender.NewTime(ev.CreatedAt)}
}

func (a *API) listEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, []string{"created_at"}, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Events(r.Context(), merchantID(r), tender.EventFilter{Name: q.Get("name"), ObjectID: q.Get("object_id")}, lp)
	if err != nil {
		return err
	}
	out := &tender.Page[*eventJSON]{Total: page.Total, Items: make([]*eventJSON, 0, len(page.Items))}
	for _, ev := range page.Items {
		out.Items = append(out.Items, eventOut(ev))
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, out))
	return nil
}

func (a *API) getEvent(w http.ResponseWriter, r *http.Request) error {
	ev, err := a.svc.Event(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eventOut(ev))
	return nil
}
