package s3

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"provisio.dev/providers/internal/acctest"
	"provisio.dev/providers/internal/mark"
)

// expectBucket checks the bucket's tags (with the mark), versioning status and
// website index document (empty: none) on the server.
func expectBucket(t *testing.T, name string, tags map[string]string, versioning s3types.BucketVersioningStatus, index string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c := emulator(t)
		ctx := context.Background()
		got, err := c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String(name)})
		if err != nil {
			return fmt.Errorf("tags of %s: %w", name, err)
		}
		want := map[string]string{markTag: mark.For(acctest.Stack, "s3_bucket", name)}
		for k, v := range tags {
			want[k] = v
		}
		have := map[string]string{}
		for _, tag := range got.TagSet {
			have[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		if fmt.Sprint(have) != fmt.Sprint(want) {
			return fmt.Errorf("bucket %s has tags %v, want %v", name, have, want)
		}
		ver, err := c.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String(name)})
		if err != nil || ver.Status != versioning {
			return fmt.Errorf("bucket %s versioning %q (%v), want %q", name, ver.Status, err, versioning)
		}
		web, err := c.GetBucketWebsite(ctx, &awss3.GetBucketWebsiteInput{Bucket: aws.String(name)})
		switch {
		case index == "" && err == nil:
			return fmt.Errorf("bucket %s still has a website configuration", name)
		case index != "" && err != nil:
			return fmt.Errorf("bucket %s website: %w", name, err)
		case index != "" && aws.ToString(web.IndexDocument.Suffix) != index:
			return fmt.Errorf("bucket %s index document %q, want %q", name, aws.ToString(web.IndexDocument.Suffix), index)
		}
		return nil
	}
}

const siteBucketV1 = `
resource "s3_bucket" "site" {
  bucket     = "acc-site"
  tags       = { team = "web", env = "test" }
  versioning = true
  website = {
    index_document = "index.html"
    error_document = "error.html"
  }
}
`

const siteBucketV2 = `
resource "s3_bucket" "site" {
  bucket     = "acc-site"
  tags       = { team = "platform" }
  versioning = false
}
`

func TestAccBucket_createUpdateImportDriftDestroy(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoBucket(t, "acc-site"),
		Steps: []resource.TestStep{
			{
				Config: acctest.S3Provider() + siteBucketV1,
				Check: resource.ComposeTestCheckFunc(
					expectBucket(t, "acc-site", map[string]string{"team": "web", "env": "test"}, s3types.BucketVersioningStatusEnabled, "index.html"),
					resource.TestCheckResourceAttr("s3_bucket.site", "region", "us-east-1"),
					resource.TestCheckResourceAttr("s3_bucket.site", "arn", "arn:aws:s3:::acc-site"),
				),
			},
			{
				Config: acctest.S3Provider() + siteBucketV2,
				Check:  expectBucket(t, "acc-site", map[string]string{"team": "platform"}, s3types.BucketVersioningStatusSuspended, ""),
			},
			{ResourceName: "s3_bucket.site", ImportState: true, ImportStateId: "acc-site", ImportStateVerify: true},
			{
				// Retagged out of band (keeping the mark): the read sees it.
				PreConfig: func() {
					_, err := emulator(t).PutBucketTagging(context.Background(), &awss3.PutBucketTaggingInput{Bucket: aws.String("acc-site"),
						Tagging: tagging(map[string]string{"team": "someone-else", markTag: mark.For(acctest.Stack, "s3_bucket", "acc-site")})})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.S3Provider() + siteBucketV2,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("s3_bucket.site", plancheck.ResourceActionUpdate),
				}},
				Check: expectBucket(t, "acc-site", map[string]string{"team": "platform"}, s3types.BucketVersioningStatusSuspended, ""),
			},
		},
	})
}

func TestAccBucket_adoptsTheOneItsMarkNames(t *testing.T) {
	createBucket(t, "acc-adopted", map[string]string{markTag: mark.For(acctest.Stack, "s3_bucket", "acc-adopted")})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoBucket(t, "acc-adopted"),
		Steps: []resource.TestStep{{
			Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket = "acc-adopted"
  tags   = { adopted = "yes" }
}
`,
			Check: expectBucket(t, "acc-adopted", map[string]string{"adopted": "yes"}, "", ""),
		}},
	})
}

func TestAccBucket_refusesOneWithoutItsMark(t *testing.T) {
	createBucket(t, "acc-foreign", map[string]string{"owner": "someone"})
	t.Cleanup(func() {
		emulator(t).DeleteBucket(context.Background(), &awss3.DeleteBucketInput{Bucket: aws.String("acc-foreign")})
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket = "acc-foreign"
}
`,
			ExpectError: acctest.Diagnostic("Bucket already exists", `bucket = "acc-foreign"`, `A bucket named "acc-foreign" exists and is not this stack's: it carries no Provisio mark.`),
		}},
	})
}

