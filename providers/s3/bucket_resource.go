package s3

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"provisio.dev/providers/internal/mark"
)

// bucketResource is s3_bucket: a bucket with its region, tags,
// versioning and website configuration. Its mark is the tag provisio:mark.
type bucketResource struct{ client *client }

type bucketModel struct {
	ID           types.String  `tfsdk:"id"`
	Bucket       types.String  `tfsdk:"bucket"`
	Region       types.String  `tfsdk:"region"`
	ARN          types.String  `tfsdk:"arn"`
	Tags         types.Map     `tfsdk:"tags"`
	Versioning   types.Bool    `tfsdk:"versioning"`
	Website      *websiteModel `tfsdk:"website"`
	PublicRead   types.Bool    `tfsdk:"public_read"`
	ForceDestroy types.Bool    `tfsdk:"force_destroy"`
}

// publicReadSid names the bucket policy statement public_read puts: the
// provider recognises its own and leaves other policies alone.
const publicReadSid = "ProvisioPublicRead"

type websiteModel struct {
	IndexDocument types.String `tfsdk:"index_document"`
	ErrorDocument types.String `tfsdk:"error_document"`
}

func newBucketResource() resource.Resource { return &bucketResource{} }

func (r *bucketResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket"
}

func (r *bucketResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An S3 bucket.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "The bucket name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"bucket": schema.StringAttribute{Required: true, Description: "Bucket name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"region": schema.StringAttribute{Optional: true, Computed: true, Description: "Region (default: the provider's).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown()}},
			"arn": schema.StringAttribute{Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType, Description: "Tags (the provisio:mark tag is kept apart)."},
			"versioning": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Whether object versioning is enabled (turning it off suspends it)."},
			"website": schema.SingleNestedAttribute{Optional: true, Description: "Static website hosting.",
				Attributes: map[string]schema.Attribute{
					"index_document": schema.StringAttribute{Required: true, Description: "Key suffix served for directory requests, such as index.html."},
					"error_document": schema.StringAttribute{Optional: true, Description: "Key served for 4XX errors."},
				}},
			"public_read": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Whether anyone may read its objects (a website's pages): a bucket policy allowing s3:GetObject to everyone, with the public access block lifted. Turning it off removes that policy and blocks public access again."},
			"force_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Whether destroying the bucket first deletes every object (and version) in it."},
		},
	}
}

func (r *bucketResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req, resp)
}

// httpStatus is the HTTP status of an S3 error, or 0.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// bucketRegion asks where the bucket is; found is false when it does not exist.
func (r *bucketResource) bucketRegion(ctx context.Context, bucket string) (region string, found bool, err error) {
	_, err = r.client.s3.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err != nil && httpStatus(err) == 404 {
		return "", false, nil
	}
	if err != nil && httpStatus(err) != 301 {
		return "", false, err
	}
	loc, err := r.client.s3.GetBucketLocation(ctx, &awss3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", false, err
	}
	region = string(loc.LocationConstraint)
	if region == "" {
		region = "us-east-1"
	}
	return region, true, nil
}

