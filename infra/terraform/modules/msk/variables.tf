variable "name" {
  type        = string
  description = "Cluster name, e.g. caracal-prod."
}

variable "kafka_version" {
  type        = string
  description = "MSK Kafka version; 3.6.0 or later, which the topic API behind aws_msk_topic needs."
  default     = "3.8.x"
}

variable "broker_instance_type" {
  type        = string
  description = "Broker instance type (seeds/002: kafka.m5.large or larger for production)."
  default     = "kafka.m5.large"
}

variable "broker_count" {
  type        = number
  description = "Brokers, a multiple of the subnet count. At least 3, because every topic is replicated 3 times."
  default     = 3

  validation {
    condition     = var.broker_count >= 3
    error_message = "broker_count must be at least 3: the topics have replication factor 3."
  }
}

variable "broker_volume_size" {
  type        = number
  description = "EBS storage per broker, GiB."
  default     = 100
}

variable "vpc_id" {
  type        = string
  description = "VPC of the cluster."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the brokers, one per zone; the event source mappings' pollers use them too."
}

variable "client_security_group_id" {
  type        = string
  description = "Security group of the Caracal processes, admitted on the IAM listener (9098)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the brokers' storage and log group."
}

variable "partitions" {
  type        = number
  description = "Partitions of every Caracal topic. One agent's events stay on one partition (they are keyed by agent), so this caps the consumers' parallelism."
  default     = 6
}

variable "event_retention_ms" {
  type        = number
  description = "How long the event topics keep records, ms; replay (`caracal replay start`) can go back this far."
  default     = 604800000 # 7 days
}

variable "dlq_retention_ms" {
  type        = number
  description = "How long the dead-letter topics keep records, ms; leave time to inspect and retry them."
  default     = 2592000000 # 30 days
}

variable "enhanced_monitoring" {
  type        = string
  description = "MSK monitoring level. PER_TOPIC_PER_BROKER publishes the per-topic MessagesInPerSec the dead-letter alarms read."
  default     = "PER_TOPIC_PER_BROKER"
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the broker log group, days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
