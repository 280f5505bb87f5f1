output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "alias_name" {
  description = "Name of the alias the triggers invoke."
  value       = aws_lambda_alias.live.name
}

output "alias_arn" {
  description = "ARN of the live alias: what event source mappings, schedules and load balancers invoke."
  value       = aws_lambda_alias.live.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the live alias, for API Gateway integrations."
  value       = aws_lambda_alias.live.invoke_arn
}

output "version" {
  description = "Version the live alias points at."
  value       = aws_lambda_function.this.version
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}
