package postgresql

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/jackc/pgx/v5"

	"provisio.dev/providers/internal/acctest"
)

func roleConfig(body string) string {
	return acctest.PostgresProvider() + `
resource "postgresql_role" "app" {
  name = "acc_app"
` + body + `
}
`
}

// expectLoginWithStatePassword logs in as the role with the password kept in
// state: the generated or given password is the one the server checks.
func expectLoginWithStatePassword(role string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		password := s.RootModule().Resources["postgresql_role.app"].Primary.Attributes["password"]
		if len(password) == 0 {
			return fmt.Errorf("no password in state")
		}
		conn, err := pgx.Connect(context.Background(), acctest.PostgresURL("postgres", role, password))
		if err != nil {
			return fmt.Errorf("logging in as %s with the state's password: %w", role, err)
		}
		defer conn.Close(context.Background())
		var who string
		if err := conn.QueryRow(context.Background(), `SELECT current_user`).Scan(&who); err != nil || who != role {
			return fmt.Errorf("current_user = %q (%v), want %q", who, err, role)
		}
		return nil
	}
}

func expectValidUntil(t *testing.T, role string, want time.Time) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got time.Time
		if err := acctest.Postgres(t, "postgres").QueryRow(context.Background(),
			`SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1`, role).Scan(&got); err != nil {
			return err
		}
		if !got.Equal(want) {
			return fmt.Errorf("rolvaliduntil = %s, want %s", got, want)
		}
		return nil
	}
}

func TestAccRole_generatedThenGivenPasswordImportDrift(t *testing.T) {
	validUntil := time.Date(2031, 1, 31, 0, 0, 0, 0, time.UTC)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			var n int
			acctest.Postgres(t, "postgres").QueryRow(context.Background(), `SELECT count(*) FROM pg_roles WHERE rolname = 'acc_app'`).Scan(&n)
			if n != 0 {
				return fmt.Errorf("role acc_app still exists")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: roleConfig(`  login = true
  valid_until = "2031-01-31T00:00:00Z"`),
				Check: resource.ComposeTestCheckFunc(
					resource.TestMatchResourceAttr("postgresql_role.app", "password", regexp.MustCompile(`^[A-Za-z0-9]{32}$`)),
					expectLoginWithStatePassword("acc_app"),
					expectValidUntil(t, "acc_app", validUntil),
				),
			},
			{
				Config: roleConfig(`  login = true
  password = "given-password-1"`),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("postgresql_role.app", "password", "given-password-1"),
					expectLoginWithStatePassword("acc_app"),
				),
			},
			{ResourceName: "postgresql_role.app", ImportState: true, ImportStateId: "acc_app", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"password"}},
			{
				PreConfig: func() { acctest.Exec(t, "postgres", `ALTER ROLE acc_app NOLOGIN`) },
				Config: roleConfig(`  login = true
  password = "given-password-1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("postgresql_role.app", plancheck.ResourceActionUpdate),
				}},
				Check: expectLoginWithStatePassword("acc_app"),
			},
		},
	})
}

func TestAccRole_invalidValidUntilNamesTheAttribute(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:      roleConfig(`  valid_until = "next tuesday"`),
			ExpectError: acctest.Diagnostic("Invalid valid_until", `valid_until = "next tuesday"`, `"next tuesday" is neither an RFC 3339 timestamp`),
		}},
	})
}

func TestAccRole_refusesOneWithoutItsMark(t *testing.T) {
	acctest.Exec(t, "postgres", `CREATE ROLE acc_app_foreign`)
	t.Cleanup(func() { acctest.Exec(t, "postgres", `DROP ROLE IF EXISTS acc_app_foreign`) })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: acctest.PostgresProvider() + `
resource "postgresql_role" "app" {
  name = "acc_app_foreign"
}
`,
			ExpectError: acctest.Diagnostic("Role already exists", `name = "acc_app_foreign"`, `A role named "acc_app_foreign" exists and is not this stack's: it carries no Provisio mark.`),
		}},
	})
}
