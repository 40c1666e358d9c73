# The reference demo's resources: an S3 bucket serving a website, with its
# index.html, on any S3 endpoint reached through a named profile.
terraform {
  required_providers {
    s3 = { source = "provisio/s3" }
  }
}

provider "s3" {
  profile = var.provisio_profile
  region  = var.provisio_region
  stack   = var.provisio_stack
}

resource "s3_bucket" "site" {
  bucket        = var.bucket_name
  force_destroy = true
  # The site is for everyone to read: index_url (outputs.tf) serves it.
  public_read = true
  tags = {
    "provisio:stack" = var.provisio_stack
    team             = var.team
  }
  website = {
    index_document = "index.html"
    error_document = "index.html"
  }
}

resource "s3_object" "index" {
  bucket       = s3_bucket.site.bucket
  key          = "index.html"
  content      = "<!doctype html>\n<title>${var.bucket_name}</title>\n<h1>${var.greeting}</h1>\n"
  content_type = "text/html"
}
