package client_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestClientRoutesDocumented: every call the client's methods make (the
// method and path of each call literal in the package's source) is an
// operation of the server's OpenAPI document, and every exported method of
// *Client makes one.
func TestClientRoutesDocumented(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	paths := openAPI(t, e)["paths"].(map[string]any)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	calls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || !isClient(fn.Recv) {
				continue
			}
			found := 0
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok || !isIdent(lit.Type, "call") {
					return true
				}
				method, path := field(lit, "method"), field(lit, "path")
				found++
				op, ok := paths[path].(map[string]any)
				if !ok || op[strings.ToLower(method)] == nil {
					t.Errorf("%s: %s %s is not in the OpenAPI document", fn.Name.Name, method, path)
				}
				return true
			})
			if found == 0 {
				t.Errorf("(*Client).%s makes no call", fn.Name.Name)
			}
			calls += found
		}
	}
	if calls < 35 {
		t.Fatalf("only %d calls found", calls)
	}
}

func isClient(recv *ast.FieldList) bool {
	if len(recv.List) != 1 {
		return false
	}
	star, ok := recv.List[0].Type.(*ast.StarExpr)
	return ok && isIdent(star.X, "Client")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// field is the string literal given to a key of a composite literal.
func field(lit *ast.CompositeLit, key string) string {
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok || !isIdent(kv.Key, key) {
			continue
		}
		if bl, ok := kv.Value.(*ast.BasicLit); ok {
			s, _ := strconv.Unquote(bl.Value)
			return s
		}
	}
	return ""
}
