#!/usr/bin/env python3
"""check-layers.py: TAP test that each C component's source tree stays layered.

A component keeps its sources in layer folders, lowest layer first (COMPONENTS below). The rules:
- every .c/.h file lives in one of the component's layer folders, none directly in its source root;
- a file includes headers of its own layer or of lower layers only, written from the source root
  ("store/tickets.h", so the layer is visible where the include is), and no system header its layer
  must not use (FORBIDDEN: e.g. no libpq below the database layer);
- the modules (x.c + x.h = one module) form no circle, also not inside one layer.
Every offence is printed with file:line (a circle as its path, one line per include), and the exit
status is non-zero when anything failed.

Usage: check-layers.py [--root DIR] [--self-test] [COMPONENT...]
  --root DIR    repository root (default: $BB_SOURCE_ROOT, else two folders above this script)
  --self-test   checks the checker on a small tree with known offences instead of the repository
  COMPONENT     check only these (default: every enabled component)
Python 3 standard library only.
"""

import os
import re
import sys
import tempfile

# ---- the layers, as data -------------------------------------------------------------------------

# component -> its source root (relative to the repository root) and its layers, lowest first. A
# layer is a folder name, or a tuple of folder names that share one rank (they may include each
# other, circles still count). `enabled`: checked by default.
COMPONENTS = {
    "queue-service": {
        "enabled": True,
        "root": "queue-service/src",
        "layers": ["base", "domain", "db", "store", "appointments", "sync", "api", "app"],
        # System headers a layer must not include (on top of never including a higher layer):
        # libpq from db/ up, libcurl (mail) from appointments/ up, libwebsockets in api/ and app/.
        "forbidden": {
            "base": ["libpq-fe.h", "curl/curl.h", "libwebsockets.h"],
            "domain": ["libpq-fe.h", "curl/curl.h", "libwebsockets.h"],
            "db": ["curl/curl.h", "libwebsockets.h"],
            "store": ["curl/curl.h", "libwebsockets.h"],
            "appointments": ["libwebsockets.h"],
            "sync": ["libwebsockets.h"],
        },
    },
    # The Janus plugin's layers (plugin/meson.build): settings and thread context, queue client,
    # sessions, the consultation, requests, the plugin wiring. Its includes of the protocol
    # catalogue (protocol/) lie outside the component and are not checked.
    "plugin": {
        "enabled": True,
        "root": "plugin",
        "layers": ["core", "queue", "session", "consultation", "requests", "app"],
        "forbidden": {},
    },
}

SOURCE_SUFFIXES = (".c", ".h")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


# ---- scanning ------------------------------------------------------------------------------------

def layer_ranks(layers):
    """Folder name -> rank (0 = lowest)."""
    ranks = {}
    for rank, layer in enumerate(layers):
        for folder in (layer if isinstance(layer, tuple) else (layer,)):
            ranks[folder] = rank
    return ranks


def source_files(src):
    """Every .c/.h file under src, as paths relative to src with '/' separators, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in filenames:
            if name.endswith(SOURCE_SUFFIXES):
                rel = os.path.relpath(os.path.join(dirpath, name), src)
                found.append(rel.replace(os.sep, "/"))
    return sorted(found)


def includes_of(path):
    """(line number, kind '"' or '<', included name) for each #include of a file."""
    result = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE_RE.match(line)
            if m:
                result.append((number, m.group(1), m.group(2)))
    return result


def resolve(src, including, name):
    """The included file relative to src as the compiler finds it (the including file's folder
    first, then the source root), or None when it is outside the component (system, generated or
    another component's header: not this check's business)."""
    for base in (os.path.dirname(os.path.join(src, including)), src):
        candidate = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(candidate):
            rel = os.path.relpath(candidate, src).replace(os.sep, "/")
            return None if rel.startswith("../") else rel
    return None


def module_of(rel):
    """x.c and x.h are one module: the path without its suffix."""
    return os.path.splitext(rel)[0]


# ---- the three checks ----------------------------------------------------------------------------

