package postgresql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/jackc/pgx/v5"

	"provisio.dev/providers/internal/mark"
)

// schemaResource is postgresql_schema: a schema in a database, with
// its owner. Its mark is the schema's COMMENT. Import ID: DATABASE.SCHEMA.
type schemaResource struct{ client *client }

type schemaModel struct {
	ID       types.String `tfsdk:"id"`
	Database types.String `tfsdk:"database"`
	Name     types.String `tfsdk:"name"`
	Owner    types.String `tfsdk:"owner"`
}

func newSchemaResource() resource.Resource { return &schemaResource{} }

func (r *schemaResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_schema"
}

func (r *schemaResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A schema in a PostgreSQL database. Destroying it drops it with everything in it (CASCADE).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "DATABASE.SCHEMA.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"database": schema.StringAttribute{Required: true, Description: "The database the schema is in.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"name": schema.StringAttribute{Required: true, Description: "Schema name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"owner": schema.StringAttribute{Optional: true, Computed: true, Description: "Owning role (default: the connecting role).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
	}
}

func (r *schemaResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req, resp)
}

func readSchema(ctx context.Context, conn *pgx.Conn, database, name string, m *schemaModel) (found bool, comment string, err error) {
	var owner string
	err = conn.QueryRow(ctx, `
		SELECT pg_get_userbyid(n.nspowner), coalesce(obj_description(n.oid, 'pg_namespace'), '')
		FROM pg_namespace n WHERE n.nspname = $1`, name).Scan(&owner, &comment)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	m.ID = types.StringValue(database + "." + name)
	m.Database = types.StringValue(database)
	m.Name = types.StringValue(name)
	m.Owner = types.StringValue(owner)
	return true, comment, nil
}

func (r *schemaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan schemaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	database, name := plan.Database.ValueString(), plan.Name.ValueString()
	conn, err := r.client.connect(ctx, database)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("database"), "Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	want := mark.For(r.client.stack, "postgresql_schema", database+"."+name)
	var existing schemaModel
	found, comment, err := readSchema(ctx, conn, database, name, &existing)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot look up the schema", err.Error())
		return
	}
	if found && comment != want {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Schema already exists",
			fmt.Sprintf("A schema named %q exists in database %q and is not this stack's: %s. Import it, or choose another name.", name, database, mark.Describe(comment)))
		return
	}
	if !found {
		stmt := "CREATE SCHEMA " + quoteIdent(name)
		if !plan.Owner.IsUnknown() && !plan.Owner.IsNull() {
			stmt += " AUTHORIZATION " + quoteIdent(plan.Owner.ValueString())
		}
		// One transaction, so that a crash never leaves the schema without its mark.
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "COMMENT ON SCHEMA "+quoteIdent(name)+" IS "+quoteLiteral(want)); err != nil {
				return fmt.Errorf("marking it: %w", err)
			}
			return nil
		})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Cannot create the schema", err.Error())
			return
		}
	} else if !plan.Owner.IsUnknown() && !plan.Owner.IsNull() && plan.Owner.ValueString() != existing.Owner.ValueString() {
		if _, err := conn.Exec(ctx, "ALTER SCHEMA "+quoteIdent(name)+" OWNER TO "+quoteIdent(plan.Owner.ValueString())); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("owner"), "Cannot change the adopted schema's owner", err.Error())
			return
		}
	}
	var state schemaModel
	if _, _, err := readSchema(ctx, conn, database, name, &state); err != nil {
		resp.Diagnostics.AddError("Cannot read the schema back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *schemaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state schemaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.client.connect(ctx, state.Database.ValueString())
	if err != nil {
		// The database itself is gone: so is the schema.
		if strings.Contains(err.Error(), "does not exist") {
			resp.State.RemoveResource(ctx)
			return
		}
		resp.Diagnostics.AddError("Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	found, _, err := readSchema(ctx, conn, state.Database.ValueString(), state.Name.ValueString(), &state)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the schema", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *schemaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan schemaModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.client.connect(ctx, plan.Database.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("database"), "Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	if !plan.Owner.IsUnknown() && !plan.Owner.IsNull() {
		if _, err := conn.Exec(ctx, "ALTER SCHEMA "+quoteIdent(plan.Name.ValueString())+" OWNER TO "+quoteIdent(plan.Owner.ValueString())); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("owner"), "Cannot change the schema's owner", err.Error())
			return
		}
	}
	var state schemaModel
	if _, _, err := readSchema(ctx, conn, plan.Database.ValueString(), plan.Name.ValueString(), &state); err != nil {
		resp.Diagnostics.AddError("Cannot read the schema back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *schemaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state schemaModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := r.client.connect(ctx, state.Database.ValueString())
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return // dropped with its database
		}
		resp.Diagnostics.AddError("Cannot connect to the database", err.Error())
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+quoteIdent(state.Name.ValueString())+" CASCADE"); err != nil {
		resp.Diagnostics.AddError("Cannot drop the schema", err.Error())
	}
}

func (r *schemaResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	database, name, ok := strings.Cut(req.ID, ".")
	if !ok || database == "" || name == "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("expected DATABASE.SCHEMA, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("database"), database)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
