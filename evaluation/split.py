"""A fixed, seeded split of dev.jsonl into a tuning part and a "dev-check" part.

dev-check (about a quarter of dev, chosen by a hash of each line's id, so the split is stable as
dev grows) is never read line by line: only its aggregate figures estimate how well the rules
and the model generalise. ``python -m evaluation.split OUT_DIR`` writes OUT_DIR/tune/dev.jsonl
and OUT_DIR/check/dev.jsonl for ``python -m evaluation --corpus-dir OUT_DIR/tune --part dev``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

SEED = "understanding2-devcheck-v1"
DEV = Path(__file__).resolve().parent / "corpus" / "dev.jsonl"


def is_check(item_id: str) -> bool:
    digest = hashlib.sha256(f"{SEED}:{item_id}".encode()).digest()
    return digest[0] % 4 == 0


def _id(line: str) -> str:
    import json

    return str(json.loads(line)["id"])


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("/tmp/devsplit")
    lines = [line for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    for name, keep in (("tune", False), ("check", True)):
        (out / name).mkdir(parents=True, exist_ok=True)
        chosen = [line for line in lines if is_check(_id(line)) == keep]
        (out / name / "dev.jsonl").write_text("\n".join(chosen) + "\n", encoding="utf-8")
        print(f"{name}: {len(chosen)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
