"""Bayesian model averaging over decomposable graphical models, as the R package dga does it.

Madigan & York (1997): each decomposable graph on the k lists (3 to 5) is a model of
how the lists depend on each other; with a hyper-Dirichlet prior (δ prior people per
cell of the full table) its marginal likelihood for a complete table is a product over
the graph's cliques divided by one over its separators. Adding the unseen count m as
the "on no list" cell, and a prior on N = n + m (by default ∝ 1/N, as dga's), gives a
posterior over every (graph, m); summing over graphs averages the models. This follows
dga's `bma.cr` (Johndrow, Lum & Ball) term by term.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from habeas.analysis.mse_table import CaptureTable

Vector = npt.NDArray[np.float64]
Graph = tuple[tuple[frozenset[int], ...], tuple[frozenset[int], ...]]  # (cliques, non-empty separators)
MIN_LISTS, MAX_LISTS = 3, 5
# Unseen counts are considered up to this many times the number seen (the limit of the dga wrapper
# of R's MultipleSystemsEstimation): a graph that joins every list bounds nothing, so its posterior
# has a long tail, and the figures then depend on where the range stops (Posterior.tail says how much).
MAX_UNSEEN_RATIO = 30
GRID = 20_000  # at most this many unseen counts are evaluated, evenly spaced


@dataclass(frozen=True)
class Posterior:
    """The model-averaged posterior of N, summarised; `graphs` holds the likeliest graphs' probabilities."""

    totals: Vector  # the values of N considered
    probabilities: Vector  # their posterior probabilities (summing to 1)
    graphs: list[tuple[str, float]]  # (graph as "A:B + C", posterior probability), likeliest first

    @property
    def tail(self) -> float:
        """The posterior probability of the last tenth of the range: large means the range cut it."""
        return float(self.probabilities[-max(len(self.probabilities) // 10, 1) :].sum())

    def quantile(self, q: float) -> float:
        cumulative = np.cumsum(self.probabilities)
        return float(self.totals[min(int(np.searchsorted(cumulative, q)), len(self.totals) - 1)])

    @property
    def mean(self) -> float:
        return float(np.dot(self.totals, self.probabilities))

    @property
    def sd(self) -> float:
        return math.sqrt(max(float(np.dot(self.totals**2, self.probabilities)) - self.mean**2, 0.0))

    @property
    def mode(self) -> float:
        return float(self.totals[int(np.argmax(self.probabilities))])

    def bayes_estimate(self) -> float:
        """Madigan & York's estimate under relative squared error loss: E[1/N] / E[1/N²]."""
        return float(
            np.dot(self.probabilities, 1 / self.totals) / np.dot(self.probabilities, 1 / self.totals**2)
        )


def decomposable_graphs(k: int) -> list[Graph]:
    """Every decomposable (chordal) graph on k lists, as its cliques and non-empty separators."""
    pairs = list(itertools.combinations(range(k), 2))
    graphs = []
    for chosen in itertools.product((False, True), repeat=len(pairs)):
        edges = {pair for pair, on in zip(pairs, chosen, strict=True) if on}
        cliques = _cliques_if_chordal(k, edges)
        if cliques is not None:
            graphs.append((tuple(cliques), tuple(_separators(cliques))))
    return graphs


def posterior(
    table: CaptureTable,
    delta: float | None = None,
    unseen: Sequence[int] | None = None,
    log_prior: Callable[[Vector], Vector] | None = None,
) -> Posterior:
    """The posterior of N averaged over all decomposable graphs; δ defaults to 2^−k, dga's suggestion.

    `unseen` is the unseen counts to consider; by default 0 to 30·n, every one of them or, above
    20,000 values, evenly spaced. `log_prior` maps totals N to log prior weights (default −log N).
    """
    k = len(table.lists)
    if not MIN_LISTS <= k <= MAX_LISTS:
        raise ValueError(
            f"averaging over decomposable graphs is implemented for {MIN_LISTS} to {MAX_LISTS} lists"
        )
    if unseen is None:
        limit = MAX_UNSEEN_RATIO * table.n
        step = max(1, math.ceil(limit / GRID))
        unseen = range(0, limit + 1, step)
    prior_counts = 2.0**-k if delta is None else delta
    values = np.asarray(unseen, dtype=np.float64)
    return _posterior(table, decomposable_graphs(k), prior_counts, values, log_prior)


def _posterior(
    table: CaptureTable,
    graphs: list[Graph],
    delta: float,
    unseen: Vector,
    log_prior: Callable[[Vector], Vector] | None,
) -> Posterior:
    from scipy.special import gammaln  # type: ignore[import-untyped]

    k, n = len(table.lists), table.n
    totals = n + unseen
    margins = {subset: _log_margin(table, subset, delta, unseen) for subset in _subsets(k)}
    whole = gammaln(2**k * delta) - gammaln(totals + 2**k * delta)
    multinomial = (
        gammaln(totals + 1) - sum(gammaln(c + 1) for c in table.counts.values()) - gammaln(unseen + 1)
    )
    prior = -np.log(totals) if log_prior is None else log_prior(totals)
    weights = np.array(
        [
            sum(margins[c] for c in cliques)
            - sum((margins[s] for s in separators), np.zeros_like(unseen))
            + (len(cliques) - len(separators)) * whole
            for cliques, separators in graphs
        ]
    )
    weights += multinomial + prior
    weights = np.exp(weights - weights.max())
    weights /= weights.sum()
    by_graph = weights.sum(axis=1)
    order = np.argsort(-by_graph)
    named = [(_graph_name(graphs[i][0], table.lists), float(by_graph[i])) for i in order]
    return Posterior(totals, weights.sum(axis=0), named)


def _log_margin(table: CaptureTable, subset: frozenset[int], delta: float, unseen: Vector) -> Vector:
    """dga's CompLogML: the Dirichlet terms of the margin over `subset`, for each unseen count."""
    from scipy.special import gammaln

    members = sorted(subset)
    cells: dict[tuple[int, ...], int] = {}
    for history, count in table.counts.items():
        key = tuple(history[i] for i in members)
        cells[key] = cells.get(key, 0) + count
    alpha = delta * 2 ** (len(table.lists) - len(members))
    empty = tuple(0 for _ in members)  # the cell of people on none of these lists: the unseen join it
    others = sum(gammaln(count + alpha) for key, count in cells.items() if key != empty)
    others += sum(
        gammaln(alpha) for key in itertools.product((0, 1), repeat=len(members)) if key not in cells
    )
    margin = gammaln(unseen + cells.get(empty, 0) + alpha) + others - 2 ** len(members) * gammaln(alpha)
    return np.asarray(margin, dtype=np.float64)


def _subsets(k: int) -> Iterable[frozenset[int]]:
    for size in range(1, k + 1):
        for members in itertools.combinations(range(k), size):
            yield frozenset(members)


def _cliques_if_chordal(k: int, edges: set[tuple[int, int]]) -> list[frozenset[int]] | None:
    """The maximal cliques when the graph is chordal (found by eliminating simplicial vertices), else None."""
    neighbours = {v: {b if a == v else a for a, b in edges if v in (a, b)} for v in range(k)}
    left, found = set(range(k)), []
    while left:
        simplicial = next(
            (
                v
                for v in sorted(left)
                if all(b in neighbours[a] for a, b in itertools.combinations(neighbours[v] & left, 2))
            ),
            None,
        )
        if simplicial is None:
            return None  # a chordless cycle of four or more lists
        found.append(frozenset({simplicial} | (neighbours[simplicial] & left)))
        left.remove(simplicial)
    return [c for c in found if not any(c < other for other in found)]


def _separators(cliques: list[frozenset[int]]) -> list[frozenset[int]]:
    """The non-empty separators of a junction tree: a maximum spanning tree by intersection size."""
    edges = sorted(
        ((len(a & b), i, j) for (i, a), (j, b) in itertools.combinations(enumerate(cliques), 2)), reverse=True
    )
    component = list(range(len(cliques)))
    separators = []
    for size, i, j in edges:
        root_i, root_j = _root(component, i), _root(component, j)
        if root_i != root_j:
            component[root_i] = root_j
            if size:
                separators.append(cliques[i] & cliques[j])
    return separators


def _root(component: list[int], i: int) -> int:
    while component[i] != i:
        i = component[i]
    return i


def _graph_name(cliques: tuple[frozenset[int], ...], lists: tuple[str, ...]) -> str:
    """A graph by its cliques, in the dga/hierarchical notation: "A:B + C"."""
    ordered = sorted((sorted(c) for c in cliques), key=lambda c: (-len(c), c))
    return " + ".join(":".join(lists[i] for i in clique) for clique in ordered)
