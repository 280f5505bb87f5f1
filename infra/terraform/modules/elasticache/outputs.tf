output "host" {
  description = "REDIS_HOST: the configuration endpoint in cluster mode, the primary endpoint otherwise."
  value       = var.cluster_mode_enabled ? aws_elasticache_replication_group.this.configuration_endpoint_address : aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "REDIS_PORT."
  value       = aws_elasticache_replication_group.this.port
}

output "cluster_mode_enabled" {
  description = "REDIS_CLUSTER: whether the cache is a Redis Cluster."
  value       = var.cluster_mode_enabled
}

output "replication_group_id" {
  description = "Replication group id (for snapshots and the console)."
  value       = aws_elasticache_replication_group.this.id
}
