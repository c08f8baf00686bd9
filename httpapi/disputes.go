package httpapi

import (
	"io"
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

// evidenceForm reads the upload: the part file (up to the limit plus one
// byte, so a larger one is a 422) and the text fields name, dispute_id and
// evidence_type; other fields are ignored.
func evidenceForm(r *http.Request, in *service.EvidenceFileInput, limit int64) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return tender.Errorf(tender.EMEDIATYPE, "Content-Type must be multipart/form-data with a boundary.")
	}
	errs := tender.FieldErrors{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return formError(err)
		}
		name := part.FormName()
		if name == "file" {
			if in.Data != nil {
				errs.Add("file", "Only one file may be uploaded at a time.")
				continue
			}
			data, err := io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				return formError(err)
			}
			if data == nil {
				data = []byte{}
			}
			in.Data, in.FileName = data, part.FileName()
			continue
		}
		if name != "name" && name != "dispute_id" && name != "evidence_type" {
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil {
			return formError(err)
		}
		if len(v) > maxFormField {
			errs.Add(name, "The "+name+" may not be greater than 4096 characters.")
			continue
		}
		s := string(v)
		switch name {
		case "name":
			in.Name = &s
		case "dispute_id":
			in.DisputeID = s
		case "evidence_type":
			in.EvidenceType = s
		}
	}
	return errs.Err()
}
