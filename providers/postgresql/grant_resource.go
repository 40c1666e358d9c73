package postgresql

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/jackc/pgx/v5"
)

// grantResource is postgresql_grant: privileges of one role on a
// database, on a schema, or on all tables of a schema. Grants carry no mark:
// granting what is already granted changes nothing, so a retried create is
// idempotent by nature. Import ID: ROLE/DATABASE/OBJECT_TYPE[/SCHEMA].
type grantResource struct{ client *client }

type grantModel struct {
	ID         types.String `tfsdk:"id"`
	Role       types.String `tfsdk:"role"`
	Database   types.String `tfsdk:"database"`
	Schema     types.String `tfsdk:"schema"`
	ObjectType types.String `tfsdk:"object_type"`
	Privileges types.Set    `tfsdk:"privileges"`
}

// grantablePrivileges lists, per object_type, the privileges it takes.
var grantablePrivileges = map[string][]string{
	"database": {"CONNECT", "CREATE", "TEMPORARY"},
	"schema":   {"CREATE", "USAGE"},
	"table":    {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"},
}

func newGrantResource() resource.Resource { return &grantResource{} }

func (r *grantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_grant"
}

func (r *grantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "Privileges of a role on a database, a schema, or every table that exists in a schema when applied.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "ROLE/DATABASE/OBJECT_TYPE[/SCHEMA].",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"role":        schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "The role that receives the privileges."},
			"database":    schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "The database."},
			"schema":      schema.StringAttribute{Optional: true, PlanModifiers: replace, Description: "The schema; required for object_type schema and table."},
			"object_type": schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "database, schema or table."},
			"privileges": schema.SetAttribute{Required: true, ElementType: types.StringType,
				Description: "Privileges, such as CONNECT (database), USAGE (schema) or SELECT (table)."},
		},
	}
}

func (r *grantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req, resp)
}

func (r *grantResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m grantModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.ObjectType.IsUnknown() {
		return
	}
	allowed, ok := grantablePrivileges[m.ObjectType.ValueString()]
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("object_type"), "Invalid object_type",
			fmt.Sprintf("object_type must be database, schema or table, not %q.", m.ObjectType.ValueString()))
		return
	}
	if m.ObjectType.ValueString() != "database" && m.Schema.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("schema"), "Missing schema",
			fmt.Sprintf("object_type %q needs the schema attribute.", m.ObjectType.ValueString()))
	}
	if m.Privileges.IsUnknown() {
		return
	}
	for _, p := range setStrings(m.Privileges) {
		if !slices.Contains(allowed, strings.ToUpper(p)) {
			resp.Diagnostics.AddAttributeError(path.Root("privileges"), "Invalid privilege",
				fmt.Sprintf("%q cannot be granted on a %s; allowed: %s.", p, m.ObjectType.ValueString(), strings.Join(allowed, ", ")))
		}
	}
}

func setStrings(s types.Set) []string {
	var out []string
	for _, v := range s.Elements() {
		if str, ok := v.(types.String); ok {
			out = append(out, str.ValueString())
		}
	}
	return out
}

// target renders the ON clause of GRANT/REVOKE.
func (m *grantModel) target() string {
	switch m.ObjectType.ValueString() {
	case "database":
		return "DATABASE " + quoteIdent(m.Database.ValueString())
	case "schema":
		return "SCHEMA " + quoteIdent(m.Schema.ValueString())
	default:
		return "ALL TABLES IN SCHEMA " + quoteIdent(m.Schema.ValueString())
	}
}

func (m *grantModel) id() string {
	id := m.Role.ValueString() + "/" + m.Database.ValueString() + "/" + m.ObjectType.ValueString()
	if !m.Schema.IsNull() {
		id += "/" + m.Schema.ValueString()
	}
	return id
}

// connectFor opens a connection to the database the grant is about.
func (r *grantResource) connectFor(ctx context.Context, m *grantModel) (*pgx.Conn, error) {
	return r.client.connect(ctx, m.Database.ValueString())
}

func (r *grantResource) grant(ctx context.Context, conn *pgx.Conn, m *grantModel) error {
	privs := setStrings(m.Privileges)
	for i := range privs {
		privs[i] = strings.ToUpper(privs[i])
	}
	slices.Sort(privs)
	role := quoteIdent(m.Role.ValueString())
	// Revoke first, so that the role ends with exactly the listed privileges.
	if _, err := conn.Exec(ctx, "REVOKE ALL ON "+m.target()+" FROM "+role); err != nil {
		return err
	}
	if len(privs) == 0 {
		return nil
	}
	_, err := conn.Exec(ctx, "GRANT "+strings.Join(privs, ", ")+" ON "+m.target()+" TO "+role)
	return err
}

