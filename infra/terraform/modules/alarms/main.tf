# CloudWatch alarms for the alert rules of the seeds (seeds/000 "Alerting", seeds/002 "Alerting Rules", runbook
# seeds/003), from metrics AWS publishes itself: the functions' Prometheus metrics are not scraped in the serverless
# shape. How each rule maps:
#   consumer lag > 10000 for 10m    -> MSK SumOffsetLag per consumer group and topic
#   DLQ size > 1000                 -> dead letters arriving (MessagesInPerSec on the DLQ topics): AWS keeps no count
#                                      of a topic's records; `caracal dlq list` shows the backlog
#   Merkle verification failures    -> the integrator's own caracal_merkle_verification_failures_total (namespace
#                                      Caracal, written by the functions as CloudWatch EMF, docs/monitoring.md), and
#                                      the Merkle integrator failing or not running
#   database connection failures    -> RDS Proxy target unavailable, or clients failing to authenticate
#   error rate > 5%                 -> share of 5xx answers of the API (and of each load balancer)
#   p99 latency > 1s                -> API (and load balancer) p99 latency
#   (and)                           -> any function crashing or timing out

locals {
  actions = [aws_sns_topic.alarms.arn]
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "consumer_lag" {
  for_each = var.subscriptions

  alarm_name          = "${var.name}-consumer-lag-${replace(each.key, ":", "-")}"
  alarm_description   = "HighConsumerLag: ${each.value.group} is more than ${var.consumer_lag_threshold} records behind on ${each.value.topic} (runbook: Kafka Consumer Lag Increasing)"
  namespace           = "AWS/Kafka"
  metric_name         = "SumOffsetLag"
  dimensions          = { "Cluster Name" = var.msk_cluster_name, "Consumer Group" = each.value.group, "Topic" = each.value.topic }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.consumer_lag_minutes
  threshold           = var.consumer_lag_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each = toset(var.dlq_topics)

  alarm_name          = "${var.name}-dead-letters-${replace(each.value, ".", "-")}"
  alarm_description   = "Dead letters arriving on ${each.value}: inspect with `caracal dlq list` (caracal.dlq) or the topic itself"
  evaluation_periods  = 1
  threshold           = var.dlq_messages_per_second_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  # Summed over every broker: the per-topic metric has a Broker ID dimension.
  metric_query {
    id          = "dlq"
    return_data = true
    period      = 300
    expression  = "SELECT SUM(MessagesInPerSec) FROM SCHEMA(\"AWS/Kafka\", \"Broker ID\", \"Cluster Name\", Topic) WHERE \"Cluster Name\" = '${var.msk_cluster_name}' AND Topic = '${each.value}'"
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "merkle_integrator_errors" {
  alarm_name          = "${var.name}-merkle-integrator-errors"
  alarm_description   = "MerkleVerificationFailure: the Merkle integrator failed; no checkpoint is signed until it runs clean (runbook: Merkle Verification Failures)"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.integrator_function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "merkle_verification_failures" {
  alarm_name          = "${var.name}-merkle-verification-failures"
  alarm_description   = "MerkleVerificationFailure: the latest signed checkpoint no longer matches the Merkle log's leaves; nothing more is signed (runbook: Merkle Verification Failures)"
  namespace           = "Caracal"
  metric_name         = "caracal_merkle_verification_failures_total"
  dimensions          = { function = "merkle-integrator" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "merkle_integrator_stopped" {
  alarm_name          = "${var.name}-merkle-integrator-stopped"
  alarm_description   = "The Merkle integrator has not run for 10 minutes: ledger rows are not being added to the Merkle log"
  namespace           = "AWS/Lambda"
  metric_name         = "Invocations"
  dimensions          = { FunctionName = var.integrator_function_name }
  statistic           = "Sum"
  period              = 600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = var.function_names

  alarm_name          = "${var.name}-${each.key}-errors"
  alarm_description   = "${each.value} crashed or timed out (its log group says why)"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "database_unavailable" {
  alarm_name          = "${var.name}-database-unavailable"
  alarm_description   = "Database connection failures: the RDS Proxy cannot reach the database (runbook: Database Connection Issues)"
  namespace           = "AWS/RDS"
  metric_name         = "AvailabilityPercentage"
  dimensions          = { ProxyName = var.rds_proxy_name, TargetGroup = "default", TargetRole = "READ_WRITE" }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 100
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "database_auth_failures" {
  alarm_name          = "${var.name}-database-auth-failures"
  alarm_description   = "Database connection failures: clients fail to log in to the RDS Proxy (a rotated password not yet picked up?)"
  namespace           = "AWS/RDS"
  metric_name         = "ClientConnectionsSetupFailedAuth"
  dimensions          = { ProxyName = var.rds_proxy_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_error_rate" {
  alarm_name          = "${var.name}-api-error-rate"
  alarm_description   = "HighErrorRate: more than ${var.error_rate_threshold * 100}% of the gateway's answers are 5xx (budget denials are 4xx and do not count)"
  evaluation_periods  = 1
  threshold           = var.error_rate_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, errors / requests, 0)"
    label       = "5xx share"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = var.api_id, Stage = var.api_stage }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = var.api_id, Stage = var.api_stage }
      stat        = "Sum"
      period      = 300
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name          = "${var.name}-api-latency-p99"
  alarm_description   = "HighLatency: the gateway's p99 latency is above ${var.latency_p99_ms} ms"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = { ApiId = var.api_id, Stage = var.api_stage }
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.latency_p99_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lb_error_rate" {
  for_each = var.load_balancers

  alarm_name          = "${var.name}-${each.key}-lb-error-rate"
  alarm_description   = "HighErrorRate: more than ${var.error_rate_threshold * 100}% of the ${each.key} gateway load balancer's answers are 5xx"
  evaluation_periods  = 1
  threshold           = var.error_rate_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, (target + lb) / requests, 0)"
    label       = "5xx share"
    return_data = true
  }

  metric_query {
    id = "target"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = { LoadBalancer = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "lb"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = { LoadBalancer = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = { LoadBalancer = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lb_latency" {
  for_each = var.load_balancers

  alarm_name          = "${var.name}-${each.key}-lb-latency-p99"
  alarm_description   = "HighLatency: the ${each.key} gateway's p99 time to first response byte is above ${var.latency_p99_ms} ms"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = { LoadBalancer = each.value }
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.latency_p99_ms / 1000 # this metric is in seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}
