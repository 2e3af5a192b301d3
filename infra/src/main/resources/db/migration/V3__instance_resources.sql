-- What an instance was started with, so that a restart brings back the same instance.
alter table model_instances
    add column context_length integer,
    add column cpu_threads    integer,
    add column parallel_slots integer;
