variable "name" {
  type        = string
  description = "Name prefix of the cluster, service and roles, e.g. caracal-prod-gateway."
}

variable "image" {
  type        = string
  description = "Gateway container image (the repository's gateway image, by digest for reproducible deploys)."
}

variable "image_architecture" {
  type        = string
  description = "CPU architecture of the image, X86_64 or ARM64: Fargate runs the task on it."
  default     = "X86_64"
  validation {
    condition     = contains(["X86_64", "ARM64"], var.image_architecture)
    error_message = "image_architecture is X86_64 or ARM64."
  }
}

variable "ecr_repository_arn" {
  type        = string
  description = "ECR repository of the image; the task may pull from it only."
}

variable "cpu" {
  type        = number
  description = "Task CPU units (1024 = 1 vCPU; seeds/002: 1000m request, 4000m limit)."
  default     = 1024
}

variable "memory" {
  type        = number
  description = "Task memory, MiB (seeds/002: 1Gi request, 4Gi limit)."
  default     = 2048
}

variable "min_count" {
  type        = number
  description = "Tasks at least (seeds/002: 3 across zones)."
  default     = 3
}

variable "max_count" {
  type        = number
  description = "Tasks at most."
  default     = 10
}

variable "cpu_target" {
  type        = number
  description = "Average CPU utilization, percent, the service scales to keep (seeds/000: 70)."
  default     = 70
}

variable "container_port" {
  type        = number
  description = "GATEWAY_PORT of the container (plain HTTP behind the load balancer's TLS)."
  default     = 8080
}

variable "environment" {
  type        = map(string)
  description = "Environment of the container (names of docs/configuration.md), no secret values."
}

variable "secrets" {
  type        = map(string)
  description = "Environment variables ECS fills from Secrets Manager at start: name => secret ARN, or ARN:json-key:: for one key of a JSON secret."
  default     = {}
}

variable "secret_arns" {
  type        = list(string)
  description = "Secrets named in var.secrets, which the task execution role may read."
  default     = []
}

variable "policy_statements" {
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  description = "Permissions of the running task (Kafka publishing)."
  default     = []
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the tasks."
}

variable "app_security_group_id" {
  type        = string
  description = "Security group of the Caracal processes, given to the tasks."
}

variable "alb_security_group_id" {
  type        = string
  description = "Security group of the load balancer, admitted on the container port."
}

variable "target_group_arn" {
  type        = string
  description = "ip target group of the load balancer (alb module)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the secrets and the log group."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the container log group, days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
