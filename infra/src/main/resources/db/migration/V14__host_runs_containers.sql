-- Whether each host's model runtime runs its instances in containers (MODELYARD_RUNTIME=docker),
-- written by its worker at start, so that POST /containers/create on a host that runs instances
-- in process is refused instead of answering 202 and starting no container. Null until a worker
-- that knows this column starts: such hosts are not checked.
alter table hosts
    add column runs_containers boolean;
