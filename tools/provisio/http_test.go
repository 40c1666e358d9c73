package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// The moto server, through the AWS SDK (signed requests, as a deployment's
// tooling would make): what the site serves, and an out-of-band overwrite.

func emulator() *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(os.Getenv("PROVISIO_TEST_S3_ENDPOINT")),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		DisableLogOutputChecksumValidationSkipped: true,
	})
}

func getObject(t *testing.T, bucket, key string) string {
	t.Helper()
	out, err := emulator().GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	return string(body)
}

func putObject(t *testing.T, bucket, key, body string) {
	t.Helper()
	if _, err := emulator().PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: strings.NewReader(body), ContentType: aws.String("text/html")}); err != nil {
		t.Fatal(err)
	}
}

func bucketExists(t *testing.T, bucket string) bool {
	t.Helper()
	_, err := emulator().HeadBucket(context.Background(), &awss3.HeadBucketInput{Bucket: aws.String(bucket)})
	return err == nil
}
