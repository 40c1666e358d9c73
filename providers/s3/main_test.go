package s3

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"provisio.dev/providers/internal/acctest"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "provisio-s3-acc")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if os.Getenv("PROVISIO_TEST_S3_ENDPOINT") != "" {
		if err := acctest.AWSProfile(dir); err != nil {
			panic(err)
		}
	}
	acctest.Main(m, "PROVISIO_TEST_S3_ENDPOINT")
}

var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"s3": providerserver.NewProtocol6WithError(New("test")()),
}

// emulator is an S3 client on the moto server, through the same profile, for
// the tests' own look at what exists.
func emulator(t *testing.T) *awss3.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile("emulator"))
	if err != nil {
		t.Fatal(err)
	}
	return awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true; o.DisableLogOutputChecksumValidationSkipped = true })
}

func createBucket(t *testing.T, name string, tags map[string]string) {
	t.Helper()
	c := emulator(t)
	if _, err := c.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if len(tags) > 0 {
		in := &awss3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: tagging(tags)}
		if _, err := c.PutBucketTagging(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
}

func bucketExists(t *testing.T, name string) bool {
	_, err := emulator(t).HeadBucket(context.Background(), &awss3.HeadBucketInput{Bucket: aws.String(name)})
	if err != nil && httpStatus(err) != 404 {
		t.Fatalf("HeadBucket %s: %v", name, err)
	}
	return err == nil
}

func expectNoBucket(t *testing.T, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if bucketExists(t, name) {
			return fmt.Errorf("bucket %q still exists", name)
		}
		return nil
	}
}

func tagging(tags map[string]string) *s3types.Tagging {
	out := &s3types.Tagging{}
	for k, v := range tags {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}
