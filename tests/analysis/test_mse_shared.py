"""The published tables in ../shared/data/mse: the figures docs/estimation.md records, and the published ones.

Every table of docs/estimation.md under a `<!-- figures: FILE -->` line is
recomputed here, so the page cannot drift from what `habeas estimate` gives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from habeas.analysis.mse import estimate, fit_model
from habeas.analysis.mse_bma import posterior
from habeas.analysis.mse_table import CaptureTable, read_capture_csv

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "mse"
DOC = ROOT / "docs" / "estimation.md"

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="the MSE tables are not in ../shared/data/mse")

Row = tuple[str, float, float, float, float, float, int, float, float]


def recorded() -> list[tuple[str, Row]]:
    """(file, row) for every row of every table that follows a `<!-- figures: FILE -->` line."""
    rows: list[tuple[str, Row]] = []
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        marker = re.fullmatch(r"<!-- figures: (\S+) -->", line.strip())
        if marker:
            current = marker.group(1)
        elif current and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            lower, upper = (float(x) for x in cells[3].split("–"))
            model = cells[0].strip("`")
            rows.append(
                (
                    current,
                    (
                        model,
                        float(cells[1]),
                        float(cells[2]),
                        lower,
                        upper,
                        float(cells[4]),
                        int(cells[5]),
                        float(cells[6]),
                        float(cells[7]),
                    ),
                )
            )
        elif current and not line.startswith("|") and line.strip():
            current = None
    return rows


def table(name: str) -> CaptureTable:
    return read_capture_csv(DATA / name)


def test_the_page_records_every_standard_model_of_every_table() -> None:
    files = {name for name, _ in recorded()}
    assert files == {"kosovo-1999.csv", "uk-modern-slavery-2013.csv", "madigan-york-5lists.csv"}
    assert len(recorded()) == 3 * 11 + 2 + 2


@pytest.mark.parametrize(
    ("name", "row"), recorded(), ids=lambda value: value if isinstance(value, str) else value[0]
)
def test_the_figures_on_the_page_are_what_habeas_computes(name: str, row: Row) -> None:
    model, total, se, lower, upper, deviance, df, aic, bic = row
    fit = fit_model(table(name), model)
    assert fit.ci95 is not None and fit.ci95[1] is not None, fit.problem
    assert fit.total == pytest.approx(total, abs=0.051)
    assert fit.se == pytest.approx(se, abs=0.051)
    assert fit.ci95[0] == pytest.approx(lower, abs=0.051)
    assert fit.ci95[1] == pytest.approx(upper, abs=0.051)
    assert fit.deviance == pytest.approx(deviance, abs=0.0006)
    assert fit.df == df
    assert fit.aic == pytest.approx(aic, abs=0.0006)
    assert fit.bic == pytest.approx(bic, abs=0.0006)


def test_kosovo_matches_silverman_chan_and_vincent() -> None:
    # Table 6 of Silverman, Chan & Vincent (2024): the lowest-BIC hierarchical model, 10,357;
    # the lowest-BIC model with two-list interactions only, 14,342.
    kosovo = table("kosovo-1999.csv")
    assert kosovo.n == 4400
    three_way = fit_model(kosovo, "Mt+EXH:ABA+EXH:OSCE+EXH:HRW+ABA:OSCE+OSCE:HRW+EXH:ABA:OSCE")
    two_way = fit_model(kosovo, "Mt+EXH:ABA+EXH:OSCE+EXH:HRW+ABA:OSCE+OSCE:HRW")
    assert round(three_way.total or 0) == 10357
    assert round(two_way.total or 0) == 14342
    result = estimate(kosovo)
    assert result.selected is not None and result.selected.model == "Mt+2way"
    assert [w.code for w in result.warnings] == ["poor_fit"]


def test_uk_matches_the_published_range_and_silverman_chan_and_vincent() -> None:
    uk = table("uk-modern-slavery-2013.csv")
    assert uk.n == 2744
    # Silverman (2014): "between 10 thousand and 13 thousand", from the stepwise model.
    stepwise = fit_model(uk, "Mt+PF:NCA+LA:NG+NG:GP+LA:PF+PF:GP+GO:GP+NG:GO")
    assert stepwise.ci95 is not None and stepwise.ci95[1] is not None
    assert (round(stepwise.ci95[0], -3), round(stepwise.ci95[1], -3)) == (10000, 13000)
    # Table 6 of Silverman, Chan & Vincent (2024): lowest BIC with two-list interactions, 12,350.
    assert round(fit_model(uk, "Mt+LA:NG+LA:PF+NG:GP+PF:GP+PF:NCA+GO:GP").total or 0) == 12350
    result = estimate(uk)
    overlap = {w.lists for w in result.warnings if w.code == "lists_barely_overlap"}
    assert overlap == {("LA", "GP"), ("LA", "NCA"), ("NG", "GP"), ("GP", "NCA")}
    chosen = result.selected
    assert chosen is not None and chosen.model == "Mt+2way" and chosen.boundary == ("LA:GP", "LA:NCA")


def test_madigan_york_has_537_people_and_fits() -> None:
    result = estimate(table("madigan-york-5lists.csv"))
    assert result.n == 537
    assert result.selected is not None and result.selected.model == "Mt+2way"
    assert not [w for w in result.warnings if w.code == "poor_fit"]


def test_the_bma_figures_on_the_page() -> None:
    five = table("madigan-york-5lists.csv")
    as_dga = posterior(five, delta=0.5, unseen=range(1, 301))  # the dga README's settings
    assert (as_dga.quantile(0.5), as_dga.quantile(0.025), as_dga.quantile(0.975)) == (616, 588, 655)
    assert round(as_dga.mean, 1) == 617.8 and round(as_dga.sd, 1) == 17.3
    assert as_dga.graphs[0][0] == "L1:L2 + L1:L3 + L2:L4 + L4:L5" and round(as_dga.graphs[0][1], 2) == 0.22
    default = posterior(five)
    assert (default.quantile(0.5), default.quantile(0.025), default.quantile(0.975)) == (618, 590, 656)
    assert default.graphs[0][0] == "L1:L2 + L1:L3 + L4:L5" and round(default.graphs[0][1], 2) == 0.44
    kosovo = posterior(table("kosovo-1999.csv"))
    assert (kosovo.quantile(0.5), kosovo.quantile(0.025), kosovo.quantile(0.975)) == (12597, 9825, 16545)
    assert kosovo.graphs[0][0] == "EXH:ABA:OSCE + EXH:OSCE:HRW" and round(kosovo.graphs[0][1], 2) == 0.99
