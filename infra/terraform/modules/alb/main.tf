# An Application Load Balancer with one HTTPS listener in front of the gateway: the gateway function (lambda
# targets) or the streaming gateway's ECS tasks (ip targets). TLS ends here, so the targets listen on plain HTTP
# inside the VPC.

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Gateway load balancer: HTTPS from the agents"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  for_each = toset(var.ingress_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "to_targets" {
  count = var.target_type == "ip" ? 1 : 0

  security_group_id            = aws_security_group.alb.id
  description                  = "The gateway tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.target_port
  to_port                      = var.target_port
  referenced_security_group_id = var.target_security_group_id
}

resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = var.internal
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.alb.id]
  idle_timeout               = var.idle_timeout
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  tags                       = var.tags
}

resource "aws_lb_target_group" "this" {
  name        = var.name
  target_type = var.target_type
  port        = var.target_type == "ip" ? var.target_port : null
  protocol    = var.target_type == "ip" ? "HTTP" : null
  vpc_id      = var.target_type == "ip" ? var.vpc_id : null

  # Lambda targets are not health-checked by default; the API's /health answers for them.
  health_check {
    enabled             = var.target_type == "ip"
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # Give in-flight (possibly streaming) calls time to finish on a task being replaced.
  deregistration_delay = var.target_type == "ip" ? var.idle_timeout : null

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}
