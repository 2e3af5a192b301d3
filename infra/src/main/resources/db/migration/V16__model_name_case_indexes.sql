-- The autoscalers' reads match a model's name in any case (lower(model_name)), which V10's indexes
-- on model_name itself cannot serve: each read of one model's load scanned every model's samples
-- in the window, and each read of its latest decisions the whole scaling log.
create index model_load_samples_model_lower
    on model_load_samples (provider, lower(model_name), window_end);
create index scaling_decisions_model_lower
    on scaling_decisions (provider, lower(model_name), decided_at);
