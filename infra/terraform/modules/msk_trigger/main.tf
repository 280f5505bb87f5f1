# Lambda event source mappings from MSK topics to one Caracal consumer function, in provisioned mode: partial batch
# responses (ReportBatchItemFailures), retries and on-failure destinations for Kafka need it, and always-on pollers
# keep the lag low without the on-demand mode's once-a-minute scaling.
#
# The function answers with the records that failed transiently (core's MskBatch: "<topic>-<partition>" and offset);
# Lambda retries exactly those. Poison records never come back as failures: the function writes them to caracal.dlq
# itself. Records still failing after maximum_retry_attempts go to failure_topic.

resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.subscriptions

  event_source_arn  = var.cluster_arn
  function_name     = var.function_arn
  topics            = [each.key]
  starting_position = var.starting_position
  batch_size        = var.batch_size
  enabled           = var.enabled

  amazon_managed_kafka_event_source_config {
    consumer_group_id = each.value
  }

  provisioned_poller_config {
    minimum_pollers = var.minimum_pollers
    maximum_pollers = var.maximum_pollers
  }

  function_response_types = ["ReportBatchItemFailures"]
  maximum_retry_attempts  = var.maximum_retry_attempts

  destination_config {
    on_failure {
      # A Kafka topic as destination is written "kafka://<topic>" and must be in the source cluster.
      destination_arn = "kafka://${var.failure_topic}"
    }
  }
}
