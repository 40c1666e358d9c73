# The reference demo's site on the local filesystem: a directory standing for
# the bucket, with its index.html. The embedded default: it needs no cloud.
terraform {
  required_providers {
    local = { source = "hashicorp/local" }
  }
}

locals {
  site_dir = "${var.provisio_local_root}/${var.provisio_stack}/${var.site_name}"
}

resource "local_file" "index" {
  filename        = "${local.site_dir}/index.html"
  content         = "<!doctype html>\n<title>${var.site_name}</title>\n<h1>${var.greeting}</h1>\n"
  file_permission = "0644"
}

resource "local_file" "manifest" {
  filename = "${local.site_dir}/manifest.json"
  content = jsonencode({
    stack = var.provisio_stack
    site  = var.site_name
    files = ["index.html"]
  })
  file_permission = "0644"
}
