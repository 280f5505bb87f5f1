# The gateway in the serverless shape: a function behind an API Gateway HTTP API (payload 2.0) and, optionally, a
# second one behind an Application Load Balancer (a Lambda handler takes events of one shape); and the outbox relay
# as a scheduled function of its own, so that events reach Kafka whether or not a gateway call happens to be
# running (the gateway functions have no relay thread).
#
# Responses are buffered: Java Lambda cannot stream, and HTTP API integrations stop at 30 s. Streamed LLM responses
# go through the container gateway (streaming_gateway module).

locals {
  # The ALB's function exists only with the ALB.
  functions = {
    for key, f in {
      api = {
        name        = "${var.name}-gateway"
        description = "Caracal gateway: authenticates, holds budget, forwards, settles"
        handler     = var.handler
      }
      alb = {
        name        = "${var.name}-gateway-alb"
        description = "Caracal gateway behind the ALB: authenticates, holds budget, forwards, settles"
        handler     = var.alb_handler
      }
    } : key => f if key == "api" || var.enable_alb
  }

  secret_statements = [
    {
      sid       = "ReadOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.secret_arns
    },
  ]

  relay_secret_statements = [
    {
      sid       = "ReadOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.relay_secret_arns
    },
  ]

  decrypt_statement = {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  # Only the scheduled relay publishes the outbox: the gateway functions have no relay thread, as nothing may depend
  # on a request being in flight. The producer is idempotent, and the relay first lists the topics it expects.
  publish_statements = [
    local.decrypt_statement,
    {
      sid       = "ConnectAsIdempotentProducer"
      actions   = ["kafka-cluster:Connect", "kafka-cluster:WriteDataIdempotently"]
      resources = [var.msk_cluster_arn]
    },
    {
      sid       = "DescribeCaracalTopics"
      actions   = ["kafka-cluster:DescribeTopic"]
      resources = [for t in concat(var.event_topics, [var.dlq_topic]) : "${var.topic_arn_prefix}/${t}"]
    },
    {
      sid       = "PublishEvents"
      actions   = ["kafka-cluster:WriteData"]
      resources = [for t in var.event_topics : "${var.topic_arn_prefix}/${t}"]
    },
  ]
}

# One function per event shape a Lambda handler takes: the HTTP API's, and the ALB's when there is one.
module "function" {
  source   = "../lambda_function"
  for_each = local.functions

  name                 = each.value.name
  description          = each.value.description
  handler              = each.value.handler
  package              = var.package
  memory_size          = var.memory_size
  timeout              = var.timeout
  reserved_concurrency = var.reserved_concurrency
  environment          = var.environment
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  policy_statements    = concat(local.secret_statements, [local.decrypt_statement])
  tags                 = var.tags
}

# The gateway function was one module instance before the ALB had a function of its own.
moved {
  from = module.function
  to   = module.function["api"]
}

module "relay" {
  source = "../lambda_function"

  name                 = "${var.name}-outbox-relay"
  description          = "Caracal outbox relay: publishes the gateway's outbox to Kafka"
  handler              = var.relay_handler
  package              = var.package
  memory_size          = 1024
  timeout              = var.relay_timeout
  reserved_concurrency = 1 # one drain at a time; the outbox rows are locked with SKIP LOCKED anyway
  environment          = var.relay_environment
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  policy_statements    = concat(local.relay_secret_statements, local.publish_statements)
  tags                 = var.tags
}

module "relay_schedule" {
  source = "../schedule"

  name                = "${var.name}-outbox-relay"
  description         = "Publishes the outbox to Kafka with no gateway request in flight"
  function_arn        = module.relay.alias_arn
  schedule_expression = var.relay_schedule
  kms_key_arn         = var.kms_key_arn
  tags                = var.tags
}

# The budget sweep the container gateway runs every second on a thread: the gateway function has none, as nothing
# may depend on a request being in flight. Configured as the gateway function (its budget engine needs the same
# settings, and the same secrets at start); it publishes nothing (its charges reach Kafka through the outbox relay).
module "sweep" {
  source = "../lambda_function"

  name                 = "${var.name}-budget-sweep"
  description          = "Caracal budget sweep: charges calls whose hold expired unsettled, deletes old spend totals"
  handler              = var.sweep_handler
  package              = var.package
  memory_size          = 1024
  timeout              = 60
  reserved_concurrency = 1 # one sweep at a time; expired holds are claimed one by one anyway
  environment          = var.environment
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  policy_statements    = concat(local.secret_statements, [local.decrypt_statement])
  tags                 = var.tags
}

module "sweep_schedule" {
  source = "../schedule"

  name                = "${var.name}-budget-sweep"
  description         = "Charges expired calls and deletes old spend totals with no gateway request in flight"
  function_arn        = module.sweep.alias_arn
  schedule_expression = var.sweep_schedule
  kms_key_arn         = var.kms_key_arn
  tags                = var.tags
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${var.name}-gateway"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name}-gateway"
  description   = "Caracal gateway"
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "gateway" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.function["api"].alias_invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000 # the HTTP API maximum
}

# Every method and path goes to the gateway: it owns its routes (/health, /ready, the proxied calls).
resource "aws_apigatewayv2_route" "all" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.gateway.id}"
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = var.stage_name
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId        = "$context.requestId"
      ip               = "$context.identity.sourceIp"
      requestTime      = "$context.requestTime"
      routeKey         = "$context.routeKey"
      status           = "$context.status"
      responseLength   = "$context.responseLength"
      integrationError = "$context.integrationErrorMessage"
      latency          = "$context.responseLatency"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.function["api"].function_name
  qualifier     = module.function["api"].alias_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*"
}

resource "aws_lambda_permission" "alb" {
  count = var.enable_alb ? 1 : 0

  statement_id  = "AllowAlbInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.function["alb"].function_name
  qualifier     = module.function["alb"].alias_name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = var.alb_target_group_arn
}

resource "aws_lb_target_group_attachment" "alb" {
  count = var.enable_alb ? 1 : 0

  target_group_arn = var.alb_target_group_arn
  target_id        = module.function["alb"].alias_arn

  depends_on = [aws_lambda_permission.alb]
}
