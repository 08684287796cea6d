"""The estimates against Rcapture's own published output, to its printed precision.

The reference figures are those of Rcapture 1.4's examples as saved in the package
(tests/Examples/Rcapture-Ex.Rout.save, github.com/cran/Rcapture), for two of its
data sets: `hare` (68 snowshoe hares, 6 trapping occasions; Cormack 1989) and `HIV`
(1,896 people reported by 4 centres in Rome; Abeni et al. 1994), given here as the
published counts. Occasions play the part of lists: the models are the same.
"""

from __future__ import annotations

import pytest

from habeas.analysis.mse import estimate, fit_model
from habeas.analysis.mse_table import parse_capture_csv

HARE = parse_capture_csv(
    """o1,o2,o3,o4,o5,o6,count
0,0,0,0,0,1,4
0,0,0,0,1,0,4
0,0,0,0,1,1,2
0,0,0,1,0,0,3
0,0,0,1,0,1,4
0,0,0,1,1,0,1
0,0,0,1,1,1,1
0,0,1,0,0,0,5
0,0,1,0,0,1,2
0,0,1,0,1,1,1
0,0,1,1,0,1,1
0,1,0,0,0,0,6
0,1,0,0,0,1,1
0,1,0,0,1,0,3
0,1,0,0,1,1,1
0,1,0,1,0,0,3
0,1,0,1,0,1,3
0,1,0,1,1,1,1
0,1,1,0,0,1,2
0,1,1,0,1,1,1
0,1,1,1,0,1,2
0,1,1,1,1,1,1
1,0,0,0,0,0,3
1,0,0,0,0,1,1
1,0,0,0,1,0,2
1,0,0,1,0,0,2
1,0,0,1,1,1,1
1,0,1,0,0,0,1
1,0,1,0,1,0,1
1,0,1,1,0,0,1
1,1,0,0,0,1,1
1,1,0,0,1,0,1
1,1,1,1,1,1,2
"""
)
HIV = parse_capture_csv(
    """c1,c2,c3,c4,count
1,1,1,1,0
1,1,1,0,3
1,1,0,1,1
1,1,0,0,33
1,0,1,1,0
1,0,1,0,20
1,0,0,1,6
1,0,0,0,403
0,1,1,1,3
0,1,1,0,35
0,1,0,1,10
0,1,0,0,545
0,0,1,1,11
0,0,1,0,621
0,0,0,1,205
"""
)

# closedp.t(hare): abundance, stderr, deviance, df, AIC (Mb and Mbh are not list models).
HARE_CLOSEDP = {
    "M0": (75.4, 3.5, 68.516, 61, 154.707),
    "Mt": (75.1, 3.4, 58.314, 56, 154.505),
    "Mh-chao": (79.8, 6.4, 58.023, 58, 150.214),
    "Mh-poisson": (81.5, 5.7, 59.107, 60, 147.298),
    "Mh-darroch": (90.4, 11.6, 61.600, 60, 149.791),
    "Mh-gamma": (100.6, 21.7, 62.771, 60, 150.961),
    "Mth-chao": (79.6, 6.3, 47.115, 52, 151.305),
    "Mth-poisson": (81.1, 5.6, 48.137, 55, 146.327),
    "Mth-darroch": (90.5, 11.7, 50.706, 55, 148.896),
    "Mth-gamma": (101.6, 22.4, 51.956, 55, 150.147),
}


@pytest.mark.parametrize("model", list(HARE_CLOSEDP))
def test_closedp_on_the_hare_data(model: str) -> None:
    abundance, stderr, deviance, df, aic = HARE_CLOSEDP[model]
    fit = fit_model(HARE, model)
    assert fit.total == pytest.approx(abundance, abs=0.05)
    assert fit.se == pytest.approx(stderr, abs=0.05)
    assert fit.deviance == pytest.approx(deviance, abs=0.0005)
    assert fit.df == df
    assert fit.aic == pytest.approx(aic, abs=0.0005)


def test_closedpci_mth_poisson2_on_the_hare_data() -> None:
    # closedpCI.t(hare, m = "Mth", h = "Poisson", h.control = list(theta = 2)):
    # multinomial abundance 80.1, 95% profile likelihood interval 71.8 to 93.8.
    fit = fit_model(HARE, "Mth-poisson")
    assert fit.total_at_profile_max == pytest.approx(80.1, abs=0.05)
    assert fit.ci95 is not None
    assert fit.ci95[0] == pytest.approx(71.8, abs=0.05)
    assert fit.ci95[1] == pytest.approx(93.8, abs=0.05)


@pytest.mark.parametrize(
    ("model", "figures"),
    [
        # closedpCI.t(HIV, dfreq = TRUE, mX = ~ . + c1:c2, mname = "Mt interaction 1,2")
        ("Mt+c1:c2", (12318.5, 1188.7, 7.614, 9, 86.65, 12308.0, 10266.0, 14992.3)),
        # closedpCI.t(HIV, dfreq = TRUE, mX = ~ (c1+c2+c3+c4)^2, mname = "Mt double interaction")
        ("Mt+2way", (23443.5, 9594.9, 3.037, 4, 92.073, 23269.8, 10027.6, 50046.3)),
    ],
)
def test_closedpci_on_the_hiv_data(model: str, figures: tuple[float, ...]) -> None:
    abundance, stderr, deviance, df, aic, at_max, lower, upper = figures
    fit = fit_model(HIV, model)
    assert HIV.n == 1896
    assert fit.total == pytest.approx(abundance, abs=0.05)
    assert fit.se == pytest.approx(stderr, abs=0.05)
    assert fit.deviance == pytest.approx(deviance, abs=0.0005)
    assert fit.df == df
    assert fit.aic == pytest.approx(aic, abs=0.005)
    assert fit.total_at_profile_max == pytest.approx(at_max, abs=0.5)
    assert fit.ci95 == (pytest.approx(lower, abs=0.5), pytest.approx(upper, abs=0.05))


def test_the_hare_data_choose_mth_poisson_by_aic() -> None:
    result = estimate(HARE, list(HARE_CLOSEDP))
    assert result.selected is not None and result.selected.model == "Mth-poisson"
