-- The rest of what an instance was started with, so that a restart brings back the same limits:
-- its memory limit and the GPUs it was pinned to (UUIDs or indexes on its host).
alter table model_instances
    add column memory_bytes   bigint check (memory_bytes > 0),
    add column gpu_device_ids text[] not null default '{}';
