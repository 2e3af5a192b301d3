-- The server programs each host's model runtime runs (ModelServer names: ENGINE_RUNNER, OLLAMA,
-- TGI), written by its worker at start, so that the API can refuse at once a container its host
-- cannot run (a local_ollama model on a runtime without an Ollama image) instead of failing the
-- task later. Null until a worker that knows this column starts: such hosts are not checked.
alter table hosts
    add column model_servers text[];
