variable "name" {
  type        = string
  description = "Name of the schedule and of its invoking role."
}

variable "description" {
  type        = string
  description = "What the scheduled run does."
}

variable "function_arn" {
  type        = string
  description = "ARN of the function (its live alias) to invoke."
}

variable "schedule_expression" {
  type        = string
  description = "EventBridge Scheduler expression, e.g. rate(1 minute) (the finest rate it offers)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the schedule's target input."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the role."
  default     = {}
}
