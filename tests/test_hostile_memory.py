"""Memory: the largest hostile files are refused or handled within 300 MB.

Each file is made at test time in a temporary folder, then read in a child
process whose address space is capped a little above what the budget allows
(``RLIMIT_AS``): a regression then fails with a MemoryError in that child
instead of taking the machine. The child reports its resident memory above
the baseline measured just before the work (Linux's peak-RSS counter, reset
first), and the test holds it to the budget.
"""

import ast
import json
import struct
import subprocess
import sys
import textwrap
import tomllib
import zlib
from pathlib import Path

import pytest
from limits import LABELS_MAX_BYTES, SERVER_MAX_UPLOAD_MB

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 300
# Room for the address space the work may reserve without touching it (malloc arenas).
HEADROOM_MB = 200

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc to measure peak RSS"
)

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    sys.path[:0] = [{app!r}, {root!r}]
    from labelling import read_labels_file
    from clustering.images import load_image

    def status(field):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB -> MB

    kind, path = sys.argv[1], Path(sys.argv[2])
    data = path.read_bytes()
    limit = int((status("VmSize") + {budget} + {headroom}) * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    Path("/proc/self/clear_refs").write_text("5")  # restart the peak-RSS counter
    baseline = status("VmRSS")
    try:
        if kind == "labels":
            read_labels_file(path.name, data, list(range(100)), n_train=1400)
        else:
            load_image(data)
        outcome = "handled"
    except MemoryError:
        outcome = "MemoryError"
    except ValueError as error:
        outcome = "refused: " + str(error)
    print(json.dumps({{"outcome": outcome, "above_mb": status("VmHWM") - baseline}}))
    """
).format(app=str(ROOT / "app"), root=str(ROOT), budget=BUDGET_MB, headroom=HEADROOM_MB)


def run_child(kind: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def grey_16_bit_png(side: int) -> bytes:
    """A ``side``² 16-bit grey PNG, compressed row by row (never whole in memory)."""
    row = b"\x00" + b"\x12\x34" * side
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 16, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def test_a_190_mb_labels_file_is_refused_within_budget(tmp_path):
    path = tmp_path / "labels.csv"
    line = b"0,1,2\n"
    with path.open("wb") as out:
        out.write(b"cluster,train_index,label\n")
        block = line * (2**20 // len(line))
        for _ in range(190):
            out.write(block)
    report = run_child("labels", path)
    assert report["outcome"].startswith("refused:") and "KB" in report["outcome"]
    assert report["above_mb"] < BUDGET_MB


def test_a_7000_square_16_bit_png_is_decoded_within_budget(tmp_path):
    path = tmp_path / "grey16.png"
    path.write_bytes(grey_16_bit_png(7000))
    assert path.stat().st_size < 200_000  # small file, 49 megapixels
    report = run_child("image", path)
    assert report["outcome"] == "handled", report
    assert report["above_mb"] < BUDGET_MB


def test_the_server_refuses_uploads_above_the_largest_one_the_app_takes():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == SERVER_MAX_UPLOAD_MB
    assert LABELS_MAX_BYTES < SERVER_MAX_UPLOAD_MB * 2**20


# Cached functions without max_entries, each with the reason its inputs are few.
BOUNDED_BY_THEIR_INPUTS = {
    "load_points": "one of the chapter's three data sets",
    "sample_picture": "one of the page's three sample pictures",
    "baselines": "k, a slider from 10 to 100",
}


def cached_functions() -> list[tuple[str, ast.FunctionDef, ast.Call | ast.Attribute]]:
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if ast.unparse(target) in ("st.cache_data", "st.cache_resource"):
                        found.append((path.name, node, decorator))
    return found


def test_every_cache_that_grows_with_user_input_has_a_bound():
    unbounded = []
    for file, function, decorator in cached_functions():
        keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
        takes_input = bool(function.args.args)
        bounded = any(keyword.arg == "max_entries" for keyword in keywords)
        if takes_input and not bounded and function.name not in BOUNDED_BY_THEIR_INPUTS:
            unbounded.append(f"{file}:{function.name}")
    assert len(cached_functions()) > 10  # the scan sees the app's caches
    assert unbounded == []


def test_every_cache_bound_is_stated_in_limits():
    """A bound is a name from app/limits.py, where its size is reckoned, never a bare number."""
    import limits

    stray = []
    for file, function, decorator in cached_functions():
        keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
        for keyword in keywords:
            if keyword.arg == "max_entries" and not (
                isinstance(keyword.value, ast.Name) and keyword.value.id in limits.__all__
            ):
                stray.append(f"{file}:{function.name}")
    assert stray == []
