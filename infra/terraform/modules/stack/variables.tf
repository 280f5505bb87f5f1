variable "name" {
  type        = string
  description = "Prefix of every resource name: caracal-<environment>."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}

variable "packages" {
  type = map(object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
  }))
  description = "Lambda deployment packages in S3 by function module: gateway, ledger, metrics, audit."

  validation {
    condition     = alltrue([for k in ["gateway", "ledger", "metrics", "audit"] : contains(keys(var.packages), k)])
    error_message = "packages needs gateway, ledger, metrics and audit."
  }
}

variable "handlers" {
  type        = map(string)
  description = "Handler class overrides by function (gateway, alb, relay, sweep, ledger, metrics, audit, integrator); unset ones use the modules' defaults."
  default     = {}
}

variable "log_retention_days" {
  type        = number
  description = "Retention of every log group, days."
  default     = 30
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every function."
  default     = "INFO"
}

# Network

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC."
  default     = "10.40.0.0/16"
}

variable "az_count" {
  type        = number
  description = "Availability zones (3 for production: MSK replication 3 spreads over them)."
  default     = 3
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway instead of one per zone (dev)."
  default     = false
}

# Secrets

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored (0 for throw-away dev stacks)."
  default     = 30
}

# Kafka

variable "kafka_version" {
  type        = string
  description = "MSK Kafka version (3.6.0 or later)."
  default     = "3.8.x"
}

variable "kafka_broker_instance_type" {
  type        = string
  description = "MSK broker instance type."
  default     = "kafka.m5.large"
}

variable "kafka_broker_count" {
  type        = number
  description = "MSK brokers, a multiple of az_count, at least 3."
  default     = 3
}

variable "kafka_broker_volume_size" {
  type        = number
  description = "EBS storage per broker, GiB (seeds/002: 1 TB per broker in production)."
  default     = 100
}

variable "kafka_partitions" {
  type        = number
  description = "Partitions of every topic (KAFKA_PARTITIONS too)."
  default     = 6
}

variable "schema_registry_url" {
  type        = string
  description = "A schema registry speaking the Confluent REST API, reachable from the functions (SCHEMA_REGISTRY_URL); empty: the schema fingerprint travels in a record header."
  default     = ""
}

# PostgreSQL

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.r6g.xlarge"
}

variable "db_allocated_storage" {
  type        = number
  description = "Initial database storage, GiB."
  default     = 100
}

variable "db_max_allocated_storage" {
  type        = number
  description = "Database storage autoscaling ceiling, GiB."
  default     = 500
}

variable "db_multi_az" {
  type        = bool
  description = "A standby in another zone with automatic failover."
  default     = true
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated backups and point-in-time recovery."
  default     = 30
}

variable "db_deletion_protection" {
  type        = bool
  description = "Refuse to delete the database."
  default     = true
}

variable "db_skip_final_snapshot" {
  type        = bool
  description = "Delete the database without a final snapshot (dev only)."
  default     = false
}

# Redis

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type."
  default     = "cache.r6g.large"
}

variable "redis_cluster_mode_enabled" {
  type        = bool
  description = "Redis Cluster with several shards."
  default     = false
}

variable "redis_shard_count" {
  type        = number
  description = "Shards in cluster mode."
  default     = 3
}

variable "redis_replicas_per_shard" {
  type        = number
  description = "Replicas of each shard (at least 1)."
  default     = 1
}

# Functions

variable "gateway_memory_size" {
  type        = number
  description = "Memory of the gateway function, MB."
  default     = 2048
}

variable "gateway_reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the gateway function (-1: none); bounds its database connections."
  default     = -1
}

variable "consumer_memory_size" {
  type        = number
  description = "Memory of the consumer functions, MB."
  default     = 1024
}

variable "consumer_batch_size" {
  type        = number
  description = "Records per consumer invocation at most."
  default     = 100
}

variable "consumer_minimum_pollers" {
  type        = number
  description = "Provisioned pollers always running per event source mapping."
  default     = 1
}

variable "consumer_maximum_pollers" {
  type        = number
  description = "Provisioned pollers at most per event source mapping."
  default     = 6
}

# Gateway settings (docs/configuration.md)

variable "auth_mode" {
  type        = string
  description = "AUTH_MODE: api_key, jwt, both or mtls (none is for development only)."
  default     = "api_key"

  validation {
    condition     = contains(["api_key", "jwt", "both", "mtls"], var.auth_mode)
    error_message = "auth_mode must be api_key, jwt, both or mtls."
  }
}

variable "jwt_jwks_url" {
  type        = string
  description = "JWT_JWKS_URL: where the JWT verification keys are published (else the jwt-public-key secret is used)."
  default     = ""
}

variable "jwt_issuer" {
  type        = string
  description = "JWT_ISSUER: the iss every JWT must carry."
  default     = ""
}

variable "jwt_audience" {
  type        = string
  description = "JWT_AUDIENCE: the aud every JWT must carry."
  default     = ""
}

