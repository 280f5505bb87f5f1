output "topic_arn" {
  description = "SNS topic every alarm notifies; subscribe paging or chat integrations to it."
  value       = aws_sns_topic.alarms.arn
}
