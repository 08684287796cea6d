"""Bayesian model averaging over decomposable graphs, against dga and Madigan & York's published example."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gammaln  # type: ignore[import-untyped]

from habeas.analysis.mse import estimate
from habeas.analysis.mse_bma import decomposable_graphs, posterior
from habeas.analysis.mse_table import parse_capture_csv

# Madigan & York's (1997) three-list example, as dga's tests give it (Y = 0, 60, 49, 4, 247, 112, 142, 12
# over the cells 000, 100, 010, 110, 001, 101, 011, 111).
THREE = parse_capture_csv(
    "A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n"
)


def test_the_decomposable_graphs_are_those_of_dga() -> None:
    # dga ships graphs3, graphs4 and graphs5 with 8, 61 and 822 graphs.
    assert [len(decomposable_graphs(k)) for k in (3, 4, 5)] == [8, 61, 822]
    four = decomposable_graphs(4)
    cycle = [frozenset({0, 1}), frozenset({1, 2}), frozenset({2, 3}), frozenset({0, 3})]
    assert not any(sorted(cliques, key=sorted) == sorted(cycle, key=sorted) for cliques, _ in four)
    # A chain A-B-C-D: cliques AB, BC, CD joined by the separators B and C.
    chain = next(g for g in four if set(g[0]) == {frozenset({0, 1}), frozenset({1, 2}), frozenset({2, 3})})
    assert set(chain[1]) == {frozenset({1}), frozenset({2})}


def test_madigan_and_yorks_three_list_example() -> None:
    # dga's test "3 lists example against Madigan and York": δ = 1, a negative binomial prior on N
    # (a = 13.14, b = 55.17), 1 to 300 unseen. Top model 0.37; averaged estimate 731, mode 728.
    a, b = 13.14, 55.17

    def prior(n: np.ndarray) -> np.ndarray:
        return np.asarray(
            n * np.log(b) - (n + a) * np.log(1 + b) + gammaln(n + a) - gammaln(n + 1) - gammaln(a)
        )

    result = posterior(THREE, delta=1.0, unseen=range(1, 301), log_prior=prior)
    assert round(result.graphs[0][1], 2) == 0.37
    assert round(result.bayes_estimate()) == 731
    assert result.mode == 728
    assert sum(share for _, share in result.graphs) == pytest.approx(1.0)
    assert result.probabilities.sum() == pytest.approx(1.0)


def test_bma_as_a_model_of_estimate() -> None:
    result = estimate(THREE, ["Mt", "bma"])
    bma = result.fits[1]
    assert bma.model == "bma" and bma.fitted
    assert bma.ci95 is not None and bma.ci95[0] < (bma.total or 0) < (bma.ci95[1] or 0)
    assert bma.aic is None and "likeliest graphs: A:B + C" in bma.detail
    assert result.selected is result.fits[0]  # BMA has no AIC: never chosen
    assert result.as_json()[1]["deviance"] is None
    two = estimate(parse_capture_csv("A,B,count\n1,0,6\n0,1,4\n1,1,2\n"), ["Mt", "BMA"])
    assert not two.fits[1].fitted and "3 to 5 lists" in two.fits[1].problem
