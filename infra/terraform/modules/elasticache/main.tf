# ElastiCache Redis for the budget counters and spend aggregates: TLS in transit, an AUTH token from Secrets Manager,
# encrypted at rest, never evicting (an evicted counter would under-count spend until its rebuild), and Redis Cluster
# as an option.
#
# The token is read from Secrets Manager at apply time, because ElastiCache takes it as a plain argument: it lands in
# the Terraform state, which is why the state backend must be encrypted and access to it restricted
# (docs/deploy/aws.md, "State").

data "aws_secretsmanager_secret_version" "auth_token" {
  secret_id = var.auth_token_secret_arn
}

locals {
  major_version = split(".", var.engine_version)[0]
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "Redis: TLS from the Caracal processes"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-redis" })
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_app" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Caracal functions"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = var.client_security_group_id
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_elasticache_parameter_group" "this" {
  name   = "${var.name}-redis${local.major_version}${var.cluster_mode_enabled ? "-cluster" : ""}"
  family = "redis${local.major_version}"

  # docs/configuration.md: the budget store needs noeviction.
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }

  parameter {
    name  = "cluster-enabled"
    value = var.cluster_mode_enabled ? "yes" : "no"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "slow" {
  name              = "/aws/elasticache/${var.name}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Caracal budget counters and spend aggregates"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.this.name
  subnet_group_name    = aws_elasticache_subnet_group.this.name
  security_group_ids   = [aws_security_group.redis.id]

  cluster_mode            = var.cluster_mode_enabled ? "enabled" : "disabled"
  num_node_groups         = var.cluster_mode_enabled ? var.shard_count : 1
  replicas_per_node_group = var.replicas_per_shard

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = data.aws_secretsmanager_secret_version.auth_token.secret_string
  # On a rotation (new secret value, then apply) ROTATE keeps the old token valid beside the new one, so functions
  # that started with the old one keep working until they restart.
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit = var.snapshot_retention_days
  apply_immediately        = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = var.tags
}
