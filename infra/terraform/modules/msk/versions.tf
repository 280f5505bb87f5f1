# 6.38 is the first AWS provider with aws_msk_topic, which creates the topics below without a Kafka client.
terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.38"
    }
  }
}
