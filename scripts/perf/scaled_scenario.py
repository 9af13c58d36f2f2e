#!/usr/bin/env python3
"""Print a scaled copy of the built-in baseline: PARTIES conflict parties and THIRD third parties,
made by cloning the baseline's actors under new names ("Name #2", …), as benches/scale.rs does.
Clones of partisan third parties favour the clone-cycled parties. Standard library only.

    python3 scripts/perf/scaled_scenario.py 20 9980 > scale_10000.toml
    PEACESIM=target/release/peacesim python3 scripts/perf/scaled_scenario.py 2 8
"""
import os
import re
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    parties, third = int(sys.argv[1]), int(sys.argv[2])
    binary = os.environ.get("PEACESIM", "target/release/peacesim")
    text = subprocess.run([binary, "baseline"], capture_output=True, text=True, check=True).stdout
    head, rest = text.split("[[parties]]", 1)
    party_part, third_part = ("[[parties]]" + rest).split("[[third_parties]]", 1)
    party_blocks = ["[[parties]]" + b for b in party_part.split("[[parties]]")[1:]]
    third_blocks = ["[[third_parties]]" + b for b in ("[[third_parties]]" + third_part).split("[[third_parties]]")[1:]]

    def name(block):
        return re.search(r'name = "([^"]*)"', block).group(1)

    def clone(blocks, i):
        block = blocks[i % len(blocks)]
        new = name(block) if i < len(blocks) else f"{name(block)} #{i // len(blocks) + 1}"
        return new, re.sub(r'name = "[^"]*"', f'name = "{new}"', block, count=1)

    out = [head.replace('name = "baseline"', f'name = "scale_{parties + third}"', 1)]
    party_names = []
    for i in range(parties):
        n, block = clone(party_blocks, i)
        party_names.append(n)
        out.append(block)
    for j in range(third):
        _, block = clone(third_blocks, j)
        if j >= len(third_blocks):
            block = re.sub(r'favours = "[^"]*"', f'favours = "{party_names[j % parties]}"', block)
        out.append(block)
    print("\n".join(out))


if __name__ == "__main__":
    main()
