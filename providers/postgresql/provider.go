// Package postgresql is the provisio/postgresql OpenTofu provider: databases,
// roles, schemas and grants on any PostgreSQL server, through pgx.
//
// Every database, role and schema it creates carries a mark of its stack in
// its COMMENT (package mark); a create that finds its own mark adopts the
// object, so an apply retried after a crash converges.
package postgresql

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/jackc/pgx/v5"
)

// Address is the provider's source address, as the mirror and templates name it.
const Address = "registry.opentofu.org/provisio/postgresql"

// New returns the provider factory for providerserver.Serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &postgresqlProvider{version: version} }
}

type postgresqlProvider struct{ version string }

type providerModel struct {
	Host     types.String `tfsdk:"host"`
	Port     types.Int64  `tfsdk:"port"`
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
	Database types.String `tfsdk:"database"`
	SSLMode  types.String `tfsdk:"sslmode"`
	Stack    types.String `tfsdk:"stack"`
}

// client is what the resources get: how to connect, and the stack for marks.
type client struct {
	base  url.URL
	stack string
}

// connect opens a connection to database (the provider's database when empty).
// Each operation opens its own: a provider process lives for one tofu command.
func (c *client) connect(ctx context.Context, database string) (*pgx.Conn, error) {
	u := c.base
	if database != "" {
		u.Path = "/" + database
	}
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL at %s as %s: %w", u.Host, u.User.Username(), err)
	}
	return conn, nil
}

func (p *postgresqlProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "postgresql"
	resp.Version = p.version
}

func (p *postgresqlProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Databases, roles, schemas and grants on a PostgreSQL server. Unset connection settings fall back to libpq's PG* environment variables.",
		Attributes: map[string]schema.Attribute{
			"host":     schema.StringAttribute{Optional: true, Description: "Server host (default: PGHOST, else localhost)."},
			"port":     schema.Int64Attribute{Optional: true, Description: "Server port (default: PGPORT, else 5432)."},
			"username": schema.StringAttribute{Optional: true, Description: "Role to connect as (default: PGUSER)."},
			"password": schema.StringAttribute{Optional: true, Sensitive: true, Description: "Password (default: PGPASSWORD)."},
			"database": schema.StringAttribute{Optional: true, Description: "Database to connect to for server-wide statements (default: postgres)."},
			"sslmode":  schema.StringAttribute{Optional: true, Description: "libpq sslmode (default: prefer)."},
			"stack":    schema.StringAttribute{Optional: true, Description: "The Provisio stack whose mark created objects carry; a create adopts an existing object only when it carries this stack's mark."},
		},
	}
}

func (p *postgresqlProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	u := url.URL{Scheme: "postgres", Path: "/postgres"}
	host := m.Host.ValueString()
	if !m.Port.IsNull() {
		if m.Port.ValueInt64() < 1 || m.Port.ValueInt64() > 65535 {
			resp.Diagnostics.AddAttributeError(path.Root("port"), "Invalid port", fmt.Sprintf("port must be between 1 and 65535, not %d.", m.Port.ValueInt64()))
			return
		}
		host += ":" + strconv.FormatInt(m.Port.ValueInt64(), 10)
	}
	u.Host = host
	if !m.Username.IsNull() {
		if !m.Password.IsNull() {
			u.User = url.UserPassword(m.Username.ValueString(), m.Password.ValueString())
		} else {
			u.User = url.User(m.Username.ValueString())
		}
	}
	if !m.Database.IsNull() {
		u.Path = "/" + m.Database.ValueString()
	}
	if !m.SSLMode.IsNull() {
		u.RawQuery = url.Values{"sslmode": {m.SSLMode.ValueString()}}.Encode()
	}
	c := &client{base: u, stack: m.Stack.ValueString()}
	resp.ResourceData = c
	resp.DataSourceData = c
}

func (p *postgresqlProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{newDatabaseResource, newRoleResource, newSchemaResource, newGrantResource}
}

func (p *postgresqlProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}

// configureClient is every resource's Configure: it takes the provider's client.
func configureClient(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *client {
	if req.ProviderData == nil {
		return nil // validation runs before the provider is configured
	}
	c, ok := req.ProviderData.(*client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("expected *client, got %T", req.ProviderData))
		return nil
	}
	return c
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(name string) string { return pgx.Identifier{name}.Sanitize() }

// quoteLiteral quotes a PostgreSQL string literal (standard_conforming_strings on).
func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
