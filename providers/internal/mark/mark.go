// Package mark is the ownership mark that Provisio's providers put on every
// object they create (a PostgreSQL comment, an S3 tag or object metadata), so
// that a create retried after a crash recognises what an earlier attempt made.
//
// A create that finds an object of the same name carrying its own mark adopts
// it; one that finds an object without it, or with another stack's mark,
// fails with an error naming the object. Providers are not told the
// configuration address of a resource, so the mark records the stack and the
// resource's type and remote name, which identify it within a stack.
package mark

import (
	"fmt"
	"strings"
)

// Prefix starts every mark, so that a mark is told apart from a hand-written
// comment.
const Prefix = "provisio:"

// For returns the mark of the object of resource type typ named name in stack.
func For(stack, typ, name string) string {
	return fmt.Sprintf("%sstack=%s;address=%s.%s", Prefix, stack, typ, name)
}

// Describe says whose an existing object's mark (found) is, for error messages.
func Describe(found string) string {
	if !strings.HasPrefix(found, Prefix) {
		if found == "" {
			return "it carries no Provisio mark"
		}
		return fmt.Sprintf("it carries no Provisio mark (found %q)", found)
	}
	return fmt.Sprintf("it carries another mark (%q)", found)
}
