-- Where models can go: each GPU a worker reports (by UUID), or a host's RAM ('cpu', index -1) when
-- it has no GPUs. capacity_bytes is the memory Modelyard may use there: the free memory reported,
-- plus what the ledger already held on the device when it was reported (its own instances count
-- in both). A reservation locks its candidate rows, so each device has one serialized owner.
create table placement_devices (
    host_id        text        not null,
    device_id      text        not null,
    device_index   integer     not null,
    name           text        not null,
    total_bytes    bigint      not null check (total_bytes >= 0),
    capacity_bytes bigint      not null check (capacity_bytes >= 0),
    reported_at    timestamptz not null default now(),
    primary key (host_id, device_id)
);

-- Memory held for an instance (reservation_id = instance_id) from before it starts until it has
-- stopped or failed; one row per device it spans, all on one host.
create table placement_reservations (
    reservation_id text        not null,
    host_id        text        not null,
    device_id      text        not null,
    bytes          bigint      not null check (bytes > 0),
    created_at     timestamptz not null default now(),
    primary key (reservation_id, host_id, device_id),
    foreign key (host_id, device_id) references placement_devices (host_id, device_id)
);

create index placement_reservations_device on placement_reservations (host_id, device_id);
