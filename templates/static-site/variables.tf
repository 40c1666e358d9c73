variable "bucket_name" {
  type        = string
  description = "The bucket's name (globally unique on AWS)."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit."
  }
}

variable "team" {
  type        = string
  description = "The owning team, as a tag."
}

variable "greeting" {
  type        = string
  description = "The heading index.html shows."
  default     = "Hello from Provisio"
}

# Supplied by the platform: the stack, and the authorizer's region and profile.
variable "provisio_stack" {
  type = string
}

variable "provisio_region" {
  type    = string
  default = "us-east-1"
}

variable "provisio_profile" {
  type    = string
  default = "emulator"
}
