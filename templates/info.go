package templates

import "github.com/accesswatch/accesswatch/internal/access"

// AboutView is what /about shows besides its prose.
type AboutView struct {
	Origin      string // scheme and host, for the citation's address
	DataAsOf    string // the newest event's date, formatted; "" when none
	Contact     string // the corrections contact as configured; "" when none
	ContactHref string // its link: mailto: or an http(s) URL
	CodeLicence string // the code's licence (the data's is CC BY 4.0)
	Statuses    []StatusNote
	Bases       []string // one sentence per reach basis
}

// StatusNote explains one status in /about's table.
type StatusNote struct {
	Status        access.Status
	Meaning       string
	Flagged       string // always, when imposed, no
	FlaggedAlways bool
	Lost          string
}

// DataView is what /data shows besides its prose.
type DataView struct {
	Origin        string // scheme and host, for the examples
	RecordColumns []HXLColumn
	EventColumns  []HXLColumn
	API           APIDoc
	APIErr        bool // the OpenAPI document could not be read
	// BadgeCountry and BadgeOrg name a record for the badge example;
	// empty when there is none.
	BadgeCountry, BadgeOrg string
}

// HXLColumn is a CSV column and its HXL hashtag.
type HXLColumn struct{ Name, Tag string }

// APIDoc is the OpenAPI document as /data lists it.
type APIDoc struct {
	Endpoints []APIEndpoint
	Schemas   []APISchema
}

// APIEndpoint is one operation of the API.
type APIEndpoint struct {
	Method, Path, Summary, Description string
	Params                             []APIParam
	Returns                            []APIReturn
}

// APIParam is a parameter of an endpoint.
type APIParam struct{ Name, In, Type, Description string }

// APIReturn is what an endpoint answers with on success.
type APIReturn struct {
	MediaType  string
	Schema     string // its type in words
	SchemaName string // the schema it refers to, for a link; "" for none
}

// APISchema is a response schema and its fields.
type APISchema struct {
	Name, Description, Type string
	Fields                  []APIField
}

// APIField is a field of a schema.
type APIField struct {
	Name, Type  string
	Ref         string // the schema it refers to, for a link; "" for none
	Required    bool
	Description string
}

// SchemaAnchor is the id of a schema's table on /data.
func SchemaAnchor(name string) string { return "schema-" + name }

// EndpointAnchor is the id of an endpoint's section on /data.
func EndpointAnchor(e APIEndpoint) string {
	b := []byte("api-" + e.Method)
	for _, c := range []byte(e.Path) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		default:
			b = append(b, '-')
		}
	}
	return string(b)
}
