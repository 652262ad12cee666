"""The replicas behind nginx: how the machine's cores and the browsers are shared out."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from serve_many import WORKERS_ENV, nginx_config, workers_per_replica


def test_replicas_share_the_cores_between_their_worker_pools_and_keep_at_least_one(
    monkeypatch,
):
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    assert workers_per_replica(1, cores=2) == 2
    assert workers_per_replica(2, cores=2) == 1
    assert workers_per_replica(3, cores=2) == 1  # never none: retrains need a worker
    assert workers_per_replica(3, cores=12) == 4
    monkeypatch.setenv(WORKERS_ENV, "3")  # an operator's own choice is kept
    assert workers_per_replica(3, cores=2) == 3


def test_nginx_sends_every_request_of_one_browser_to_the_same_replica(tmp_path):
    config = nginx_config([8601, 8602, 8603], 8500, tmp_path)
    for port in (8601, 8602, 8603):
        assert f"server 127.0.0.1:{port} " in config
    assert "hash $replica_key consistent;" in config  # by the browser's cookie ...
    assert "ce_replica=$replica_key" in config  # ... which the first answer sets
    assert "ip_hash" not in config.split("http {")[1]  # a class behind one address spreads
    assert "listen 127.0.0.1:8500;" in config
    assert "{" + "servers}" not in config and str(tmp_path) in config