def check_component(repo, name, spec):
    """Runs the checks of one component; returns [(description, [offence lines])]."""
    src = os.path.join(repo, spec["root"])
    shown_root = spec["root"].rstrip("/")
    ranks = layer_ranks(spec["layers"])
    forbidden = spec.get("forbidden", {})
    if not os.path.isdir(src):
        return [(f"{name}: source root {shown_root}/ exists", [f"# no folder {shown_root}/"])]

    files = source_files(src)
    misplaced, upward, edges = [], [], {}
    for rel in files:
        parts = rel.split("/")
        if len(parts) == 1:
            misplaced.append(f"# {shown_root}/{rel}: directly in the source root; move it into a layer folder")
            continue
        if parts[0] not in ranks:
            misplaced.append(f"# {shown_root}/{rel}: folder {parts[0]}/ is not a layer of {name} "
                             f"({', '.join(sorted(ranks, key=ranks.get))})")
            continue
        layer = parts[0]
        for line, kind, inc in includes_of(os.path.join(src, rel)):
            where = f"{shown_root}/{rel}:{line}"
            if kind == "<":
                if inc in forbidden.get(layer, []):
                    upward.append(f"# {where}: includes <{inc}>, which layer {layer} must not use")
                continue
            target = resolve(src, rel, inc)
            if target is None:
                continue
            target_layer = target.split("/")[0]
            if target_layer in ranks and ranks[target_layer] > ranks[layer]:
                upward.append(f"# {where}: includes \"{inc}\": layer {target_layer} is above {layer}")
            elif inc != target:
                upward.append(f"# {where}: includes \"{inc}\": write it from the source root as \"{target}\"")
            a, b = module_of(rel), module_of(target)
            if a != b:
                edges.setdefault(a, {}).setdefault(b, where)

    circles = []
    for path in find_circles(edges):
        circles.append("# circle: " + " -> ".join(path))
        for a, b in zip(path, path[1:]):
            circles.append(f"#   {edges[a][b]}: {a} includes {b}")

    return [
        (f"{name}: every source file is in a layer folder", misplaced),
        (f"{name}: no include goes up a layer (layers: {' < '.join(fmt_layer(l) for l in spec['layers'])})", upward),
        (f"{name}: no circle between modules", circles),
    ]


def fmt_layer(layer):
    return "|".join(layer) if isinstance(layer, tuple) else layer


def find_circles(edges, limit=50):
    """Circles of the module graph, each as a path that ends where it began. One shortest circle
    per strongly connected group; its closing include is then set aside and the search repeated,
    so that one run names every independent circle (up to `limit`), not just the first."""
    work = {a: dict(targets) for a, targets in edges.items()}
    found = []
    while len(found) < limit:
        groups = strongly_connected(work)
        if not groups:
            break
        for group in groups:
            path = shortest_cycle(work, group)
            found.append(path)
            del work[path[-2]][path[-1]]
    return found[:limit]


