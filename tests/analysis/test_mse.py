"""The estimates against closed forms and hand computations, and the warnings a reader must see.

Every table here is invented, except where a test says which published table it uses.
"""

from __future__ import annotations

import math

import pytest
from scipy.optimize import brentq  # type: ignore[import-untyped]

from habeas.analysis.mse import estimate, fit_model, select
from habeas.analysis.mse_models import STANDARD_MODELS, check_model_name, default_models, design
from habeas.analysis.mse_table import CaptureTable, parse_capture_csv
from habeas.errors import ValidationError

TWO = parse_capture_csv("A,B,count\n1,0,60\n0,1,40\n1,1,20\n")  # n1 = 80, n2 = 60, m = 20
THREE = parse_capture_csv("A,B,C,count\n1,0,0,52\n0,1,0,41\n0,0,1,37\n1,1,0,15\n1,0,1,11\n0,1,1,9\n1,1,1,4\n")


def fitted(table: CaptureTable, model: str) -> tuple[float, float, tuple[float, float | None]]:
    fit = fit_model(table, model)
    assert fit.total is not None and fit.se is not None and fit.ci95 is not None, fit.problem
    return fit.total, fit.se, fit.ci95


def test_mt_on_two_lists_is_the_lincoln_petersen_estimate() -> None:
    total, se, _ = fitted(TWO, "Mt")
    assert total == pytest.approx(80 * 60 / 20, rel=1e-9)
    # Rcapture's s.e. is then the classical one: n1·n2·(n1 − m)·(n2 − m) / m³.
    assert se == pytest.approx(math.sqrt(80 * 60 * 60 * 40 / 20**3), rel=1e-7)
    assert fit_model(TWO, "Mt").df == 0


def test_m0_on_two_lists_by_hand() -> None:
    # M0: each one-list cell has mean a, the two-list cell c. The score equations are
    # 2a + c = n = 120 and 2a + 2c = 140 captures, so c = 20, a = 50, p/(1 − p) = c/a
    # and the unseen cell is a²/c = 125.
    total, _, _ = fitted(TWO, "M0")
    assert total == pytest.approx(120 + 125, rel=1e-9)


def test_m0_on_three_lists_solves_its_score_equations() -> None:
    # M0: a history on s lists has mean A·r^s. Its likelihood equations match the number
    # of people (A·((1 + r)³ − 1) = n) and of captures (A·3r(1 + r)² = T); N = n + A.
    n = THREE.n
    captures = sum(sum(history) * count for history, count in THREE.counts.items())
    r = brentq(lambda r: 3 * r * (1 + r) ** 2 / ((1 + r) ** 3 - 1) - captures / n, 1e-9, 100.0, xtol=1e-14)
    unseen = n / ((1 + r) ** 3 - 1)
    total, _, _ = fitted(THREE, "M0")
    assert total == pytest.approx(n + unseen, rel=1e-8)


def test_mt_on_three_lists_solves_darrochs_equation() -> None:
    # Independent lists: N − n = N · Π (1 − n_j / N) at the maximum likelihood estimate.
    total, _, _ = fitted(THREE, "Mt")
    on_lists = [THREE.on_list(j) for j in range(3)]
    assert total - THREE.n == pytest.approx(total * math.prod(1 - n_j / total for n_j in on_lists), rel=1e-8)


def test_all_two_way_interactions_on_three_lists_is_the_saturated_closed_form() -> None:
    c = THREE.counts
    unseen = (
        c[(1, 1, 1)]
        * c[(1, 0, 0)]
        * c[(0, 1, 0)]
        * c[(0, 0, 1)]
        / (c[(1, 1, 0)] * c[(1, 0, 1)] * c[(0, 1, 1)])
    )
    fit = fit_model(THREE, "Mt+2way")
    assert fit.total == pytest.approx(THREE.n + unseen, rel=1e-8)
    assert fit.df == 0 and fit.deviance == pytest.approx(0, abs=1e-8)
    assert fit.fit_p_value() is None  # nothing left to test the fit on


def test_the_profile_interval_contains_the_estimate_and_is_asymmetric() -> None:
    for model in ("M0", "Mt", "Mt+A:B", "Mh-darroch"):
        total, se, (lower, upper) = fitted(THREE, model)
        assert upper is not None
        assert THREE.n <= lower < total < upper
        # The likelihood falls off slowly towards large totals: the upper arm is the longer.
        assert upper - total > total - lower
        # A Wald interval would be symmetric about N; the profile interval is not.
        assert upper - total != pytest.approx(1.96 * se, rel=0.01)


def test_aic_bic_and_df_are_counted_as_rcapture_counts_them() -> None:
    fit = fit_model(THREE, "Mt+A:B")
    assert fit.df == 7 - 5  # seven cells; intercept, three lists, one interaction
    assert fit.aic is not None and fit.bic is not None
    assert fit.bic - fit.aic == pytest.approx((math.log(THREE.n) - 2) * 5)


