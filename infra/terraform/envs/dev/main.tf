# The development stack: the production shape at the smallest sizes that still run it (3 brokers for replication
# 3, one NAT gateway, single-zone database), and easy to throw away (no deletion protection, no final snapshot).

locals {
  environment = "dev"
}

module "caracal" {
  source = "../../modules/stack"

  name     = "caracal-${local.environment}"
  packages = var.packages
  handlers = var.handlers

  single_nat_gateway          = true
  secret_recovery_window_days = 0
  log_retention_days          = 14
  log_level                   = "DEBUG"

  kafka_broker_instance_type = "kafka.t3.small"
  kafka_broker_volume_size   = 20
  kafka_partitions           = 3

  db_instance_class        = "db.t4g.medium"
  db_allocated_storage     = 20
  db_max_allocated_storage = 100
  db_multi_az              = false
  db_backup_retention_days = 7
  db_deletion_protection   = false
  db_skip_final_snapshot   = true

  redis_node_type = "cache.t4g.small"

  gateway_memory_size      = 1024
  consumer_memory_size     = 1024
  consumer_maximum_pollers = 2

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
  streaming_min_count        = 1
  streaming_max_count        = 2

  alarm_emails = var.alarm_emails
}
