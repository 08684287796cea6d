"""Splink's Spark backend for habeas's linkage: a local Spark session, and a model trained elsewhere.

`spark_api()` gives the Splink database API that `habeas.linkage.dedupe` uses when asked for
`backend="spark"`: a local Spark session (all cores of this machine, Splink's string-similarity
jar loaded, a checkpoint folder set) whose tables are made from plain rows with an explicit schema,
so a column that is empty in every row, or that holds lists, reads the same as on DuckDB.
`trained_settings(settings, model, "spark")` carries a model trained on DuckDB (its m and u
probabilities and its prior) over to Spark's SQL, so both backends score pairs with the same
parameters. `unavailable()` says why Spark cannot run here (no pyspark, no Java), or None.

Spark pays off only when the data no longer fit one machine's memory or DuckDB's time; see
docs/linkage.md, section "Spark".
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Mapping
from typing import Any

from habeas.errors import ConfigError

__all__ = ["spark_api", "spark_session", "trained_settings", "unavailable"]

# Trained values a comparison level carries; everything else comes from the target dialect's settings.
_TRAINED = ("m_probability", "u_probability", "tf_minimum_u_value")
# Splink saves an m or u that EM drove to 0.0 but refuses to load one below this; it scores with
# max(value, this) anyway, so raising 0.0 to it leaves every weight as the trained model had it.
_SMALLEST = 1e-300


def unavailable() -> str | None:
    """Why the Spark backend cannot run on this machine, or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed: pip install 'habeas[spark]'"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and not shutil.which(
        "java"
    ):
        return "no Java runtime: Spark needs Java 17 (set JAVA_HOME or put java on PATH)"
    return None


@functools.cache
def spark_session() -> Any:
    """One local Spark session per process, quiet, with Splink's similarity functions loaded."""
    reason = unavailable()
    if reason:
        raise ConfigError(f"backend: 'spark' cannot run here; {reason}")
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master("local[*]")
        .appName("habeas-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # A few partitions: local mode has a few cores, and the default 200 costs minutes of overhead.
        .config("spark.sql.shuffle.partitions", str(max(4, 2 * (os.cpu_count() or 1))))
        .config("spark.driver.memory", os.environ.get("HABEAS_SPARK_MEMORY", "4g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # Splink breaks long query plans with checkpoints, which need a folder.
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="habeas-spark-"))
    return spark


def spark_api() -> Any:
    """Splink's Spark database API on the local session, reading plain rows with an explicit schema."""
    from splink.internals.spark.database_api import SparkAPI

    class _RowsSparkAPI(SparkAPI):  # type: ignore[misc, unused-ignore]
        def _table_registration(self, input: Any, table_name: str) -> None:
            super()._table_registration(_to_spark(self.spark, input), table_name)

    return _RowsSparkAPI(spark_session=spark_session())  # type: ignore[no-untyped-call, unused-ignore]


def _loadable(value: Any) -> Any:
    return max(value, _SMALLEST) if isinstance(value, float) else value


def _to_spark(spark: Any, data: Any) -> Any:
    """A pandas frame or list of dicts as a Spark frame; other inputs (Spark frames) as they are."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    if isinstance(data, pd.DataFrame):
        frame = data.astype(object).where(data.notna(), None)
        records = frame.to_dict("records")
        columns = list(frame.columns)
    elif isinstance(data, list) and all(isinstance(row, Mapping) for row in data):
        records = data
        columns = list(dict.fromkeys(column for row in data for column in row))
    else:
        return data
    schema = _schema([(column, [row.get(column) for row in records]) for column in columns])
    return spark.createDataFrame([tuple(row.get(c) for c in columns) for row in records], schema)


def _schema(columns: list[tuple[str, list[Any]]]) -> Any:
    """Lists → array<string>, whole numbers → bigint, numbers → double, the rest (and all-empty) → string."""
    from pyspark.sql import types as T

    fields = []
    for name, values in columns:
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, list | tuple) for v in present):
            kind: Any = T.ArrayType(T.StringType())
        elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            kind = T.LongType()
        elif present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            kind = T.DoubleType()
        else:
            kind = T.StringType()
        fields.append(T.StructField(name, kind, nullable=True))
    return T.StructType(fields)


def trained_settings(settings: Any, model: Mapping[str, Any], dialect: str = "spark") -> dict[str, Any]:
    """`settings` (a SettingsCreator) in `dialect`'s SQL, with the parameters of a trained `model`.

    `model` is `linker.misc.save_model_to_json()` of a linker trained on another backend. Its SQL
    is written for that backend (DuckDB quotes column names in a way Spark reads as text), so the
    SQL is regenerated for `dialect` and only the trained numbers are copied, level by level.
    """
    target: dict[str, Any] = copy.deepcopy(settings.create_settings_dict(dialect))
    trained = model["comparisons"]
    if len(trained) != len(target["comparisons"]):
        raise ConfigError(
            "model: its comparisons are not those of the settings; train it with the same specs"
        )
    for mine, theirs in zip(target["comparisons"], trained, strict=True):
        levels, trained_levels = mine["comparison_levels"], theirs["comparison_levels"]
        if len(levels) != len(trained_levels):
            raise ConfigError(
                f"model: comparison {mine.get('output_column_name')} has other levels than the settings"
            )
        for level, trained_level in zip(levels, trained_levels, strict=True):
            for key in _TRAINED:
                if key in trained_level:
                    level[key] = _loadable(trained_level[key])
    target["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return target