def test_model_names_and_terms() -> None:
    lists = ("EXH", "ABA", "OSCE", "HRW")
    assert check_model_name("mt+exh:aba + OSCE:HRW", lists) == "Mt+EXH:ABA+OSCE:HRW"
    assert check_model_name("Mt+2way", lists) == "Mt+2way"
    assert check_model_name("Mth-chao", lists) == "Mth-chao"
    assert design("Mt+2way", lists).matrix.shape == (15, 1 + 4 + 6)
    chao = design("Mh-chao", lists)
    assert chao.columns == ("(Intercept)", "captures", "eta3", "eta4")
    assert design("Mth-poisson", lists).columns[-1] == "tau"
    for bad, says in (
        ("Mx", "start with one of"),
        ("Mt+EXH:NOPE", "'NOPE' is not one of the lists"),
        ("Mt+EXH", "two list names joined by ':'"),
        ("Mt+EXH:EXH", "names a list twice"),
    ):
        with pytest.raises(ValidationError, match=says):
            check_model_name(bad, lists)
    assert default_models(2) == ("M0", "Mt")
    assert default_models(3) == STANDARD_MODELS


def test_two_lists_cannot_identify_the_other_models() -> None:
    result = estimate(TWO, ["Mt", "Mh-chao", "Mt+2way", "Mth-poisson"])
    assert result.selected is not None and result.selected.model == "Mt"
    for fit in result.fits[1:]:
        assert not fit.fitted and "needs at least three lists" in fit.problem
    assert [w.code for w in result.warnings].count("not_fitted") == 3


def test_lists_with_nobody_in_common() -> None:
    # Table 2 of Chan, Silverman & Vincent (2021), an artificial table: A and C, and B and C,
    # share nobody. Their interactions are at −∞; with both, the rest is saturated but fine;
    # with A:B alone the estimate does not exist; with all three it is not identifiable.
    table = parse_capture_csv("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n")
    result = estimate(table, ["Mt", "Mt+A:C+B:C", "Mt+A:B", "Mt+2way"])
    by_model = {fit.model: fit for fit in result.fits}
    assert by_model["Mt+A:C+B:C"].boundary == ("A:C", "B:C")
    assert by_model["Mt+A:C+B:C"].fitted
    assert not by_model["Mt+A:B"].fitted and "does not exist" in by_model["Mt+A:B"].problem
    assert not by_model["Mt+2way"].fitted and "more parameters" in by_model["Mt+2way"].problem
    overlap = [w for w in result.warnings if w.code == "lists_barely_overlap"]
    assert [w.lists for w in overlap] == [("A", "C"), ("B", "C")]
    assert "nobody on both" in overlap[0].message
    assert any(w.code == "boundary" and "A:C, B:C" in w.message for w in result.warnings)


def test_selection_by_aic_or_bic_and_the_warnings_on_it() -> None:
    result = estimate(THREE, ["M0", "Mt", "Mt+A:B", "Mt+2way"], "bic")
    best = min((fit for fit in result.fits if fit.bic is not None), key=lambda fit: fit.bic or 0.0)
    assert result.selected is best
    assert select(result.fits, "aic") is min(result.fits, key=lambda fit: fit.aic or 0.0)
    assert [item["selected"] for item in result.as_json()].count(True) == 1
    with pytest.raises(ValidationError, match="--select"):
        estimate(THREE, ["Mt"], "dic")


def test_a_chosen_model_that_does_not_fit_is_flagged() -> None:
    # Strong positive dependence between A and B that independence (Mt) cannot describe.
    table = parse_capture_csv(
        "A,B,C,count\n1,0,0,30\n0,1,0,30\n0,0,1,60\n1,1,0,90\n1,0,1,12\n0,1,1,12\n1,1,1,20\n"
    )
    result = estimate(table, ["Mt"])
    poor = [w for w in result.warnings if w.code == "poor_fit"]
    assert poor and "Mt does not fit" in poor[0].message


def test_plausible_models_that_disagree_are_shown_side_by_side() -> None:
    # Heterogeneity models over a table that cannot tell them apart give very different totals.
    table = parse_capture_csv(
        "A,B,C,D,count\n"
        + "\n".join(
            f"{a},{b},{c},{d},{[0, 100, 6, 1, 0][a + b + c + d]}"
            for a in (0, 1)
            for b in (0, 1)
            for c in (0, 1)
            for d in (0, 1)
            if a + b + c + d
        )
    )
    result = estimate(table, ["Mh-poisson", "Mh-darroch", "Mh-gamma"])
    disagree = [w for w in result.warnings if w.code == "models_disagree"]
    assert disagree, [(fit.model, fit.total, fit.aic) for fit in result.fits]
    assert set(disagree[0].models) >= {"Mh-poisson", "Mh-gamma"}
    assert "Mh-poisson: N = " in disagree[0].message and "Mh-gamma: N = " in disagree[0].message


def test_json_keeps_the_per_model_shape() -> None:
    result = estimate(THREE, ["Mt", "Mt+2way"])
    first = result.as_json()[0]
    assert list(first) == ["model", "N", "se", "deviance", "df", "aic", "ci95", "bic", "selected"]
    assert first["model"] == "Mt" and len(first["ci95"]) == 2
    unfitted = estimate(TWO, ["Mt+2way", "Mt"]).as_json()[0]
    assert unfitted["N"] is None and unfitted["ci95"] == [None, None]
