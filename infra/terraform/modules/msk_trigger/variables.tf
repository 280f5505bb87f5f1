variable "function_arn" {
  type        = string
  description = "ARN of the function (its live alias) the records go to."
}

variable "cluster_arn" {
  type        = string
  description = "ARN of the MSK cluster."
}

variable "subscriptions" {
  type        = map(string)
  description = "Topic => consumer group id. An event source mapping takes one topic, and Lambda wants its group id unique across all mappings."
}

variable "failure_topic" {
  type        = string
  description = "Topic of the same cluster that receives the records whose retries ran out."
}

variable "batch_size" {
  type        = number
  description = "Records per invocation at most."
  default     = 100
}

variable "minimum_pollers" {
  type        = number
  description = "Provisioned mode: pollers always running (each is billed while it exists)."
  default     = 1
}

variable "maximum_pollers" {
  type        = number
  description = "Provisioned mode: pollers at most, at most one per partition is useful."
  default     = 6
}

variable "maximum_retry_attempts" {
  type        = number
  description = "Retries of a record the function reported as failed before it goes to the failure topic (Lambda caps infinite retries at 10 when a destination is set)."
  default     = 10
}

variable "starting_position" {
  type        = string
  description = "Where a new consumer group starts: TRIM_HORIZON, so that events written before the mapping existed are not skipped."
  default     = "TRIM_HORIZON"
}

variable "enabled" {
  type        = bool
  description = "Whether the mappings poll (false pauses consumption, e.g. during a restore)."
  default     = true
}