// bucketTags returns the bucket's tags, the mark apart.
func bucketTags(ctx context.Context, s3c *awss3.Client, bucket string) (tags map[string]string, found string, err error) {
	out, err := s3c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	if err != nil {
		if code := errorCode(err); code == "NoSuchTagSet" || code == "NoSuchTagSetError" {
			return map[string]string{}, "", nil
		}
		return nil, "", err
	}
	tags = map[string]string{}
	for _, t := range out.TagSet {
		if aws.ToString(t.Key) == markTag {
			found = aws.ToString(t.Value)
			continue
		}
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, found, nil
}

// leftoverWindow bounds how old an unmarked bucket may be for a create to
// take it as its own leftover (interruptedCreateLeftover). A retry after a
// crash comes within seconds or minutes; an older unmarked bucket is someone
// else's, or needs a person to decide.
const leftoverWindow = 15 * time.Minute

// interruptedCreateLeftover reports whether an existing bucket without this
// stack's mark is what an interrupted create of the same resource left.
// Create makes the bucket, then tags it with the mark: a process killed
// between the two leaves a bucket that carries no tag at all. That bucket is
// taken as the resource's own only when nothing can have been put in it
// since: no mark and no tag at all (found is the mark it carries), no object
// or version, and created less than leftoverWindow before now. found and
// tags are the bucket's mark and other tags, as bucketTags read them. why
// says so, for the warning.
func interruptedCreateLeftover(ctx context.Context, s3c *awss3.Client, bucket, found string, tags map[string]string, now time.Time) (leftover bool, why string, err error) {
	if found != "" || len(tags) > 0 {
		return false, "", nil // another mark, or tags written on purpose
	}
	objects, err := s3c.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	if err != nil {
		return false, "", err
	}
	if len(objects.Versions) > 0 || len(objects.DeleteMarkers) > 0 {
		return false, "", nil
	}
	created, err := bucketCreationDate(ctx, s3c, bucket)
	if err != nil || created.IsZero() {
		return false, "", err
	}
	age := now.Sub(created)
	if age > leftoverWindow {
		return false, "", nil
	}
	return true, fmt.Sprintf("it has no tag and no object, and was created %s ago", age.Round(time.Second)), nil
}

// bucketCreationDate returns when bucket was created, from ListBuckets (the
// zero time when the listing does not hold it).
func bucketCreationDate(ctx context.Context, s3c *awss3.Client, bucket string) (time.Time, error) {
	in := &awss3.ListBucketsInput{Prefix: aws.String(bucket)}
	for {
		out, err := s3c.ListBuckets(ctx, in)
		if err != nil {
			return time.Time{}, err
		}
		for _, b := range out.Buckets {
			if aws.ToString(b.Name) == bucket {
				return aws.ToTime(b.CreationDate), nil
			}
		}
		if aws.ToString(out.ContinuationToken) == "" {
			return time.Time{}, nil
		}
		in.ContinuationToken = out.ContinuationToken
	}
}

// read fills m from the bucket; found is false when it does not exist.
func (r *bucketResource) read(ctx context.Context, m *bucketModel) (found bool, err error) {
	bucket := m.Bucket.ValueString()
	region, found, err := r.bucketRegion(ctx, bucket)
	if err != nil || !found {
		return found, err
	}
	s3c := r.client.regional(region)
	tags, _, err := bucketTags(ctx, s3c, bucket)
	if err != nil {
		return true, fmt.Errorf("tags: %w", err)
	}
	ver, err := s3c.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		return true, fmt.Errorf("versioning: %w", err)
	}
	var website *websiteModel
	web, err := s3c.GetBucketWebsite(ctx, &awss3.GetBucketWebsiteInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		website = &websiteModel{ErrorDocument: types.StringNull()}
		if web.IndexDocument != nil {
			website.IndexDocument = types.StringValue(aws.ToString(web.IndexDocument.Suffix))
		}
		if web.ErrorDocument != nil {
			website.ErrorDocument = types.StringValue(aws.ToString(web.ErrorDocument.Key))
		}
	case errorCode(err) == "NoSuchWebsiteConfiguration" || httpStatus(err) == 404:
	default:
		return true, fmt.Errorf("website: %w", err)
	}
	public, err := hasPublicReadPolicy(ctx, s3c, bucket)
	if err != nil {
		return true, fmt.Errorf("public_read: %w", err)
	}
	m.PublicRead = types.BoolValue(public)
	m.ID = types.StringValue(bucket)
	m.Region = types.StringValue(region)
	m.ARN = types.StringValue("arn:aws:s3:::" + bucket)
	m.Versioning = types.BoolValue(ver.Status == s3types.BucketVersioningStatusEnabled)
	m.Website = website
	if len(tags) == 0 && m.Tags.IsNull() {
		// null and empty mean the same: keep what the configuration said
	} else {
		tm, diags := types.MapValueFrom(ctx, types.StringType, tags)
		if diags.HasError() {
			return true, fmt.Errorf("tags: %v", diags)
		}
		m.Tags = tm
	}
	if m.ForceDestroy.IsNull() || m.ForceDestroy.IsUnknown() {
		m.ForceDestroy = types.BoolValue(false)
	}
	return true, nil
}

