"""The index specification: indicators -> optional domains -> index, to any depth.

A specification can be written as a plain mapping, ``{"PctPov": +1, "PctBach": -1}`` (direction only), or
``{"PctPov": {"direction": 1, "weight": 2, "treatment": "winsorise"}}``, or with domains, whose members are
given under ``"indicators"`` (and may themselves be domains)::

    {"income": {"weight": 2, "indicators": {"PctPov": 1, "PctBach": -1}},
     "age": {"indicators": {"PctEld": 1}}}

or built from :class:`Indicator` and :class:`Domain` objects. The same nesting is written in the TOML
configuration under ``[index.indicators]``.

:func:`tree` turns a specification into the :class:`Node` tree the index engine walks
(:func:`~deprivation_map.index.engine.evaluate`): each level over the positions of its indicators' columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .. import _validation as v
from ..errors import ValidationError
from .treat import TREATMENTS, TreatmentName

__all__ = ["Direction", "Domain", "IndexSpec", "Indicator", "Node", "groups", "levels", "parse_spec", "tree"]

INDICATOR_KEYS = ("direction", "weight", "treatment")
DOMAIN_KEYS = ("indicators", "weight")
Direction = Literal[1, -1]
"""+1: a higher value is more deprived; -1: less deprived."""


def _check_weight(name: str, weight: object) -> None:
    if isinstance(weight, bool) or not (isinstance(weight, int | float) and math.isfinite(weight) and weight > 0):
        raise ValidationError(f"{name!r} has weight {weight!r}; expected a positive number.")


@dataclass(frozen=True)
class Indicator:
    """One indicator of an index.

    Attributes
    ----------
    column : str
        The data column.
    direction : {1, -1}
        ``+1`` when a higher value means more deprived (poverty rate), ``-1`` when it means less
        deprived (share with a degree).
    weight : float
        A positive relative weight, used by ``weighting="explicit"``.
    treatment : str or None
        An outlier treatment from :data:`deprivation_map.index.treat.TREATMENTS` applied to this indicator
        before normalisation (``"winsorise"``, ``"log"``, ``"boxcox"``, ``"auto"``), or None.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> poverty = dm.Indicator("PctPov", direction=1, treatment="winsorise")
    >>> index = dm.build_index(dm.datasets.load_georgia(), [poverty, dm.Indicator("PctBach", direction=-1)])
    >>> index.spec.directions, index.spec.treatments
    ({'PctPov': 1, 'PctBach': -1}, {'PctPov': 'winsorise'})
    >>> dm.Indicator("PctBach", direction=0)
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Indicator 'PctBach' has direction 0; expected +1 (higher = more deprived) or -1 (higher = less deprived).
    """

    column: str
    direction: Direction = 1
    weight: float = 1.0
    treatment: TreatmentName | None = None

    def __post_init__(self) -> None:
        if self.direction not in (1, -1) or isinstance(self.direction, bool):
            raise ValidationError(
                f"Indicator {self.column!r} has direction {self.direction!r}; expected +1 (higher = more deprived) "
                "or -1 (higher = less deprived)."
            )
        _check_weight(f"Indicator {self.column}", self.weight)
        if self.treatment is not None:
            v.lookup(TREATMENTS, self.treatment, what=f"treatment of indicator {self.column!r}")

    @property
    def name(self) -> str:
        """The indicator's name: its column."""
        return self.column


@dataclass(frozen=True)
class Domain:
    """A group of indicators (or of sub-domains) aggregated into one domain score.

    Attributes
    ----------
    name : str
        The domain's name; it must not clash with an indicator column.
    members : tuple of Indicator or Domain
    weight : float
        A positive relative weight of the domain among its siblings (``weighting="explicit"``).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> spec = dm.IndexSpec((dm.Domain("poverty", (dm.Indicator("PctPov"),), weight=2),
    ...                      dm.Domain("education", (dm.Indicator("PctBach", -1),), weight=1)))
    >>> index = dm.build_index(dm.datasets.load_georgia(), spec, weighting="explicit")
    >>> index.weights.round(4).to_dict()  # 2 : 1 between the domains
    {'PctPov': 0.6667, 'PctBach': 0.3333}
    >>> sorted(index.domain_scores.columns)
    ['education', 'poverty']
    """

    name: str
    members: tuple[Indicator | Domain, ...]
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.members:
            raise ValidationError(f"Domain {self.name!r} has no indicators; give it at least one under 'indicators'.")
        _check_weight(f"Domain {self.name}", self.weight)


