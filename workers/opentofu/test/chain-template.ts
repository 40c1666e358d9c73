/**
 * chainTemplate: a generated local stack of `files` local_file resources that
 * are created one after another, each after a `terraform_data` pacer whose
 * local-exec sleeps `pace_seconds` (default 1). The pacers make the moments
 * between two apply_complete events last long enough that a test can act in
 * them for certain: kill the worker after the 3rd file, or cancel after the
 * 2nd. A final pacer runs after the last file, so "after the last
 * apply_complete" is still inside the apply.
 */
export function chainTemplate(files: number): string {
  const parts = [
    `terraform {
  required_providers {
    local = { source = "hashicorp/local" }
  }
}

variable "provisio_stack" {
  type = string
}

variable "provisio_local_root" {
  type = string
}

variable "pace_seconds" {
  type    = number
  default = 1
}

locals {
  dir = "\${var.provisio_local_root}/\${var.provisio_stack}"
}
`,
  ];
  for (let i = 0; i < files; i++) {
    const after = i === 0 ? "" : `\n  depends_on = [local_file.f${i - 1}]`;
    parts.push(`resource "terraform_data" "pace_${i}" {
  input = ${i}${after}
  provisioner "local-exec" {
    command = "sleep \${var.pace_seconds}"
  }
}

resource "local_file" "f${i}" {
  filename        = "\${local.dir}/f${i}.txt"
  content         = "file ${i} of \${var.provisio_stack}\\n"
  file_permission = "0644"
  depends_on      = [terraform_data.pace_${i}]
}
`);
  }
  parts.push(`resource "terraform_data" "tail" {
  input      = "tail"
  depends_on = [local_file.f${files - 1}]
  provisioner "local-exec" {
    command = "sleep \${var.pace_seconds}"
  }
}
`);
  return parts.join("\n");
}
