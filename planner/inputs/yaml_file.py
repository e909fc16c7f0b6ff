"""Reading YAML input files safely: a strict safe loader (plain data only, duplicate keys and
malformed scalars refused with their line) and limits on size, depth and expanded values, so
that no input can exhaust memory or the stack. Shared by the instance, sweep and study files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from planner.inputs.files import decode_utf8, name_problem

MAX_YAML_BYTES = 64 * 2**20
"""Largest input file read (64 MiB; an instance with inline full-year lists is ~1 MiB)."""

MAX_YAML_DEPTH = 64
"""Deepest nesting of lists and mappings accepted (an instance needs 5)."""

MAX_YAML_VALUES = 5_000_000
"""Most values a file may expand to, aliases counted at every use (a full year inline in
every hourly field of a large instance is ~200,000)."""


class StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader (plain data only, never Python objects) that also refuses a key
    given twice in one mapping, and turns a malformed scalar (``2028-13-45``, ``!!int x``)
    into a YAML error with its line instead of a Python exception."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Refuse nesting deeper than :data:`MAX_YAML_DEPTH` before Python's stack runs out."""
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {MAX_YAML_DEPTH} levels deep"
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value {node.value!r} ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` merges; its keys may be overridden
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable: SafeConstructor reports it
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice (first on line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, name: str = "<text>") -> Any:
    """Parse YAML text with :class:`StrictSafeLoader` (``yaml.safe_load`` plus checks);
    ``name`` is the file named in error marks."""
    loader = StrictSafeLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def structure_problem(raw: Any) -> str | None:
    """Why ``raw`` cannot be input data: nested deeper than :data:`MAX_YAML_DEPTH` (a YAML
    alias inside its own anchor nests forever) or more than :data:`MAX_YAML_VALUES` values
    once aliases are expanded. None if it is fine. Arrays count as one value."""
    try:
        _expanded_size(raw, 0, {})
    except _TooDeep:
        return (
            f"nested more than {MAX_YAML_DEPTH} levels deep "
            "(a YAML alias used inside its own anchor?)"
        )
    except _TooMany:
        return f"holds more than {MAX_YAML_VALUES:,} values (YAML aliases repeated?)"
    return None


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


def _expanded_size(node: Any, depth: int, sizes: dict[int, int]) -> int:
    """Values in ``node`` counting a shared (aliased) part at each use; each distinct list or
    mapping is walked once (``sizes`` by id), so a billion laughs costs microseconds."""
    if not isinstance(node, (dict, list, tuple, Mapping)):
        return 1
    if id(node) in sizes:
        return sizes[id(node)]
    if depth >= MAX_YAML_DEPTH:
        raise _TooDeep  # also ends a structure that contains itself
    total = 1
    for child in node.values() if isinstance(node, Mapping) else node:
        nested = isinstance(child, (dict, list, tuple))
        total += _expanded_size(child, depth + 1, sizes) if nested else 1
        if total > MAX_YAML_VALUES:
            raise _TooMany
    sizes[id(node)] = total
    return total


def read_yaml_mapping(path: Path, what: str) -> tuple[dict[str, Any], str | None]:
    """Content of a YAML file holding a mapping (of ``what``), or a problem naming the file."""
    source = str(path)
    problem = name_problem(source, "file")
    if problem:
        return {}, problem
    try:
        if not path.exists():
            return {}, f"{source}: file not found"
        if not path.is_file():
            return {}, f"{source}: cannot read: not a regular file"
        if path.stat().st_size > MAX_YAML_BYTES:
            return {}, f"{source}: cannot read: larger than {MAX_YAML_BYTES // 2**20} MiB"
        data = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        return {}, f"{source}: cannot read: {getattr(exc, 'strerror', None) or exc}"
    text, problem = decode_utf8(data)
    if problem:
        return {}, f"{source}: {problem}"
    try:
        raw = parse_yaml(text, path.name)
    except yaml.YAMLError as exc:
        return {}, f"{source}: not valid YAML: {exc}"
    except RecursionError:
        return {}, f"{source}: not valid YAML: nested too deeply"
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else type(raw).__name__
        return {}, f"{source}: must hold a mapping of {what}, got {got}"
    problem = structure_problem(raw)
    if problem:
        return {}, f"{source}: {problem}"
    return raw, None
