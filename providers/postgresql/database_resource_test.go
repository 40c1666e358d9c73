package postgresql

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"provisio.dev/providers/internal/acctest"
	"provisio.dev/providers/internal/mark"
)

func databaseConfig(name string, limit int) string {
	return acctest.PostgresProvider() + fmt.Sprintf(`
resource "postgresql_database" "db" {
  name             = %q
  connection_limit = %d
}
`, name, limit)
}

// databaseRow reads what the server holds for the database.
func databaseRow(t *testing.T, name string) (found bool, limit int, comment string, oid uint32) {
	t.Helper()
	err := acctest.Postgres(t, "postgres").QueryRow(context.Background(),
		`SELECT datconnlimit, coalesce(shobj_description(oid, 'pg_database'), ''), oid FROM pg_database WHERE datname = $1`, name).
		Scan(&limit, &comment, &oid)
	if err != nil {
		return false, 0, "", 0
	}
	return true, limit, comment, oid
}

func expectDatabase(t *testing.T, name string, limit int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		found, got, comment, _ := databaseRow(t, name)
		if !found {
			return fmt.Errorf("database %q does not exist", name)
		}
		if got != limit {
			return fmt.Errorf("database %q has connection limit %d, want %d", name, got, limit)
		}
		if want := mark.For(acctest.Stack, "postgresql_database", name); comment != want {
			return fmt.Errorf("database %q carries comment %q, want the mark %q", name, comment, want)
		}
		return nil
	}
}

func expectNoDatabase(t *testing.T, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if found, _, _, _ := databaseRow(t, name); found {
			return fmt.Errorf("database %q still exists", name)
		}
		return nil
	}
}

func TestAccDatabase_createUpdateImportDriftDestroy(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoDatabase(t, "acc_lifecycle"),
		Steps: []resource.TestStep{
			{
				Config: databaseConfig("acc_lifecycle", 5),
				Check: resource.ComposeTestCheckFunc(
					expectDatabase(t, "acc_lifecycle", 5),
					resource.TestCheckResourceAttr("postgresql_database.db", "encoding", "UTF8"),
					resource.TestCheckResourceAttr("postgresql_database.db", "owner", "postgres"),
				),
			},
			{Config: databaseConfig("acc_lifecycle", 10), Check: expectDatabase(t, "acc_lifecycle", 10)},
			{ResourceName: "postgresql_database.db", ImportState: true, ImportStateId: "acc_lifecycle", ImportStateVerify: true},
			{
				// Changed out of band: the read finds it, and the plan puts it back.
				PreConfig: func() { acctest.Exec(t, "postgres", `ALTER DATABASE acc_lifecycle CONNECTION LIMIT 3`) },
				Config:    databaseConfig("acc_lifecycle", 10),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("postgresql_database.db", plancheck.ResourceActionUpdate),
				}},
				Check: expectDatabase(t, "acc_lifecycle", 10),
			},
		},
	})
}

func TestAccDatabase_adoptsTheOneItsMarkNames(t *testing.T) {
	acctest.Exec(t, "postgres", `CREATE DATABASE acc_adopted CONNECTION LIMIT 2`,
		`COMMENT ON DATABASE acc_adopted IS '`+mark.For(acctest.Stack, "postgresql_database", "acc_adopted")+`'`)
	_, _, _, before := databaseRow(t, "acc_adopted")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoDatabase(t, "acc_adopted"),
		Steps: []resource.TestStep{{
			Config: databaseConfig("acc_adopted", 7),
			Check: resource.ComposeTestCheckFunc(expectDatabase(t, "acc_adopted", 7), func(*terraform.State) error {
				if _, _, _, after := databaseRow(t, "acc_adopted"); after != before {
					return fmt.Errorf("the database was recreated (oid %d, was %d), not adopted", after, before)
				}
				return nil
			}),
		}},
	})
}

func TestAccDatabase_refusesOneWithoutItsMark(t *testing.T) {
	acctest.Exec(t, "postgres", `CREATE DATABASE acc_foreign`)
	t.Cleanup(func() { acctest.Exec(t, "postgres", `DROP DATABASE IF EXISTS acc_foreign`) })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: databaseConfig("acc_foreign", 1),
			// The diagnostic names the object and points at the attribute.
			ExpectError: acctest.Diagnostic("Database already exists", `name = "acc_foreign"`, `A database named "acc_foreign" exists and is not this stack's: it carries no Provisio mark.`),
		}},
	})
	if found, _, comment, _ := databaseRow(t, "acc_foreign"); !found || comment != "" {
		t.Fatalf("the foreign database was touched: found=%v comment=%q", found, comment)
	}
}

// A crash between CREATE DATABASE and the rename that puts it in place leaves
// only the pending database. The retried create drops it and creates the
// database again, marked, under its own name; no pending database survives.
func TestAccDatabase_replacesWhatAnInterruptedCreateLeft(t *testing.T) {
	pending := pendingDatabaseName(mark.For(acctest.Stack, "postgresql_database", "acc_interrupted"))
	acctest.Exec(t, "postgres", `CREATE DATABASE `+pending+` CONNECTION LIMIT 1`)
	t.Cleanup(func() { acctest.Exec(t, "postgres", `DROP DATABASE IF EXISTS `+pending) })
	_, _, _, leftoverOID := databaseRow(t, pending)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoDatabase(t, "acc_interrupted"),
		Steps: []resource.TestStep{{
			Config: databaseConfig("acc_interrupted", 4),
			Check: resource.ComposeTestCheckFunc(expectDatabase(t, "acc_interrupted", 4), expectNoDatabase(t, pending),
				func(*terraform.State) error {
					if _, _, _, oid := databaseRow(t, "acc_interrupted"); oid == leftoverOID {
						return fmt.Errorf("the leftover (oid %d) was renamed into place instead of replaced", oid)
					}
					return nil
				}),
		}},
	})
}

// The pending name is the database's own: two stacks, or two databases of a
// stack, never share one, and it fits PostgreSQL's 63-byte identifiers.
func TestPendingDatabaseName_isPerStackAndDatabase(t *testing.T) {
	a := pendingDatabaseName(mark.For("stack-a", "postgresql_database", "app"))
	b := pendingDatabaseName(mark.For("stack-b", "postgresql_database", "app"))
	c := pendingDatabaseName(mark.For("stack-a", "postgresql_database", "app2"))
	if a == b || a == c || b == c {
		t.Fatalf("pending names collide: %q %q %q", a, b, c)
	}
	if a != pendingDatabaseName(mark.For("stack-a", "postgresql_database", "app")) {
		t.Fatalf("the pending name is not stable")
	}
	if len(a) > 63 {
		t.Fatalf("pending name %q is longer than 63 bytes", a)
	}
}
