#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fails when an #include crosses the rules table of ARCHITECTURE.md.

Each table row whose first cell names a folder or file (`src/core/`, `src/main.cpp`) says in its
last cell what that code may include: project folders in backticks (`core/`), libraries by name
(fmt, CLI11, Paho, ...; "LIB (in .cpp files)" keeps a library out of headers), or "everything".
A quoted include without a folder ("relay_core.hpp") is a file beside the includer.

    check_layers.py ROOT              check the tree
    check_layers.py --self-test ROOT  check that crossings planted in memory are caught
"""
import re
import sys
from pathlib import Path

# An include's first path element -> the library name the table uses.
LIBRARIES = {"fmt": "fmt", "nlohmann": "nlohmann-json", "CLI": "CLI11", "mqtt": "Paho",
             "openssl": "OpenSSL", "toml++": "toml++", "catch2": "Catch2"}
PROJECT = ("core", "format", "profile", "paho", "outbox", "watch", "terminal", "cli")
SOURCE = (".cpp", ".hpp")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


class Rule:
    def __init__(self, cell):
        self.everything = cell.strip().startswith("everything")
        self.folders = set(re.findall(r"`([\w./+-]+)`", cell))
        self.libraries, self.cpp_only = set(), set()
        for name in LIBRARIES.values():
            match = re.search(re.escape(name) + r"(\s*\(in \.cpp files\))?(?![\w+-])", cell)
            if match:
                (self.cpp_only if match.group(1) else self.libraries).add(name)

    def refuses(self, path, bracket, target):
        """The reason this include breaks the rule, or None."""
        if self.everything:
            return None
        first = target.split("/", 1)[0]
        if bracket == "<":
            library = LIBRARIES.get(first)
            if library is None or library in self.libraries:
                return None
            if library in self.cpp_only:
                return None if path.suffix == ".cpp" else f"{library} only in .cpp files"
            return f"{library} is not in its 'may include' cell"
        if "/" not in target:
            return None  # beside the includer
        if first not in PROJECT:
            return None
        if f"{first}/" in self.folders or target in self.folders:
            return None
        return f"{first}/ is not in its 'may include' cell"


def read_rules(root):
    rules = {}
    for line in (root / "ARCHITECTURE.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        name = re.fullmatch(r"`((?:src|tests)/[\w./-]*)`", cells[0])
        if name:
            rules[name.group(1)] = Rule(cells[-1])
    if not rules:
        sys.exit("check_layers: no rules table found in ARCHITECTURE.md")
    return rules


def rule_for(rules, relative):
    """The most specific row: a file's own row, else its folder's."""
    best = None
    for name in rules:
        if relative == name or (name.endswith("/") and relative.startswith(name)):
            if best is None or len(name) > len(best):
                best = name
    return best


def violations(root, rules, extra=()):
    found = []
    files = [(p.relative_to(root).as_posix(), p.read_text(errors="replace"))
             for top in ("src", "tests") for p in sorted((root / top).rglob("*"))
             if p.suffix in SOURCE]
    for relative, text in list(files) + list(extra):
        name = rule_for(rules, relative)
        if name is None:
            continue
        for bracket, target in INCLUDE.findall(text):
            why = rules[name].refuses(Path(relative), bracket, target)
            if why:
                found.append(f"{relative}: #include {bracket}{target}: {why} (row `{name}`)")
    return found


def main(argv):
    self_test = "--self-test" in argv
    args = [a for a in argv if a != "--self-test"]
    root = Path(args[0] if args else ".").resolve()
    rules = read_rules(root)
    if self_test:
        planted = [("src/core/planted.hpp", '#include "cli/run.hpp"\n#include <nlohmann/json.hpp>\n'),
                   ("src/format/planted.cpp", "#include <CLI/CLI.hpp>\n"),
                   ("src/paho/planted.cpp", '#include "format/formatter.hpp"\n')]
        found = violations(root, rules, planted)
        caught = [f for f in found if "planted" in f]
        if len(caught) != 4:
            print("check_layers self-test: expected 4 planted crossings, caught:", *caught, sep="\n  ")
            return 1
        return 0
    found = violations(root, rules)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
