"""Multiple systems estimation: how many people in all, from how several lists overlap.

`estimate(table, models, criterion)` fits each named model (see
habeas.analysis.mse_models for the names), picks one by AIC or BIC, and says,
as data, what a reader of the figures must know: lists that barely overlap, a
chosen model that does not fit, plausible models that disagree, models that
could not be fitted and why. Nothing here prints; `habeas estimate` does.

The numbers are those of Rcapture's `closedp` and `closedpCI` (Baillargeon &
Rivest 2007); docs/estimation.md compares them with published figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from habeas.analysis import mse_bma, mse_fit
from habeas.analysis.mse_models import default_models, design
from habeas.analysis.mse_table import CaptureTable, read_capture_csv
from habeas.errors import ValidationError

CRITERIA = ("aic", "bic")
BARELY_OVERLAP = 5  # fewer people than this on both of two lists: they barely overlap
POOR_FIT_P = 0.05  # a deviance test below this: the model does not fit the table
CLOSE = 2.0  # models within this much AIC (or BIC) of the best are plausible too
DISAGREE = 1.25  # plausible models whose largest estimate exceeds the smallest by 25% disagree
BMA = "bma"  # the model name of Bayesian model averaging over decomposable graphs
BMA_TAIL = 0.001  # more posterior than this in the last tenth of the range: the range cut it short


@dataclass(frozen=True)
class ModelFit:
    """One model's estimate of the total; `total` is None (and `problem` says why) when there is none."""

    model: str
    total: float | None = None  # N, people on at least one list plus the estimated unseen
    se: float | None = None
    deviance: float | None = None
    df: int | None = None
    aic: float | None = None
    bic: float | None = None
    ci95: tuple[float, float | None] | None = None  # upper None: beyond 1000·N
    total_at_profile_max: float | None = None  # Rcapture's "multinomial" estimate
    boundary: tuple[str, ...] = ()  # interactions at −∞: nobody on those lists together
    removed: tuple[str, ...] = ()  # Chao eta parameters set to 0
    problem: str = ""
    detail: str = ""  # what a reader should know about how the figures were made (for bma)

    @property
    def fitted(self) -> bool:
        return self.total is not None

    def criterion(self, name: str) -> float | None:
        return self.aic if name == "aic" else self.bic

    def fit_p_value(self) -> float | None:
        """The deviance goodness-of-fit p-value; None for a saturated model (no df to test on)."""
        from scipy.stats import chi2  # type: ignore[import-untyped]

        if self.deviance is None or not self.df:
            return None
        return float(chi2.sf(self.deviance, self.df))

    def as_json(self, selected: bool = False) -> dict[str, Any]:
        ci = [_round(self.ci95[0], 2), _round(self.ci95[1], 2)] if self.ci95 else [None, None]
        return {
            "model": self.model,
            "N": _round(self.total, 2),
            "se": _round(self.se, 2),
            "deviance": _round(self.deviance, 3),
            "df": self.df,
            "aic": _round(self.aic, 3),
            "ci95": ci,
            "bic": _round(self.bic, 3),
            "selected": selected,
        }


@dataclass(frozen=True)
class EstimateWarning:
    """Something the figures' reader must know; `code` names the kind, `message` says it in English."""

    code: str  # lists_barely_overlap, not_fitted, poor_fit, models_disagree, boundary,
    # open_interval, no_interval, long_tail (see docs/estimation.md)
    message: str
    models: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Estimate:
    """Every model's fit, the one chosen by `criterion`, and the warnings."""

    lists: tuple[str, ...]
    n: int
    criterion: str
    fits: list[ModelFit]
    selected: ModelFit | None
    warnings: list[EstimateWarning] = field(default_factory=list)

    def as_json(self) -> list[dict[str, Any]]:
        """One object per model: model, N, se, deviance, df, aic, ci95, bic, selected."""
        return [fit.as_json(fit is self.selected) for fit in self.fits]


