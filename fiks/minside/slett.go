package minside

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// SlettMelding names one melding to delete: its id, versjon and Fiks organisation
// (default Options.FiksOrgID).
type SlettMelding struct {
	MeldingID          string
	Versjon            Versjon
	FiksOrganisasjonID string
}

// Slett deletes meldinger by id: POST /innsyn-index/api/v1/delete/slettByMeldingId
// (operation "slettByMeldingId"), synchronous, in requests of at most MaxSlettBatch. It
// returns how many Innsyn deleted (antallSlettet; a melding already gone, or indexed by
// another integrasjon, is not counted). Deleting is idempotent and retried. A failed
// request ends Slett with the count so far.
func (c *Client) Slett(ctx context.Context, meldinger []SlettMelding) (int64, error) {
	const op = "minside.Slett"
	type spec struct {
		FiksOrgID   string `json:"fiksOrgId"`
		MeldingType string `json:"meldingType"`
		MeldingID   string `json:"meldingId"`
	}
	if len(meldinger) == 0 {
		return 0, &ValidationError{Op: op, Field: "meldinger", Problem: "at least one melding"}
	}
	specs := make([]spec, len(meldinger))
	for i, m := range meldinger {
		org := m.FiksOrganisasjonID
		if org == "" {
			org = c.org
		}
		info, ok := versjoner[m.Versjon]
		switch {
		case uuid.Validate(m.MeldingID) != nil:
			return 0, &ValidationError{Op: op, Field: fmt.Sprintf("meldinger[%d].MeldingID", i), Problem: "a melding id is a UUID"}
		case uuid.Validate(org) != nil:
			return 0, &ValidationError{Op: op, Field: fmt.Sprintf("meldinger[%d].FiksOrganisasjonID", i), Problem: "a Fiks organisation id (UUID) is required, here or in Options.FiksOrgID"}
		case !ok:
			return 0, &ValidationError{Op: op, Field: fmt.Sprintf("meldinger[%d].Versjon", i), Problem: fmt.Sprintf("unknown versjon %q", m.Versjon)}
		}
		specs[i] = spec{FiksOrgID: org, MeldingType: info.meldingType, MeldingID: m.MeldingID}
	}
	var total int64
	for start := 0; start < len(specs); start += MaxSlettBatch {
		body, err := json.Marshal(struct {
			Meldinger []spec `json:"meldinger"`
		}{specs[start:min(start+MaxSlettBatch, len(specs))]})
		if err != nil {
			return total, err
		}
		resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: c.api + "/innsyn-index/api/v1/delete/slettByMeldingId",
			Idempotent: true, Retry500: true, Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: httpx.Bytes(body)})
		if err != nil {
			return total, fmt.Errorf("%s: %w", op, err)
		}
		var ans struct {
			AntallSlettet *int64 `json:"antallSlettet"`
		}
		if err := fiks.DecodeJSON(op, resp, &ans, MaxResponseBytes); err != nil {
			return total, wrapForbidden(err)
		}
		if ans.AntallSlettet == nil {
			return total, fmt.Errorf("%s: the answer is not a SlettRespons (antallSlettet is required)", op)
		}
		total += *ans.AntallSlettet
	}
	return total, nil
}

// SlettEksternRef starts deleting the meldinger of versjon v that this integrasjon has
// indexed for Fiks organisation fiksOrgID (default Options.FiksOrgID), narrowed to
// eksternRef when it is not "": DELETE /innsyn-index/api/v1/delete/slett (operation
// "slett"). Innsyn answers 202 and deletes asynchronously: the meldinger may still show
// for a while after it returns.
func (c *Client) SlettEksternRef(ctx context.Context, fiksOrgID string, v Versjon, eksternRef string) error {
	const op = "minside.SlettEksternRef"
	if fiksOrgID == "" {
		fiksOrgID = c.org
	}
	info, ok := versjoner[v]
	switch {
	case uuid.Validate(fiksOrgID) != nil:
		return &ValidationError{Op: op, Field: "fiksOrgID", Problem: "a Fiks organisation id (UUID) is required, here or in Options.FiksOrgID"}
	case !ok:
		return &ValidationError{Op: op, Field: "versjon", Problem: fmt.Sprintf("unknown versjon %q", v)}
	case eksternRef != "" && !eksternRefRe.MatchString(eksternRef):
		return &ValidationError{Op: op, Field: "eksternRef", Problem: "letters, digits, space and _.,/- only"}
	}
	q := url.Values{"fiksOrganisasjonId": {fiksOrgID}, "meldingVersjon": {deleteVersjon(v, info)}}
	if eksternRef != "" {
		q.Set("eksternRef", eksternRef)
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodDelete, URL: c.api + "/innsyn-index/api/v1/delete/slett?" + q.Encode(), Retry500: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := fiks.CheckResponse(op, resp); err != nil {
		return wrapForbidden(err)
	}
	resp.Body.Close()
	return nil
}

// deleteVersjon is v as the delete API's meldingVersjon wants it: the spec's example is
// "fakturaV1", the meldingType and the version in camel case (FAKTURA_V1 -> fakturaV1,
// BARNEVERN_MAPPE_V1 -> barnevernmappeV1).
func deleteVersjon(v Versjon, info versjonInfo) string {
	_, ver, _ := strings.Cut(string(v)[strings.LastIndex(string(v), "_"):], "_")
	return info.meldingType + strings.ToUpper(ver[:1]) + strings.ToLower(ver[1:])
}
