-- One row: this deployment's identity, which every API replica reads from the database they share.
-- What replicas keep together in Redis (the holds on cloud calls under way) is named by it, so two
-- deployments given the same Redis, or two test schemas, never count each other's.
create table deployment_identity (
    singleton     boolean primary key default true check (singleton),
    deployment_id text    not null default gen_random_uuid()::text
);

insert into deployment_identity default values;