def estimate(table: CaptureTable, models: list[str] | None = None, criterion: str = "aic") -> Estimate:
    """Fit `models` (default: the standard set for this many lists) and choose one by `criterion`."""
    if criterion not in CRITERIA:
        raise ValidationError("--select", criterion, f"use one of: {', '.join(CRITERIA)}")
    names = list(models) if models else list(default_models(len(table.lists)))
    canonical = [_canonical_name(name, table) for name in names]  # refuses a bad name before any fitting
    fits: list[ModelFit] = []
    for name in canonical:
        if name not in {fit.model for fit in fits}:
            fits.append(fit_model(table, name))
    chosen = select(fits, criterion)
    found = _overlap_warnings(table) + _fit_warnings(fits)
    found += _selection_warnings(fits, chosen, criterion)
    return Estimate(table.lists, table.n, criterion, fits, chosen, found)


def select(fits: list[ModelFit], criterion: str = "aic") -> ModelFit | None:
    """The fitted model with the lowest AIC (or BIC); the first listed wins a tie; None if none fitted."""
    if criterion not in CRITERIA:
        raise ValidationError("--select", criterion, f"use one of: {', '.join(CRITERIA)}")
    candidates = [fit for fit in fits if fit.fitted and fit.criterion(criterion) is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda fit: float(fit.criterion(criterion) or 0.0))


def fit_model(table: CaptureTable, model: str) -> ModelFit:
    """One model's N, s.e., deviance, df, AIC, BIC and profile interval; never raises for a bad fit."""
    if model.strip().lower() == BMA:
        return bma_fit(table)
    shape = design(model, table.lists)
    counts = np.array([table.counts[history] for history in table.histories()], dtype=np.float64)
    reduced = mse_fit.reduce(shape, counts)
    if not mse_fit.identifiable(reduced):
        return ModelFit(shape.model, boundary=reduced.boundary, problem=_unidentifiable(table, reduced))
    fitted = mse_fit.fit(reduced)
    if fitted is None:
        return ModelFit(
            shape.model,
            boundary=reduced.boundary,
            problem="no finite estimate: the likelihood keeps rising as the number unseen grows "
            "(the maximum likelihood estimate does not exist for this table)",
        )
    total, se = mse_fit.total_and_se(table.n, fitted)
    cells = len(counts)
    aic = -2 * fitted.loglik + 2 * fitted.parameters
    interval, at_max, problem = _interval(reduced, fitted, table.n, total)
    return ModelFit(
        model=shape.model,
        total=total,
        se=se,
        deviance=fitted.deviance,
        df=cells - fitted.parameters,
        aic=aic,
        bic=aic + (math.log(table.n) - 2) * fitted.parameters,  # Rcapture: log(n), n people seen
        ci95=interval,
        total_at_profile_max=at_max,
        boundary=reduced.boundary,
        removed=fitted.removed,
        problem=problem,
    )


def bma_fit(table: CaptureTable, delta: float | None = None) -> ModelFit:
    """Bayesian model averaging over decomposable graphs (habeas.analysis.mse_bma), as a ModelFit.

    N is the posterior median, s.e. the posterior standard deviation and the interval the
    central 95% of the posterior; there is no deviance, df, AIC or BIC, so it is never chosen.
    """
    try:
        averaged = mse_bma.posterior(table, delta)
    except ValueError as exc:
        return ModelFit(BMA, problem=str(exc))
    likeliest = ", ".join(f"{graph} {share:.0%}" for graph, share in averaged.graphs[:3])
    problem = ""
    if averaged.tail > BMA_TAIL:
        problem = (
            f"the posterior of N has a long tail ({averaged.tail:.1%} of it in the last tenth of the range "
            f"considered, up to {averaged.totals[-1]:.0f}): its upper figures depend on where the range stops"
        )
    return ModelFit(
        BMA,
        total=averaged.quantile(0.5),
        se=averaged.sd,
        ci95=(averaged.quantile(0.025), averaged.quantile(0.975)),
        detail=f"posterior median and central 95%; likeliest graphs: {likeliest}",
        problem=problem,
    )


def _canonical_name(model: str, table: CaptureTable) -> str:
    return BMA if model.strip().lower() == BMA else design(model, table.lists).model


def _interval(
    reduced: mse_fit.Reduced, fitted: mse_fit.Fitted, n: int, total: float
) -> tuple[tuple[float, float | None] | None, float | None, str]:
    try:
        at_max, lower, upper = mse_fit.profile_interval(reduced, fitted, n, total)
    except (ArithmeticError, ValueError) as exc:
        return None, None, f"no profile interval: {exc}"
    return (lower, upper), at_max, ""


