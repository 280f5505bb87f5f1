output "function_names" {
  description = "Name of each consumer function: ledger, metrics, audit, integrator."
  value = {
    ledger     = module.ledger.function_name
    metrics    = module.metrics.function_name
    audit      = module.audit.function_name
    integrator = module.integrator.function_name
  }
}

output "subscriptions" {
  description = "Consumer group of each (function, topic) pair, as \"<function>:<topic>\" => group (for the lag alarms and `caracal kafka consumer-lag`)."
  value = merge([
    for f, subs in local.subscriptions : { for t, g in subs : "${f}:${t}" => { topic = t, group = g } }
  ]...)
}

output "mapping_uuids" {
  description = "Event source mapping UUIDs by function and topic."
  value = {
    ledger  = module.ledger_trigger.mapping_uuids
    metrics = module.metrics_trigger.mapping_uuids
    audit   = module.audit_trigger.mapping_uuids
  }
}
