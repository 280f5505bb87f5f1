output "cluster_arn" {
  description = "ARN of the MSK cluster (event source of the consumer mappings)."
  value       = aws_msk_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the MSK cluster (the Cluster Name dimension of its metrics)."
  value       = aws_msk_cluster.this.cluster_name
}

output "bootstrap_brokers_sasl_iam" {
  description = "KAFKA_BOOTSTRAP_SERVERS for IAM authentication (port 9098)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}

output "security_group_id" {
  description = "Security group of the brokers."
  value       = aws_security_group.msk.id
}

output "topic_arn_prefix" {
  description = "IAM resource ARN of the cluster's topics without the topic name: append /<topic>."
  value       = "${local.arn_prefix}:topic/${aws_msk_cluster.this.cluster_name}/${aws_msk_cluster.this.cluster_uuid}"
}

output "group_arn_prefix" {
  description = "IAM resource ARN of the cluster's consumer groups without the group name: append /<group>."
  value       = "${local.arn_prefix}:group/${aws_msk_cluster.this.cluster_name}/${aws_msk_cluster.this.cluster_uuid}"
}

# The topic outputs read the created topics, not the locals: whatever uses them (the event source mappings, the
# functions' permissions) is then created after the topics exist.
output "event_topics" {
  description = "The four event topics (metering, policy decisions, agent lifecycle, policy changes)."
  value       = [for t in local.event_topics : aws_msk_topic.this[t].name]
}

output "metering_topic" {
  description = "The metering events topic, consumed by the ledger and metrics functions."
  value       = aws_msk_topic.this[local.event_topics[0]].name
}

output "dlq_topic" {
  description = "Dead-letter topic the functions write (read by `caracal dlq`)."
  value       = aws_msk_topic.this[local.dlq_topic].name
}

output "esm_failure_topic" {
  description = "On-failure destination of the event source mappings (records whose retries ran out)."
  value       = aws_msk_topic.this[local.esm_failure_topic].name
}
