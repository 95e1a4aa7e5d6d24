"""Side-by-side benchmarks of qnetstack and SeQUeNCe 0.8.5: run both, report medians and ratios.

Run from the project's environment (the one with qnetstack installed)::

    python benchmarks/peers/run.py --repeats 3 [--json results.json] [--scenarios kernel qkd]

On first use it creates ``benchmarks/peers/.venv-sequence`` (gitignored) and installs
``sequence==0.8.5`` into it with pip; SeQUeNCe is never a dependency of qnetstack. Every
scenario runs as a fresh process per side, alternately (qnetstack, SeQUeNCe, qnetstack, …), so
drift in the load of this shared machine hits both; each script prints one JSON line, and the
table reports the median of the repeats and how many times better qnetstack is (events or
sifted bits per wall second: qnetstack / SeQUeNCe; wall seconds per pair: SeQUeNCe /
qnetstack) as the ratio of the two medians, the range of the per-repeat ratios (repeat i of
one side against repeat i of the other), and the goals of issue 9.

``--skip-peer`` runs the qnetstack side only (no virtual environment, no network); ``--quick``
shrinks every scenario to a smoke-test size (the figures are then meaningless).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-sequence"
PEER_REQUIREMENT = "sequence==0.8.5"
PROCESS_TIMEOUT_S = 1800


@dataclass(frozen=True)
class Variant:
    """One qnetstack configuration of a scenario (the first of a scenario is its headline)."""

    label: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """A scenario: its qnetstack variants, the SeQUeNCe command, and the issue's goal."""

    scenario: str
    qnetstack_script: str
    variants: tuple[Variant, ...]
    peer_script: str
    peer_args: tuple[str, ...]
    higher_is_better: bool
    goal: float
    goal_text: str


@dataclass
class Sizes:
    """How much work each run does (events, pairs, keys); ``--quick`` shrinks all of it."""

    events: int = 500_000
    link_pairs: int = 2000
    peer_link_pairs: int = 50
    chain_pairs: int = 200
    peer_chain_pairs: int = 20
    qkd_pairs: int = 4096
    peer_qkd_keys: int = 8
    qkd_sifted: int = 1_000_000

    @classmethod
    def quick(cls) -> Sizes:
        return cls(2000, 5, 2, 2, 1, 16, 1, 1000)


def cases(s: Sizes) -> list[Case]:
    """The scenarios of issue 9, each with its qnetstack variants and its SeQUeNCe peer."""
    nv_full, depol = "full NV physics", "depolarising platform"
    out = [
        Case(
            scenario="kernel",
            qnetstack_script="qnetstack_kernel.py",
            variants=(Variant("chained no-op events", ("--events", str(s.events))),),
            peer_script="sequence_kernel.py",
            peer_args=("--events", str(s.events)),
            higher_is_better=True,
            goal=2.7,
            goal_text="≥ 2.7×",
        )
    ]
    for km in ("2", "20"):
        base = ("--length-km", km, "--pairs", str(s.link_pairs))
        variants = (
            Variant(f"full stack (egp), {nv_full}", (*base, "--stack", "egp")),
            Variant(f"physical layer only, {nv_full}", (*base, "--stack", "physical")),
            Variant(f"full stack (simple-link), {nv_full}", (*base, "--stack", "simple-link")),
            Variant(f"full stack (egp), {depol}", (*base, "--physics", "depolarising")),
            Variant(
                f"full stack (egp), {nv_full}, attempts mode",
                (*base, "--stack", "egp", "--mode", "attempts"),
            ),
        )
        out.append(
            Case(
                scenario=f"link_{km}km",
                qnetstack_script="qnetstack_link.py",
                variants=variants,
                peer_script="sequence_link.py",
                peer_args=("--length-km", km, "--pairs", str(s.peer_link_pairs)),
                higher_is_better=False,
                goal=100.0,
                goal_text="≥ 100× (full NV physics)",
            )
        )
    for nodes in ("3", "5"):
        base = ("--nodes", nodes, "--pairs", str(s.chain_pairs))
        variants = (
            Variant(f"egp + qnp, {nv_full}", base),
            Variant(f"egp + qnp, {depol}", (*base, "--physics", "depolarising")),
        )
        out.append(
            Case(
                scenario=f"chain_{nodes}",
                qnetstack_script="qnetstack_chain.py",
                variants=variants,
                peer_script="sequence_chain.py",
                peer_args=("--nodes", nodes, "--pairs", str(s.peer_chain_pairs)),
                higher_is_better=False,
                goal=100.0,
                goal_text="≥ 100×",
            )
        )
    base = ("--pairs", str(s.qkd_pairs))
    variants = (
        # The headline is the protocol SeQUeNCe runs (prepare-and-measure BB84, every pulse
        # simulated); BBM92 through the whole stack is reported beside it.
        Variant(
            "BB84 prepare-and-measure, per-pulse Monte-Carlo (same protocol as the peer)",
            ("--protocol", "bb84", "--sifted", str(s.qkd_sifted)),
        ),
        Variant(f"BBM92 via egp MEASURE, {nv_full}", base),
        Variant(f"BBM92 via egp MEASURE, {depol}", (*base, "--physics", "depolarising")),
    )
    out.append(
        Case(
            scenario="qkd",
            qnetstack_script="qnetstack_qkd.py",
            variants=variants,
            peer_script="sequence_qkd.py",
            peer_args=("--keys", str(s.peer_qkd_keys)),
            higher_is_better=True,
            goal=30.0,
            goal_text="≥ 30×",
        )
    )
    return out


