# The whole Caracal serverless shape for one environment; envs/dev and envs/prod differ only in the values they give
# it. Every function gets the connection settings of docs/configuration.md (process "all": PostgreSQL, Redis, Kafka)
# plus its own.

locals {
  # Environment variables, by what they configure. Their names are those of docs/configuration.md, except the
  # *_SECRET_ARN ones: a Lambda function has no secret files and should not carry secret values in
  # its configuration, so it gets the ARN of each secret and reads the value at start (issue 15; the names are
  # listed in TerraformStructureTest until the code reads them).
  common_env = {
    LOG_LEVEL = var.log_level
  }

  db_env = {
    DB_HOST            = module.rds.proxy_endpoint
    DB_PORT            = tostring(module.rds.port)
    DB_NAME            = module.rds.database_name
    DB_USER            = module.rds.username
    DB_POOL_TIMEOUT_MS = "1000"
  }

  redis_env = {
    REDIS_HOST    = module.elasticache.host
    REDIS_PORT    = tostring(module.elasticache.port)
    REDIS_CLUSTER = tostring(module.elasticache.cluster_mode_enabled)
    REDIS_TLS     = "true"
  }

  kafka_env = {
    KAFKA_BOOTSTRAP_SERVERS = module.msk.bootstrap_brokers_sasl_iam
    KAFKA_SECURITY_PROTOCOL = "SASL_SSL"
    KAFKA_SASL_MECHANISM    = "AWS_MSK_IAM"
    KAFKA_PARTITIONS        = tostring(var.kafka_partitions)
    SCHEMA_REGISTRY_URL     = var.schema_registry_url
  }

  secret_arn_env = {
    DB_PASSWORD_SECRET_ARN    = module.rds.password_secret_arn
    REDIS_PASSWORD_SECRET_ARN = module.secrets.secret_arns["redis-auth-token"]
  }

  gateway_settings_env = {
    AUTH_MODE                = var.auth_mode
    JWT_JWKS_URL             = var.jwt_jwks_url
    JWT_ISSUER               = var.jwt_issuer
    JWT_AUDIENCE             = var.jwt_audience
    ENABLE_REPLAY_PROTECTION = tostring(var.enable_replay_protection)
  }

  gateway_lambda_env = {
    JWT_PUBLIC_KEY_SECRET_ARN      = module.secrets.secret_arns["jwt-public-key"]
    RECEIPT_SIGNING_KEY_SECRET_ARN = module.secrets.secret_arns["receipt-signing-key"]
    # Give up on the upstream before API Gateway gives up on us (30 s), so the hold is settled and the client
    # gets the gateway's own error.
    REQUEST_TIMEOUT = "25s"
    # The group-commit writer, the change feed and the request path each hold a connection.
    DB_POOL_SIZE = "4"
  }

  # One invocation at a time per environment: a small pool is all a consumer uses.
  consumer_env = {
    DB_POOL_SIZE = "2"
  }

  integrator_env = {
    MERKLE_SIGNING_KEY_SECRET_ARN = module.secrets.secret_arns["merkle-signing-key"]
    MERKLE_LOG_ORIGIN             = var.merkle_log_origin
    MERKLE_BATCH_SIZE_LIMIT       = tostring(var.merkle_batch_size_limit)
    MERKLE_BATCH_TIMEOUT_SECONDS  = tostring(var.merkle_batch_timeout_seconds)
  }

  # The container reads DB_PASSWORD itself (ECS fills it from the secret), listens on plain HTTP behind the ALB's
  # TLS, and may wait for a streamed upstream far longer than API Gateway would.
  streaming_env = {
    TLS_ENABLED           = "false" # the container's default is HTTPS, which would refuse to start without a certificate
    GATEWAY_PORT          = "8080"
    METRICS_PORT          = "9090"
    REQUEST_TIMEOUT       = "300s"
    DB_POOL_SIZE          = "10"
    MAX_CONNECTIONS       = tostring(var.streaming_max_connections)
    MAX_INFLIGHT_UPSTREAM = tostring(var.streaming_max_inflight_upstream)
    IDLE_TIMEOUT_SECS     = tostring(var.streaming_idle_timeout_secs)
  }

  shared_env = merge(local.common_env, local.db_env, local.redis_env, local.kafka_env, local.secret_arn_env)

  shared_secret_arns = [module.rds.password_secret_arn, module.secrets.secret_arns["redis-auth-token"]]
}

# Cross-variable requirements, checked at plan.
resource "terraform_data" "requirements" {
  lifecycle {
    precondition {
      condition     = !(var.enable_alb || var.enable_streaming_gateway) || var.certificate_arn != null
      error_message = "enable_alb and enable_streaming_gateway need certificate_arn."
    }
    precondition {
      condition     = !var.enable_streaming_gateway || (var.gateway_image != null && var.gateway_ecr_repository_arn != null)
      error_message = "enable_streaming_gateway needs gateway_image and gateway_ecr_repository_arn."
    }
    precondition {
      condition     = var.kafka_broker_count % var.az_count == 0
      error_message = "kafka_broker_count must be a multiple of az_count."
    }
  }
}

