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

func schemaConfig(owner string) string {
	return acctest.PostgresProvider() + fmt.Sprintf(`
resource "postgresql_database" "db" { name = "acc_schema_db" }
resource "postgresql_role" "owner" { name = "acc_schema_owner" }
resource "postgresql_role" "other" { name = "acc_schema_other" }
resource "postgresql_schema" "app" {
  database = postgresql_database.db.name
  name     = "app"
  owner    = postgresql_role.%s.name
}
`, owner)
}

func expectSchemaOwner(t *testing.T, owner string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got string
		err := acctest.Postgres(t, "acc_schema_db").QueryRow(context.Background(),
			`SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'app'`).Scan(&got)
		if err != nil {
			return fmt.Errorf("schema app in acc_schema_db: %w", err)
		}
		if got != owner {
			return fmt.Errorf("schema app is owned by %q, want %q", got, owner)
		}
		return nil
	}
}

func TestAccSchema_createChangeOwnerImportDrift(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: schemaConfig("owner"), Check: expectSchemaOwner(t, "acc_schema_owner")},
			{Config: schemaConfig("other"), Check: expectSchemaOwner(t, "acc_schema_other")},
			{ResourceName: "postgresql_schema.app", ImportState: true, ImportStateId: "acc_schema_db.app", ImportStateVerify: true},
			{
				PreConfig: func() { acctest.Exec(t, "acc_schema_db", `ALTER SCHEMA app OWNER TO acc_schema_owner`) },
				Config:    schemaConfig("other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("postgresql_schema.app", plancheck.ResourceActionUpdate),
				}},
				Check: expectSchemaOwner(t, "acc_schema_other"),
			},
		},
	})
}
