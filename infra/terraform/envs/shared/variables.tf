# Shared by every environment (envs/dev and envs/prod link to this file). What differs per deployment and is not
# a sizing choice: where the code is, who gets paged, how the gateway is reached.

variable "region" {
  type        = string
  description = "AWS region of the stack."
}

variable "packages" {
  type = map(object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
  }))
  description = "Lambda deployment packages in S3 by function module: gateway, ledger, metrics, audit."
}

variable "handlers" {
  type        = map(string)
  description = "Handler class overrides by function (gateway, alb, relay, sweep, ledger, metrics, audit, integrator)."
  default     = {}
}

variable "alarm_emails" {
  type        = list(string)
  description = "Addresses subscribed to the alarm topic."
  default     = []
}

variable "auth_mode" {
  type        = string
  description = "AUTH_MODE of the gateway: api_key, jwt, both or mtls."
  default     = "api_key"
}

variable "jwt_jwks_url" {
  type        = string
  description = "JWT_JWKS_URL, when agents' JWTs are verified against a JWKS."
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

variable "certificate_arn" {
  type        = string
  description = "ACM certificate of the load balancers (enable_alb, enable_streaming_gateway)."
  default     = null
}

variable "alb_ingress_cidr_blocks" {
  type        = list(string)
  description = "Networks allowed to reach the load balancers."
  default     = []
}

variable "enable_alb" {
  type        = bool
  description = "Serve the gateway function behind an ALB as well as API Gateway."
  default     = false
}

variable "enable_streaming_gateway" {
  type        = bool
  description = "Run the container gateway on ECS Fargate for streamed responses."
  default     = false
}

variable "gateway_image" {
  type        = string
  description = "Gateway container image (by digest), for the streaming gateway."
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
