output "bucket" {
  value = s3_bucket.site.bucket
}

output "bucket_arn" {
  value = s3_bucket.site.arn
}

output "index_etag" {
  value = s3_object.index.etag
}

output "index_url" {
  description = "Where index.html is served."
  value       = s3_object.index.url
}
