#!/usr/bin/env python3
"""Write a variant of a peacesim scenario (python3 standard library only).

Reads a scenario (TOML, as printed by `peacesim baseline`) on stdin and writes it to stdout with
settings changed. Each argument is one change:

  section.key=value        set `key` in `[section]` (the line must exist in the file),
                           e.g. mechanisms.trust=false, regimes.hierarchical.sanction=0
  tp.key=value             set `key` on every [[third_parties]] block (added if absent),
                           e.g. tp.recognition=0.9
  tp[Name].key=value       the same for the third party called Name only
  drop[Name]               remove the [[third_parties]] block called Name

Values are written verbatim (quote strings yourself: 'regimes.hierarchical.lead="State A"').
It is a line editor for the layout `peacesim baseline` prints, not a general TOML writer; it
exits 1 if a change matches nothing, so a renamed setting cannot be skipped silently.
"""
import re
import sys


def blocks(lines):
    """Split into (header, lines) chunks; header is the [section] or [[array]] line or ''."""
    out, head, cur = [], "", []
    for line in lines:
        if re.match(r"^\s*\[", line):
            out.append((head, cur))
            head, cur = line.strip().split("#")[0].strip(), [line]
        else:
            cur.append(line)
    out.append((head, cur))
    return out


def name_of(chunk):
    for line in chunk:
        m = re.match(r'^\s*name\s*=\s*"([^"]*)"', line)
        if m:
            return m.group(1)
    return None


def set_key(chunk, key, value, add):
    pat = re.compile(r"^(\s*)" + re.escape(key) + r"(\s*=\s*)([^#\n]*?)(\s*)(#.*)?$")
    for i, line in enumerate(chunk):
        m = pat.match(line.rstrip("\n"))
        if m:
            comment = ("   " + m.group(5)) if m.group(5) else ""
            chunk[i] = f"{m.group(1)}{key}{m.group(2)}{value}{comment}\n"
            return True
    if add:
        # after the last key line of the block (before trailing blank lines)
        last = max(i for i, l in enumerate(chunk) if "=" in l and not l.lstrip().startswith("#"))
        chunk.insert(last + 1, f"{key} = {value}\n")
        return True
    return False


def main(argv):
    chunks = blocks(sys.stdin.readlines())
    for change in argv:
        hits = 0
        m = re.match(r"^drop\[(.+)\]$", change)
        if m:
            before = len(chunks)
            chunks = [c for c in chunks if not (c[0] == "[[third_parties]]" and name_of(c[1]) == m.group(1))]
            hits = before - len(chunks)
        else:
            path, _, value = change.partition("=")
            m = re.match(r"^tp(?:\[(.+)\])?\.(\w+)$", path)
            if m:
                who, key = m.groups()
                for head, chunk in chunks:
                    if head == "[[third_parties]]" and (who is None or name_of(chunk) == who):
                        hits += set_key(chunk, key, value, add=True)
            else:
                section, _, key = path.rpartition(".")
                for head, chunk in chunks:
                    if head == f"[{section}]":
                        hits += set_key(chunk, key, value, add=False)
        if hits == 0:
            sys.exit(f"variants.py: `{change}` matched nothing")
    sys.stdout.write("".join(line for _, chunk in chunks for line in chunk))


if __name__ == "__main__":
    main(sys.argv[1:])
