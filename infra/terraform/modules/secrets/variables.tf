variable "name" {
  type        = string
  description = "Prefix of the key alias and of the secret names, e.g. caracal-prod."
}

variable "recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored (0 deletes at once, for throw-away dev stacks)."
  default     = 30
}

variable "key_deletion_window_days" {
  type        = number
  description = "Days between scheduling the KMS key's deletion and its deletion (7 to 30)."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
