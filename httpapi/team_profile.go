package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/tenderpay/tender"
)

// updateTeam serves PUT /team: the merchant's own business details.
func (a *API) updateTeam(w http.ResponseWriter, r *http.Request) error {
	var in tender.TeamInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := a.svc.UpdateTeam(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// updateTeamOptions serves PUT /team/options: a flat object merged into the
// merchant's options, null removing one.
func (a *API) updateTeamOptions(w http.ResponseWriter, r *http.Request) error {
	var body map[string]json.RawMessage
	if err := decode(r, &body); err != nil {
		return err
	}
	m, err := a.svc.SetTeamOptions(r.Context(), merchantID(r), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// updateBrandingColors serves PUT /team/option/advanced_customizations.
func (a *API) updateBrandingColors(w http.ResponseWriter, r *http.Request) error {
	var in tender.BrandingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := a.svc.SetBrandingColors(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// uploadLogo serves POST /team/option/branding: a multipart form whose
// "branding" (or "file") part is the logo image.
func (a *API) uploadLogo(w http.ResponseWriter, r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return tender.Errorf(tender.EMEDIATYPE, "Content-Type must be multipart/form-data, with the logo in a part named branding.")
	}
	var data []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bodyReadError(err)
		}
		if name := part.FormName(); name != "branding" && name != "file" {
			continue
		}
		// One byte more than allowed tells a too-large logo from a full one.
		if data, err = io.ReadAll(io.LimitReader(part, tender.MaxLogoBytes+1)); err != nil {
			return bodyReadError(err)
		}
		break
	}
	if len(data) == 0 {
		errs := tender.FieldErrors{}
		errs.Required("branding")
		return errs.Err()
	}
	m, err := a.svc.SetLogo(r.Context(), merchantID(r), data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// deleteLogo serves DELETE /team/option/branding: the hosted page goes back
// to the company name alone.
func (a *API) deleteLogo(w http.ResponseWriter, r *http.Request) error {
	m, err := a.svc.SetLogo(r.Context(), merchantID(r), nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// bodyReadError is the answer to a body that could not be read: 413 past
// the size limit, else 422.
func bodyReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tender.Errorf(tender.ETOOLARGE, "The request body is larger than %d bytes.", mbe.Limit)
	}
	return tender.Errorf(tender.EINVALID, "The request body could not be read as multipart/form-data.")
}

// serveLogo serves GET /branding/{merchant_id}/logo, public: the hosted
// invoice page and emails show it. The stored type was sniffed from the
// bytes at upload; nosniff and a sandboxing CSP keep it an image.
func (a *API) serveLogo(w http.ResponseWriter, r *http.Request) {
	l, err := a.svc.Logo(r.Context(), r.PathValue("merchant_id"))
	if err != nil {
		if tender.ErrorCode(err) != tender.ENOTFOUND {
			a.writeError(w, r, err)
			return
		}
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(l.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin") // emails and the merchant's own site show it
	// The URL carries ?v=<upload time>: a new logo is a new URL.
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("Last-Modified", l.UpdatedAt.UTC().Format(http.TimeFormat))
	_, _ = w.Write(l.Data)
}
