-- What one API replica's gateway saw of one model over one publishing window (a few seconds). The
-- autoscaler sums the rows of every replica over its metrics window: busy_millis is the time calls
-- were in flight, summed, so busy / window is the average in flight. latency_buckets counts the
-- calls that ended in the window by latency, per the bounds of LatencyHistogram (infra), so that
-- percentiles over several replicas and windows come out right. Rows are pruned after a few hours.
create table model_load_samples (
    sample_id       bigserial   primary key,
    source          text        not null,
    provider        text        not null,
    model_name      text        not null,
    window_end      timestamptz not null default now(),
    window_millis   bigint      not null check (window_millis > 0),
    busy_millis     bigint      not null check (busy_millis >= 0),
    requests        bigint      not null check (requests >= 0),
    latency_buckets bigint[]    not null
);

create index model_load_samples_model on model_load_samples (provider, model_name, window_end);
create index model_load_samples_age on model_load_samples (window_end);

-- Every change a deployment's autoscaler made, and every policy change, with its reason and the
-- load it was made from. decided_at is the workflow's time, so a retried record is the same row.
create table scaling_decisions (
    decision_id       bigserial        primary key,
    provider          text             not null,
    model_name        text             not null,
    decided_at        timestamptz      not null,
    trigger           text             not null,
    from_replicas     integer          not null,
    to_replicas       integer          not null,
    reason            text             not null,
    average_in_flight double precision,
    requests          bigint,
    p95_latency_ms    bigint,
    recorded_at       timestamptz      not null default now(),
    unique (provider, model_name, decided_at, trigger, from_replicas, to_replicas)
);

create index scaling_decisions_model on scaling_decisions (provider, model_name, decided_at);
