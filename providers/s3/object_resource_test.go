package s3

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"provisio.dev/providers/internal/acctest"
	"provisio.dev/providers/internal/mark"
)

func objectConfig(content string) string {
	return acctest.S3Provider() + fmt.Sprintf(`
resource "s3_bucket" "site" {
  bucket        = "acc-objects"
  force_destroy = true
  public_read   = true
}
resource "s3_object" "index" {
  bucket       = s3_bucket.site.bucket
  key          = "index.html"
  content      = %q
  content_type = "text/html"
}
`, content)
}

// expectObject reads the object from the server: its body, type and mark.
func expectObject(t *testing.T, bucket, key, content, contentType string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		out, err := emulator(t).GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return fmt.Errorf("GetObject %s/%s: %w", bucket, key, err)
		}
		defer out.Body.Close()
		body, _ := io.ReadAll(out.Body)
		if string(body) != content || aws.ToString(out.ContentType) != contentType {
			return fmt.Errorf("%s/%s is %q (%s), want %q (%s)", bucket, key, body, aws.ToString(out.ContentType), content, contentType)
		}
		if got, want := out.Metadata[markMetadata], mark.For(acctest.Stack, "s3_object", bucket+"/"+key); got != want {
			return fmt.Errorf("%s/%s carries mark %q, want %q", bucket, key, got, want)
		}
		attributes := s.RootModule().Resources["s3_object.index"].Primary.Attributes
		if etag := attributes["etag"]; etag != strings.Trim(aws.ToString(out.ETag), `"`) {
			return fmt.Errorf("state etag %q, server %q", etag, aws.ToString(out.ETag))
		}
		// The url serves the content (moto asks no signature of a GET).
		served, err := http.Get(attributes["url"])
		if err != nil {
			return fmt.Errorf("GET url %q: %w", attributes["url"], err)
		}
		defer served.Body.Close()
		page, _ := io.ReadAll(served.Body)
		if served.StatusCode != 200 || string(page) != content {
			return fmt.Errorf("url %q answered %d %q, want %q", attributes["url"], served.StatusCode, page, content)
		}
		return nil
	}
}

func TestAccObject_createUpdateImportDriftDestroy(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoBucket(t, "acc-objects"),
		Steps: []resource.TestStep{
			{Config: objectConfig("<h1>v1</h1>"), Check: expectObject(t, "acc-objects", "index.html", "<h1>v1</h1>", "text/html")},
			{
				Config: objectConfig("<h1>v2</h1>"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("s3_object.index", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("s3_object.index", tfjsonpath.New("etag")),
				}},
				Check: expectObject(t, "acc-objects", "index.html", "<h1>v2</h1>", "text/html"),
			},
			{ResourceName: "s3_object.index", ImportState: true, ImportStateId: "acc-objects/index.html", ImportStateVerify: true},
			{
				// Overwritten out of band: the read sees the content, the plan puts it back.
				PreConfig: func() {
					if _, err := emulator(t).PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String("acc-objects"),
						Key: aws.String("index.html"), Body: strings.NewReader("defaced"), ContentType: aws.String("text/html")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: objectConfig("<h1>v2</h1>"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("s3_object.index", plancheck.ResourceActionUpdate),
				}},
				Check: expectObject(t, "acc-objects", "index.html", "<h1>v2</h1>", "text/html"),
			},
		},
	})
}

func TestAccObject_refusesOneWithoutItsMark(t *testing.T) {
	createBucket(t, "acc-shared", map[string]string{markTag: mark.For(acctest.Stack, "s3_bucket", "acc-shared")})
	if _, err := emulator(t).PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String("acc-shared"),
		Key: aws.String("index.html"), Body: strings.NewReader("theirs")}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket        = "acc-shared"
  force_destroy = true
}
resource "s3_object" "index" {
  bucket  = s3_bucket.b.bucket
  key     = "index.html"
  content = "ours"
}
`,
				ExpectError: acctest.Diagnostic("Object already exists", `key = "index.html"`, `An object "index.html" exists in bucket "acc-shared" and is not this stack's: it carries no Provisio mark.`),
			},
			{
				// The foreign object is untouched (checked before the destroy
				// of the adopted bucket, with force_destroy, removes it).
				PreConfig: func() {
					out, err := emulator(t).GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String("acc-shared"), Key: aws.String("index.html")})
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(out.Body)
					if string(body) != "theirs" {
						t.Fatalf("the foreign object was overwritten: %q", body)
					}
				},
				Config: acctest.S3Provider() + `
resource "s3_bucket" "b" {
  bucket        = "acc-shared"
  force_destroy = true
}
`,
			},
		},
	})
}

// anonymousStatus is the status of an unsigned GET of url.
func anonymousStatus(url string) (int, error) {
	served, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	served.Body.Close()
	return served.StatusCode, nil
}

func TestAccBucket_publicReadLetsAnyoneReadItsObjectsUntilTurnedOff(t *testing.T) {
	config := func(public bool) string {
		return acctest.S3Provider() + fmt.Sprintf(`
resource "s3_bucket" "site" {
  bucket        = "acc-public"
  force_destroy = true
  public_read   = %t
}
resource "s3_object" "index" {
  bucket  = s3_bucket.site.bucket
  key     = "index.html"
  content = "hello"
}
`, public)
	}
	expectStatus := func(want int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			url := s.RootModule().Resources["s3_object.index"].Primary.Attributes["url"]
			got, err := anonymousStatus(url)
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("an unsigned GET of %s answered %d, want %d", url, got, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             expectNoBucket(t, "acc-public"),
		Steps: []resource.TestStep{
			{Config: config(false), Check: expectStatus(403)},
			{Config: config(true), Check: resource.ComposeTestCheckFunc(expectStatus(200),
				resource.TestCheckResourceAttr("s3_bucket.site", "public_read", "true"))},
			{ResourceName: "s3_bucket.site", ImportState: true, ImportStateId: "acc-public", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"force_destroy"}},
			{Config: config(false), Check: expectStatus(403)},
		},
	})
}