module "network" {
  source = "../network"

  name               = var.name
  cidr_block         = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  tags               = var.tags
}

module "secrets" {
  source = "../secrets"

  name                 = var.name
  recovery_window_days = var.secret_recovery_window_days
  tags                 = var.tags
}

module "msk" {
  source = "../msk"

  name                     = var.name
  kafka_version            = var.kafka_version
  broker_instance_type     = var.kafka_broker_instance_type
  broker_count             = var.kafka_broker_count
  broker_volume_size       = var.kafka_broker_volume_size
  partitions               = var.kafka_partitions
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.network.app_security_group_id
  kms_key_arn              = module.secrets.kms_key_arn
  log_retention_days       = var.log_retention_days
  tags                     = var.tags
}

module "rds" {
  source = "../rds"

  name                     = var.name
  instance_class           = var.db_instance_class
  allocated_storage        = var.db_allocated_storage
  max_allocated_storage    = var.db_max_allocated_storage
  multi_az                 = var.db_multi_az
  backup_retention_days    = var.db_backup_retention_days
  deletion_protection      = var.db_deletion_protection
  skip_final_snapshot      = var.db_skip_final_snapshot
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.network.app_security_group_id
  kms_key_arn              = module.secrets.kms_key_arn
  tags                     = var.tags
}

module "elasticache" {
  source = "../elasticache"

  name                     = var.name
  node_type                = var.redis_node_type
  cluster_mode_enabled     = var.redis_cluster_mode_enabled
  shard_count              = var.redis_shard_count
  replicas_per_shard       = var.redis_replicas_per_shard
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.network.app_security_group_id
  kms_key_arn              = module.secrets.kms_key_arn
  auth_token_secret_arn    = module.secrets.secret_arns["redis-auth-token"]
  log_retention_days       = var.log_retention_days
  tags                     = var.tags
}

module "gateway_alb" {
  source = "../alb"
  count  = var.enable_alb ? 1 : 0

  name                = "${var.name}-gw"
  target_type         = "lambda"
  vpc_id              = module.network.vpc_id
  subnet_ids          = var.alb_internal ? module.network.private_subnet_ids : module.network.public_subnet_ids
  internal            = var.alb_internal
  ingress_cidr_blocks = var.alb_ingress_cidr_blocks
  certificate_arn     = var.certificate_arn
  tags                = var.tags
}

module "gateway" {
  source = "../gateway"

  name                   = var.name
  package                = var.packages["gateway"]
  handler                = lookup(var.handlers, "gateway", null)
  alb_handler            = lookup(var.handlers, "alb", null)
  relay_handler          = lookup(var.handlers, "relay", null)
  sweep_handler          = lookup(var.handlers, "sweep", null)
  memory_size            = var.gateway_memory_size
  reserved_concurrency   = var.gateway_reserved_concurrency
  environment            = merge(local.shared_env, local.gateway_settings_env, local.gateway_lambda_env)
  relay_environment      = merge(local.shared_env, local.consumer_env)
  secret_arns            = concat(local.shared_secret_arns, [module.secrets.secret_arns["jwt-public-key"], module.secrets.secret_arns["receipt-signing-key"]])
  relay_secret_arns      = local.shared_secret_arns
  kms_key_arn            = module.secrets.kms_key_arn
  msk_cluster_arn        = module.msk.cluster_arn
  topic_arn_prefix       = module.msk.topic_arn_prefix
  event_topics           = module.msk.event_topics
  dlq_topic              = module.msk.dlq_topic
  subnet_ids             = module.network.private_subnet_ids
  security_group_ids     = [module.network.app_security_group_id]
  throttling_rate_limit  = var.api_throttling_rate_limit
  throttling_burst_limit = var.api_throttling_burst_limit
  enable_alb             = var.enable_alb
  alb_target_group_arn   = var.enable_alb ? module.gateway_alb[0].target_group_arn : null
  log_retention_days     = var.log_retention_days
  tags                   = var.tags
}

module "consumers" {
  source = "../consumers"

