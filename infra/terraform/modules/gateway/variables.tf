variable "name" {
  type        = string
  description = "Name prefix, e.g. caracal-prod; the functions are <name>-gateway, <name>-outbox-relay and <name>-budget-sweep."
}

variable "package" {
  type = object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
  })
  description = "Deployment package of gateway-function (holds both the gateway and the relay handler)."
}

variable "handler" {
  type        = string
  description = "Handler of the gateway function behind the HTTP API: API Gateway HTTP API events (payload 2.0), on any stage."
  default     = "io.caracal.gateway.lambda.GatewayHttpApiHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "alb_handler" {
  type        = string
  description = "Handler of the gateway function behind the ALB (enable_alb): Application Load Balancer events. A Lambda handler takes events of one shape, so the ALB has a function of its own."
  default     = "io.caracal.gateway.lambda.GatewayAlbHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "relay_handler" {
  type        = string
  description = "Handler of the scheduled outbox relay: publishes the outbox to Kafka, batch after batch, until it is empty or its timeout is 15 s away."
  default     = "io.caracal.gateway.lambda.OutboxRelayLambdaHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "sweep_handler" {
  type        = string
  description = "Handler of the scheduled budget sweep: charges the calls whose hold expired unsettled at their held amount and deletes old spend totals, round after round, until a round finds nothing or its timeout is 15 s away."
  default     = "io.caracal.gateway.lambda.BudgetSweepLambdaHandler"
  # null from a caller (the stack passes its handlers map) means this default.
  nullable = false
}

variable "sweep_schedule" {
  type        = string
  description = "How often the budget sweep runs. The gateway function has no sweep of its own, so a call whose environment was cut off mid-call is charged up to this long after its hold expired."
  default     = "rate(1 minute)"
}

variable "relay_schedule" {
  type        = string
  description = "How often the relay runs. The gateway function has no relay of its own, so an event waits in the outbox up to this long (plus a run's duration) before it reaches Kafka."
  default     = "rate(1 minute)"
}

variable "memory_size" {
  type        = number
  description = "Memory of the gateway function, MB."
  default     = 2048
}

variable "timeout" {
  type        = number
  description = "Seconds a gateway invocation may run: a little more than API Gateway's 30 s, so a call that API Gateway gave up on can still settle its hold."
  default     = 35
}

variable "relay_timeout" {
  type        = number
  description = "Seconds a relay run may last; it starts no batch in its last 15 s, so a backlog larger than one run publishes is finished by the next runs."
  default     = 60
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the gateway function; -1 for none. Each environment holds its own database connections."
  default     = -1
}

variable "environment" {
  type        = map(string)
  description = "Environment of the gateway function (names of docs/configuration.md)."
}

variable "relay_environment" {
  type        = map(string)
  description = "Environment of the relay function."
}

variable "secret_arns" {
  type        = list(string)
  description = "Secrets the gateway reads at start (database password, Redis token, JWT key, receipt key)."
}

variable "relay_secret_arns" {
  type        = list(string)
  description = "Secrets the relay reads at start (database password)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the secrets, environments and logs."
}

variable "msk_cluster_arn" {
  type        = string
  description = "ARN of the MSK cluster the relay publishes to."
}

variable "topic_arn_prefix" {
  type        = string
  description = "IAM ARN prefix of the cluster's topics (msk module output)."
}

variable "event_topics" {
  type        = list(string)
  description = "Topics the outbox is published to."
}

variable "dlq_topic" {
  type        = string
  description = "Dead-letter topic; the relay checks that it exists, so it may describe it."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the functions."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the functions."
}

variable "stage_name" {
  type        = string
  description = "API Gateway stage. $default serves the API at its root; a named stage serves it under /<stage>, which the handler removes before routing."
  default     = "$default"
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady requests per second the API accepts before answering 429."
  default     = 1000
}

variable "throttling_burst_limit" {
  type        = number
  description = "Burst of requests the API accepts above the steady rate."
  default     = 2000
}

variable "enable_alb" {
  type        = bool
  description = "Also serve the gateway behind an Application Load Balancer (alb_target_group_arn), from a second function with alb_handler."
  default     = false
}

variable "alb_target_group_arn" {
  type        = string
  description = "Lambda target group of the ALB (alb module, target_type lambda), used when enable_alb is true."
  default     = null
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the functions' and the API's log groups, days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
