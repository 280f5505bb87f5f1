output "cluster_name" {
  description = "ECS cluster of the streaming gateway."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service of the streaming gateway (`aws ecs update-service --force-new-deployment` restarts it)."
  value       = aws_ecs_service.this.name
}
