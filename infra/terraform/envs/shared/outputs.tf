# Shared by every environment (envs/dev and envs/prod link to this file).

output "api_endpoint" {
  description = "Base URL of the gateway behind API Gateway."
  value       = module.caracal.api_endpoint
}

output "gateway_alb_dns_name" {
  description = "DNS name of the gateway function's load balancer (enable_alb)."
  value       = module.caracal.gateway_alb_dns_name
}

output "streaming_gateway_dns_name" {
  description = "DNS name of the streaming gateway's load balancer (enable_streaming_gateway)."
  value       = module.caracal.streaming_gateway_dns_name
}

output "streaming_gateway_service" {
  description = "ECS cluster and service of the streaming gateway."
  value       = module.caracal.streaming_gateway_service
}

output "secret_names" {
  description = "Secrets whose values the operator puts."
  value       = module.caracal.secret_names
}

output "kms_key_arn" {
  description = "ARN of the stack's KMS key."
  value       = module.caracal.kms_key_arn
}

output "db_proxy_endpoint" {
  description = "RDS Proxy host (DB_HOST of the functions)."
  value       = module.caracal.db_proxy_endpoint
}

output "db_instance_address" {
  description = "Database instance host, for the CLI and migrations."
  value       = module.caracal.db_instance_address
}

output "db_instance_identifier" {
  description = "Database instance identifier."
  value       = module.caracal.db_instance_identifier
}

output "db_password_secret_arn" {
  description = "Secret holding the database password."
  value       = module.caracal.db_password_secret_arn
}

output "redis_host" {
  description = "REDIS_HOST of the functions."
  value       = module.caracal.redis_host
}

output "redis_replication_group_id" {
  description = "ElastiCache replication group."
  value       = module.caracal.redis_replication_group_id
}

output "kafka_bootstrap_servers" {
  description = "KAFKA_BOOTSTRAP_SERVERS (IAM authentication)."
  value       = module.caracal.kafka_bootstrap_servers
}

output "msk_cluster_arn" {
  description = "ARN of the MSK cluster."
  value       = module.caracal.msk_cluster_arn
}

output "function_names" {
  description = "Name of every Caracal function."
  value       = module.caracal.function_names
}

output "event_source_mappings" {
  description = "Event source mapping UUIDs by function and topic."
  value       = module.caracal.event_source_mappings
}

output "consumer_groups" {
  description = "Consumer group of each (function, topic) pair."
  value       = module.caracal.consumer_groups
}

output "app_security_group_id" {
  description = "Security group for a CLI host inside the VPC."
  value       = module.caracal.app_security_group_id
}

output "private_subnet_ids" {
  description = "Private subnets for a CLI host inside the VPC."
  value       = module.caracal.private_subnet_ids
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.caracal.alarm_topic_arn
}
