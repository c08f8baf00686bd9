package httpapi

import (
	"maps"
	"slices"

	"github.com/tenderpay/tender"
)

// fileMimes are the types an upload may have (sniffed from its bytes).
var fileMimes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv"}

// downloadContent is the body of GET /file/{id}/download: the bytes, in
// the type sniffed at upload.
func downloadContent() schema {
	out := schema{}
	for _, m := range fileMimes {
		out[m] = schema{"schema": schema{"type": "string", "format": "binary"}}
	}
	out["text/csv"].(schema)["example"] = "sku,quantity\nW-1,3\n"
	out["text/plain"].(schema)["example"] = "Delivered to the back door.\n"
	return out
}

func mediaTypeRefused(rt route) string {
	switch {
	case rt.form != "" && rt.req != "":
		return "Body is neither multipart/form-data nor application/json"
	case rt.form != "":
		return "Body is not multipart/form-data"
	}
	return "Body is not application/json"
}

func fileSchemas() schema {
	id := schema{"type": []string{"string", "null"}}
	file := schema{
		"id": str(), "merchant_id": str(), "user_id": schema{"type": "null"}, "name": str(),
		"public_url": schema{"type": "string", "description": "GET /file/{id}/download on this server (needs the merchant's key)"},
		"tag":        nstr(),
		"meta": object([]string{"filesize_bytes", "filesize", "extension", "size", "mime", "sha256"}, schema{
			"filesize_bytes": integer(), "filesize": str(), "extension": str(), "mime": str(),
			"size":   schema{"oneOf": []schema{object([]string{"width", "height"}, schema{"width": integer(), "height": integer()}), {"type": "null"}}},
			"sha256": str(),
		}),
		"invoice_id": id, "item_id": id, "transaction_id": id,
		"created_at": ts(), "updated_at": ts(), "deleted_at": nts(),
	}
	required := make([]string, 0, len(file))
	for k := range file {
		required = append(required, k)
	}
	attach := schema{
		"invoice_id":     schema{"type": "string", "description": "attach to this invoice (\"\" detaches); attaching to one object detaches from the others"},
		"item_id":        schema{"type": "string", "description": "attach to this catalog item"},
		"transaction_id": schema{"type": "string", "description": "attach to this transaction"},
	}
	upload := schema{
		"file": schema{"type": "string", "format": "binary", "description": "the content: PNG, JPEG, GIF, WebP, PDF, or UTF-8 text (CSV by a .csv name), as sniffed from the bytes; at most the server's limit (default " +
			tender.HumanSize(tender.DefaultMaxFileBytes) + ")"},
		"name": schema{"type": "string", "description": "default: the upload's file name (sanitized)"},
		"tag":  schema{"type": "string", "description": "a classification such as generic or itemThumbnail (\"\" clears it)"},
	}
	update := schema{"name": upload["name"], "tag": upload["tag"]}
	for k, v := range attach {
		upload[k], update[k] = v, v
	}
	evidence := schema{"evidence_type": schema{"type": "string", "enum": tender.EvidenceFileTypes}}
	maps.Copy(evidence, file)
	evRequired := append(slices.Clone(required), "evidence_type")
	textFields := schema{}
	for _, f := range tender.DisputeTextFields {
		textFields[f] = str()
	}
	dispute := schema{
		"id": str(), "merchant_id": str(), "transaction_id": str(), "processor": str(), "processor_dispute_id": str(),
		"amount": money(), "currency": str(), "reason": str(),
		"status":         schema{"type": "string", "enum": tender.DisputeStatuses},
		"due_by":         nts(),
		"evidence":       schema{"type": "object", "description": "the text evidence submitted", "additionalProperties": str()},
		"evidence_files": schema{"type": "array", "items": ref("EvidenceFile")},
		"evidence_details": object([]string{"has_evidence", "past_due", "submission_count", "file_count"}, schema{
			"has_evidence": boolean(), "past_due": boolean(), "submission_count": integer(), "file_count": integer()}),
		"submitted_at": nts(), "created_at": ts(), "updated_at": ts(),
	}
	dRequired := make([]string, 0, len(dispute))
	for k := range dispute {
		dRequired = append(dRequired, k)
	}
	return schema{
		"Dispute":            object(dRequired, dispute),
		"DisputeSubmitInput": object(nil, textFields),
		"EvidenceFile":       object(evRequired, evidence),
		"EvidenceFileUpload": object([]string{"file", "dispute_id"}, schema{
			"file":          upload["file"],
			"dispute_id":    schema{"type": "string", "description": "the merchant's dispute"},
			"evidence_type": schema{"type": "string", "enum": tender.EvidenceFileTypes, "description": "default uncategorized_file"},
			"name":          upload["name"],
		}),
		"File":       object(required, file),
		"FileUpload": object(nil, upload),
		"FileUpdate": object(nil, update),
	}
}
