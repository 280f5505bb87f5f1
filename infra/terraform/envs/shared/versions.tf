# Shared by every environment (envs/dev and envs/prod link to this file): only main.tf differs between them.

terraform {
  # 1.10 for the S3 backend's own state locking (use_lockfile in backend.hcl.example).
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.38"
    }
  }

  # The state holds the Redis AUTH token (ElastiCache takes it as a plain argument), so it lives in an encrypted
  # S3 bucket with state locking; `terraform init -backend-config=backend.hcl` names it (backend.hcl.example).
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "caracal"
      Environment = local.environment
      ManagedBy   = "terraform"
    }
  }
}
