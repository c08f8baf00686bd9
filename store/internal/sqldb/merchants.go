package sqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "PartnerCreate", "PartnerGet",
		"MerchantCreate", "MerchantGet", "MerchantGetByWebToken", "MerchantList", "MerchantCountPartner", "MerchantUpdate", "MerchantCount",
		"MerchantLogoPut", "MerchantLogoGet", "MerchantLogoDelete",
		"APIKeyCreate", "APIKeyGetByHash", "APIKeyDeleteExpired")
}

// --- partners -------------------------------------------------------------

func (e *exec) PartnerCreate(ctx context.Context, p *tender.Partner) error {
	_, err := e.w.ExecContext(ctx, e.q("PartnerCreate"), p.ID, p.Name, e.t(p.CreatedAt.Time))
	return e.d.wrap(err)
}

func (e *exec) PartnerGet(ctx context.Context, id string) (*tender.Partner, error) {
	if !validID(id) {
		return nil, tender.NotFound("partner")
	}
	var p tender.Partner
	var created timeCol
	err := e.r.QueryRowContext(ctx, e.q("PartnerGet"), id).Scan((*textCol)(&p.ID), &p.Name, &created)
	if err != nil {
		return nil, e.notFound(err, "partner")
	}
	p.CreatedAt = created.tender()
	return &p, nil
}

// --- merchants ------------------------------------------------------------

func (e *exec) MerchantCreate(ctx context.Context, m *tender.Merchant) error {
	_, err := e.w.ExecContext(ctx, e.q("MerchantCreate"),
		m.ID, nullable(m.PartnerID), m.CompanyName, m.ContactEmail, m.Status, m.Sandbox,
		mustJSON(m.Features), m.WebPaymentsToken, mustJSON(m.AllowedOrigins),
		e.t(m.CreatedAt.Time), e.t(m.UpdatedAt.Time), m.Processor, m.IsTest, m.ProcessorCredentials,
		mustJSON(&m.MerchantProfile))
	return e.d.wrap(err)
}

func scanMerchant(row rowScanner) (*tender.Merchant, error) {
	var m tender.Merchant
	var features, origins, profile jsonCol
	var created, updated timeCol
	err := row.Scan((*textCol)(&m.ID), (*textCol)(&m.PartnerID), &m.CompanyName, &m.ContactEmail, &m.Status,
		&m.Sandbox, &features, &m.WebPaymentsToken, &origins, &created, &updated, &m.Processor, &m.IsTest,
		&m.ProcessorCredentials, &profile)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(features, &m.Features); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(origins, &m.AllowedOrigins); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(profile))
	dec.UseNumber() // an option's number reads back as it was written
	if err := dec.Decode(&m.MerchantProfile); err != nil {
		return nil, err
	}
	if m.Options == nil {
		m.Options = map[string]any{}
	}
	m.CreatedAt, m.UpdatedAt = created.tender(), updated.tender()
	m.SetProcessorConfigured()
	return &m, nil
}

func (e *exec) MerchantGet(ctx context.Context, id string) (*tender.Merchant, error) {
	if !validID(id) {
		return nil, tender.NotFound("merchant")
	}
	m, err := scanMerchant(e.r.QueryRowContext(ctx, e.q("MerchantGet"), id))
	if err != nil {
		return nil, e.notFound(err, "merchant")
	}
	return m, nil
}

func (e *exec) MerchantGetByWebToken(ctx context.Context, token string) (*tender.Merchant, error) {
	m, err := scanMerchant(e.r.QueryRowContext(ctx, e.q("MerchantGetByWebToken"), token))
	if err != nil {
		return nil, e.notFound(err, "merchant")
	}
	return m, nil
}

func (e *exec) MerchantList(ctx context.Context, partnerID string, p tender.ListParams) (*tender.Page[*tender.Merchant], error) {
	page := &tender.Page[*tender.Merchant]{Items: []*tender.Merchant{}}
	if err := e.r.QueryRowContext(ctx, e.q("MerchantCountPartner"), partnerID).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	items, err := all(ctx, e, e.r, scanMerchant, e.ordered("MerchantList", p), partnerID, p.PerPage, p.Offset())
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) MerchantUpdate(ctx context.Context, m *tender.Merchant) error {
	if !validID(m.ID) {
		return tender.NotFound("merchant")
	}
	return e.execOne(ctx, "MerchantUpdate", m.ID, m.CompanyName, m.ContactEmail, m.Status,
		mustJSON(m.Features), mustJSON(m.AllowedOrigins), e.t(m.UpdatedAt.Time), m.Processor, m.IsTest,
		m.ProcessorCredentials, mustJSON(&m.MerchantProfile))
}

// MerchantLogoPut stores the merchant's logo, replacing any earlier one.
func (e *exec) MerchantLogoPut(ctx context.Context, merchantID string, l *tender.Logo) error {
	_, err := e.w.ExecContext(ctx, e.q("MerchantLogoPut"), merchantID, l.ContentType, l.Data, e.t(l.UpdatedAt.Time))
	return e.d.wrap(err)
}

// MerchantLogoGet returns the merchant's logo, ENOTFOUND when it has none.
func (e *exec) MerchantLogoGet(ctx context.Context, merchantID string) (*tender.Logo, error) {
	if !validID(merchantID) {
		return nil, tender.NotFound("logo")
	}
	var l tender.Logo
	var updated timeCol
	if err := e.r.QueryRowContext(ctx, e.q("MerchantLogoGet"), merchantID).Scan(&l.ContentType, &l.Data, &updated); err != nil {
		return nil, e.notFound(err, "logo")
	}
	l.UpdatedAt = updated.tender()
	return &l, nil
}

// MerchantLogoDelete removes the merchant's logo (none is not an error).
func (e *exec) MerchantLogoDelete(ctx context.Context, merchantID string) error {
	_, err := e.w.ExecContext(ctx, e.q("MerchantLogoDelete"), merchantID)
	return e.d.wrap(err)
}

func (e *exec) MerchantCount(ctx context.Context) (int, error) {
	var n int
	err := e.r.QueryRowContext(ctx, e.q("MerchantCount")).Scan(&n)
	return n, e.d.wrap(err)
}

// --- API keys -------------------------------------------------------------

func (e *exec) APIKeyCreate(ctx context.Context, k *tender.APIKey) error {
	_, err := e.w.ExecContext(ctx, e.q("APIKeyCreate"), k.ID, k.Kind, nullable(k.MerchantID), nullable(k.PartnerID),
		k.Name, k.Hash, k.Prefix, e.t(k.ExpiresAt), e.t(k.CreatedAt), nullable(k.UserID))
	return e.d.wrap(err)
}

func (e *exec) APIKeyGetByHash(ctx context.Context, hash string, now time.Time) (*tender.APIKey, error) {
	k, err := scanAPIKey(e.r.QueryRowContext(ctx, e.q("APIKeyGetByHash"), hash))
	if err != nil {
		return nil, e.notFound(err, "key")
	}
	if !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt) {
		return nil, tender.NotFound("key")
	}
	return k, nil
}

func (e *exec) APIKeyDeleteExpired(ctx context.Context, now time.Time) (int, error) {
	res, err := e.w.ExecContext(ctx, e.q("APIKeyDeleteExpired"), e.t(now))
	if err != nil {
		return 0, e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	return int(n), e.d.wrap(err)
}
