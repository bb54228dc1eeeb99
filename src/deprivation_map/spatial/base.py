"""What every local statistic returns and how its inference runs: one base for LISA and Gi* results.

:class:`LocalResult` holds what local Moran (:class:`~deprivation_map.spatial.lisa.Hotspots`) and Gi*
(:class:`~deprivation_map.spatial.getis_ord.GiHotspots`) share: the p-values of the chosen inference, their
correction, the labels, the options that produced them, and the same ``to_frame``, ``counts``,
``significance``, ``__repr__`` and ``_repr_html_``. Each subclass adds its statistic's own fields, named as
esda names them (``Is``, ``q``, ``Gs``, ``Zs``, ``z_sim``).

:func:`local_inference` runs the inference both share on the form
``factor[i] * (fixed[i] + sum_j w_ij pool[j])``: conditional permutations (numba kernel) or analytic normal
p-values, then the correction.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from . import labels as lab
from ._prepare import Prepared
from .inference import (
    INFERENCES,
    check_permutations,
    check_seed,
    choose_alternative,
    choose_permutations,
    conditional_counts,
    normal_p,
    p_values,
)
from .multiple_testing import CORRECTION_NAMES, adjust_p

__all__ = ["LocalResult", "check_local_options", "local_inference"]


@dataclass(frozen=True, eq=False, kw_only=True)
class LocalResult:
    """The fields and methods every local statistic's result shares, one row per area in the graph's order.

    Attributes
    ----------
    p : pandas.Series
        Raw p-value for ``alternative`` under ``inference``: conditional-permutation pseudo p-value, or normal
        p-value of the analytic z-score; NaN for areas not tested (isolates, no value).
    p_adjusted : pandas.Series
        ``p`` adjusted for multiple testing by ``correction`` over the tested areas (``p`` itself for ``"none"``).
    labels : pandas.Series of category
        The statistic's label per area (its categories are every label, in the order of :meth:`counts`).
    z_sim : pandas.Series
        The statistic standardised by the mean and standard deviation of its permutations (esda's
        ``z_sim``); NaN with analytic inference and for areas not tested.
    alpha : float
        Significance level of the labels, compared with ``p_adjusted``.
    alternative : {"two-sided", "greater", "less", "folded"}
        See :func:`deprivation_map.spatial.inference.p_values`.
    correction : {"fdr", "bonferroni", "none"}
    inference : {"permutation", "analytic"}
    permutations : int
        Permutations run (what ``"auto"`` chose); 0 with analytic inference.
    seed : int or None
        The seed of the permutations (None with analytic inference).
    statistic : str
        The function that computed the result (``"local_moran"``, ``"local_g"`` ...).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> hot = dm.local_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> isinstance(hot, dm.spatial.LocalResult), hot.inference, hot.permutations  # "auto" for 159 areas
    (True, 'permutation', 6399)
    >>> hot.significance().value_counts(sort=False).to_dict()  # GeoDa's significance map, of the FDR-adjusted p
    {'p <= 0.001': 0, 'p <= 0.01': 6, 'p <= 0.05': 20, 'Not significant': 133, 'Isolate': 0, 'Undefined': 0}
    >>> hot.significance(adjusted=False).value_counts(sort=False).to_dict()  # of the raw p-values
    {'p <= 0.001': 9, 'p <= 0.01': 18, 'p <= 0.05': 25, 'Not significant': 107, 'Isolate': 0, 'Undefined': 0}
    """

    p: pd.Series
    p_adjusted: pd.Series
    labels: pd.Series
    z_sim: pd.Series
    alpha: float
    alternative: str
    correction: str
    inference: str
    permutations: int
    seed: int | None
    statistic: str

    label_order: ClassVar[tuple[str, ...]] = ()
    prefix: ClassVar[str] = ""
    renamed: ClassVar[dict[str, str]] = {}  # old field name -> new one; the old one warns

    def __getattr__(self, name: str) -> Any:  # only called for names that are not attributes
        new = type(self).renamed.get(name)
        if new is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        warnings.warn(
            f"{type(self).__name__}.{name} is now {type(self).__name__}.{new}.", DeprecationWarning, stacklevel=2
        )
        return getattr(self, new)

    @property
    def n(self) -> int:
        """Number of areas (rows), tested or not."""
        return len(self.p)

    def columns(self) -> dict[str, pd.Series]:
        """The columns of :meth:`to_frame` without their prefix; each subclass lists its own."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """The statistic's columns, prefixed (``lisa_`` or ``gi_``), one row per area."""
        return pd.DataFrame({f"{self.prefix}_{name}": column for name, column in self.columns().items()})

    def counts(self) -> pd.Series:
        """Number of areas with each label, every label listed (zeros included)."""
        return self.labels.value_counts(sort=False).reindex(list(self.label_order), fill_value=0)

    def significance(self, levels: tuple[float, ...] = lab.SIGNIFICANCE_LEVELS, *, adjusted: bool = True) -> pd.Series:
        """The data of GeoDa's significance map: the smallest of ``levels`` each area's p-value reaches.

        Parameters
        ----------
        levels : tuple of float
            Significance levels, by default 0.05, 0.01 and 0.001 as GeoDa's.
        adjusted : bool
            Compare ``p_adjusted`` (default, as the labels do) or the raw ``p``.

        Returns
        -------
        pandas.Series of category
            ``"p <= 0.001"`` ... ``"p <= 0.05"``, ``"Not significant"``, and ``"Isolate"``/``"Undefined"``
            where the labels have them; categories in that order (:func:`~deprivation_map.spatial.labels.significance_labels`).
        """
        p = (self.p_adjusted if adjusted else self.p).to_numpy(dtype="float64")
        out = np.full(len(p), lab.NOT_SIGNIFICANT, dtype=object)
        for level in sorted(levels, reverse=True):
            out[p <= level] = lab.significance_label(level)
        untested = self.labels.astype(object).isin(lab.NOT_TESTED).to_numpy()
        out[untested] = self.labels.astype(object).to_numpy()[untested]
        which = f"p adjusted by {CORRECTION_NAMES[self.correction]}" if adjusted else "raw p"
        return pd.Series(out, index=self.p.index, name=f"significance ({which})").astype(
            pd.CategoricalDtype(list(lab.significance_labels(levels)))
        )

    def settings(self) -> dict[str, object]:
        """The options that produced the result, as :meth:`_repr_html_` shows them."""
        return {
            "statistic": self.statistic,
            "areas": self.n,
            "alpha": self.alpha,
            "alternative": self.alternative,
            "correction": CORRECTION_NAMES[self.correction],
            "inference": self.inference,
            "permutations": self.permutations if self.inference == "permutation" else "none (analytic p)",
            "seed": self.seed,
        }

    def _repr_html_(self) -> str:
        return html_repr(self, self.settings(), counts=self.counts(), frame=self.to_frame())

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={n}" for k, n in self.counts().items() if n)
        how = f"{self.permutations:,} permutations" if self.inference == "permutation" else "analytic"
        return (
            f"{type(self).__name__}({self.n} areas, alpha={self.alpha}, {self.alternative}, "
            f"{CORRECTION_NAMES[self.correction]}, {how}; {counts})"
        )


