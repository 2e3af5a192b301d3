-- Hosts run workers; work that must happen on a machine goes to that host's task queue.
create table hosts (
    host_id     text primary key,
    task_queue  text        not null,
    first_seen  timestamptz not null default now(),
    last_seen   timestamptz not null default now()
);

-- One row per model a provider can serve, whether or not it is loaded anywhere.
create table models (
    model_id        text primary key default gen_random_uuid()::text,
    provider        text        not null,
    name            text        not null,
    host_id         text        references hosts (host_id),
    location        text,
    format          text,
    architecture    text,
    parameter_count bigint,
    quantisation    text,
    context_length  integer,
    size_bytes      bigint,
    sha256          text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (provider, name)
);

-- One row per HTTP endpoint serving one model. Rows are kept after a stop or failure, for history.
create table model_instances (
    instance_id    text primary key,
    model_id       text        not null references models (model_id) on delete cascade,
    host_id        text        not null,
    endpoint       text,
    state          text        not null
        check (state in ('starting', 'ready', 'unhealthy', 'stopping', 'stopped', 'failed')),
    health_score   smallint    not null default 100 check (health_score between 0 and 100),
    failure_reason text,
    started_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    last_used_at   timestamptz
);

create index model_instances_serving on model_instances (model_id) where state in ('ready', 'unhealthy');