  name               = var.name
  packages           = var.packages
  ledger_handler     = lookup(var.handlers, "ledger", null)
  metrics_handler    = lookup(var.handlers, "metrics", null)
  audit_handler      = lookup(var.handlers, "audit", null)
  integrator_handler = lookup(var.handlers, "integrator", null)
  memory_size        = var.consumer_memory_size
  environments = {
    ledger     = merge(local.shared_env, local.consumer_env)
    metrics    = merge(local.shared_env, local.consumer_env)
    audit      = merge(local.shared_env, local.consumer_env)
    integrator = merge(local.shared_env, local.consumer_env, local.integrator_env)
  }
  secret_arns = {
    ledger     = local.shared_secret_arns
    metrics    = local.shared_secret_arns
    audit      = local.shared_secret_arns
    integrator = concat(local.shared_secret_arns, [module.secrets.secret_arns["merkle-signing-key"]])
  }
  kms_key_arn        = module.secrets.kms_key_arn
  msk_cluster_arn    = module.msk.cluster_arn
  topic_arn_prefix   = module.msk.topic_arn_prefix
  group_arn_prefix   = module.msk.group_arn_prefix
  metering_topic     = module.msk.metering_topic
  event_topics       = module.msk.event_topics
  dlq_topic          = module.msk.dlq_topic
  failure_topic      = module.msk.esm_failure_topic
  batch_size         = var.consumer_batch_size
  minimum_pollers    = var.consumer_minimum_pollers
  maximum_pollers    = var.consumer_maximum_pollers
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.network.app_security_group_id]
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

module "streaming_alb" {
  source = "../alb"
  count  = var.enable_streaming_gateway ? 1 : 0

  name                     = "${var.name}-stream"
  target_type              = "ip"
  target_port              = 8080
  target_security_group_id = module.network.app_security_group_id
  vpc_id                   = module.network.vpc_id
  subnet_ids               = var.alb_internal ? module.network.private_subnet_ids : module.network.public_subnet_ids
  internal                 = var.alb_internal
  ingress_cidr_blocks      = var.alb_ingress_cidr_blocks
  certificate_arn          = var.certificate_arn
  tags                     = var.tags
}

module "streaming_gateway" {
  source = "../streaming_gateway"
  count  = var.enable_streaming_gateway ? 1 : 0

  name               = "${var.name}-gateway"
  image              = var.gateway_image
  image_architecture = var.gateway_image_architecture
  ecr_repository_arn = var.gateway_ecr_repository_arn
  cpu                = var.streaming_cpu
  memory             = var.streaming_memory
  min_count          = var.streaming_min_count
  max_count          = var.streaming_max_count
  environment        = merge(local.common_env, local.db_env, local.redis_env, local.kafka_env, local.gateway_settings_env, local.streaming_env)
  secrets = {
    DB_PASSWORD    = "${module.rds.password_secret_arn}:password::"
    REDIS_PASSWORD = module.secrets.secret_arns["redis-auth-token"]
  }
  secret_arns           = local.shared_secret_arns
  subnet_ids            = module.network.private_subnet_ids
  app_security_group_id = module.network.app_security_group_id
  alb_security_group_id = module.streaming_alb[0].security_group_id
  target_group_arn      = module.streaming_alb[0].target_group_arn
  kms_key_arn           = module.secrets.kms_key_arn
  log_retention_days    = var.log_retention_days
  tags                  = var.tags

  # The task publishes the outbox like the gateway function (its in-process relay runs all the time here).
  policy_statements = [
    {
      sid       = "ConnectAsIdempotentProducer"
      actions   = ["kafka-cluster:Connect", "kafka-cluster:WriteDataIdempotently"]
      resources = [module.msk.cluster_arn]
    },
    {
      sid       = "DescribeCaracalTopics"
      actions   = ["kafka-cluster:DescribeTopic"]
      resources = [for t in concat(module.msk.event_topics, [module.msk.dlq_topic]) : "${module.msk.topic_arn_prefix}/${t}"]
    },
    {
      sid       = "PublishEvents"
      actions   = ["kafka-cluster:WriteData"]
      resources = [for t in module.msk.event_topics : "${module.msk.topic_arn_prefix}/${t}"]
    },
  ]
}

locals {
  # Every function, by short name: alarms for each, and the stack's output.
  function_names = merge(module.consumers.function_names, {
    gateway = module.gateway.function_name
    relay   = module.gateway.relay_function_name
    sweep   = module.gateway.sweep_function_name
  }, var.enable_alb ? { "gateway-alb" = module.gateway.alb_function_name } : {})
}

module "alarms" {
  source = "../alarms"

  name                     = var.name
  kms_key_arn              = module.secrets.kms_key_arn
  alarm_emails             = var.alarm_emails
  msk_cluster_name         = module.msk.cluster_name
  subscriptions            = module.consumers.subscriptions
  consumer_lag_threshold   = var.consumer_lag_threshold
  dlq_topics               = [module.msk.dlq_topic, module.msk.esm_failure_topic]
  api_id                   = module.gateway.api_id
  api_stage                = module.gateway.stage_name
  error_rate_threshold     = var.error_rate_threshold
  latency_p99_ms           = var.latency_p99_ms
  integrator_function_name = module.consumers.function_names["integrator"]
  rds_proxy_name           = module.rds.proxy_name
  tags                     = var.tags

  function_names = local.function_names

  load_balancers = merge(
    var.enable_alb ? { lambda = module.gateway_alb[0].arn_suffix } : {},
    var.enable_streaming_gateway ? { streaming = module.streaming_alb[0].arn_suffix } : {},
  )
}