@dataclass(frozen=True)
class IndexSpec:
    """The members of an index (indicators, or domains of indicators), in order.

    Examples
    --------
    >>> from deprivation_map.index.spec import parse_spec
    >>> spec = parse_spec({"poverty": {"weight": 2, "indicators": {"PctPov": 1, "PctUnemp": 1}}, "PctBach": -1})
    >>> [type(m).__name__ for m in spec.members], [d.name for d in spec.domains]
    (['Domain', 'Indicator'], ['poverty'])
    >>> spec.columns, spec.directions["PctBach"]
    (['PctPov', 'PctUnemp', 'PctBach'], -1)
    """

    members: tuple[Indicator | Domain, ...]

    def __post_init__(self) -> None:
        if not self.members:
            raise ValidationError("An index needs at least one indicator, e.g. {'PctPov': +1}.")
        names = [node.name for node in self.walk()]
        repeated = sorted({c for c in names if names.count(c) > 1})
        if repeated:
            raise ValidationError(
                f"{repeated} appear more than once in the specification; list each column and domain name once."
            )

    def walk(self) -> Iterator[Indicator | Domain]:
        """Every indicator and domain, depth first (a domain before its members)."""
        stack = list(reversed(self.members))
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, Domain):
                stack.extend(reversed(node.members))

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators (the leaves), in order."""
        return tuple(n for n in self.walk() if isinstance(n, Indicator))

    @property
    def domains(self) -> tuple[Domain, ...]:
        """The domains at every depth, parents first."""
        return tuple(n for n in self.walk() if isinstance(n, Domain))

    @property
    def columns(self) -> list[str]:
        """Every indicator's column, in the order of the specification."""
        return [i.column for i in self.indicators]

    @property
    def directions(self) -> dict[str, int]:
        """``{column: +1 or -1}``: +1 when a higher value means more deprivation."""
        return {i.column: i.direction for i in self.indicators}

    @property
    def treatments(self) -> dict[str, TreatmentName]:
        """``{column: treatment}`` for the indicators given an outlier treatment."""
        return {i.column: i.treatment for i in self.indicators if i.treatment is not None}


def _node(name: str, value: object, path: str) -> Indicator | Domain:
    where = f"{path}.{name}" if path else name
    if isinstance(value, Mapping):
        keys = set(value)
        if "indicators" in keys:
            unknown = keys - set(DOMAIN_KEYS)
            if unknown:
                raise ValidationError(
                    f"Domain {where!r} has unknown settings {sorted(unknown)}; a domain takes {list(DOMAIN_KEYS)}."
                )
            members = value["indicators"]
            if not isinstance(members, Mapping):
                raise ValidationError(f"{where}.indicators must map columns to directions, got {members!r}.")
            children = tuple(_node(str(k), v, where) for k, v in members.items())
            return Domain(str(name), children, **({"weight": value["weight"]} if "weight" in value else {}))
        unknown = keys - set(INDICATOR_KEYS)
        if unknown:
            raise ValidationError(
                f"Indicator {where!r} has unknown settings {sorted(unknown)}; expected {list(INDICATOR_KEYS)} "
                "(or 'indicators' and 'weight' for a domain)."
            )
        try:
            return Indicator(str(name), **value)
        except ValidationError as err:
            raise ValidationError(f"At {where!r}: {err}") from err
    try:
        return Indicator(str(name), direction=value)  # type: ignore[arg-type]  # any value: Indicator checks it
    except ValidationError as err:
        raise ValidationError(f"At {where!r}: {err}") from err


