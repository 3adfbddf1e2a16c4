-- Where a request was pinned to run (inference_geo): "us" is data residency, which the models that
-- charge for it price 1.1x on every token class. Kept so a reprice prices it the same way.
ALTER TABLE usage_events ADD COLUMN inference_geo VARCHAR;
