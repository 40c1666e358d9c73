package postgresql

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"provisio.dev/providers/internal/mark"
)

// roleResource is postgresql_role: a role, with login, a password the
// provider generates (or one that is given) and an expiry. Its mark is the
// role's COMMENT. The password cannot be read back (the server keeps only a
// hash), so drift in it is not seen; everything else is read.
type roleResource struct{ client *client }

type roleModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	Login      types.Bool   `tfsdk:"login"`
	Password   types.String `tfsdk:"password"`
	ValidUntil types.String `tfsdk:"valid_until"`
}

func newRoleResource() resource.Resource { return &roleResource{} }

func (r *roleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

func (r *roleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A PostgreSQL role.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "The role name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, Description: "Role name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"login": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Whether the role may log in."},
			"password": schema.StringAttribute{Optional: true, Computed: true, Sensitive: true,
				Description:   "The role's password. When not given, the provider generates 32 random characters once and keeps them in state.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"valid_until": schema.StringAttribute{Optional: true,
				Description: "When the password stops being valid: an RFC 3339 timestamp, or \"infinity\"."},
		},
	}
}

func (r *roleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req, resp)
}

func (r *roleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m roleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.ValidUntil.IsNull() || m.ValidUntil.IsUnknown() {
		return
	}
	if _, err := parseValidUntil(m.ValidUntil.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("valid_until"), "Invalid valid_until", err.Error())
	}
}

// parseValidUntil accepts "infinity" (returned as the zero time) or RFC 3339.
func parseValidUntil(s string) (time.Time, error) {
	if s == "infinity" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 timestamp (2030-01-31T00:00:00Z) nor \"infinity\"", s)
	}
	return t, nil
}

func generatePassword() (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 32)
	for i := range out {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		out[i] = alphabet[n.Int64()]
	}
	return string(out), nil
}

// roleOptions renders the options of CREATE/ALTER ROLE for m.
func roleOptions(m *roleModel) string {
	opts := " NOLOGIN"
	if m.Login.ValueBool() {
		opts = " LOGIN"
	}
	if !m.Password.IsNull() && !m.Password.IsUnknown() {
		opts += " PASSWORD " + quoteLiteral(m.Password.ValueString())
	}
	if !m.ValidUntil.IsNull() {
		opts += " VALID UNTIL " + quoteLiteral(m.ValidUntil.ValueString())
	} else {
		opts += " VALID UNTIL 'infinity'"
	}
	return opts
}

// readRole refreshes m's readable attributes from the server.
func readRole(ctx context.Context, conn *pgx.Conn, name string, m *roleModel) (found bool, comment string, err error) {
	var login bool
	var validUntil pgtype.Timestamptz
	err = conn.QueryRow(ctx, `
		SELECT r.rolcanlogin, r.rolvaliduntil, coalesce(shobj_description(r.oid, 'pg_authid'), '')
		FROM pg_roles r WHERE r.rolname = $1`, name).Scan(&login, &validUntil, &comment)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	m.ID = types.StringValue(name)
	m.Name = types.StringValue(name)
	m.Login = types.BoolValue(login)
	// Keep the configured spelling when it names the same instant.
	var have time.Time
	haveSet := false
	if !m.ValidUntil.IsNull() && !m.ValidUntil.IsUnknown() {
		if t, err := parseValidUntil(m.ValidUntil.ValueString()); err == nil {
			have, haveSet = t, true
		}
	}
	switch {
	case !validUntil.Valid || validUntil.InfinityModifier == pgtype.Infinity:
		if !(haveSet && have.IsZero()) {
			m.ValidUntil = types.StringNull()
		}
	case haveSet && have.Equal(validUntil.Time):
	default:
		m.ValidUntil = types.StringValue(validUntil.Time.UTC().Format(time.RFC3339))
	}
	return true, comment, nil
}

func (r *roleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Password.IsUnknown() {
		pw, err := generatePassword()
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("password"), "Cannot generate a password", err.Error())
			return
		}
		plan.Password = types.StringValue(pw)
	}
	conn, err := r.client.connect(ctx, "")
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to PostgreSQL", err.Error())
		return
	}
	defer conn.Close(ctx)

	name := plan.Name.ValueString()
	want := mark.For(r.client.stack, "postgresql_role", name)
	var existing roleModel
	found, comment, err := readRole(ctx, conn, name, &existing)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot look up the role", err.Error())
		return
	}
	if found && comment != want {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Role already exists",
			fmt.Sprintf("A role named %q exists and is not this stack's: %s. Import it, or choose another name.", name, mark.Describe(comment)))
		return
	}
	verb := "CREATE"
	if found {
		verb = "ALTER" // adopted: an earlier attempt created it; bring it to the plan
	}
	// One transaction, so that a crash never leaves the role without its mark.
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, verb+" ROLE "+quoteIdent(name)+roleOptions(&plan)); err != nil {
			return err
		}
		if found {
			return nil
		}
		if _, err := tx.Exec(ctx, "COMMENT ON ROLE "+quoteIdent(name)+" IS "+quoteLiteral(want)); err != nil {
			return fmt.Errorf("marking it: %w", err)
		}
		return nil
	})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot "+map[bool]string{false: "create", true: "update"}[found]+" the role", err.Error())
		return
	}
	r.setState(ctx, conn, &plan, &resp.State, &resp.Diagnostics)
}

func (r *roleResource) setState(ctx context.Context, conn *pgx.Conn, m *roleModel, state interface {
	Set(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) {
	if _, _, err := readRole(ctx, conn, m.Name.ValueString(), m); err != nil {
		diags.AddError("Cannot read the role back", err.Error())
		return
	}
	diags.Append(state.Set(ctx, m)...)
}

func (r *roleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.client.connect(ctx, "")
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to PostgreSQL", err.Error())
		return
	}
	defer conn.Close(ctx)
	found, _, err := readRole(ctx, conn, state.Name.ValueString(), &state)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the role", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *roleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Password.IsUnknown() || plan.Password.IsNull() {
		// An imported role has no known password: generate one now.
		pw, err := generatePassword()
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("password"), "Cannot generate a password", err.Error())
			return
		}
		plan.Password = types.StringValue(pw)
	}
	conn, err := r.client.connect(ctx, "")
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to PostgreSQL", err.Error())
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ALTER ROLE "+quoteIdent(plan.Name.ValueString())+roleOptions(&plan)); err != nil {
		resp.Diagnostics.AddError("Cannot update the role", err.Error())
		return
	}
	r.setState(ctx, conn, &plan, &resp.State, &resp.Diagnostics)
}

func (r *roleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.client.connect(ctx, "")
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to PostgreSQL", err.Error())
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS "+quoteIdent(state.Name.ValueString())); err != nil {
		resp.Diagnostics.AddError("Cannot drop the role", err.Error()+" (a role that still owns objects or holds privileges cannot be dropped: destroy its grants and databases first)")
	}
}

func (r *roleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
