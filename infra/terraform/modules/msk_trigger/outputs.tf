output "mapping_uuids" {
  description = "UUID of each event source mapping, by topic (for `aws lambda update-event-source-mapping`)."
  value       = { for topic, m in aws_lambda_event_source_mapping.this : topic => m.uuid }
}
