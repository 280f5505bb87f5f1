variable "name" {
  type        = string
  description = "Name of the load balancer (32 characters at most), e.g. caracal-prod-gw."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the load balancer."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets of the load balancer: public ones when internet-facing, private ones when internal."
}

variable "internal" {
  type        = bool
  description = "An internal load balancer, reachable only from inside the VPC and peered networks."
  default     = false
}

variable "ingress_cidr_blocks" {
  type        = list(string)
  description = "Client networks allowed to reach the HTTPS listener (the agents' egress addresses)."
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate of the HTTPS listener."
}

variable "ssl_policy" {
  type        = string
  description = "TLS policy of the HTTPS listener."
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "target_type" {
  type        = string
  description = "lambda (the gateway function) or ip (ECS tasks of the streaming gateway)."

  validation {
    condition     = contains(["lambda", "ip"], var.target_type)
    error_message = "target_type must be lambda or ip."
  }
}

variable "target_port" {
  type        = number
  description = "Port of the ip targets (the gateway container's GATEWAY_PORT)."
  default     = 8080
}

variable "target_security_group_id" {
  type        = string
  description = "Security group of the ip targets; the load balancer's egress is limited to it. Unused for lambda targets."
  default     = null
}

variable "health_check_path" {
  type        = string
  description = "Path the ip targets are checked on: /ready, so that a task that lost its database is taken out of rotation."
  default     = "/ready"
}

variable "idle_timeout" {
  type        = number
  description = "Seconds a connection may stay idle; a streamed LLM response can pause between tokens."
  default     = 300
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the load balancer."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
