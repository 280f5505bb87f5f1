# MSK with IAM authentication only (no plaintext, no SCRAM users to rotate), TLS everywhere, and the topics Caracal's
# code uses, created here with replication 3 and min ISR 2. `caracal kafka create-topics` and the gateway's relay only
# create topics that are missing, with the broker's defaults unless told otherwise: creating them here makes their
# replication explicit before any function starts.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # The names of core/src/main/java/io/caracal/core/event/Topics.java (Topics.ALL); TerraformStructureTest keeps
  # the two lists equal.
  event_topics = ["caracal.metering.events", "caracal.policy.decisions", "caracal.agent.lifecycle", "caracal.policy.changes"]
  dlq_topic    = "caracal.dlq"
  # Where an event source mapping puts the records it gave up on after its retries. Lambda writes them in its own
  # format (the record plus failure metadata), which `caracal dlq` does not read, so they get their own topic
  # instead of sharing caracal.dlq, where the functions write their dead letters themselves.
  esm_failure_topic = "caracal.dlq.lambda"

  replication_factor  = 3
  min_insync_replicas = 2

  topics = merge(
    { for t in local.event_topics : t => var.event_retention_ms },
    { (local.dlq_topic) = var.dlq_retention_ms, (local.esm_failure_topic) = var.dlq_retention_ms },
  )

  arn_prefix = "arn:${data.aws_partition.current.partition}:kafka:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
}

resource "aws_security_group" "msk" {
  name        = "${var.name}-msk"
  description = "MSK brokers: IAM listener for Caracal and for the event source mapping pollers"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-msk" })
}

resource "aws_vpc_security_group_ingress_rule" "msk_from_app" {
  security_group_id            = aws_security_group.msk.id
  description                  = "Caracal functions (producers, dead-letter writers, CLI)"
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  referenced_security_group_id = var.client_security_group_id
}

# The event source mappings poll from network interfaces in the cluster's own subnets and security group, so the
# group must admit itself, and reach out to the Lambda and STS endpoints.
resource "aws_vpc_security_group_ingress_rule" "msk_from_self" {
  security_group_id            = aws_security_group.msk.id
  description                  = "Event source mapping pollers and broker replication"
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  referenced_security_group_id = aws_security_group.msk.id
}

resource "aws_vpc_security_group_egress_rule" "msk_to_self" {
  security_group_id            = aws_security_group.msk.id
  description                  = "Pollers to brokers"
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  referenced_security_group_id = aws_security_group.msk.id
}

resource "aws_vpc_security_group_egress_rule" "msk_https" {
  security_group_id = aws_security_group.msk.id
  description       = "Pollers to the Lambda and STS endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_msk_configuration" "this" {
  name           = "${var.name}-config"
  kafka_versions = [var.kafka_version]
  description    = "Caracal: topics are created by Terraform only, replicated 3 times, acknowledged by 2"

  # No auto-creation: a mistyped topic name must fail, not create an unreplicated topic.
  server_properties = <<-EOT
    auto.create.topics.enable=false
    default.replication.factor=${local.replication_factor}
    min.insync.replicas=${local.min_insync_replicas}
    unclean.leader.election.enable=false
    num.partitions=${var.partitions}
  EOT
}

resource "aws_cloudwatch_log_group" "broker" {
  name              = "/aws/msk/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_msk_cluster" "this" {
  cluster_name           = var.name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count
  enhanced_monitoring    = var.enhanced_monitoring

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.msk.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.broker_volume_size
      }
    }
  }

  client_authentication {
    unauthenticated = false
    sasl {
      iam = true
    }
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = var.kms_key_arn
    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.broker.name
      }
    }
  }

  tags = var.tags
}

resource "aws_msk_topic" "this" {
  for_each = local.topics

  cluster_arn        = aws_msk_cluster.this.arn
  name               = each.key
  partition_count    = var.partitions
  replication_factor = local.replication_factor
  configs = jsonencode({
    "min.insync.replicas" = tostring(local.min_insync_replicas)
    "retention.ms"        = tostring(each.value)
    "cleanup.policy"      = "delete"
  })
}
