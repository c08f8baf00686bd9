package dashboard

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
)

// /docs is the API reference, rendered on the server from the same
// OpenAPI document /openapi.json serves: nothing is fetched at run time
// and no script runs. It is public, as /openapi.json is.

type docsOnce struct {
	once sync.Once
	tags []docTag
	err  error
}

type docTag struct {
	Name string
	ID   string
	Ops  []docOp
}

type docOp struct {
	ID, Method, Path, Summary, Description string
	Params                                 []docParam
	Request                                *docSchema
	Responses                              []docResponse
}

type docParam struct{ Name, In, Type, Description string }

type docResponse struct {
	Status, Description string
	Schema              *docSchema
}

// docSchema is a schema's summary: its name and its top-level fields.
type docSchema struct {
	Name   string
	Type   string
	Fields []docParam
}

type oaSchema struct {
	Ref         string               `json:"$ref"`
	Type        any                  `json:"type"`
	Description string               `json:"description"`
	Properties  map[string]*oaSchema `json:"properties"`
	Items       *oaSchema            `json:"items"`
	Required    []string             `json:"required"`
}

type oaContent map[string]struct {
	Schema *oaSchema `json:"schema"`
}

type oaOp struct {
	OperationID string   `json:"operationId"`
	Summary     string   `json:"summary"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Parameters  []struct {
		Name        string    `json:"name"`
		In          string    `json:"in"`
		Description string    `json:"description"`
		Schema      *oaSchema `json:"schema"`
	} `json:"parameters"`
	RequestBody *struct {
		Content oaContent `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Description string    `json:"description"`
		Content     oaContent `json:"content"`
	} `json:"responses"`
}

type oaDoc struct {
	Paths      map[string]map[string]*oaOp `json:"paths"`
	Components struct {
		Schemas map[string]*oaSchema `json:"schemas"`
	} `json:"components"`
}

func typeName(s *oaSchema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	switch t := s.Type.(type) {
	case string:
		if t == "array" && s.Items != nil {
			return "array of " + typeName(s.Items)
		}
		return t
	case []any:
		var parts []string
		for _, p := range t {
			if ps, ok := p.(string); ok {
				parts = append(parts, ps)
			}
		}
		return strings.Join(parts, " or ")
	}
	return "object"
}

// summarize names a schema and lists the fields of the object it is (or,
// for a list, of its items).
func summarize(s *oaSchema, comps map[string]*oaSchema) *docSchema {
	if s == nil {
		return nil
	}
	out := &docSchema{Name: typeName(s)}
	target := s
	for range 3 {
		if target.Ref != "" {
			target = comps[typeName(target)]
		} else if target.Items != nil && len(target.Properties) == 0 {
			target = target.Items
		} else if data := target.Properties["data"]; data != nil && data.Items != nil && target.Properties["current_page"] != nil {
			out.Name = "paginator of " + typeName(data.Items)
			target = data.Items
		} else {
			break
		}
		if target == nil {
			return out
		}
	}
	names := make([]string, 0, len(target.Properties))
	for n := range target.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := target.Properties[n]
		desc := p.Description
		if slices.Contains(target.Required, n) {
			desc = strings.TrimSpace("required. " + desc)
		}
		out.Fields = append(out.Fields, docParam{Name: n, Type: typeName(p), Description: desc})
	}
	return out
}

func buildDocs(doc map[string]any) ([]docTag, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var d oaDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	comps := d.Components.Schemas
	byTag := map[string]*docTag{}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	methods := []string{"get", "post", "put", "patch", "delete", "options"}
	for _, p := range paths {
		for _, m := range methods {
			op := d.Paths[p][m]
			if op == nil {
				continue
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			t := byTag[tag]
			if t == nil {
				t = &docTag{Name: tag, ID: "tag-" + strings.ToLower(strings.NewReplacer(" ", "-", "/", "-").Replace(tag))}
				byTag[tag] = t
			}
			o := docOp{ID: "op-" + op.OperationID, Method: strings.ToUpper(m), Path: p, Summary: op.Summary, Description: op.Description}
			for _, pa := range op.Parameters {
				o.Params = append(o.Params, docParam{Name: pa.Name, In: pa.In, Type: typeName(pa.Schema), Description: pa.Description})
			}
			if op.RequestBody != nil {
				if c, ok := op.RequestBody.Content["application/json"]; ok {
					o.Request = summarize(c.Schema, comps)
				}
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				r := op.Responses[c]
				dr := docResponse{Status: c, Description: r.Description}
				if ct, ok := r.Content["application/json"]; ok && c < "300" {
					dr.Schema = summarize(ct.Schema, comps)
				}
				o.Responses = append(o.Responses, dr)
			}
			t.Ops = append(t.Ops, o)
		}
	}
	tags := make([]docTag, 0, len(byTag))
	for _, t := range byTag {
		tags = append(tags, *t)
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Name < tags[j].Name })
	return tags, nil
}

func (d *Dashboard) apiDocs(w http.ResponseWriter, r *http.Request) {
	if d.cfg.OpenAPI == nil {
		d.errorPage(w, r, nil, http.StatusNotFound, "This page does not exist.")
		return
	}
	d.docs.once.Do(func() { d.docs.tags, d.docs.err = buildDocs(d.cfg.OpenAPI()) })
	if d.docs.err != nil {
		d.errorPage(w, r, nil, 0, "", d.docs.err)
		return
	}
	d.renderView(w, r, http.StatusOK, "docs.html", view{Title: "API reference", Section: "docs", Data: d.docs.tags})
}