variable "enable_replay_protection" {
  type        = bool
  description = "ENABLE_REPLAY_PROTECTION: require X-Caracal-Nonce and X-Caracal-Timestamp."
  default     = true
}

variable "merkle_log_origin" {
  type        = string
  description = "MERKLE_LOG_ORIGIN: the origin line of the signed checkpoints (verifiers pin it)."
  default     = "caracal-ledger"
}

variable "merkle_batch_size_limit" {
  type        = number
  description = "MERKLE_BATCH_SIZE_LIMIT: events per checkpoint at most."
  default     = 1000
}

variable "merkle_batch_timeout_seconds" {
  type        = number
  description = "MERKLE_BATCH_TIMEOUT_SECONDS: seconds before a partial batch is checkpointed."
  default     = 300
}

variable "api_throttling_rate_limit" {
  type        = number
  description = "Steady requests per second the HTTP API accepts."
  default     = 1000
}

variable "api_throttling_burst_limit" {
  type        = number
  description = "Burst of requests the HTTP API accepts above the steady rate."
  default     = 2000
}

# Load balancers and the streaming gateway

variable "certificate_arn" {
  type        = string
  description = "ACM certificate of the load balancers' HTTPS listeners (needed when enable_alb or enable_streaming_gateway)."
  default     = null
}

variable "alb_ingress_cidr_blocks" {
  type        = list(string)
  description = "Networks allowed to reach the load balancers."
  default     = []
}

variable "alb_internal" {
  type        = bool
  description = "Internal load balancers (agents inside the VPC or peered networks) instead of internet-facing ones."
  default     = false
}

variable "enable_alb" {
  type        = bool
  description = "Serve the gateway function behind an ALB as well as API Gateway."
  default     = false
}

variable "enable_streaming_gateway" {
  type        = bool
  description = "Run the container gateway on ECS Fargate behind its own ALB, for streamed LLM responses."
  default     = false
}

variable "gateway_image" {
  type        = string
  description = "Gateway container image for the streaming gateway (by digest)."
  default     = null
}

variable "gateway_image_architecture" {
  type        = string
  description = "CPU architecture of gateway_image, X86_64 or ARM64: the machine that built it (infra/images/build.sh builds for its own; docs/deploy/images.md, Architecture)."
  default     = "X86_64"
  validation {
    condition     = contains(["X86_64", "ARM64"], var.gateway_image_architecture)
    error_message = "gateway_image_architecture is X86_64 or ARM64."
  }
}

variable "gateway_ecr_repository_arn" {
  type        = string
  description = "ECR repository of gateway_image."
  default     = null
}

variable "streaming_min_count" {
  type        = number
  description = "Streaming gateway tasks at least."
  default     = 3
}

variable "streaming_max_count" {
  type        = number
  description = "Streaming gateway tasks at most."
  default     = 10
}

variable "streaming_cpu" {
  type        = number
  description = "CPU units per streaming gateway task."
  default     = 1024
}

variable "streaming_memory" {
  type        = number
  description = "Memory per streaming gateway task, MiB."
  default     = 2048
}

variable "streaming_max_connections" {
  type        = number
  description = "MAX_CONNECTIONS of each streaming gateway task: client connections open at once; one more is closed unanswered."
  default     = 1024

  validation {
    condition     = var.streaming_max_connections >= 1
    error_message = "streaming_max_connections must be at least 1."
  }
}

variable "streaming_max_inflight_upstream" {
  type        = number
  description = "MAX_INFLIGHT_UPSTREAM of each streaming gateway task: upstream calls in flight at once; one more gets 503 overloaded."
  default     = 1024

  validation {
    condition     = var.streaming_max_inflight_upstream >= 1
    error_message = "streaming_max_inflight_upstream must be at least 1."
  }
}

variable "streaming_idle_timeout_secs" {
  type        = number
  description = "IDLE_TIMEOUT_SECS of each streaming gateway task: seconds a client connection may stay silent. Above the ALB's idle timeout (300 s), so that the ALB closes an idle connection before the task does and never sends on one the task closed; at least the task's REQUEST_TIMEOUT (300 s), or the task refuses to start."
  default     = 310

  validation {
    condition     = var.streaming_idle_timeout_secs >= 300
    error_message = "streaming_idle_timeout_secs must be at least the streaming gateway's REQUEST_TIMEOUT, 300 s."
  }
}

# Alarms

variable "alarm_emails" {
  type        = list(string)
  description = "Addresses subscribed to the alarm topic."
  default     = []
}

variable "consumer_lag_threshold" {
  type        = number
  description = "Records of consumer lag that raise the lag alarm."
  default     = 10000
}

variable "error_rate_threshold" {
  type        = number
  description = "Share of 5xx answers that raises the error-rate alarm."
  default     = 0.05
}

variable "latency_p99_ms" {
  type        = number
  description = "p99 gateway latency that raises the latency alarm, ms."
  default     = 1000
}
