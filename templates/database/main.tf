# A PostgreSQL database with an owner role (which logs in, with a generated
# password) and a read-only role. The server comes from the platform's PG*
# environment (the provider falls back to libpq's variables).
terraform {
  required_providers {
    postgresql = { source = "provisio/postgresql" }
  }
}

provider "postgresql" {
  stack = var.provisio_stack
}

resource "postgresql_role" "owner" {
  name  = "${var.database_name}_owner"
  login = true
}

resource "postgresql_role" "readonly" {
  name  = "${var.database_name}_readonly"
  login = true
}

resource "postgresql_database" "db" {
  name             = var.database_name
  owner            = postgresql_role.owner.name
  connection_limit = var.connection_limit
}

resource "postgresql_grant" "readonly_connect" {
  role        = postgresql_role.readonly.name
  database    = postgresql_database.db.name
  object_type = "database"
  privileges  = ["CONNECT"]
}

resource "postgresql_grant" "readonly_usage" {
  role        = postgresql_role.readonly.name
  database    = postgresql_database.db.name
  schema      = "public"
  object_type = "schema"
  privileges  = ["USAGE"]
}

resource "postgresql_grant" "readonly_select" {
  role        = postgresql_role.readonly.name
  database    = postgresql_database.db.name
  schema      = "public"
  object_type = "table"
  privileges  = ["SELECT"]
}
