variable "name" {
  type        = string
  description = "Identifier prefix of the instance and the proxy, e.g. caracal-prod."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL major version (the parameter group family follows it)."
  default     = "17"
}

variable "instance_class" {
  type        = string
  description = "Instance class (seeds/002: db.r5.xlarge or equivalent for production)."
  default     = "db.r6g.xlarge"
}

variable "allocated_storage" {
  type        = number
  description = "Initial gp3 storage, GiB."
  default     = 100
}

variable "max_allocated_storage" {
  type        = number
  description = "Storage autoscaling ceiling, GiB (seeds/002: 500 GB, autoscaling on)."
  default     = 500
}

variable "multi_az" {
  type        = bool
  description = "A synchronous standby in another zone with automatic failover."
  default     = true
}

variable "database_name" {
  type        = string
  description = "Database name (DB_NAME)."
  default     = "caracal"
}

variable "master_username" {
  type        = string
  description = "Database user the functions log in as (DB_USER); its password is generated and kept in Secrets Manager by RDS."
  default     = "caracal"
}

variable "vpc_id" {
  type        = string
  description = "VPC of the database."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the instance and the proxy."
}

variable "client_security_group_id" {
  type        = string
  description = "Security group of the Caracal processes, admitted by the proxy and (for the CLI and migrations) by the instance."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for storage, Performance Insights and the generated password's secret."
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups and point-in-time recovery (seeds/002: daily backups, 30-day retention)."
  default     = 30
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance (turn off explicitly before a destroy)."
  default     = true
}

variable "skip_final_snapshot" {
  type        = bool
  description = "Delete without a final snapshot (throw-away dev stacks only)."
  default     = false
}

variable "proxy_max_connections_percent" {
  type        = number
  description = "Share of the database's max_connections the proxy may open."
  default     = 90
}

variable "proxy_idle_client_timeout" {
  type        = number
  description = "Seconds an idle client connection stays open at the proxy; a frozen Lambda environment holds its connection meanwhile."
  default     = 1800
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
