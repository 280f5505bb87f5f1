# The production stack, sized after seeds/002 ("Minimum Production Requirements"): three zones, a NAT gateway per
# zone, a Multi-AZ database with 30 days of backups, brokers with 1 TB each, and deletion protection everywhere.

locals {
  environment = "prod"
}

module "caracal" {
  source = "../../modules/stack"

  name     = "caracal-${local.environment}"
  packages = var.packages
  handlers = var.handlers

  az_count           = 3
  single_nat_gateway = false
  log_retention_days = 90

  kafka_broker_instance_type = "kafka.m5.large"
  kafka_broker_count         = 3
  kafka_broker_volume_size   = 1000
  kafka_partitions           = 12

  db_instance_class        = "db.r6g.xlarge"
  db_allocated_storage     = 500
  db_max_allocated_storage = 2000
  db_multi_az              = true
  db_backup_retention_days = 30
  db_deletion_protection   = true

  redis_node_type          = "cache.r6g.large"
  redis_replicas_per_shard = 2

  gateway_memory_size      = 2048
  consumer_memory_size     = 1536
  consumer_minimum_pollers = 2
  consumer_maximum_pollers = 12

  auth_mode    = var.auth_mode
  jwt_jwks_url = var.jwt_jwks_url
  jwt_issuer   = var.jwt_issuer
  jwt_audience = var.jwt_audience

  enable_alb                 = var.enable_alb
  enable_streaming_gateway   = var.enable_streaming_gateway
  certificate_arn            = var.certificate_arn
  alb_ingress_cidr_blocks    = var.alb_ingress_cidr_blocks
  gateway_image              = var.gateway_image
  gateway_image_architecture = var.gateway_image_architecture
  gateway_ecr_repository_arn = var.gateway_ecr_repository_arn
  streaming_min_count        = 3
  streaming_max_count        = 20

  alarm_emails = var.alarm_emails
}