// configure brings tags, versioning and website from have to want.
func (r *bucketResource) configure(ctx context.Context, s3c *awss3.Client, want *bucketModel, wasVersioned bool, markValue string) error {
	bucket := aws.String(want.Bucket.ValueString())
	tags := map[string]string{}
	if !want.Tags.IsNull() {
		if diags := want.Tags.ElementsAs(ctx, &tags, false); diags.HasError() {
			return fmt.Errorf("tags: %v", diags)
		}
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tagSet := []s3types.Tag{{Key: aws.String(markTag), Value: aws.String(markValue)}}
	for _, k := range keys {
		tagSet = append(tagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	if _, err := s3c.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: bucket, Tagging: &s3types.Tagging{TagSet: tagSet}}); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	if want.Versioning.ValueBool() || wasVersioned {
		status := s3types.BucketVersioningStatusSuspended
		if want.Versioning.ValueBool() {
			status = s3types.BucketVersioningStatusEnabled
		}
		if _, err := s3c.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: bucket,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: status}}); err != nil {
			return fmt.Errorf("versioning: %w", err)
		}
	}
	if want.Website != nil {
		cfg := &s3types.WebsiteConfiguration{IndexDocument: &s3types.IndexDocument{Suffix: aws.String(want.Website.IndexDocument.ValueString())}}
		if !want.Website.ErrorDocument.IsNull() {
			cfg.ErrorDocument = &s3types.ErrorDocument{Key: aws.String(want.Website.ErrorDocument.ValueString())}
		}
		if _, err := s3c.PutBucketWebsite(ctx, &awss3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: cfg}); err != nil {
			return fmt.Errorf("website: %w", err)
		}
	} else if _, err := s3c.DeleteBucketWebsite(ctx, &awss3.DeleteBucketWebsiteInput{Bucket: bucket}); err != nil {
		return fmt.Errorf("website: %w", err)
	}
	if err := setPublicRead(ctx, s3c, want.Bucket.ValueString(), want.PublicRead.ValueBool()); err != nil {
		return fmt.Errorf("public_read: %w", err)
	}
	return nil
}

// hasPublicReadPolicy is whether the bucket's policy is the one public_read
// puts.
func hasPublicReadPolicy(ctx context.Context, s3c *awss3.Client, bucket string) (bool, error) {
	out, err := s3c.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		if errorCode(err) == "NoSuchBucketPolicy" || httpStatus(err) == 404 {
			return false, nil
		}
		return false, err
	}
	return strings.Contains(aws.ToString(out.Policy), `"`+publicReadSid+`"`), nil
}

