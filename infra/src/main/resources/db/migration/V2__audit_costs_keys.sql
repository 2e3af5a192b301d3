-- API keys: shown once at creation, stored only as a hash.
create table api_keys (
    key_id              text primary key default gen_random_uuid()::text,
    name                text        not null,
    key_prefix          text        not null,
    key_hash            text        not null unique,
    roles               text[]      not null,
    rate_limit_requests integer,
    monthly_budget_usd  numeric(12, 4),
    expires_at          timestamptz,
    created_at          timestamptz not null default now(),
    last_used_at        timestamptz,
    revoked_at          timestamptz
);

-- Every API call. Prompts and responses only when configured; never secrets.
create table request_audit (
    audit_id          bigint generated always as identity primary key,
    occurred_at       timestamptz not null,
    caller            text,
    method            text        not null,
    endpoint          text        not null,
    model             text,
    provider          text,
    instance_id       text,
    prompt_tokens     integer,
    completion_tokens integer,
    latency_ms        integer,
    status            smallint    not null,
    cache_hit         boolean     not null default false,
    cost_usd          numeric(14, 6),
    prompt            text,
    response          text
);

create index request_audit_time on request_audit (occurred_at);
create index request_audit_caller on request_audit (caller, occurred_at);
create index request_audit_model on request_audit (model, occurred_at);

-- What each request cost: cloud calls from a price table, local ones from compute time.
create table cost_records (
    cost_id              bigint generated always as identity primary key,
    occurred_at          timestamptz    not null,
    caller               text,
    model                text           not null,
    provider             text           not null,
    kind                 text           not null check (kind in ('cloud', 'local')),
    prompt_tokens        integer        not null default 0,
    completion_tokens    integer        not null default 0,
    compute_seconds      numeric(12, 4) not null default 0,
    cost_usd             numeric(14, 6) not null,
    cloud_equivalent_usd numeric(14, 6),
    price_table_version  text
);

create index cost_records_time on cost_records (occurred_at);