def parse_spec(spec: IndexSpec | Mapping[str, object] | Iterable[Indicator | Domain]) -> IndexSpec:
    """Turn any accepted form of specification into an :class:`IndexSpec`.

    Examples
    --------
    >>> parse_spec({"PctPov": 1, "PctBach": {"direction": -1, "weight": 2}}).directions
    {'PctPov': 1, 'PctBach': -1}
    >>> spec = parse_spec({"income": {"weight": 2, "indicators": {"PctPov": 1, "PctBach": -1}},
    ...                    "age": {"indicators": {"PctEld": 1}}})
    >>> [d.name for d in spec.domains], spec.columns
    (['income', 'age'], ['PctPov', 'PctBach', 'PctEld'])
    """
    if isinstance(spec, IndexSpec):
        return spec
    if isinstance(spec, Mapping):
        return IndexSpec(tuple(_node(str(col), value, "") for col, value in spec.items()))
    if isinstance(spec, str):
        raise ValidationError(f"An index specification must map columns to directions, got the string {spec!r}.")
    items = tuple(spec)
    if not all(isinstance(i, Indicator | Domain) for i in items):
        raise ValidationError(
            "An index specification must be a mapping {column: direction} or a list of Indicator and Domain."
        )
    return IndexSpec(items)


@dataclass(frozen=True, eq=False)
class Node:
    """One level of the index: the index itself or a domain, over column positions and sub-levels.

    Attributes
    ----------
    name : str
        ``"index"`` for the top level, else the domain's name.
    members : tuple of str
        The members' names (indicator columns and domain names), in the specification's order.
    children : tuple of int or Node
        For each member, its column in the component matrix (an indicator) or its own level (a domain).
    written : numpy.ndarray
        The weights written in the specification, one per member.

    Examples
    --------
    >>> from deprivation_map.index.spec import parse_spec
    >>> top = tree(parse_spec({"a": {"weight": 2, "indicators": {"x": 1, "y": 1}}, "z": 1}))
    >>> top.name, top.members, top.written.tolist(), top.children[0].span
    ('index', ('a', 'z'), [2.0, 1.0], slice(0, 2, None))
    """

    name: str
    members: tuple[str, ...]
    children: tuple[int | Node, ...]
    written: np.ndarray

    @property
    def span(self) -> slice | None:
        """The columns of a level made of consecutive indicators (read without a copy), else None."""
        first = self.children[0]
        if isinstance(first, int) and self.children == tuple(range(first, first + len(self.children))):
            return slice(first, first + len(self.children))
        return None


def tree(spec: IndexSpec) -> Node:
    """The specification as a tree of :class:`Node`, leaves pointing at columns of ``spec.columns``.

    Examples
    --------
    >>> from deprivation_map.index.spec import parse_spec
    >>> top = tree(parse_spec({"income": {"indicators": {"PctPov": 1, "PctBach": -1}}, "PctEld": 1}))
    >>> top.members, top.children[0].members, top.children[0].children, top.children[1]
    (('income', 'PctEld'), ('PctPov', 'PctBach'), (0, 1), 2)
    """
    position = {column: j for j, column in enumerate(spec.columns)}

    def build(name: str, members: tuple) -> Node:
        children = tuple(build(m.name, m.members) if isinstance(m, Domain) else position[m.column] for m in members)
        written = np.array([float(m.weight) for m in members])
        return Node(name, tuple(m.name for m in members), children, written)

    return build("index", spec.members)


def levels(node: Node) -> Iterator[Node]:
    """Every level under ``node`` and itself, children first: the order in which :func:`evaluate` weighs them.

    Examples
    --------
    >>> from deprivation_map.index.spec import parse_spec
    >>> spec = parse_spec({"a": {"indicators": {"b": {"indicators": {"x": 1}}, "y": 1}}, "z": 1})
    >>> [level.name for level in levels(tree(spec))]
    ['b', 'a', 'index']
    """
    for child in node.children:
        if isinstance(child, Node):
            yield from levels(child)
    yield node


def leaves(node: Node) -> list[int]:
    """The column positions of every indicator under ``node``, in order."""
    return [j for child in node.children for j in ([child] if isinstance(child, int) else leaves(child))]


def groups(spec: IndexSpec) -> dict[str, list[str]]:
    """``{level: its indicator columns}`` for the index (``"index"``) and every domain, parents first.

    Examples
    --------
    >>> from deprivation_map.index.spec import parse_spec
    >>> groups(parse_spec({"a": {"indicators": {"x": 1, "y": 1}}, "z": 1}))
    {'index': ['x', 'y', 'z'], 'a': ['x', 'y']}
    """
    found = {level.name: [spec.columns[j] for j in leaves(level)] for level in levels(tree(spec))}
    return {"index": found.pop("index"), **{d.name: found[d.name] for d in spec.domains}}
