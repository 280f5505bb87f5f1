variable "name" {
  type        = string
  description = "Name prefix, e.g. caracal-prod; the functions are <name>-ledger, -metrics, -audit and -merkle-integrator."
}

variable "packages" {
  type = map(object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
  }))
  description = "Deployment packages by function module: ledger (also holds the integrator), metrics, audit."

  validation {
    condition     = alltrue([for k in ["ledger", "metrics", "audit"] : contains(keys(var.packages), k)])
    error_message = "packages needs ledger, metrics and audit."
  }
}

variable "ledger_handler" {
  type        = string
  description = "Handler of the ledger function (metering events -> ledger rows)."
  default     = "io.caracal.ledger.LedgerLambdaHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "metrics_handler" {
  type        = string
  description = "Handler of the metrics function (metering events -> Redis spend aggregates)."
  default     = "io.caracal.metrics.MetricsLambdaHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "audit_handler" {
  type        = string
  description = "Handler of the audit function (every event -> hash-chained audit log)."
  default     = "io.caracal.audit.AuditLambdaHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "integrator_handler" {
  type        = string
  description = "Handler of the scheduled Merkle integrator: appends every ledger row not in the Merkle log yet and signs the checkpoints that are due."
  default     = "io.caracal.ledger.MerkleIntegratorLambdaHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "integrator_schedule" {
  type        = string
  description = "How often the integrator runs; a checkpoint is signed every MERKLE_BATCH_SIZE_LIMIT events or MERKLE_BATCH_TIMEOUT_SECONDS."
  default     = "rate(1 minute)"
}

variable "environments" {
  type        = map(map(string))
  description = "Environment of each function: ledger, metrics, audit, integrator (names of docs/configuration.md)."
}

variable "secret_arns" {
  type        = map(list(string))
  description = "Secrets each function reads at start: ledger, metrics, audit, integrator."
}

variable "memory_size" {
  type        = number
  description = "Memory of the consumer functions, MB."
  default     = 1024
}

variable "timeout" {
  type        = number
  description = "Seconds a consumer invocation (one batch) may run; MSK event source mappings allow 14 minutes at most."
  default     = 120
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the secrets, environments and logs."
}

variable "msk_cluster_arn" {
  type        = string
  description = "ARN of the MSK cluster."
}

variable "topic_arn_prefix" {
  type        = string
  description = "IAM ARN prefix of the cluster's topics (msk module output)."
}

variable "group_arn_prefix" {
  type        = string
  description = "IAM ARN prefix of the cluster's consumer groups (msk module output)."
}

variable "metering_topic" {
  type        = string
  description = "Topic of the metering events (ledger and metrics)."
}

variable "event_topics" {
  type        = list(string)
  description = "The four event topics, all consumed by the audit function."
}

variable "dlq_topic" {
  type        = string
  description = "Dead-letter topic the functions write poison records to."
}

variable "failure_topic" {
  type        = string
  description = "On-failure destination of the event source mappings."
}

variable "batch_size" {
  type        = number
  description = "Records per invocation at most."
  default     = 100
}

variable "minimum_pollers" {
  type        = number
  description = "Provisioned pollers always running per mapping."
  default     = 1
}

variable "maximum_pollers" {
  type        = number
  description = "Provisioned pollers at most per mapping (no more than the topic's partitions are useful)."
  default     = 6
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the functions."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the functions."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the functions' log groups, days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