// A create killed between CreateBucket and the tagging that marks the bucket
// leaves a bucket with no tag at all: the retried create takes it as its own.
func TestAccBucket_adoptsTheUntaggedEmptyBucketAnInterruptedCreateLeft(t *testing.T) {
	createBucket(t, "acc-leftover", nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoBucket(t, "acc-leftover"),
		Steps: []resource.TestStep{{
			Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket = "acc-leftover"
  tags   = { team = "web" }
}
`,
			Check: expectBucket(t, "acc-leftover", map[string]string{"team": "web"}, "", ""),
		}},
	})
}

// An untagged bucket that holds an object was used since it was made: it is
// not taken, whatever its age.
func TestAccBucket_refusesAnUntaggedBucketThatHoldsAnObject(t *testing.T) {
	createBucket(t, "acc-used", nil)
	c := emulator(t)
	if _, err := c.PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String("acc-used"),
		Key: aws.String("someone.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.DeleteObject(context.Background(), &awss3.DeleteObjectInput{Bucket: aws.String("acc-used"), Key: aws.String("someone.txt")})
		c.DeleteBucket(context.Background(), &awss3.DeleteBucketInput{Bucket: aws.String("acc-used")})
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket = "acc-used"
}
`,
			ExpectError: acctest.Diagnostic("Bucket already exists", `bucket = "acc-used"`, `A bucket named "acc-used" exists and is not this stack's: it carries no Provisio mark.`),
		}},
	})
}

// The leftover rule itself, on moto: an untagged empty bucket is a leftover
// only within leftoverWindow of its creation, and never with a tag or a mark
// of another stack.
func TestInterruptedCreateLeftover_onlyUntaggedEmptyAndRecent(t *testing.T) {
	createBucket(t, "acc-rule", nil)
	c := emulator(t)
	t.Cleanup(func() { c.DeleteBucket(context.Background(), &awss3.DeleteBucketInput{Bucket: aws.String("acc-rule")}) })
	ctx := context.Background()
	now := time.Now()
	leftover := func(found string, at time.Time) (bool, string, error) {
		tags, _, err := bucketTags(ctx, c, "acc-rule")
		if err != nil {
			return false, "", err
		}
		return interruptedCreateLeftover(ctx, c, "acc-rule", found, tags, at)
	}
	if ok, why, err := leftover("", now); err != nil || !ok || !strings.Contains(why, "no tag and no object") {
		t.Fatalf("a fresh untagged empty bucket: leftover %v (%q, %v), want true", ok, why, err)
	}
	if ok, _, err := leftover("", now.Add(leftoverWindow+time.Minute)); err != nil || ok {
		t.Fatalf("the same bucket past the window: leftover %v (%v), want false", ok, err)
	}
	if ok, _, err := leftover(mark.For("other", "s3_bucket", "acc-rule"), now); err != nil || ok {
		t.Fatalf("a bucket with another stack's mark: leftover %v (%v), want false", ok, err)
	}
	if _, err := c.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: aws.String("acc-rule"), Tagging: tagging(map[string]string{"owner": "someone"})}); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := leftover("", now); err != nil || ok {
		t.Fatalf("a tagged bucket: leftover %v (%v), want false", ok, err)
	}
}

func TestAccBucket_forceDestroyDeletesObjectsMadeOutOfBand(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoBucket(t, "acc-full"),
		Steps: []resource.TestStep{{
			Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket        = "acc-full"
  versioning    = true
  force_destroy = true
}
`,
			Check: func(*terraform.State) error {
				for i := range 3 {
					if _, err := emulator(t).PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String("acc-full"),
						Key: aws.String(fmt.Sprintf("stray-%d", i)), Body: strings.NewReader("x")}); err != nil {
						return err
					}
				}
				return nil
			},
		}},
	})
}

func TestAccBucket_notEmptyWithoutForceDestroyNamesTheAttribute(t *testing.T) {
	config := acctest.S3Provider() + `resource "s3_bucket" "b" { bucket = "acc-keep" }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					_, err := emulator(t).PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String("acc-keep"),
						Key: aws.String("precious"), Body: strings.NewReader("x")})
					return err
				},
			},
			{Config: config, Destroy: true, ExpectError: regexp.MustCompile(`(?s)Bucket is not empty.*set force_destroy = true`)},
			{
				// Let the test's own destroy through.
				PreConfig: func() {
					emulator(t).DeleteObject(context.Background(), &awss3.DeleteObjectInput{Bucket: aws.String("acc-keep"), Key: aws.String("precious")})
				},
				Config: config,
			},
		},
	})
}
