output "database" {
  value = postgresql_database.db.name
}

output "owner_role" {
  value = postgresql_role.owner.name
}

output "owner_password" {
  value     = postgresql_role.owner.password
  sensitive = true
}

output "readonly_role" {
  value = postgresql_role.readonly.name
}

output "readonly_password" {
  value     = postgresql_role.readonly.password
  sensitive = true
}
