output "api_endpoint" {
  description = "Base URL of the gateway behind API Gateway."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "api_id" {
  description = "ID of the HTTP API (the ApiId dimension of its metrics)."
  value       = aws_apigatewayv2_api.this.id
}

output "stage_name" {
  description = "Name of the API stage (the Stage dimension of its metrics)."
  value       = aws_apigatewayv2_stage.this.name
}

output "function_name" {
  description = "Name of the gateway function."
  value       = module.function["api"].function_name
}

output "alb_function_name" {
  description = "Name of the gateway function behind the ALB; null without enable_alb."
  value       = var.enable_alb ? module.function["alb"].function_name : null
}

output "sweep_function_name" {
  description = "Name of the scheduled budget sweep function."
  value       = module.sweep.function_name
}

output "relay_function_name" {
  description = "Name of the scheduled outbox relay function."
  value       = module.relay.function_name
}