# --------------------------------------------------------------------------- the peer's venv


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_peer_env(venv: Path, base_python: str) -> Path:
    """Create ``venv`` with SeQUeNCe 0.8.5 unless it already has it; return its interpreter."""
    python = venv_python(venv)
    if python.exists() and peer_version(python) == PEER_REQUIREMENT.split("==")[1]:
        return python
    print(f"creating {venv} and installing {PEER_REQUIREMENT} (one-off) …", file=sys.stderr)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         PEER_REQUIREMENT],
        check=True,
    )  # fmt: skip
    version = peer_version(python)
    if version != PEER_REQUIREMENT.split("==")[1]:
        raise SystemExit(f"{venv}: SeQUeNCe {version!r} installed, wanted {PEER_REQUIREMENT}")
    return python


def peer_version(python: Path) -> str | None:
    probe = "import importlib.metadata as m; print(m.version('sequence'))"
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


# --------------------------------------------------------------------------- running


def run_script(python: str, script: str, args: tuple[str, ...]) -> dict[str, Any]:
    """Run one benchmark script in a fresh process; return its JSON line (or the error)."""
    command = [python, str(HERE / script), *args]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PROCESS_TIMEOUT_S, cwd=HERE
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {PROCESS_TIMEOUT_S} s", "command": command}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return {"error": f"exit {done.returncode}: " + " | ".join(tail), "command": command}
    record: dict[str, Any] = json.loads(lines[-1])
    record["process_wall_s"] = time.perf_counter() - t0
    return record


@dataclass
class Outcome:
    """All runs of one case: per qnetstack variant and for the peer."""

    case: Case
    qnetstack: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    peer: list[dict[str, Any]] = field(default_factory=list)


def run_cases(
    selected: list[Case], repeats: int, peer_python: str | None, log: Any
) -> list[Outcome]:
    outcomes = [Outcome(case) for case in selected]
    for repeat in range(repeats):
        for outcome in outcomes:
            case = outcome.case
            # alternate: headline qnetstack, SeQUeNCe, then the other qnetstack variants
            order: list[Variant | None] = [case.variants[0]]
            if peer_python:
                order.append(None)
            order.extend(case.variants[1:])
            for variant in order:
                if variant is None:
                    assert peer_python is not None
                    record = run_script(peer_python, case.peer_script, case.peer_args)
                    outcome.peer.append(record)
                    name = "SeQUeNCe"
                else:
                    record = run_script(sys.executable, case.qnetstack_script, variant.args)
                    outcome.qnetstack.setdefault(variant.label, []).append(record)
                    name = f"qnetstack [{variant.label}]"
                shown = record.get("error") or f"{record['value']:.6g} {record['unit']}"
                print(f"  repeat {repeat + 1}/{repeats} {case.scenario:10} {name}: {shown}",
                      file=log, flush=True)  # fmt: skip
    return outcomes


# --------------------------------------------------------------------------- summary


def median_value(records: list[dict[str, Any]]) -> float | None:
    values = [r["value"] for r in records if "error" not in r]
    return statistics.median(values) if values else None


def advantage(case: Case, ours: float | None, peer: float | None) -> float | None:
    """How many times better qnetstack is (> 1: qnetstack ahead), whatever the metric's sense."""
    if ours is None or peer is None or ours <= 0 or peer <= 0:
        return None
    return ours / peer if case.higher_is_better else peer / ours


