// Package s3 is the provisio/s3 OpenTofu provider: buckets and objects on any
// S3-compatible endpoint (AWS, moto, MinIO) through aws-sdk-go-v2, reached
// through named profiles of the shared AWS config files.
//
// Every bucket it creates carries a mark of its stack in a tag, and every
// object in its metadata (package mark); a create that finds its own mark
// adopts the bucket or object, so an apply retried after a crash converges.
package s3

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Address is the provider's source address, as the mirror and templates name it.
const Address = "registry.opentofu.org/provisio/s3"

// markTag is the bucket tag and markMetadata the object metadata key that
// hold the mark. Neither shows in the resources' tags or metadata.
const (
	markTag      = "provisio:mark"
	markMetadata = "provisio-mark"
)

// New returns the provider factory for providerserver.Serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &s3Provider{version: version} }
}

type s3Provider struct{ version string }

type providerModel struct {
	Profile        types.String `tfsdk:"profile"`
	Region         types.String `tfsdk:"region"`
	Endpoint       types.String `tfsdk:"endpoint"`
	AccessKey      types.String `tfsdk:"access_key"`
	SecretKey      types.String `tfsdk:"secret_key"`
	ForcePathStyle types.Bool   `tfsdk:"force_path_style"`
	Stack          types.String `tfsdk:"stack"`
}

// client is what the resources get.
type client struct {
	s3     *awss3.Client
	region string
	stack  string
	// regional returns a client for another region (bucket operations must
	// be sent to the bucket's region on AWS).
	regional func(region string) *awss3.Client
	// endpoint is the configured S3 endpoint URL ("" for AWS itself), and
	// pathStyle whether buckets are addressed as ENDPOINT/BUCKET.
	endpoint  string
	pathStyle bool
}

// objectURL is where an object is served: on the configured endpoint, path
// or virtual-hosted style as the client addresses it; on AWS, the bucket's
// regional virtual-hosted address. A public object (or a website bucket's
// index) is reachable there; a private one answers 403.
func (c *client) objectURL(bucket, region, key string) string {
	segments := strings.Split(key, "/")
	for i, segment := range segments {
		segments[i] = url.PathEscape(segment)
	}
	escapedKey := strings.Join(segments, "/")
	if c.endpoint == "" {
		if c.pathStyle {
			return fmt.Sprintf("https://s3.%s.amazonaws.com/%s/%s", region, bucket, escapedKey)
		}
		return fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", bucket, region, escapedKey)
	}
	base := strings.TrimRight(c.endpoint, "/")
	if c.pathStyle {
		return base + "/" + bucket + "/" + escapedKey
	}
	if parsed, err := url.Parse(base); err == nil && parsed.Host != "" {
		parsed.Host = bucket + "." + parsed.Host
		return strings.TrimRight(parsed.String(), "/") + "/" + escapedKey
	}
	return base + "/" + bucket + "/" + escapedKey
}

func (p *s3Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "s3"
	resp.Version = p.version
}

func (p *s3Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Buckets and objects on any S3-compatible endpoint. Credentials, region and endpoint come from a named profile of the shared AWS config files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), or from the attributes here, which win.",
		Attributes: map[string]schema.Attribute{
			"profile":          schema.StringAttribute{Optional: true, Description: "Named profile (default: AWS_PROFILE, else default)."},
			"region":           schema.StringAttribute{Optional: true, Description: "Default region for buckets (default: the profile's, else us-east-1)."},
			"endpoint":         schema.StringAttribute{Optional: true, Description: "S3 endpoint URL, for S3-compatible services (default: the profile's endpoint_url, else AWS)."},
			"access_key":       schema.StringAttribute{Optional: true, Description: "Access key id; with secret_key, overrides the profile's credentials."},
			"secret_key":       schema.StringAttribute{Optional: true, Sensitive: true, Description: "Secret access key."},
			"force_path_style": schema.BoolAttribute{Optional: true, Description: "Address buckets as ENDPOINT/BUCKET rather than BUCKET.ENDPOINT (default: true when endpoint is set)."},
			"stack":            schema.StringAttribute{Optional: true, Description: "The Provisio stack whose mark created buckets and objects carry."},
		},
	}
}

func (p *s3Provider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var opts []func(*config.LoadOptions) error
	if !m.Profile.IsNull() {
		opts = append(opts, config.WithSharedConfigProfile(m.Profile.ValueString()))
	}
	if !m.Region.IsNull() {
		opts = append(opts, config.WithRegion(m.Region.ValueString()))
	}
	if !m.AccessKey.IsNull() && !m.SecretKey.IsNull() {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(m.AccessKey.ValueString(), m.SecretKey.ValueString(), "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot load the AWS configuration", fmt.Sprintf("profile %q: %v", m.Profile.ValueString(), err))
		return
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	pathStyle := !m.Endpoint.IsNull() || cfg.BaseEndpoint != nil
	if !m.ForcePathStyle.IsNull() {
		pathStyle = m.ForcePathStyle.ValueBool()
	}
	newClient := func(region string) *awss3.Client {
		return awss3.NewFromConfig(cfg, func(o *awss3.Options) {
			o.Region = region
			o.UsePathStyle = pathStyle
			// S3-compatible servers often send no checksum; the SDK would log
			// that on every GetObject, into the provider's output.
			o.DisableLogOutputChecksumValidationSkipped = true
			if !m.Endpoint.IsNull() {
				o.BaseEndpoint = aws.String(m.Endpoint.ValueString())
			}
		})
	}
	endpoint := ""
	if cfg.BaseEndpoint != nil {
		endpoint = *cfg.BaseEndpoint
	}
	if !m.Endpoint.IsNull() {
		endpoint = m.Endpoint.ValueString()
	}
	c := &client{s3: newClient(cfg.Region), region: cfg.Region, stack: m.Stack.ValueString(), regional: newClient,
		endpoint: endpoint, pathStyle: pathStyle}
	resp.ResourceData = c
	resp.DataSourceData = c
}

func (p *s3Provider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{newBucketResource, newObjectResource}
}

func (p *s3Provider) DataSources(_ context.Context) []func() datasource.DataSource { return nil }

func configureClient(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *client {
	if req.ProviderData == nil {
		return nil
	}
	c, ok := req.ProviderData.(*client)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("expected *client, got %T", req.ProviderData))
		return nil
	}
	return c
}
