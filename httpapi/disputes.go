package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

var disputeParams = append([]queryParam{
	{"status", "string", "needs_response, under_review, won, lost, warning_needs_response, warning_under_review or warning_closed"},
	{"transaction_id", "string", "the disputed payment"},
}, pageParams[:4]...)

// disputeFilter reads the list's filters (unknown ones are refused before).
func disputeFilter(r *http.Request, errs tender.FieldErrors) (tender.DisputeFilter, tender.ListParams) {
	q := r.URL.Query()
	lp := listParams(q, tender.DisputeSorts, errs)
	f := tender.DisputeFilter{Status: strings.ToLower(q.Get("status")), TransactionID: strings.ToLower(q.Get("transaction_id"))}
	if f.Status != "" && !slices.Contains(tender.DisputeStatuses, f.Status) {
		errs.Add("status", "The selected status is invalid.")
	}
	return f, lp
}

// disputeViews shows disputes with their files' download addresses.
func (a *API) disputeViews(r *http.Request, ds []*tender.Dispute) []any {
	out := make([]any, len(ds))
	for i, d := range ds {
		for _, f := range d.Files {
			a.withURL(r, f.File)
		}
		out[i] = d.View(a.svc.Now())
	}
	return out
}

func (a *API) writeDisputePage(w http.ResponseWriter, r *http.Request, lp tender.ListParams, page *tender.Page[*tender.Dispute]) {
	views := &tender.Page[any]{Items: a.disputeViews(r, page.Items), Total: page.Total}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, views))
}

func (a *API) listDisputes(w http.ResponseWriter, r *http.Request) error {
	errs := tender.FieldErrors{}
	f, lp := disputeFilter(r, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Disputes(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	a.writeDisputePage(w, r, lp, page)
	return nil
}

// merchantDisputes lists a merchant's disputes by its id: a partner's key
// reads one of its merchants', a merchant's key only its own (another is
// 404).
func (a *API) merchantDisputes(w http.ResponseWriter, r *http.Request) error {
	errs := tender.FieldErrors{}
	f, lp := disputeFilter(r, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	p := principal(r.Context())
	id := strings.ToLower(r.PathValue("merchantId"))
	var page *tender.Page[*tender.Dispute]
	var err error
	switch {
	case p.Partner != nil:
		page, err = a.svc.PartnerDisputes(r.Context(), p.Partner.ID, id, f, lp)
	case p.Merchant != nil && p.Merchant.ID == id:
		page, err = a.svc.Disputes(r.Context(), id, f, lp)
	default:
		err = tender.NotFound("merchant")
	}
	if err != nil {
		return err
	}
	a.writeDisputePage(w, r, lp, page)
	return nil
}

func (a *API) submitDispute(w http.ResponseWriter, r *http.Request) error {
	var in tender.DisputeSubmitInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := a.svc.SubmitDisputeEvidence(r.Context(), merchantID(r), r.PathValue("disputeId"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.disputeViews(r, []*tender.Dispute{d})[0])
	return nil
}

// createEvidenceFile takes POST /file/dispute's form: file, dispute_id,
// evidence_type and name.
func (a *API) createEvidenceFile(w http.ResponseWriter, r *http.Request) error {
	if !isMultipart(r.Header.Get("Content-Type")) {
		return tender.Errorf(tender.EMEDIATYPE, "Content-Type must be multipart/form-data.")
	}
	var in service.EvidenceFileInput
	if err := evidenceForm(r, &in, a.svc.MaxFileSize()); err != nil {
		return err
	}
	f, err := a.svc.AddEvidenceFile(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	a.withURL(r, f.File)
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) deleteEvidenceFile(w http.ResponseWriter, r *http.Request) error {
	f, err := a.svc.RemoveEvidenceFile(r.Context(), merchantID(r), r.PathValue("evidenceFileId"))
	if err != nil {
		return err
	}
	a.withURL(r, f.File)
	writeJSON(w, http.StatusOK, f)
	return nil
}

// evidenceForm reads the upload (uploadForm): the file and the text
// fields name, dispute_id and evidence_type.
func evidenceForm(r *http.Request, in *service.EvidenceFileInput, limit int64) error {
	var err error
	in.Data, in.FileName, err = uploadForm(r, limit, map[string]func(string){
		"name":          func(s string) { in.Name = &s },
		"dispute_id":    func(s string) { in.DisputeID = s },
		"evidence_type": func(s string) { in.EvidenceType = s },
	})
	return err
}
