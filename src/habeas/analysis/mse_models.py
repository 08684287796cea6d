"""Closed-population log-linear models, named as on the command line, and their design matrices.

The models are those of Rcapture's `closedp` (Baillargeon & Rivest 2007, J. Stat.
Software 19(5)), fitted to the 2^k − 1 observable capture histories:

    M0          one common capture parameter (a column: the number of lists a history is on)
    Mt          one parameter per list (independent lists)
    Mh-*        M0 plus heterogeneity; Mth-* is Mt plus heterogeneity, where * is
                chao     Chao's lower bound: columns max(s − j + 1, 0) for j = 3..k (s: lists on)
                poisson  Poisson2, the column 2^s − 1
                darroch  Darroch, the column s²/2
                gamma    Gamma3.5, the column −log(3.5 + s) + log(3.5)
    +A:B        a two-list interaction (the product of the lists' columns); several may follow
    +2way       every two-list interaction

so `Mt+2way` is independence plus all pairwise interactions, and `Mt+EXH:ABA+OSCE:HRW`
adds two chosen ones. Every design has an intercept first: the log of the expected
number of people seen on no list.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from habeas.analysis.mse_table import observable_histories
from habeas.errors import ValidationError

Matrix = npt.NDArray[np.float64]

HETEROGENEITY = ("chao", "poisson", "darroch", "gamma")
BASES = ("M0", "Mt", *(f"{base}-{h}" for base in ("Mh", "Mth") for h in HETEROGENEITY))
# The default set: Rcapture's closedp table without the behavioural models Mb and Mbh (lists
# have no order, so "after the first capture" means nothing), plus all pairwise interactions.
STANDARD_MODELS = ("M0", "Mt", "Mt+2way", *BASES[2:])
# Two lists identify only two parameters and the intercept (three cells).
TWO_LIST_MODELS = ("M0", "Mt")
GAMMA_THETA = 3.5  # Rcapture's default for Mh Gamma
POISSON_THETA = 2.0  # Rcapture's Poisson2


@dataclass(frozen=True)
class Design:
    """A model's design matrix over the observable histories, with what each column is."""

    model: str
    columns: tuple[str, ...]  # "(Intercept)", a list's name, "A:B", "captures", "eta3", "tau"
    matrix: Matrix  # one row per observable history, in CaptureTable.histories() order
    heterogeneity: tuple[int, ...]  # indexes of the heterogeneity columns
    interactions: tuple[int, ...]  # indexes of the interaction columns (0/1 products of lists)
    chao: bool  # Chao's lower bound: negative eta parameters are removed, as Rcapture does


def default_models(k: int) -> tuple[str, ...]:
    """The models fitted when none is named: all standard ones, or M0 and Mt for two lists."""
    return TWO_LIST_MODELS if k == 2 else STANDARD_MODELS


def design(model: str, lists: tuple[str, ...]) -> Design:
    """The design matrix of `model` (as named on the command line) for a table of `lists`.

    Raises ValidationError for a name that is not a model or an interaction of unknown lists.
    """
    base, terms = _parse(model, lists)
    histories = np.array(observable_histories(len(lists)), dtype=np.float64)
    captures = histories.sum(axis=1)
    columns: list[tuple[str, npt.NDArray[np.float64]]] = [("(Intercept)", np.ones(len(histories)))]
    if base == "M0" or base.startswith("Mh-"):
        columns.append(("captures", captures))
    else:
        columns += [(name, histories[:, i]) for i, name in enumerate(lists)]
    first_interaction = len(columns)
    for term in terms:
        product = np.prod(histories[:, list(term)], axis=1)
        columns.append((":".join(lists[i] for i in term), product))
    first_heterogeneity = len(columns)
    kind = base.partition("-")[2]
    columns += _heterogeneity(kind, captures, len(lists))
    names = tuple(name for name, _ in columns)
    return Design(
        model=_canonical(base, terms, lists, model),
        columns=names,
        matrix=np.column_stack([values for _, values in columns]),
        heterogeneity=tuple(range(first_heterogeneity, len(columns))),
        interactions=tuple(range(first_interaction, first_heterogeneity)),
        chao=kind == "chao",
    )


def check_model_name(model: str, lists: tuple[str, ...]) -> str:
    """The canonical spelling of `model` for these lists; ValidationError when it is not a model."""
    base, terms = _parse(model, lists)
    return _canonical(base, terms, lists, model)


def _heterogeneity(kind: str, captures: Matrix, k: int) -> list[tuple[str, Matrix]]:
    if kind == "chao":
        # Rcapture: with fewer than three lists the column is all zeros (and so not identifiable).
        if k < 3:
            return [("eta", np.zeros(len(captures)))]
        return [(f"eta{j}", np.maximum(captures - j + 1, 0.0)) for j in range(3, k + 1)]
    if kind == "poisson":
        return [("tau", POISSON_THETA**captures - 1)]
    if kind == "darroch":
        return [("tau", captures**2 / 2)]
    if kind == "gamma":
        return [("tau", -np.log(GAMMA_THETA + captures) + math.log(GAMMA_THETA))]
    return []


def _parse(model: str, lists: tuple[str, ...]) -> tuple[str, list[tuple[int, ...]]]:
    """The base model and the interaction terms (tuples of list indexes) of a model name."""
    parts = [part.strip() for part in model.strip().split("+")]
    by_lower = {base.lower(): base for base in BASES}
    base = by_lower.get(parts[0].lower())
    if base is None:
        raise ValidationError(
            "--model",
            model,
            f"start with one of {', '.join(BASES)}; add terms as Mt+A:B or Mt+2way",
        )
    terms: list[tuple[int, ...]] = []
    for part in parts[1:]:
        new: list[tuple[int, ...]]
        if part.lower() == "2way":
            new = list(itertools.combinations(range(len(lists)), 2))
        else:
            new = [_term(part, model, lists)]
        terms += [term for term in new if term not in terms]
    return base, terms


def _term(part: str, model: str, lists: tuple[str, ...]) -> tuple[int, ...]:
    names = [name.strip() for name in part.split(":")]
    if len(names) < 2:
        raise ValidationError(
            "--model",
            model,
            f"write an interaction as two list names joined by ':', such as {lists[0]}:{lists[1]}",
        )
    indexes = sorted({_list_index(name, model, lists) for name in names})
    if len(indexes) != len(names):
        raise ValidationError("--model", model, f"the term {part!r} names a list twice")
    return tuple(indexes)


def _list_index(name: str, model: str, lists: tuple[str, ...]) -> int:
    if name in lists:
        return lists.index(name)
    folded = [i for i, known in enumerate(lists) if known.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ValidationError(
        "--model", model, f"{name!r} is not one of the lists; the lists are {', '.join(lists)}"
    )


def _canonical(base: str, terms: list[tuple[int, ...]], lists: tuple[str, ...], given: str) -> str:
    if "2way" in given.lower() and all(
        term in terms for term in itertools.combinations(range(len(lists)), 2)
    ):
        extra = [term for term in terms if len(term) != 2]
        return "+".join([base, "2way", *(":".join(lists[i] for i in term) for term in extra)])
    return "+".join([base, *(":".join(lists[i] for i in term) for term in terms)])