def summarise(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    rows = []
    for outcome in outcomes:
        case = outcome.case
        peer = median_value(outcome.peer)
        for index, variant in enumerate(case.variants):
            records = outcome.qnetstack.get(variant.label, [])
            ours = median_value(records)
            ratio = advantage(case, ours, peer)
            paired = [  # repeat i of qnetstack against repeat i of the peer: the spread
                advantage(case, mine.get("value"), theirs.get("value"))
                for mine, theirs in zip(records, outcome.peer, strict=False)
                if "error" not in mine and "error" not in theirs
            ]
            spread = [value for value in paired if value is not None]
            headline = index == 0
            sample = next((r for r in records if "error" not in r), {})
            rows.append({
                "scenario": case.scenario,
                "variant": variant.label,
                "headline": headline,
                "metric": sample.get("metric"),
                "unit": sample.get("unit"),
                "qnetstack_median": ours,
                "sequence_median": peer,
                "advantage": ratio,
                "advantage_min": min(spread) if spread else None,
                "advantage_max": max(spread) if spread else None,
                "goal": case.goal if headline else None,
                "goal_text": case.goal_text if headline else None,
                "goal_met": (ratio >= case.goal) if (headline and ratio is not None) else None,
                "runs": len([r for r in records if "error" not in r]),
                "peer_runs": len([r for r in outcome.peer if "error" not in r]),
                "errors": [r["error"] for r in records + outcome.peer if "error" in r],
            })  # fmt: skip
    return rows


def fmt(value: float | None, unit: str | None) -> str:
    if value is None:
        return "–"
    if unit == "s/pair":
        return f"{value * 1e3:.3g} ms" if value >= 1e-3 else f"{value * 1e6:.3g} µs"
    return f"{value:,.0f} {unit}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | qnetstack configuration | qnetstack (median) | SeQUeNCe 0.8.5 (median) "
        "| qnetstack advantage | per-repeat range | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row["advantage"]
        ratio_text = "–" if ratio is None else f"{ratio:,.3g}×"
        if row["headline"]:
            ratio_text = f"**{ratio_text}**"
        low, high = row["advantage_min"], row["advantage_max"]
        spread = "–" if low is None else f"{low:,.3g}–{high:,.3g}×"
        goal = ""
        if row["goal_text"]:
            verdict = {True: "met", False: "missed", None: "not measured"}[row["goal_met"]]
            goal = f"{row['goal_text']}: {verdict}"
        lines.append(
            f"| {row['scenario']} | {row['variant']} | {fmt(row['qnetstack_median'], row['unit'])} "
            f"| {fmt(row['sequence_median'], row['unit'])} | {ratio_text} | {spread} | {goal} |"
        )
    return "\n".join(lines)


def machine(peer_python: str | None) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if peer_python:
        info["sequence_version"] = peer_version(Path(peer_python))
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per side (default 3)")
    parser.add_argument("--scenarios", nargs="+", help="subset: kernel link_2km link_20km "
                        "chain_3 chain_5 qkd")  # fmt: skip
    parser.add_argument(
        "--json", metavar="PATH", help="also write the summary as JSON ('-': stdout)"
    )
    parser.add_argument("--skip-peer", action="store_true", help="run the qnetstack side only")
    parser.add_argument(
        "--quick", action="store_true", help="smoke-test sizes (figures meaningless)"
    )
    parser.add_argument("--peer-python", help="an interpreter that already has sequence==0.8.5")
    parser.add_argument("--venv-python", default=sys.executable,
                        help="interpreter that creates .venv-sequence (default: this)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    all_cases = cases(Sizes.quick() if args.quick else Sizes())
    known = [case.scenario for case in all_cases]
    unknown = sorted(set(args.scenarios or []) - set(known))
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    selected = [case for case in all_cases if not args.scenarios or case.scenario in args.scenarios]
    peer_python: str | None = None
    if not args.skip_peer:
        peer_python = args.peer_python or str(ensure_peer_env(VENV, args.venv_python))
    log = sys.stderr if args.json == "-" else sys.stdout
    outcomes = run_cases(selected, args.repeats, peer_python, log)
    rows = summarise(outcomes)
    info = machine(peer_python)
    print(f"\nmedians of {args.repeats} run(s); {info['cpu']}, {info['cores']} cores, "
          f"Python {info['python']}\n", file=log)  # fmt: skip
    print(table(rows), file=log)
    if args.json:
        summary = {
            "machine": info,
            "repeats": args.repeats,
            "quick": args.quick,
            "rows": rows,
            "runs": [
                {"scenario": o.case.scenario, "qnetstack": o.qnetstack, "sequence": o.peer}
                for o in outcomes
            ],
        }
        text = json.dumps(summary, indent=1)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
