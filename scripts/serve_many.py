"""Run several app processes behind nginx on this machine, with sticky sessions.

Usage (from the repository root)::

    python scripts/serve_many.py --replicas 3          # http://127.0.0.1:8500
    python scripts/serve_many.py --replicas 3 --listen 8080

Each replica is ``streamlit run app/streamlit_app.py`` on its own loopback
port (8601, 8602, ...); nginx listens on ``--listen`` and sends every
browser to one replica for good (a cookie, see ``nginx.conf.template``).
Everything runs in the foreground: Ctrl-C stops nginx and the replicas. The
run folder (logs, nginx config, pids) is printed at start.

The load benchmark imports :func:`start_replicas` and :func:`start_nginx`
from here to measure through the same set-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository's packages
sys.path.append(str(ROOT / "app"))  # and the app's modules, as the app imports them
from jobs import LOG_ENV, WORKERS_ENV  # noqa: E402

from benchmarks._server import wait_for_health  # noqa: E402

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
FIRST_PORT = 8601
BENCH_PORTS = range(8640, 8660)  # the load benchmark's nginx and replicas
START_TIMEOUT = 120.0
NGINX_HINT = "nginx is not installed: on Debian or Ubuntu, sudo apt-get install -y nginx"


def find_nginx() -> str | None:
    """The nginx binary (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def start_app(port: int, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """One app process on 127.0.0.1:``port``, its output in ``log``."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app/streamlit_app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def stop(processes: list[subprocess.Popen]) -> None:
    """Terminate ``processes`` (the ones started here), killing any that do not stop."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ports_in(candidates: range, count: int) -> list[int]:
    """The first ``count`` ports of ``candidates`` that nobody listens on right now."""
    found = []
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"only {len(found)} of {count} ports free in {candidates}")


def workers_per_replica(replicas: int, cores: int | None = None) -> int:
    """Worker processes for each replica's pool: the machine's cores shared out, at least one
    (unless ``CLUSTERING_WORKERS`` is set, which every replica then takes as it is).

    Each replica has its own pool. With one worker per core in each, three
    replicas on two cores ran six workers that slowed one another (the
    seed averages took 11 s instead of 3.5 s).
    """
    if os.environ.get(WORKERS_ENV):
        return int(os.environ[WORKERS_ENV])
    cores = cores or os.cpu_count() or 1
    return max(1, cores // replicas)


@contextmanager
def start_replicas(
    ports: list[int], run_dir: Path, jobs_log: bool = False
) -> Iterator[list[tuple[int, subprocess.Popen]]]:
    """Start an app process on each port and yield ``(port, process)`` pairs once all answer.

    With ``jobs_log``, each writes its worker pool's log to ``run_dir/jobs-PORT.jsonl``.
    """
    started: list[tuple[int, subprocess.Popen]] = []
    workers = workers_per_replica(len(ports))
    try:
        for port in ports:
            env = {WORKERS_ENV: str(workers)}
            if jobs_log:
                env[LOG_ENV] = str(run_dir / f"jobs-{port}.jsonl")
            started.append((port, start_app(port, run_dir / f"app-{port}.log", env)))
        for port, process in started:
            wait_for_health(
                f"http://127.0.0.1:{port}", process, run_dir / f"app-{port}.log", START_TIMEOUT
            )
        yield started
    finally:
        stop([process for _, process in started])


def nginx_config(ports: list[int], listen: int, run_dir: Path) -> str:
    """The nginx configuration for these replica ports, from ``nginx.conf.template``."""
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
    )
    text = TEMPLATE.read_text()
    for name, value in (
        ("run_dir", str(run_dir)),
        ("servers", servers),
        ("listen", f"127.0.0.1:{listen}"),
    ):
        text = text.replace("{" + name + "}", value)
    return text


@contextmanager
def start_nginx(ports: list[int], listen: int, run_dir: Path) -> Iterator[subprocess.Popen]:
    """Run nginx in front of ``ports`` on 127.0.0.1:``listen`` until the block ends."""
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError(NGINX_HINT)
    temp = run_dir / "tmp"
    temp.mkdir(exist_ok=True)
    temp.chmod(0o777)  # run as root, nginx's workers switch to an unprivileged user
    config = run_dir / "nginx.conf"
    config.write_text(nginx_config(ports, listen, run_dir))
    process = subprocess.Popen([nginx, "-c", str(config), "-p", str(run_dir)])
    try:
        wait_for_health(
            f"http://127.0.0.1:{listen}", process, run_dir / "nginx-error.log", START_TIMEOUT
        )
        yield process
    finally:
        stop([process])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--listen", type=int, default=8500)
    parser.add_argument("--check-nginx", action="store_true", help="only check nginx is there")
    args = parser.parse_args(argv)
    if find_nginx() is None:
        sys.exit(NGINX_HINT)
    if args.check_nginx:
        return
    run_dir = Path(tempfile.mkdtemp(prefix="serve-many-"))
    print(f"Logs and nginx config in {run_dir}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ports = list(range(FIRST_PORT, FIRST_PORT + args.replicas))
    with start_replicas(ports, run_dir) as replicas:
        with start_nginx(ports, args.listen, run_dir):
            print(f"{args.replicas} replicas on ports {ports}; open http://127.0.0.1:{args.listen}")
            print("Ctrl-C stops them all.", flush=True)
            try:
                watch(replicas)
            except KeyboardInterrupt:
                pass


def watch(replicas: list[tuple[int, subprocess.Popen]]) -> None:
    """Say when a replica stops; nginx sends its browsers to the others meanwhile."""
    reported: set[int] = set()
    while len(reported) < len(replicas):
        for port, process in replicas:
            if process.poll() is not None and port not in reported:
                reported.add(port)
                print(f"The replica on port {port} stopped; the others keep serving.", flush=True)
        time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[1:])
