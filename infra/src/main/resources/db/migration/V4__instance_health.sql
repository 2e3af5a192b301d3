-- What happened to an instance beyond its current state: health changes, restarts and their
-- attempts, give-ups. Kept with the instance, for people and for the API to show.
create table instance_events (
    event_id    bigint generated always as identity primary key,
    instance_id text        not null references model_instances (instance_id) on delete cascade,
    at          timestamptz not null default now(),
    kind        text        not null,
    detail      text
);

create index instance_events_instance on instance_events (instance_id, at);

-- The health loop lists serving instances, and those stuck starting, every few seconds.
create index model_instances_checked on model_instances (state, updated_at)
    where state in ('starting', 'ready', 'unhealthy');