def _unidentifiable(table: CaptureTable, reduced: mse_fit.Reduced) -> str:
    if len(table.lists) < 3:
        return "needs at least three lists: two lists identify only M0 and Mt"
    reason = "the model has more parameters than this table can identify"
    if reduced.boundary:
        reason += f" once {', '.join(reduced.boundary)} (nobody in common) are left out"
    return reason


def _overlap_warnings(table: CaptureTable) -> list[EstimateWarning]:
    found = []
    for i, first in enumerate(table.lists):
        for j in range(i + 1, len(table.lists)):
            common = table.in_common(i, j)
            if common < BARELY_OVERLAP:
                second = table.lists[j]
                said = "nobody" if common == 0 else f"only {common} {'person' if common == 1 else 'people'}"
                found.append(
                    EstimateWarning(
                        "lists_barely_overlap",
                        f"lists {first} and {second} barely overlap: {said} on both. Estimates that rest "
                        f"on their overlap (an interaction {first}:{second}, or independence) are fragile.",
                        lists=(first, second),
                    )
                )
    return found


def _fit_warnings(fits: list[ModelFit]) -> list[EstimateWarning]:
    found = []
    for fit in fits:
        if not fit.fitted:
            found.append(EstimateWarning("not_fitted", f"{fit.model}: {fit.problem}", models=(fit.model,)))
            continue
        if fit.boundary:
            found.append(
                EstimateWarning(
                    "boundary",
                    f"{fit.model}: {', '.join(fit.boundary)} fixed at −∞ (nobody on those lists together); "
                    "the estimate is the extended maximum likelihood estimate.",
                    models=(fit.model,),
                )
            )
        if fit.problem:
            code = "no_interval" if fit.ci95 is None else "long_tail"
            found.append(EstimateWarning(code, f"{fit.model}: {fit.problem}", models=(fit.model,)))
        elif fit.ci95 and fit.ci95[1] is None:
            found.append(
                EstimateWarning(
                    "open_interval",
                    f"{fit.model}: the upper end of the 95% interval is beyond 1000 times the estimate; "
                    "the data put no useful upper limit on the total.",
                    models=(fit.model,),
                )
            )
    return found


def _selection_warnings(
    fits: list[ModelFit], chosen: ModelFit | None, criterion: str
) -> list[EstimateWarning]:
    if chosen is None:
        return [EstimateWarning("not_fitted", "no model could be fitted to this table; there is no estimate")]
    found = []
    p_value = chosen.fit_p_value()
    if p_value is not None and p_value < POOR_FIT_P:
        found.append(
            EstimateWarning(
                "poor_fit",
                f"the chosen model {chosen.model} does not fit the table (deviance {chosen.deviance:.1f} "
                f"on {chosen.df} df, p = {p_value:.2g}): its estimate and interval are not to be relied on.",
                models=(chosen.model,),
            )
        )
    best = chosen.criterion(criterion)
    close = [
        fit
        for fit in fits
        if fit.total is not None
        and best is not None
        and (value := fit.criterion(criterion)) is not None
        and value <= best + CLOSE
    ]
    totals = [fit.total for fit in close if fit.total is not None]
    if len(close) > 1 and max(totals) > DISAGREE * min(totals):
        side_by_side = "; ".join(
            f"{fit.model}: N = {fit.total:.0f}, {criterion.upper()} {fit.criterion(criterion):.1f}"
            for fit in close
        )
        found.append(
            EstimateWarning(
                "models_disagree",
                f"models within {CLOSE:g} {criterion.upper()} of the best give estimates that differ by more "
                f"than {DISAGREE - 1:.0%}: {side_by_side}. Report the range, not one figure.",
                models=tuple(fit.model for fit in close),
            )
        )
    return found


def _round(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def estimate_csv(path: Path, models: list[str] | None = None, criterion: str = "aic") -> Estimate:
    """`estimate` over a CSV file of capture histories (see habeas.analysis.mse_table)."""
    return estimate(read_capture_csv(path), models, criterion)
