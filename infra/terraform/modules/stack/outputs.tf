output "api_endpoint" {
  description = "Base URL of the gateway behind API Gateway (agents set it as their API base URL)."
  value       = module.gateway.api_endpoint
}

output "gateway_alb_dns_name" {
  description = "DNS name of the gateway function's load balancer, when enable_alb."
  value       = var.enable_alb ? module.gateway_alb[0].dns_name : null
}

output "streaming_gateway_dns_name" {
  description = "DNS name of the streaming gateway's load balancer, when enable_streaming_gateway."
  value       = var.enable_streaming_gateway ? module.streaming_alb[0].dns_name : null
}

output "streaming_gateway_service" {
  description = "ECS cluster and service of the streaming gateway, when enable_streaming_gateway."
  value       = var.enable_streaming_gateway ? { cluster = module.streaming_gateway[0].cluster_name, service = module.streaming_gateway[0].service_name } : null
}

output "secret_names" {
  description = "Secrets whose values the operator puts (docs/deploy/aws.md, \"Secrets and keys\")."
  value       = module.secrets.secret_names
}

output "kms_key_arn" {
  description = "ARN of the stack's KMS key."
  value       = module.secrets.kms_key_arn
}

output "db_proxy_endpoint" {
  description = "RDS Proxy host (DB_HOST of the functions)."
  value       = module.rds.proxy_endpoint
}

output "db_instance_address" {
  description = "Database instance host, for the CLI and migrations from inside the VPC."
  value       = module.rds.instance_address
}

output "db_instance_identifier" {
  description = "Database instance identifier (snapshots, restores)."
  value       = module.rds.instance_identifier
}

output "db_password_secret_arn" {
  description = "Secret RDS keeps the database password in (JSON: username, password)."
  value       = module.rds.password_secret_arn
}

output "redis_host" {
  description = "REDIS_HOST of the functions."
  value       = module.elasticache.host
}

output "redis_replication_group_id" {
  description = "ElastiCache replication group (snapshots, failover tests)."
  value       = module.elasticache.replication_group_id
}

output "kafka_bootstrap_servers" {
  description = "KAFKA_BOOTSTRAP_SERVERS (IAM authentication, port 9098)."
  value       = module.msk.bootstrap_brokers_sasl_iam
}

output "msk_cluster_arn" {
  description = "ARN of the MSK cluster."
  value       = module.msk.cluster_arn
}

output "function_names" {
  description = "Name of every Caracal function, by short name."
  value       = local.function_names
}

output "event_source_mappings" {
  description = "Event source mapping UUIDs by function and topic."
  value       = module.consumers.mapping_uuids
}

output "consumer_groups" {
  description = "Consumer group of each (function, topic) pair."
  value       = module.consumers.subscriptions
}

output "app_security_group_id" {
  description = "Security group to give a CLI host (CloudShell VPC environment, bastion) so it reaches the data stores."
  value       = module.network.app_security_group_id
}

output "private_subnet_ids" {
  description = "Private subnets, for a CLI host inside the VPC."
  value       = module.network.private_subnet_ids
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.alarms.topic_arn
}
