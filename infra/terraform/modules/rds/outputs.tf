output "proxy_endpoint" {
  description = "Host name of the RDS Proxy (DB_HOST of the functions)."
  value       = aws_db_proxy.this.endpoint
}

output "proxy_name" {
  description = "Name of the RDS Proxy (the ProxyName dimension of its metrics)."
  value       = aws_db_proxy.this.name
}

output "instance_address" {
  description = "Host name of the instance itself, for sessions the proxy would pin (migrations, LISTEN)."
  value       = aws_db_instance.this.address
}

output "instance_identifier" {
  description = "Identifier of the instance (for snapshots and restores)."
  value       = aws_db_instance.this.identifier
}

output "port" {
  description = "PostgreSQL port (DB_PORT)."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Database name (DB_NAME)."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "Database user (DB_USER)."
  value       = aws_db_instance.this.username
}

output "password_secret_arn" {
  description = "Secrets Manager secret RDS keeps the generated password in: JSON with username and password."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}
