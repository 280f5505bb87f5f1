-- The request id of the call a hold was placed for, set only by the gateway, right before it forwards the call.
-- If nothing settles or voids such a hold before it expires (its replica died while the upstream was serving the
-- call), the spend happened all the same: it is charged at its held amount, under this request id. Holds placed
-- any other way (the admin CLI) have none and still lapse without a charge.
ALTER TABLE budget_holds ADD COLUMN request_id varchar(128);
