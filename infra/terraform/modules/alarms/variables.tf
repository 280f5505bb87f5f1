variable "name" {
  type        = string
  description = "Prefix of the alarm names and the alarm topic, e.g. caracal-prod."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key of the alarm topic."
}

variable "alarm_emails" {
  type        = list(string)
  description = "Addresses subscribed to the alarm topic (each confirms by mail). Other subscribers (PagerDuty, Slack) subscribe to the topic_arn output."
  default     = []
}

variable "msk_cluster_name" {
  type        = string
  description = "Name of the MSK cluster."
}

variable "subscriptions" {
  type = map(object({
    topic = string
    group = string
  }))
  description = "Consumer group and topic of each event source mapping (consumers module output); one lag alarm each."
}

variable "consumer_lag_threshold" {
  type        = number
  description = "Records behind that raise the lag alarm (seeds: caracal_kafka_consumer_lag > 10000)."
  default     = 10000
}

variable "consumer_lag_minutes" {
  type        = number
  description = "Minutes the lag must stay above the threshold (seeds/002: for 10m)."
  default     = 10
}

variable "dlq_topics" {
  type        = list(string)
  description = "Dead-letter topics to watch: the functions' caracal.dlq and the mappings' failure topic."
}

variable "dlq_messages_per_second_threshold" {
  type        = number
  description = "Dead letters per second (5-minute average, all brokers) that raise the alarm; 0 alarms on any dead letter."
  default     = 0
}

variable "api_id" {
  type        = string
  description = "ID of the gateway's HTTP API."
}

variable "api_stage" {
  type        = string
  description = "Stage of the gateway's HTTP API."
}

variable "error_rate_threshold" {
  type        = number
  description = "Share of 5xx answers over 5 minutes that raises the error-rate alarm (seeds: > 5%)."
  default     = 0.05
}

variable "latency_p99_ms" {
  type        = number
  description = "p99 latency over 5 minutes that raises the latency alarm, ms (seeds: p99 > 1s). It includes the upstream's time."
  default     = 1000
}

variable "function_names" {
  type        = map(string)
  description = "Functions whose invocation errors (crashes, timeouts; not HTTP error answers) raise an alarm, by short name."
}

variable "integrator_function_name" {
  type        = string
  description = "The scheduled Merkle integrator: an error or a missed run raises the Merkle alarm."
}

variable "rds_proxy_name" {
  type        = string
  description = "Name of the RDS Proxy."
}

variable "load_balancers" {
  type        = map(string)
  description = "ARN suffix of each gateway load balancer, by short name (lambda, streaming); 5xx and latency alarms each."
  default     = {}
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource of the module."
  default     = {}
}