// readPrivileges returns the privileges the role holds now, and whether the
// role and the object still exist.
func readPrivileges(ctx context.Context, conn *pgx.Conn, m *grantModel) (privs []string, found bool, err error) {
	var roleExists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, m.Role.ValueString()).Scan(&roleExists); err != nil || !roleExists {
		return nil, false, err
	}
	var rows pgx.Rows
	switch m.ObjectType.ValueString() {
	case "database":
		rows, err = conn.Query(ctx, `
			SELECT a.privilege_type FROM pg_database d, aclexplode(d.datacl) a
			WHERE d.datname = $1 AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2)`,
			m.Database.ValueString(), m.Role.ValueString())
	case "schema":
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, m.Schema.ValueString()).Scan(&exists); err != nil || !exists {
			return nil, false, err
		}
		rows, err = conn.Query(ctx, `
			SELECT a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a
			WHERE n.nspname = $1 AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2)`,
			m.Schema.ValueString(), m.Role.ValueString())
	default:
		// A privilege counts when the role holds it on every table of the
		// schema; with no tables, what was granted is all there is to say.
		var tables int
		if err := conn.QueryRow(ctx, `
			SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`, m.Schema.ValueString()).Scan(&tables); err != nil {
			return nil, false, err
		}
		if tables == 0 {
			return setStrings(m.Privileges), true, nil
		}
		rows, err = conn.Query(ctx, `
			SELECT a.privilege_type FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
			WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
			  AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2)
			GROUP BY a.privilege_type HAVING count(DISTINCT c.oid) = $3`,
			m.Schema.ValueString(), m.Role.ValueString(), tables)
	}
	if err != nil {
		return nil, false, err
	}
	privs, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return privs, true, err
}

// refresh reads the privileges into m, keeping the configured spelling.
func refresh(ctx context.Context, conn *pgx.Conn, m *grantModel) (bool, error) {
	privs, found, err := readPrivileges(ctx, conn, m)
	if err != nil || !found {
		return found, err
	}
	configured := map[string]string{}
	for _, p := range setStrings(m.Privileges) {
		configured[strings.ToUpper(p)] = p
	}
	values := make([]attr.Value, 0, len(privs))
	for _, p := range privs {
		if spelled, ok := configured[p]; ok {
			p = spelled
		}
		values = append(values, types.StringValue(p))
	}
	set, diags := types.SetValue(types.StringType, values)
	if diags.HasError() {
		return false, fmt.Errorf("privileges: %v", diags)
	}
	m.Privileges = set
	m.ID = types.StringValue(m.id())
	return true, nil
}

func (r *grantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan grantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, &plan, &resp.State, &resp.Diagnostics)
}

func (r *grantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan grantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, &plan, &resp.State, &resp.Diagnostics)
}

func (r *grantResource) apply(ctx context.Context, plan *grantModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	conn, err := r.connectFor(ctx, plan)
	if err != nil {
		diags.AddAttributeError(path.Root("database"), "Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	if err := r.grant(ctx, conn, plan); err != nil {
		diags.AddAttributeError(path.Root("privileges"), "Cannot grant the privileges", err.Error())
		return
	}
	plan.ID = types.StringValue(plan.id())
	diags.Append(state.Set(ctx, plan)...)
}

func (r *grantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state grantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.connectFor(ctx, &state)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			resp.State.RemoveResource(ctx) // the database is gone
			return
		}
		resp.Diagnostics.AddError("Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	found, err := refresh(ctx, conn, &state)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the privileges", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *grantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state grantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.connectFor(ctx, &state)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return
		}
		resp.Diagnostics.AddError("Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	if _, found, err := readPrivileges(ctx, conn, &state); err != nil || !found {
		return // the role or the object is gone, and the grant with it
	}
	if _, err := conn.Exec(ctx, "REVOKE ALL ON "+state.target()+" FROM "+quoteIdent(state.Role.ValueString())); err != nil {
		resp.Diagnostics.AddError("Cannot revoke the privileges", err.Error())
	}
}

func (r *grantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if len(parts) < 3 || len(parts) > 4 || (parts[2] == "database") != (len(parts) == 3) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("expected ROLE/DATABASE/database or ROLE/DATABASE/schema|table/SCHEMA, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("role"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("database"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("object_type"), parts[2])...)
	if len(parts) == 4 {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("schema"), parts[3])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	empty, _ := types.SetValue(types.StringType, nil)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("privileges"), empty)...)
}
