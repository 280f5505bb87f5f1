# The consumer functions of the serverless shape: ledger, metrics and audit on MSK event source mappings, and the
# Merkle integrator on a schedule. The ledger function only writes ledger rows; appending them to the Merkle log and
# signing checkpoints is the integrator's job, which in a container runs as a timer inside the ledger function and
# here needs a trigger of its own.

locals {
  # The consumer group names of core (LedgerWriter.GROUP, SpendAggregator.GROUP, AuditWriter.GROUP), which
  # `caracal kafka consumer-lag` and `caracal replay` use. Lambda wants a group id unique across its mappings and a
  # mapping takes one topic, so the audit function's four mappings get one group each, named after the topic.
  subscriptions = {
    ledger  = { (var.metering_topic) = "ledger-writer-group" }
    metrics = { (var.metering_topic) = "metrics-aggregator-group" }
    audit   = { for t in var.event_topics : t => "audit-logger-group.${t}" }
  }

  failure_topics = [var.dlq_topic, var.failure_topic]

  # What an event source mapping needs from the execution role: find the brokers, join its group, read its topics,
  # and write what it gives up on to the failure topic. The function itself writes poison records to caracal.dlq.
  # The EC2 Describe calls the mapping makes to find the cluster's network take no narrower resource than "*".
  consumer_statements = {
    for f, subs in local.subscriptions : f => [
      {
        sid       = "DecryptSecrets"
        actions   = ["kms:Decrypt"]
        resources = [var.kms_key_arn]
      },
      {
        sid       = "ReadOwnSecrets"
        actions   = ["secretsmanager:GetSecretValue"]
        resources = var.secret_arns[f]
      },
      {
        sid       = "FindTheCluster"
        actions   = ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]
        resources = [var.msk_cluster_arn]
      },
      {
        sid       = "DescribeTheClusterNetwork"
        actions   = ["ec2:DescribeVpcs", "ec2:DescribeSecurityGroups"]
        resources = ["*"]
      },
      {
        sid       = "ConnectToTheCluster"
        actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration", "kafka-cluster:WriteDataIdempotently"]
        resources = [var.msk_cluster_arn]
      },
      {
        sid       = "ReadSubscribedTopics"
        actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
        resources = [for t in keys(subs) : "${var.topic_arn_prefix}/${t}"]
      },
      {
        sid       = "UseOwnConsumerGroups"
        actions   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
        resources = [for g in values(subs) : "${var.group_arn_prefix}/${g}"]
      },
      {
        sid       = "WriteDeadLetters"
        actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
        resources = [for t in local.failure_topics : "${var.topic_arn_prefix}/${t}"]
      },
    ]
  }

  integrator_statements = [
    {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = [var.kms_key_arn]
    },
    {
      sid       = "ReadOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.secret_arns["integrator"]
    },
  ]
}

# One call per function and per trigger rather than a for_each: TerraformStructureTest checks that each function
# call has a trigger naming it, which it cannot tell apart between the keys of one for_each.
module "ledger" {
  source = "../lambda_function"

  name               = "${var.name}-ledger"
  description        = "Caracal ledger writer: metering events to ledger rows, exactly once by event id"
  handler            = var.ledger_handler
  package            = var.packages["ledger"]
  memory_size        = var.memory_size
  timeout            = var.timeout
  environment        = var.environments["ledger"]
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
  policy_statements  = local.consumer_statements["ledger"]
  tags               = var.tags
}

module "metrics" {
  source = "../lambda_function"

  name               = "${var.name}-metrics"
  description        = "Caracal metrics aggregator: metering events to Redis spend aggregates"
  handler            = var.metrics_handler
  package            = var.packages["metrics"]
  memory_size        = var.memory_size
  timeout            = var.timeout
  environment        = var.environments["metrics"]
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
  policy_statements  = local.consumer_statements["metrics"]
  tags               = var.tags
}

module "audit" {
  source = "../lambda_function"

  name               = "${var.name}-audit"
  description        = "Caracal audit logger: every event to the hash-chained audit log"
  handler            = var.audit_handler
  package            = var.packages["audit"]
  memory_size        = var.memory_size
  timeout            = var.timeout
  environment        = var.environments["audit"]
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
  policy_statements  = local.consumer_statements["audit"]
  tags               = var.tags
}

module "integrator" {
  source = "../lambda_function"

  name                 = "${var.name}-merkle-integrator"
  description          = "Caracal Merkle integrator: appends ledger rows to the Merkle log, signs checkpoints"
  handler              = var.integrator_handler
  package              = var.packages["ledger"]
  memory_size          = var.memory_size
  timeout              = 60
  reserved_concurrency = 1 # the log's lock admits one integrator at a time; a second run would only wait
  environment          = var.environments["integrator"]
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  policy_statements    = local.integrator_statements
  tags                 = var.tags
}

module "ledger_trigger" {
  source = "../msk_trigger"

  function_arn    = module.ledger.alias_arn
  cluster_arn     = var.msk_cluster_arn
  subscriptions   = local.subscriptions["ledger"]
  failure_topic   = var.failure_topic
  batch_size      = var.batch_size
  minimum_pollers = var.minimum_pollers
  maximum_pollers = var.maximum_pollers
}

module "metrics_trigger" {
  source = "../msk_trigger"

  function_arn    = module.metrics.alias_arn
  cluster_arn     = var.msk_cluster_arn
  subscriptions   = local.subscriptions["metrics"]
  failure_topic   = var.failure_topic
  batch_size      = var.batch_size
  minimum_pollers = var.minimum_pollers
  maximum_pollers = var.maximum_pollers
}

module "audit_trigger" {
  source = "../msk_trigger"

  function_arn    = module.audit.alias_arn
  cluster_arn     = var.msk_cluster_arn
  subscriptions   = local.subscriptions["audit"]
  failure_topic   = var.failure_topic
  batch_size      = var.batch_size
  minimum_pollers = var.minimum_pollers
  maximum_pollers = var.maximum_pollers
}

module "integrator_schedule" {
  source = "../schedule"

  name                = "${var.name}-merkle-integrator"
  description         = "Appends ledger rows to the Merkle log and signs checkpoints"
  function_arn        = module.integrator.alias_arn
  schedule_expression = var.integrator_schedule
  kms_key_arn         = var.kms_key_arn
  tags                = var.tags
}
