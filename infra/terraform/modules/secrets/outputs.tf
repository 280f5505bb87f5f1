output "kms_key_arn" {
  description = "ARN of the stack's KMS key."
  value       = aws_kms_key.this.arn
}

output "secret_arns" {
  description = "ARN of each secret, by short name (redis-auth-token, jwt-public-key, merkle-signing-key, receipt-signing-key)."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "secret_names" {
  description = "Name of each secret, by short name: what `aws secretsmanager put-secret-value --secret-id` takes."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.name }
}
