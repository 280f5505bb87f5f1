-- A hold the gateway placed right before it forwarded a call: if nothing settles or voids it before it expires
-- (the replica died while the upstream was serving the call), the spend happened all the same and it is charged
-- at its held amount. Holds placed any other way (the admin CLI) still lapse without a charge.
ALTER TABLE budget_holds ADD COLUMN charge_on_expiry boolean NOT NULL DEFAULT false;
