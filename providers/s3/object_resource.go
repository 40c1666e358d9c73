package s3

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"provisio.dev/providers/internal/mark"
)

// objectResource is s3_object: an object with text content. Its mark
// is the object metadata x-amz-meta-provisio-mark. Read fetches the content,
// so an object changed out of band shows as drift. Import ID: BUCKET/KEY.
type objectResource struct{ client *client }

type objectModel struct {
	ID          types.String `tfsdk:"id"`
	Bucket      types.String `tfsdk:"bucket"`
	Key         types.String `tfsdk:"key"`
	Content     types.String `tfsdk:"content"`
	ContentType types.String `tfsdk:"content_type"`
	ETag        types.String `tfsdk:"etag"`
	URL         types.String `tfsdk:"url"`
}

func newObjectResource() resource.Resource { return &objectResource{} }

func (r *objectResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (r *objectResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An object in an S3 bucket, with text content.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "BUCKET/KEY.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"bucket": schema.StringAttribute{Required: true, Description: "The bucket.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"key": schema.StringAttribute{Required: true, Description: "The object's key.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"content": schema.StringAttribute{Required: true, Description: "The object's content (text)."},
			"content_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("binary/octet-stream"),
				Description: "The Content-Type it is served with."},
			"etag": schema.StringAttribute{Computed: true, Description: "The entity tag S3 gives the content (unquoted).",
				PlanModifiers: []planmodifier.String{etagModifier{}}},
			"url": schema.StringAttribute{Computed: true, Description: "Where the object is served (on the endpoint, or the bucket's regional AWS address); a website bucket's index is read there.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
	}
}

// etagModifier keeps the known etag unless content or content_type change.
type etagModifier struct{}

func (etagModifier) Description(context.Context) string {
	return "Unknown when the content or content type changes; otherwise the state's."
}
func (m etagModifier) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }
func (etagModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state objectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Content.Equal(state.Content) && plan.ContentType.Equal(state.ContentType) {
		resp.PlanValue = req.StateValue
	}
}

func (r *objectResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req, resp)
}

// bucketClient returns a client for the bucket's region.
func (r *objectResource) bucketClient(ctx context.Context, bucket string) (*awss3.Client, bool, error) {
	region, found, err := (&bucketResource{client: r.client}).bucketRegion(ctx, bucket)
	if err != nil || !found {
		return nil, found, err
	}
	return r.client.regional(region), true, nil
}

// read fills m from the object; found is false when it (or its bucket) is gone.
func (r *objectResource) read(ctx context.Context, s3c *awss3.Client, m *objectModel) (found bool, markValue string, err error) {
	out, err := s3c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(m.Bucket.ValueString()), Key: aws.String(m.Key.ValueString())})
	if err != nil {
		if httpStatus(err) == 404 {
			return false, "", nil
		}
		return false, "", err
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return true, "", err
	}
	m.ID = types.StringValue(m.Bucket.ValueString() + "/" + m.Key.ValueString())
	m.Content = types.StringValue(string(body))
	m.ContentType = types.StringValue(aws.ToString(out.ContentType))
	m.ETag = types.StringValue(strings.Trim(aws.ToString(out.ETag), `"`))
	m.URL = types.StringValue(r.client.objectURL(m.Bucket.ValueString(), s3c.Options().Region, m.Key.ValueString()))
	return true, out.Metadata[markMetadata], nil
}

func (r *objectResource) put(ctx context.Context, s3c *awss3.Client, m *objectModel) error {
	_, err := s3c.PutObject(ctx, &awss3.PutObjectInput{
		Bucket:      aws.String(m.Bucket.ValueString()),
		Key:         aws.String(m.Key.ValueString()),
		Body:        strings.NewReader(m.Content.ValueString()),
		ContentType: aws.String(m.ContentType.ValueString()),
		Metadata:    map[string]string{markMetadata: r.markFor(m)},
	})
	return err
}

func (r *objectResource) markFor(m *objectModel) string {
	return mark.For(r.client.stack, "s3_object", m.Bucket.ValueString()+"/"+m.Key.ValueString())
}

func (r *objectResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan objectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s3c, found, err := r.bucketClient(ctx, plan.Bucket.ValueString())
	if err != nil || !found {
		msg := fmt.Sprintf("bucket %q does not exist", plan.Bucket.ValueString())
		if err != nil {
			msg = err.Error()
		}
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot reach the bucket", msg)
		return
	}
	existing := plan
	exists, have, err := r.read(ctx, s3c, &existing)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("key"), "Cannot look up the object", err.Error())
		return
	}
	if exists && have != r.markFor(&plan) {
		resp.Diagnostics.AddAttributeError(path.Root("key"), "Object already exists",
			fmt.Sprintf("An object %q exists in bucket %q and is not this stack's: %s. Import it, or choose another key.",
				plan.Key.ValueString(), plan.Bucket.ValueString(), mark.Describe(have)))
		return
	}
	// Absent, or this stack's (adopted): write the planned content either way.
	if err := r.put(ctx, s3c, &plan); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("content"), "Cannot write the object", err.Error())
		return
	}
	if _, _, err := r.read(ctx, s3c, &plan); err != nil {
		resp.Diagnostics.AddError("Cannot read the object back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *objectResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state objectModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s3c, found, err := r.bucketClient(ctx, state.Bucket.ValueString())
	if err == nil && found {
		found, _, err = r.read(ctx, s3c, &state)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the object", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *objectResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan objectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s3c, found, err := r.bucketClient(ctx, plan.Bucket.ValueString())
	if err != nil || !found {
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot reach the bucket", fmt.Sprintf("bucket %q: found=%v err=%v", plan.Bucket.ValueString(), found, err))
		return
	}
	if err := r.put(ctx, s3c, &plan); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("content"), "Cannot write the object", err.Error())
		return
	}
	if _, _, err := r.read(ctx, s3c, &plan); err != nil {
		resp.Diagnostics.AddError("Cannot read the object back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *objectResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state objectModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s3c, found, err := r.bucketClient(ctx, state.Bucket.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot reach the bucket", err.Error())
		return
	}
	if !found {
		return // gone with its bucket
	}
	if _, err := s3c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(state.Bucket.ValueString()), Key: aws.String(state.Key.ValueString())}); err != nil {
		resp.Diagnostics.AddError("Cannot delete the object", err.Error())
	}
}

func (r *objectResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, key, ok := strings.Cut(req.ID, "/")
	if !ok || bucket == "" || key == "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("expected BUCKET/KEY, got %q", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), key)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
