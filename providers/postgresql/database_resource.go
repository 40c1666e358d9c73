package postgresql

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/jackc/pgx/v5"

	"provisio.dev/providers/internal/mark"
)

// databaseResource is postgresql_database: a database with its owner,
// encoding and connection limit. Its mark is the database's COMMENT.
type databaseResource struct{ client *client }

type databaseModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Owner           types.String `tfsdk:"owner"`
	Encoding        types.String `tfsdk:"encoding"`
	ConnectionLimit types.Int64  `tfsdk:"connection_limit"`
}

func newDatabaseResource() resource.Resource { return &databaseResource{} }

func (r *databaseResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_database"
}

func (r *databaseResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A PostgreSQL database. Destroying it drops it, terminating its connections.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "The database name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, Description: "Database name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"owner": schema.StringAttribute{Optional: true, Computed: true, Description: "Owning role (default: the connecting role).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"encoding": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("UTF8"),
				Description:   "Character encoding; changing it replaces the database.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"connection_limit": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(-1),
				Description: "Maximum concurrent connections; -1 is no limit."},
		},
	}
}

func (r *databaseResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req, resp)
}

// readDatabase fills m from the server; found is false when it does not exist.
func readDatabase(ctx context.Context, conn *pgx.Conn, name string, m *databaseModel) (found bool, comment string, err error) {
	var owner, encoding string
	var limit int64
	err = conn.QueryRow(ctx, `
		SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datconnlimit,
		       coalesce(shobj_description(d.oid, 'pg_database'), '')
		FROM pg_database d WHERE d.datname = $1`, name).Scan(&owner, &encoding, &limit, &comment)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	m.ID = types.StringValue(name)
	m.Name = types.StringValue(name)
	m.Owner = types.StringValue(owner)
	m.Encoding = types.StringValue(encoding)
	m.ConnectionLimit = types.Int64Value(limit)
	return true, comment, nil
}

func (r *databaseResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan databaseModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.client.connect(ctx, "")
	if err != nil {
		resp.Diagnostics.AddError("Cannot connect to PostgreSQL", err.Error())
		return
	}
	defer conn.Close(ctx)

	name := plan.Name.ValueString()
	want := mark.For(r.client.stack, "postgresql_database", name)
	var existing databaseModel
	found, comment, err := readDatabase(ctx, conn, name, &existing)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot look up the database", err.Error())
		return
	}
	if found && comment != want {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Database already exists",
			fmt.Sprintf("A database named %q exists and is not this stack's: %s. Import it, or choose another name.", name, mark.Describe(comment)))
		return
	}
	if found {
		// Adopted: bring what an earlier attempt made to the plan.
		if err := alterDatabase(ctx, conn, &existing, &plan); err != nil {
			resp.Diagnostics.AddError("Cannot update the adopted database", err.Error())
			return
		}
	} else {
		leftover, err := createMarkedDatabase(ctx, conn, &plan, want)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot create the database", err.Error())
			return
		}
		if leftover {
			resp.Diagnostics.AddWarning("Replaced an interrupted create's database",
				fmt.Sprintf("An earlier attempt to create database %q was interrupted before it was renamed into place; its unfinished copy %q was dropped and the database created again.", name, pendingDatabaseName(want)))
		}
	}
	var state databaseModel
	if _, _, err := readDatabase(ctx, conn, name, &state); err != nil {
		resp.Diagnostics.AddError("Cannot read the database back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// pendingDatabaseName is the name a database is created under before it is
// marked and renamed into place. It is derived from the mark, so it belongs to
// exactly one stack's database and a retried create finds what an interrupted
// one left.
func pendingDatabaseName(want string) string {
	sum := sha256.Sum256([]byte(want))
	return "provisio_pending_" + hex.EncodeToString(sum[:8])
}

// createMarkedDatabase creates the planned database so that it never exists
// under its own name without its mark. CREATE DATABASE cannot run inside a
// transaction, so the create and the COMMENT cannot be made atomic; instead
// the database is created and marked under its pending name, then renamed,
// and the rename is atomic. A crash before the rename leaves only the pending
// database, which nobody has used: the next attempt drops it (leftover is then
// true) and starts again.
func createMarkedDatabase(ctx context.Context, conn *pgx.Conn, plan *databaseModel, want string) (leftover bool, err error) {
	pending := pendingDatabaseName(want)
	var unused databaseModel
	if leftover, _, err = readDatabase(ctx, conn, pending, &unused); err != nil {
		return false, err
	}
	if leftover {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+quoteIdent(pending)+" WITH (FORCE)"); err != nil {
			return true, fmt.Errorf("dropping the interrupted create's %s: %w", pending, err)
		}
	}
	stmt := "CREATE DATABASE " + quoteIdent(pending) + " TEMPLATE template0 ENCODING " + quoteLiteral(plan.Encoding.ValueString()) +
		" CONNECTION LIMIT " + fmt.Sprint(plan.ConnectionLimit.ValueInt64())
	if !plan.Owner.IsUnknown() && !plan.Owner.IsNull() {
		stmt += " OWNER " + quoteIdent(plan.Owner.ValueString())
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return leftover, err
	}
	if _, err := conn.Exec(ctx, "COMMENT ON DATABASE "+quoteIdent(pending)+" IS "+quoteLiteral(want)); err != nil {
		return leftover, fmt.Errorf("marking it: %w", err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+quoteIdent(pending)+" RENAME TO "+quoteIdent(plan.Name.ValueString())); err != nil {
		return leftover, fmt.Errorf("renaming it into place: %w", err)
	}
	return leftover, nil
}

// alterDatabase changes owner and connection limit from have to want.
func alterDatabase(ctx context.Context, conn *pgx.Conn, have, want *databaseModel) error {
	name := quoteIdent(want.Name.ValueString())
	if !want.Owner.IsUnknown() && !want.Owner.IsNull() && want.Owner.ValueString() != have.Owner.ValueString() {
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" OWNER TO "+quoteIdent(want.Owner.ValueString())); err != nil {
			return fmt.Errorf("owner: %w", err)
		}
	}
	if want.ConnectionLimit.ValueInt64() != have.ConnectionLimit.ValueInt64() {
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s CONNECTION LIMIT %d", name, want.ConnectionLimit.ValueInt64())); err != nil {
			return fmt.Errorf("connection_limit: %w", err)
		}
	}
	return nil
}

func (r *databaseResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state databaseModel
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
	found, _, err := readDatabase(ctx, conn, state.Name.ValueString(), &state)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the database", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx) // drift: dropped out of band
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *databaseResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state databaseModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
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
	if err := alterDatabase(ctx, conn, &state, &plan); err != nil {
		resp.Diagnostics.AddError("Cannot update the database", err.Error())
		return
	}
	if _, _, err := readDatabase(ctx, conn, plan.Name.ValueString(), &state); err != nil {
		resp.Diagnostics.AddError("Cannot read the database back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *databaseResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state databaseModel
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
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(state.Name.ValueString())+" WITH (FORCE)"); err != nil {
		resp.Diagnostics.AddError("Cannot drop the database", err.Error())
	}
}

func (r *databaseResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
