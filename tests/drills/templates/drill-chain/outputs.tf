output "dir" {
  value = local.dir
}