def strongly_connected(edges):
    """Tarjan's algorithm: the components with more than one module, each sorted, in name order."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.append(w)
                if w == v:
                    break
            if len(members) > 1:
                result.append(sorted(members))

    nodes = sorted(set(edges) | {w for targets in edges.values() for w in targets})
    for v in nodes:
        if v not in index:
            visit(v)
    return sorted(result)


def shortest_cycle(edges, component):
    """A shortest circle through the component's first module, as a path ending where it began."""
    start, inside = component[0], set(component)
    previous, frontier = {start: None}, [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(edges.get(v, {})):
                if w not in inside:
                    continue
                if w == start:
                    path = [v]
                    while previous[path[-1]] is not None:
                        path.append(previous[path[-1]])
                    return list(reversed(path)) + [start]
                if w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    return component + [component[0]]


# ---- TAP -----------------------------------------------------------------------------------------

def report(results):
    """Prints TAP; returns the exit status."""
    print("TAP version 13")
    print(f"1..{len(results)}")
    failed = 0
    for number, (description, offences) in enumerate(results, 1):
        print(f"{'not ok' if offences else 'ok'} {number} - {description}")
        for line in offences:
            print(line)
        failed += bool(offences)
    return 1 if failed else 0


# ---- self-test -----------------------------------------------------------------------------------

SELF_TEST_TREE = {
    "src/low/a.h": '#include "low/b.h"\n',
    "src/low/a.c": '#include "low/a.h"\n#include <stdio.h>\n',
    "src/low/b.h": '#include "low/c.h"\n',
    "src/low/c.c": '#include "low/c.h"\n#include "low/a.h"\n',      # circle a -> b -> c -> a
    "src/low/c.h": "\n",
    "src/low/d.c": '#include "high/e.h"\n#include <libpq-fe.h>\n',  # goes up; forbidden header
    "src/low/f.c": '#include "c.h"\n',                              # not written from the root
    "src/high/e.h": '#include "low/c.h"\n#include "generated.h"\n', # fine; unknown header ignored
    "src/high/e.c": '#include "high/e.h"\n#include "../../outside.h"\n',
    "src/stray.c": "\n",                                           # not in a layer folder
    "src/other/g.c": "\n",                                         # not a layer
    "outside.h": "\n",
}

SELF_TEST_SPEC = {"enabled": True, "root": "src", "layers": ["low", "high"],
                  "forbidden": {"low": ["libpq-fe.h"]}}

# Offence lines (substrings) each check must report, and nothing else.
SELF_TEST_EXPECTED = [
    ["src/other/g.c: folder other/ is not a layer", "src/stray.c: directly in the source root"],
    ['src/low/d.c:1: includes "high/e.h": layer high is above low',
     "src/low/d.c:2: includes <libpq-fe.h>, which layer low must not use",
     'src/low/f.c:1: includes "c.h": write it from the source root as "low/c.h"'],
    ["circle: low/a -> low/b -> low/c -> low/a", "src/low/a.h:1: low/a includes low/b",
     "src/low/b.h:1: low/b includes low/c", "src/low/c.c:2: low/c includes low/a"],
]


def self_test():
    """Runs the checks on SELF_TEST_TREE and compares the findings with SELF_TEST_EXPECTED, then
    checks that a clean tree passes."""
    with tempfile.TemporaryDirectory() as repo:
        for rel, text in SELF_TEST_TREE.items():
            path = os.path.join(repo, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        results = check_component(repo, "selftest", SELF_TEST_SPEC)
        out = []
        for (description, offences), expected in zip(results, SELF_TEST_EXPECTED):
            missing = [e for e in expected if not any(e in o for o in offences)]
            extra = [o for o in offences if not o.startswith("#   ") and not any(e in o for e in expected)]
            problems = [f"# expected, not reported: {m}" for m in missing] + \
                       [f"# reported, not expected: {x.lstrip('# ')}" for x in extra]
            if not problems:
                out.append((f"finds: {description}", []))
            else:
                out.append((f"finds: {description}", problems + ["# got:"] + offences))
        for rel in ("src/stray.c", "src/other/g.c", "src/low/d.c", "src/low/f.c"):
            os.remove(os.path.join(repo, rel))
        with open(os.path.join(repo, "src/low/c.c"), "w", encoding="utf-8") as f:
            f.write('#include "low/c.h"\n')
        clean = check_component(repo, "selftest", SELF_TEST_SPEC)
        bad = [line for _, offences in clean for line in offences]
        out.append(("a tree without offences passes", bad))
    return out


# ---- main ----------------------------------------------------------------------------------------

def main(argv):
    args = argv[1:]
    repo = os.environ.get("BB_SOURCE_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    names, selftest = [], False
    while args:
        a = args.pop(0)
        if a == "--root" and args:
            repo = args.pop(0)
        elif a == "--self-test":
            selftest = True
        elif a.startswith("-"):
            print(__doc__, file=sys.stderr)
            return 2
        else:
            names.append(a)
    if selftest:
        return report(self_test())
    unknown = [n for n in names if n not in COMPONENTS]
    if unknown:
        print(f"unknown component(s): {', '.join(unknown)}; known: {', '.join(COMPONENTS)}", file=sys.stderr)
        return 2
    names = names or [n for n, spec in COMPONENTS.items() if spec["enabled"]]
    results = []
    for n in names:
        results += check_component(repo, n, COMPONENTS[n])
    return report(results)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