def check_local_options(
    alpha: float,
    alternative: str,
    correction: str,
    inference: str,
    permutations: int | str,
    seed: int | None,
    *,
    stacklevel: int = 2,
) -> dict[str, Any]:
    """Check the options every local statistic shares, before any work; returns them resolved.

    ``alternative="directed"`` warns and becomes ``"folded"``. With analytic inference no permutation runs:
    ``permutations`` must be left at ``"auto"`` (or 0) and becomes 0, and the seed is not used (None).

    Examples
    --------
    >>> check_local_options(0.05, "two-sided", "fdr", "analytic", "auto", 3)["seed"] is None
    True
    >>> check_local_options(0.05, "two-sided", "fdr", "permutation", -1, 3)
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: permutations must be an integer of at least 1, got -1.
    """
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha must lie strictly between 0 and 1, got {alpha!r}.")
    alternative = choose_alternative(alternative, stacklevel=stacklevel + 1)
    v.choose(correction, tuple(CORRECTION_NAMES), what="multiple-testing correction")
    v.choose(inference, tuple(INFERENCES), what="inference")
    options: dict[str, Any] = {"alpha": alpha, "alternative": alternative, "correction": correction}
    if inference == "analytic":
        if permutations not in ("auto", 0):
            raise ValidationError(
                f"inference='analytic' runs no permutations, but permutations={permutations!r} was given; leave "
                "permutations out, or use inference='permutation'."
            )
        return {**options, "permutations": 0, "seed": None}
    return {**options, "permutations": check_permutations(permutations), "seed": check_seed(seed)}


def local_inference(
    prep: Prepared,
    parts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    z_norm: np.ndarray,
    *,
    permutations: int | str,
    seed: int | None,
    alternative: str,
    correction: str,
    alpha: float,
    stacklevel: int = 2,
) -> dict[str, Any]:
    """p-values, adjusted p-values and ``z_sim`` of a local statistic, over the areas with a value.

    ``parts = (pool, fixed, factor, observed)`` define the statistic ``factor * (fixed + W_off @ pool)``
    permuted by the kernel; ``z_norm`` is its analytic z-score, used when ``permutations == 0`` (analytic).
    Isolates get NaN everywhere. Returns the fields of :class:`LocalResult` (arrays) with the permutations
    run and the seed; a warning about the permutations is shown ``stacklevel`` frames up.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.spatial._prepare import prepare
    >>> gdf = dm.datasets.load_georgia()
    >>> prep = prepare(gdf["PctPov"], dm.build_graph(gdf), missing="raise", transform="r")
    >>> z = (prep.y[:, 0] - prep.y[:, 0].mean()) / prep.y[:, 0].std()
    >>> parts = (z, np.zeros(len(z)), z, z * (prep.w @ z))  # z_i * lag_i, permuted by the kernel
    >>> out = local_inference(prep, parts, np.zeros(len(z)), permutations="auto", seed=0,
    ...                       alternative="two-sided", correction="fdr", alpha=0.05)
    >>> out["permutations"], bool((out["p_adjusted"] >= out["p"]).all())
    (6399, True)
    """
    isolated = prep.isolated
    nan = np.full(len(isolated), np.nan)
    if permutations == 0:
        p, z_sim = normal_p(np.where(isolated, np.nan, z_norm), alternative), nan
    else:
        off, _ = prep.off_diagonal()
        k = np.diff(off.indptr)
        permutations = choose_permutations(
            permutations,
            tests=int((~isolated).sum()),
            steps=int(k.sum()),
            columns=int(k.max(initial=0)),
            alpha=alpha,
            correction=correction,
            alternative=alternative,
            stacklevel=stacklevel + 1,
        )
        pool, fixed, factor, observed = parts
        n_ge, n_le, z_sim = conditional_counts(pool, off, fixed, factor, observed, permutations, seed)
        p = np.where(isolated, np.nan, p_values(n_ge, n_le, permutations, alternative))
        z_sim = np.where(isolated, np.nan, z_sim)
    return {"p": p, "p_adjusted": adjust_p(p, correction), "z_sim": z_sim, "permutations": permutations, "seed": seed}
