"""Fitting one log-linear model to a capture table: Poisson GLMs with statsmodels, as Rcapture does.

The model is a Poisson regression (log link) over the 2^k − 1 observable histories,
zero counts included. Its intercept is the log of the expected number of people on
no list, so N = n + exp(intercept), and Rcapture's standard error is
sqrt(exp(b0) + exp(2·b0)·Var(b0)). The 95% interval is Rcapture's profile likelihood
interval: the table plus an "on no list" cell holding N − n is fitted for each N,
giving the multinomial log-likelihood of N; the interval is where it lies within
χ²₁(0.95)/2 of its maximum.

Two cases where an ordinary fit never settles are handled explicitly:
- a two-list (or larger) interaction whose lists have nobody in common has its
  maximum likelihood estimate at −∞ (the "extended" estimate of Chan, Silverman &
  Vincent 2021): its cells are fitted as 0 and the rest of the table is fitted as usual;
- in Chao's model a negative eta is set to 0, one at a time, and the model refitted,
  exactly as Rcapture's `closedp` does.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from habeas.analysis.mse_models import Design, Matrix

# statsmodels and scipy take seconds to import, so they are imported where a model is fitted:
# a file that is refused is refused at once.

CHI2_CUT = 3.841458820694124 / 2  # χ²₁(0.95) / 2 = 1.92: the profile interval's drop in log-likelihood
MAX_ITERATIONS = 100
# An estimate this many times the number of people seen means the fit ran away (no finite estimate).
RUNAWAY = 1e6
# The profile's upper bound is sought up to these multiples of N (Rcapture stops at 3·N).
UPPER_SEARCH = (3.0, 10.0, 100.0, 1000.0)


@dataclass(frozen=True)
class Reduced:
    """A design with the cells and columns of interactions at −∞ taken out."""

    matrix: Matrix
    counts: Matrix
    columns: tuple[str, ...]
    heterogeneity: tuple[int, ...]
    chao: bool
    boundary: tuple[str, ...]  # the interactions at −∞
    parameters: int  # the model's parameters, boundary ones included (as R's glm counts them)


@dataclass(frozen=True)
class Fitted:
    """The fit of a reduced design: intercept, its variance, deviance and log-likelihood."""

    intercept: float
    variance: float
    deviance: float
    loglik: float
    parameters: int
    removed: tuple[str, ...]  # Chao eta parameters set to 0
    start: Matrix  # the parameters over all the reduced design's columns (0 for removed ones)


def reduce(design: Design, counts: Matrix) -> Reduced:
    """Take out interactions whose lists have nobody in common, with the cells they would cover."""
    keep_rows = np.ones(len(counts), dtype=bool)
    boundary: list[int] = []
    changed = True
    while changed:  # taking cells out can leave another interaction with no cells: repeat
        changed = False
        for j in design.interactions:
            cells = keep_rows & (design.matrix[:, j] > 0)
            if j not in boundary and counts[cells].sum() == 0:
                boundary.append(j)
                keep_rows &= design.matrix[:, j] == 0
                changed = True
    # A column left with no cell (all its cells were taken out) cannot be estimated: its parameter
    # goes with the cells. A column of zeros from the start stays, to be found unidentifiable.
    kept_columns = [
        j
        for j in range(design.matrix.shape[1])
        if j not in boundary and (design.matrix[keep_rows, j].any() or not design.matrix[:, j].any())
    ]
    return Reduced(
        matrix=design.matrix[keep_rows][:, kept_columns],
        counts=counts[keep_rows],
        columns=tuple(design.columns[j] for j in kept_columns),
        heterogeneity=tuple(kept_columns.index(j) for j in design.heterogeneity if j in kept_columns),
        chao=design.chao,
        boundary=tuple(design.columns[j] for j in sorted(boundary)),
        parameters=design.matrix.shape[1],
    )


def identifiable(reduced: Reduced) -> bool:
    return bool(int(np.linalg.matrix_rank(reduced.matrix)) == reduced.matrix.shape[1])


def fit(reduced: Reduced) -> Fitted | None:
    """The maximum likelihood fit, or None when it does not settle (no finite estimate)."""
    result = _glm(reduced.counts, reduced.matrix)
    if result is None:
        return None
    kept, removed = list(range(len(reduced.columns))), list[str]()
    if reduced.chao:
        result, kept, removed = _without_negative_eta(
            reduced.counts, reduced.matrix, list(reduced.heterogeneity), list(reduced.columns), result
        )
        if result is None:
            return None
    start = np.zeros(len(reduced.columns))
    start[kept] = result.params
    intercept = float(result.params[0])
    if not math.isfinite(intercept) or math.exp(min(intercept, 700.0)) > RUNAWAY * reduced.counts.sum():
        return None
    return Fitted(
        intercept=intercept,
        variance=float(result.cov_params()[0, 0]),
        deviance=float(result.deviance),
        loglik=float(result.llf),
        parameters=reduced.parameters - len(removed),
        removed=tuple(removed),
        start=start,
    )


def total_and_se(n: int, fitted: Fitted) -> tuple[float, float]:
    """Rcapture's N = n + exp(b0) and its s.e. sqrt(exp(b0) + exp(2·b0)·Var(b0))."""
    unseen = math.exp(fitted.intercept)
    return n + unseen, math.sqrt(unseen + unseen**2 * fitted.variance)


