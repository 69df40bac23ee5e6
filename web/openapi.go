package web

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPISpec is the OpenAPI 3.1 description of the whole API. It is generated
// from the route table and the request and response structs by
// `go test ./web -run TestOpenAPIFileIsGenerated -update` (openapi_gen_test.go),
// and the tests fail while it is out of date with the router or the structs.
//
//go:embed openapi.json
var openAPISpec []byte

// handleOpenAPI serves the description; it needs no login, as it says nothing
// about any data.
func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(openAPISpec)))
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(openAPISpec)
	})
}
