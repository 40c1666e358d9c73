# The crash drills' stack: ten local files made one after another, each after
# a pacer whose local-exec sleeps pace_seconds. The pacers make the moments
# between two resources long enough to kill a process in them for certain;
# a last pacer after f9 keeps "after the last file" inside the apply. The
# pacers are replaced with each generation, so a change (and its rollback)
# is paced too. fail_at_end adds one more file, at a path the drill blocks
# with a directory: the apply then fails for good after the ten.
terraform {
  required_providers {
    local = { source = "hashicorp/local" }
    s3    = { source = "provisio/s3" }
  }
}

# The stack's bucket in moto (the drill environment's profile `emulator`),
# with one object naming the generation: what a drill checks in moto.
provider "s3" {
  profile = "emulator"
  stack   = var.provisio_stack
}

variable "provisio_stack" {
  type = string
}

variable "provisio_local_root" {
  type = string
}

variable "generation" {
  type    = string
  default = "1"
}

variable "pace_seconds" {
  type    = number
  default = 0.4
}

variable "fail_at_end" {
  type    = bool
  default = false
}

locals {
  dir = "${var.provisio_local_root}/${var.provisio_stack}"
}

resource "terraform_data" "pace_0" {
  triggers_replace = [var.generation]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f0" {
  filename        = "${local.dir}/f0.txt"
  content         = "file 0 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_0]
}

resource "terraform_data" "pace_1" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f0]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f1" {
  filename        = "${local.dir}/f1.txt"
  content         = "file 1 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_1]
}

resource "terraform_data" "pace_2" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f1]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f2" {
  filename        = "${local.dir}/f2.txt"
  content         = "file 2 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_2]
}

resource "terraform_data" "pace_3" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f2]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f3" {
  filename        = "${local.dir}/f3.txt"
  content         = "file 3 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_3]
}

resource "terraform_data" "pace_4" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f3]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f4" {
  filename        = "${local.dir}/f4.txt"
  content         = "file 4 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_4]
}

resource "terraform_data" "pace_5" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f4]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f5" {
  filename        = "${local.dir}/f5.txt"
  content         = "file 5 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_5]
}

resource "terraform_data" "pace_6" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f5]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f6" {
  filename        = "${local.dir}/f6.txt"
  content         = "file 6 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_6]
}

resource "terraform_data" "pace_7" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f6]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f7" {
  filename        = "${local.dir}/f7.txt"
  content         = "file 7 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_7]
}

resource "terraform_data" "pace_8" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f7]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f8" {
  filename        = "${local.dir}/f8.txt"
  content         = "file 8 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_8]
}

resource "terraform_data" "pace_9" {
  triggers_replace = [var.generation]
  depends_on       = [local_file.f8]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

resource "local_file" "f9" {
  filename        = "${local.dir}/f9.txt"
  content         = "file 9 of ${var.provisio_stack}, generation ${var.generation}\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_9]
}

resource "s3_bucket" "mirror" {
  bucket        = var.provisio_stack
  force_destroy = true
  depends_on    = [local_file.f9]
}

resource "s3_object" "generation" {
  bucket  = s3_bucket.mirror.bucket
  key     = "generation.txt"
  content = "generation ${var.generation} of ${var.provisio_stack}\n"
}

resource "terraform_data" "tail" {
  triggers_replace = [var.generation]
  depends_on       = [s3_object.generation]
  provisioner "local-exec" {
    command = "sleep ${var.pace_seconds}"
  }
}

# The drill makes a directory at this path first: writing the file fails.
resource "local_file" "blocked" {
  count      = var.fail_at_end ? 1 : 0
  filename   = "${local.dir}/blocked/at-the-end.txt"
  content    = "never written\n"
  depends_on = [terraform_data.tail]
}