// setPublicRead puts or removes the public-read policy. AWS blocks public
// policies on new buckets, so the block is lifted first, and put back when
// the policy goes.
func setPublicRead(ctx context.Context, s3c *awss3.Client, bucket string, public bool) error {
	has, err := hasPublicReadPolicy(ctx, s3c, bucket)
	if err != nil || has == public {
		return err
	}
	block := func(on bool) error {
		_, err := s3c.PutPublicAccessBlock(ctx, &awss3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(on), IgnorePublicAcls: aws.Bool(on),
				BlockPublicPolicy: aws.Bool(on), RestrictPublicBuckets: aws.Bool(on)}})
		return err
	}
	if !public {
		if _, err := s3c.DeleteBucketPolicy(ctx, &awss3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
			return err
		}
		return block(true)
	}
	if err := block(false); err != nil {
		return err
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":%q,"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`,
		publicReadSid, bucket)
	_, err = s3c.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
	return err
}

func (r *bucketResource) markFor(bucket string) string {
	return mark.For(r.client.stack, "s3_bucket", bucket)
}

func (r *bucketResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bucketModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket := plan.Bucket.ValueString()
	region := r.client.region
	if !plan.Region.IsUnknown() && !plan.Region.IsNull() {
		region = plan.Region.ValueString()
	}
	want := r.markFor(bucket)
	existingRegion, found, err := r.bucketRegion(ctx, bucket)
	if err != nil && httpStatus(err) == 403 {
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Bucket already exists",
			fmt.Sprintf("A bucket named %q exists and belongs to another account. Choose another name.", bucket))
		return
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot look up the bucket", err.Error())
		return
	}
	s3c := r.client.regional(region)
	wasVersioned := false
	if found {
		tags, have, err := bucketTags(ctx, r.client.regional(existingRegion), bucket)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot read the existing bucket's tags", err.Error())
			return
		}
		if have != want {
			leftover, why, err := interruptedCreateLeftover(ctx, r.client.regional(existingRegion), bucket, have, tags, time.Now())
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot inspect the existing bucket", err.Error())
				return
			}
			if !leftover {
				resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Bucket already exists",
					fmt.Sprintf("A bucket named %q exists and is not this stack's: %s. Import it, or choose another name.", bucket, mark.Describe(have)))
				return
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("bucket"), "Adopted an unmarked bucket",
				fmt.Sprintf("Bucket %q carried no mark but %s: taken to be what an interrupted create of this resource left, and marked as this stack's.", bucket, why))
		}
		if existingRegion != region {
			resp.Diagnostics.AddAttributeError(path.Root("region"), "Adopted bucket is in another region",
				fmt.Sprintf("This stack's bucket %q is in %s, not %s.", bucket, existingRegion, region))
			return
		}
		// Adopting: versioning is left alone unless it was turned on.
		ver, err := s3c.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("versioning"), "Cannot read the existing bucket's versioning", err.Error())
			return
		}
		wasVersioned = ver.Status != ""
	} else {
		in := &awss3.CreateBucketInput{Bucket: aws.String(bucket)}
		if region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
		}
		if _, err := s3c.CreateBucket(ctx, in); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot create the bucket", err.Error())
			return
		}
	}
	// Tags (with the mark) go first: a crash after this line leaves a bucket
	// that a retry adopts.
	if err := r.configure(ctx, s3c, &plan, wasVersioned, want); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Cannot configure the bucket", err.Error())
		return
	}
	plan.Region = types.StringValue(region)
	if _, err := r.read(ctx, &plan); err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bucketResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := r.read(ctx, &state)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bucketResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bucketModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s3c := r.client.regional(state.Region.ValueString())
	if err := r.configure(ctx, s3c, &plan, state.Versioning.ValueBool(), r.markFor(plan.Bucket.ValueString())); err != nil {
		resp.Diagnostics.AddError("Cannot update the bucket", err.Error())
		return
	}
	if _, err := r.read(ctx, &plan); err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket back", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bucketResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket := aws.String(state.Bucket.ValueString())
	s3c := r.client.regional(state.Region.ValueString())
	if state.ForceDestroy.ValueBool() {
		if err := emptyBucket(ctx, s3c, bucket); err != nil {
			resp.Diagnostics.AddError("Cannot empty the bucket", err.Error())
			return
		}
	}
	_, err := s3c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: bucket})
	switch {
	case err == nil, httpStatus(err) == 404:
	case errorCode(err) == "BucketNotEmpty":
		resp.Diagnostics.AddAttributeError(path.Root("force_destroy"), "Bucket is not empty",
			fmt.Sprintf("Bucket %q still holds objects; set force_destroy = true to delete them with it.", *bucket))
	default:
		resp.Diagnostics.AddError("Cannot delete the bucket", err.Error())
	}
}

// emptyBucket deletes every object version and delete marker in the bucket.
func emptyBucket(ctx context.Context, s3c *awss3.Client, bucket *string) error {
	pages := awss3.NewListObjectVersionsPaginator(s3c, &awss3.ListObjectVersionsInput{Bucket: bucket})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			if httpStatus(err) == 404 {
				return nil
			}
			return err
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, d := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: d.Key, VersionId: d.VersionId})
		}
		if len(ids) == 0 {
			continue
		}
		if _, err := s3c.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return err
		}
	}
	return nil
}

func (r *bucketResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
}
