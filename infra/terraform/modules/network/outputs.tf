output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Private subnets, one per zone: functions, data stores, ECS tasks."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Public subnets, one per zone: NAT gateways and internet-facing load balancers."
  value       = aws_subnet.public[*].id
}

output "app_security_group_id" {
  description = "Security group of the Caracal processes; the data stores admit it."
  value       = aws_security_group.app.id
}

output "nat_public_ips" {
  description = "Addresses the gateway's upstream calls come from (for upstream allowlists)."
  value       = aws_eip.nat[*].public_ip
}
