variable "site_name" {
  type        = string
  description = "The site's name: a directory under the local root."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.site_name))
    error_message = "site_name must be 3 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit."
  }
}

variable "greeting" {
  type        = string
  description = "The heading index.html shows."
  default     = "Hello from Provisio"
}

# Supplied by the platform, never by the requester (names starting provisio_).
variable "provisio_stack" {
  type = string
}

variable "provisio_local_root" {
  type        = string
  description = "The directory that stands for the cloud (PROVISIO_LOCAL_ROOT)."
}
