-- Local requests cost nothing and are written as one row per caller, model, provider and day per
-- batch; the row says how many requests it sums.
alter table cost_records add column requests integer not null default 1 check (requests >= 1);
