package postgresql

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"provisio.dev/providers/internal/acctest"
)

const grantBase = `
resource "postgresql_database" "db" { name = "acc_grant_db" }
resource "postgresql_role" "reader" {
  name  = "acc_reader"
  login = true
}
resource "postgresql_schema" "app" {
  database = postgresql_database.db.name
  name     = "app"
}
`

func grantConfig(tablePrivileges string) string {
	return acctest.PostgresProvider() + grantBase + fmt.Sprintf(`
resource "postgresql_grant" "connect" {
  role        = postgresql_role.reader.name
  database    = postgresql_database.db.name
  object_type = "database"
  privileges  = ["CONNECT"]
}
resource "postgresql_grant" "usage" {
  role        = postgresql_role.reader.name
  database    = postgresql_database.db.name
  schema      = postgresql_schema.app.name
  object_type = "schema"
  privileges  = ["USAGE"]
}
resource "postgresql_grant" "tables" {
  role        = postgresql_role.reader.name
  database    = postgresql_database.db.name
  schema      = postgresql_schema.app.name
  object_type = "table"
  privileges  = [%s]
}
`, tablePrivileges)
}

// expectPrivileges asks the server what acc_reader may do.
func expectPrivileges(t *testing.T, want map[string]bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		conn := acctest.Postgres(t, "acc_grant_db")
		for query, expected := range want {
			var got bool
			if err := conn.QueryRow(context.Background(), "SELECT "+query).Scan(&got); err != nil {
				return fmt.Errorf("%s: %w", query, err)
			}
			if got != expected {
				return fmt.Errorf("%s = %v, want %v", query, got, expected)
			}
		}
		return nil
	}
}

func TestAccGrant_databaseSchemaTablesImportDrift(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				// The schema and its table exist before the table grant is made.
				Config: acctest.PostgresProvider() + grantBase,
			},
			{
				PreConfig: func() {
					acctest.Exec(t, "acc_grant_db", `CREATE TABLE app.orders (id int)`, `CREATE TABLE app.items (id int)`)
				},
				Config: grantConfig(`"SELECT"`),
				Check: expectPrivileges(t, map[string]bool{
					`has_database_privilege('acc_reader', 'acc_grant_db', 'CONNECT')`: true,
					`has_schema_privilege('acc_reader', 'app', 'USAGE')`:              true,
					`has_schema_privilege('acc_reader', 'app', 'CREATE')`:             false,
					`has_table_privilege('acc_reader', 'app.orders', 'SELECT')`:       true,
					`has_table_privilege('acc_reader', 'app.items', 'SELECT')`:        true,
					`has_table_privilege('acc_reader', 'app.orders', 'INSERT')`:       false,
				}),
			},
			{
				Config: grantConfig(`"SELECT", "INSERT"`),
				Check: expectPrivileges(t, map[string]bool{
					`has_table_privilege('acc_reader', 'app.orders', 'INSERT')`: true,
					`has_table_privilege('acc_reader', 'app.items', 'INSERT')`:  true,
				}),
			},
			{ResourceName: "postgresql_grant.tables", ImportState: true, ImportStateId: "acc_reader/acc_grant_db/table/app", ImportStateVerify: true},
			{
				// Revoked out of band on one table: the read sees it.
				PreConfig: func() { acctest.Exec(t, "acc_grant_db", `REVOKE SELECT ON app.items FROM acc_reader`) },
				Config:    grantConfig(`"SELECT", "INSERT"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("postgresql_grant.tables", plancheck.ResourceActionUpdate),
				}},
				Check: expectPrivileges(t, map[string]bool{`has_table_privilege('acc_reader', 'app.items', 'SELECT')`: true}),
			},
		},
	})
}

func TestAccGrant_invalidPrivilegeNamesTheAttribute(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: acctest.PostgresProvider() + `
resource "postgresql_grant" "bad" {
  role        = "nobody"
  database    = "postgres"
  object_type = "database"
  privileges  = ["SELECT"]
}
`,
			ExpectError: acctest.Diagnostic("Invalid privilege", `privileges = ["SELECT"]`, `"SELECT" cannot be granted on a database; allowed: CONNECT, CREATE, TEMPORARY.`),
		}},
	})
}
