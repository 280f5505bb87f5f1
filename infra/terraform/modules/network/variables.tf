variable "name" {
  type        = string
  description = "Prefix of every resource name, e.g. caracal-prod."
}

variable "cidr_block" {
  type        = string
  description = "CIDR of the VPC; split into one private and one public /20 per availability zone."
  default     = "10.40.0.0/16"
}

variable "az_count" {
  type        = number
  description = "Availability zones to spread over. MSK needs its broker count to be a multiple of this, and replication 3 wants 3 zones."
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all zones (cheaper, for dev) instead of one per zone (survives a zone outage)."
  default     = false
}

variable "interface_endpoints" {
  type        = list(string)
  description = "AWS services reached through interface VPC endpoints instead of the NAT gateway. lambda and sts are what the MSK event source mappings call from inside the VPC; secretsmanager and kms serve the functions' secrets; logs, ecr.api and ecr.dkr serve the optional ECS gateway."
  default     = ["secretsmanager", "kms", "sts", "lambda", "logs", "ecr.api", "ecr.dkr"]
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
