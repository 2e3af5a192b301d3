-- How the gateway spreads one model's requests over its instances; null means the default.
alter table models
    add column routing_strategy text check (routing_strategy in (
        'round_robin', 'weighted', 'least_outstanding', 'lowest_latency',
        'health_score_weighted', 'prefix_affinity'));

-- The share of traffic an instance takes under the weighted strategy (0 takes none).
alter table model_instances
    add column routing_weight smallint not null default 1 check (routing_weight between 0 and 1000);

-- Every API replica keeps its routing table in memory; a notification lets it see a new, removed
-- or re-weighted instance at once instead of at its next periodic refresh.
create function notify_routing_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('modelyard_routing', tg_table_name);
    return null;
end;
$$;

create trigger model_instances_routing_change
    after insert or delete or update of state, endpoint, health_score, routing_weight
    on model_instances for each statement execute function notify_routing_change();

create trigger models_routing_change
    after update of routing_strategy, sha256, context_length or delete
    on models for each statement execute function notify_routing_change();
