variable "name" {
  type        = string
  description = "Function name, e.g. caracal-prod-ledger."
}

variable "description" {
  type        = string
  description = "What the function does, shown in the console."
}

variable "handler" {
  type        = string
  description = "Fully qualified handler class (a RequestStreamHandler) in the package."
}

variable "runtime" {
  type        = string
  description = "Lambda Java runtime; the code is built for release 17 and runs on 17, 21 and 25."
  default     = "java21"
}

variable "architecture" {
  type        = string
  description = "x86_64 or arm64 (the packages are plain jars, so either works)."
  default     = "arm64"
}

variable "memory_size" {
  type        = number
  description = "Memory, MB; CPU share grows with it, and the JVM's start-up with CPU."
  default     = 1024
}

variable "timeout" {
  type        = number
  description = "Seconds an invocation may run."
}

variable "package" {
  type = object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
  })
  description = "Where the function's deployment package is in S3: its runnable jar (a jar is a zip)."
}

variable "environment" {
  type        = map(string)
  description = "Environment variables; the names of docs/configuration.md, no secret values (secrets are passed as *_SECRET_ARN)."
}

variable "java_tool_options" {
  type        = string
  description = "JAVA_TOOL_OPTIONS: C1-only JIT shortens the cold start of a short-lived JVM."
  default     = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets the function's network interfaces go in."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the function's network interfaces."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the environment variables and the log group."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's log group, days."
  default     = 30
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions; -1 for none. 1 makes a scheduled job single-instance."
  default     = -1
}

variable "snap_start" {
  type        = bool
  description = "SnapStart on published versions. Only for a handler that captures no connection, key or secret in its snapshot: no handler of today's qualifies (docs/deploy/aws.md, SnapStart), so no module turns it on."
  default     = false
}

variable "policy_statements" {
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  description = "The function's own permissions beyond logging and its network interfaces; name each resource (TerraformStructureTest rejects * where a narrower one exists)."
  default     = []
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
