variable "name" {
  type        = string
  description = "Replication group id prefix, e.g. caracal-prod."
}

variable "engine_version" {
  type        = string
  description = "Redis OSS engine version (the parameter group family follows its major version)."
  default     = "7.1"
}

variable "node_type" {
  type        = string
  description = "Cache node type (seeds/002: cache.r5.large or equivalent for production)."
  default     = "cache.r6g.large"
}

variable "cluster_mode_enabled" {
  type        = bool
  description = "Redis Cluster with several shards (REDIS_CLUSTER=true): budget keys of one delegation tree share a hash tag, so a hold stays one atomic script on one shard."
  default     = false
}

variable "shard_count" {
  type        = number
  description = "Shards when cluster mode is on (ignored otherwise: one shard)."
  default     = 3
}

variable "replicas_per_shard" {
  type        = number
  description = "Replicas of each shard; at least 1 for automatic failover."
  default     = 1

  validation {
    condition     = var.replicas_per_shard >= 1
    error_message = "replicas_per_shard must be at least 1: failover needs a replica."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the cache."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the cache nodes."
}

variable "client_security_group_id" {
  type        = string
  description = "Security group of the Caracal processes, admitted on 6379."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for data at rest and the slow-log group."
}

variable "auth_token_secret_arn" {
  type        = string
  description = "Secrets Manager secret holding the AUTH token; its value must be put before the first apply (docs/deploy/aws.md)."
}

variable "snapshot_retention_days" {
  type        = number
  description = "Days of daily snapshots. The counters are rebuilt from PostgreSQL after a loss, so snapshots only shorten that rebuild."
  default     = 1
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the slow-log group, days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