def profile_interval(
    reduced: Reduced, fitted: Fitted, n: int, total: float
) -> tuple[float, float, float | None]:
    """(N at the profile maximum, lower bound, upper bound or None when beyond 1000·N).

    The lower bound is n when the likelihood at N = n is still within the cut, as in Rcapture.
    """
    from scipy.optimize import brentq, minimize_scalar  # type: ignore[import-untyped]

    loglik = _profile(reduced, fitted, n)
    best = minimize_scalar(
        lambda value: -loglik(value), bounds=(n, 1.5 * total), method="bounded", options={"xatol": 1e-4}
    )
    at_max, top = float(best.x), -float(best.fun)

    def above_cut(value: float) -> float:
        return loglik(value) - (top - CHI2_CUT)

    lower = float(n) if above_cut(n) >= 0 else float(brentq(above_cut, n, at_max, xtol=1e-4))
    upper: float | None = None
    start = at_max
    for multiple in UPPER_SEARCH:
        end = multiple * total
        if end > start and above_cut(end) < 0:
            upper = float(brentq(above_cut, start, end, xtol=1e-4))
            break
        start = max(start, end)
    return at_max, lower, upper


def _profile(reduced: Reduced, fitted: Fitted, n: int) -> Callable[[float], float]:
    """The multinomial log-likelihood of N (up to a constant), as Rcapture's closedpCI computes it."""
    from scipy.special import gammaln, xlogy  # type: ignore[import-untyped]

    # The "on no list" cell: only the intercept applies to it.
    unseen_row = np.zeros((1, reduced.matrix.shape[1]))
    unseen_row[0, 0] = 1.0
    matrix = np.vstack([reduced.matrix, unseen_row])

    def loglik(total: float) -> float:
        unseen = max(total - n, 0.0)
        counts = np.append(reduced.counts, unseen)
        # Every N starts from the model's own fit, so that the same N always gives the same value;
        # only the deviance matters here, so a parameter drifting to a boundary is no obstacle.
        result = _glm(counts, matrix, fitted.start, strict=False)
        if result is None:
            result = _glm(counts, matrix, None, strict=False)
        if result is not None and reduced.chao:
            columns, het = list(reduced.columns), list(reduced.heterogeneity)
            result, *_ = _without_negative_eta(counts, matrix, het, columns, result, strict=False)
        if result is None:
            raise ArithmeticError(f"the fit with N = {total:.1f} failed")
        # log( n0^n0 · N! / (N^N · n0!) ): Cormack's (1992) correction, exactly rather than by
        # Stirling's formula (Rcapture uses Stirling above N = 100; the two agree to 1/(12·n0)).
        correction = xlogy(unseen, unseen) + gammaln(total + 1) - xlogy(total, total) - gammaln(unseen + 1)
        return float(-(result.deviance - 2 * correction) / 2)

    return loglik


def _without_negative_eta(
    counts: Matrix,
    matrix: Matrix,
    het: list[int],
    columns: list[str],
    result: Any,
    strict: bool = True,
) -> tuple[Any, list[int], list[str]]:
    """Rcapture's Chao.neg: drop the first negative eta and refit, until none is negative.

    Returns the fit, the positions (in `columns`) of the columns it kept, and the removed names.
    """
    removed: list[str] = []
    kept = list(range(len(columns)))
    het = list(het)
    while result is not None:
        negative = [j for j in het if result.params[j] < 0]
        if not negative:
            break
        j = negative[0]
        removed.append(columns[kept.pop(j)])
        matrix = np.delete(matrix, j, axis=1)
        het = [i if i < j else i - 1 for i in het if i != j]
        result = _glm(counts, matrix, np.delete(result.params, j), strict=strict)
    return result, kept, removed


def _glm(counts: Matrix, matrix: Matrix, start: Matrix | None = None, strict: bool = True) -> Any:
    """A Poisson GLM (log link) by IRLS; None when it fails or, if `strict`, does not settle.

    A fit settles when IRLS converges, or when, as R's glm judges it, the deviance has
    stopped changing (relatively, below 1e-8) and so has the intercept: a parameter
    drifting towards ±∞ that moves no fitted count does not matter. Not `strict`, any
    finite fit is taken: its deviance is then within a hair of its infimum.
    """
    from statsmodels.genmod.families import Poisson  # type: ignore[import-untyped]
    from statsmodels.genmod.generalized_linear_model import GLM  # type: ignore[import-untyped]

    model = GLM(counts, matrix, family=Poisson())
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # statsmodels warns of "perfect prediction" for saturated models and of overflow
        # on a runaway fit: both are judged below from the result itself.
        warnings.simplefilter("ignore")
        try:
            result = model.fit(start_params=start, maxiter=MAX_ITERATIONS, tol=1e-10, rtol=1e-12)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None
    if not np.all(np.isfinite(result.params)) or not math.isfinite(result.deviance):
        return None
    if result.converged or not strict:
        return result
    deviances = result.fit_history["deviance"]
    params = result.fit_history["params"]
    settled = abs(deviances[-1] - deviances[-2]) / (abs(deviances[-1]) + 0.1) < 1e-8
    settled = settled and abs(params[-1][0] - params[-2][0]) < 1e-8
    return result if settled else None
