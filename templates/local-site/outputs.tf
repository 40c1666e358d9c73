output "site_dir" {
  value = local.site_dir
}

output "index_path" {
  value = local_file.index.filename
}
