# One customer-managed KMS key for everything Caracal stores (secrets, RDS, MSK, ElastiCache, logs, Lambda
# environments, the alarm topic), and the Secrets Manager secrets the functions read at start.
#
# Terraform creates the secrets but never their values: key material is made by the operator (docs/deploy/aws.md,
# "Secrets and keys") and put with `aws secretsmanager put-secret-value`, so no key ever sits in a .tf file or in
# the Terraform state. The database password is not here: RDS generates and rotates it in its own secret
# (manage_master_user_password in the rds module), encrypted with this key.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"

  # By short name: what each secret holds and who reads it.
  secrets = {
    redis-auth-token = {
      description = "ElastiCache AUTH token (16 to 128 printable characters, none of @ \" /), read by the elasticache module at apply and by the functions at start"
    }
    jwt-public-key = {
      description = "PEM public key that verifies agents' JWTs (AUTH_MODE jwt or both, when no JWKS URL is used)"
    }
    merkle-signing-key = {
      description = "PEM P-256 private key that signs ledger checkpoints; read only by the Merkle integrator"
    }
    receipt-signing-key = {
      description = "PEM private key that signs gateway receipts; read only by the gateway"
    }
  }
}

data "aws_iam_policy_document" "key" {
  # A key policy's only resource is the key itself, hence "*". The account root keeps administering the key and
  # lets IAM policies grant its use (the Lambda roles grant kms:Decrypt on this key's ARN only). The actions are
  # listed rather than kms:* so that no one reading this mistakes it for a wildcard grant.
  statement {
    sid = "AccountAdministersAndDelegates"
    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
    actions = [
      "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
      "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
      "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
    ]
    resources = ["*"]
  }

  # CloudWatch Logs encrypts the log groups with this key; it acts as a service principal, not through IAM.
  statement {
    sid = "CloudWatchLogsEncryptsLogGroups"
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"]
    }
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted alarm topic.
  statement {
    sid = "CloudWatchAlarmsPublishToEncryptedTopic"
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: secrets, data stores, logs and function environments"
  enable_key_rotation     = true
  deletion_window_in_days = var.key_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_secretsmanager_secret" "this" {
  for_each = local.secrets

  name                    = "${var.name}/${each.key}"
  description             = each.value.description
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}
