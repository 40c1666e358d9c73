variable "database_name" {
  type        = string
  description = "The database's name; its roles are NAME_owner and NAME_readonly."
  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{2,40}$", var.database_name))
    error_message = "database_name must be 3 to 41 lowercase letters, digits or underscores, starting with a letter."
  }
}

variable "connection_limit" {
  type        = number
  description = "Maximum concurrent connections (-1: no limit)."
  default     = 20
  validation {
    condition     = var.connection_limit >= -1 && var.connection_limit <= 500
    error_message = "connection_limit must be between -1 and 500."
  }
}

# Supplied by the platform.
variable "provisio_stack" {
  type = string
}
