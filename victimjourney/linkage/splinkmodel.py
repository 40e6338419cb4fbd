"""The Splink model: what is compared, how it is blocked, how it is trained, how it predicts.

A Fellegi-Sunter model (Splink 5): for each field a pair of records falls in one level
(same name, a nickname, a typo, different...), each level carries a weight learnt without
labels (u from random pairs, m by expectation maximisation), and the weights add up to a match
probability. DuckDB runs it by default; at national volume the same settings run on Spark
(`backend="spark"`, docs/LINKAGE.md). No Django here: tables in, tables out.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.column_expression import ColumnExpression

from victimjourney.linkage.normalise import BLOCKING_KEYS

SCHEMA = pa.schema([
    ("unique_id", pa.int64()), ("first_name", pa.string()),
    ("first_std", pa.list_(pa.string())), ("fi", pa.string()), ("surname", pa.string()),
    ("surname_parts", pa.list_(pa.string())), ("surname_sx", pa.string()),
    ("dob", pa.string()), ("birth_year", pa.string()), ("postcode", pa.string()),
    ("address", pa.string()), ("house", pa.string()), ("phone", pa.string()),
    ("email", pa.string()), ("case_id", pa.int64()),
])
COLUMNS = tuple(SCHEMA.names)
_SECTOR = "^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? [0-9]"
_DISTRICT = "^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?"

# m of "different first names": log2(1e-30 / u) is about -100, more than every other field
# agreeing can add (a twin at the same home with the same landline): a veto.
DIFFERENT_FIRST_NAMES_M = 1e-30

# Match probability at which a link is proposed for review (match weight -3.17). Chosen from
# the curves of `bench/linkage.py` (docs/LINKAGE.md has them): of the thresholds measured, the
# only one at which precision and recall are both at least 0.97 for 20,000, 100,000 and
# 1,000,000 records of synthetic populations 1 and 2. At a million: precision 0.9730 and
# recall 0.9716 (seed 1), 0.9724 and 0.9708 (seed 2); at 0.2 recall is 0.9707 and 0.9696, at
# 0.5 0.9696 and 0.9686; at 0.05 precision is 0.9603 and 0.9583. A person reviews every
# proposal, so the low threshold costs reviewers' time (from 0.2 to 0.1 at a million, five or
# six false proposals for each true link gained), not wrong links: a missed link is a repeat
# victim nobody recognises.
DEFAULT_THRESHOLD = 0.1

logging.getLogger("splink").setLevel(logging.ERROR)


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="first_name", comparison_description=(
        "first name"), comparison_levels=[
        cll.NullLevel("first_name"),
        cll.ExactMatchLevel("first_name").configure(
            tf_adjustment_column="first_name", label_for_charts="the same first name"),
        cll.ArrayIntersectLevel("first_std", min_intersection=1).configure(
            label_for_charts="first names that are variants of one name (e.g. Bob, Robert)"),
        cll.DamerauLevenshteinLevel("first_name", 1).configure(
            label_for_charts="first names one typing error apart"),
        cll.JaroWinklerLevel("first_name", 0.9).configure(
            label_for_charts="similar first names"),
        # Rare in training data, so stated rather than learnt.
        cll.CustomLevel(
            "(length(first_name_l) = 1 or length(first_name_r) = 1) "
            "and substr(first_name_l, 1, 1) = substr(first_name_r, 1, 1)").configure(
            label_for_charts="an initial that fits the first name", m_probability=0.01,
            u_probability=0.0005, fix_m_probability=True, fix_u_probability=True),
        # Not the same name, a variant, a typo or an initial: a different person. Twins and
        # siblings agree on everything else (surname, birth date, home, landline), so this
        # level is fixed, not learnt, at a weight that no other agreement can outweigh.
        cll.ElseLevel().configure(label_for_charts="different first names",
                                  m_probability=DIFFERENT_FIRST_NAMES_M,
                                  fix_m_probability=True),
    ])


def _surname() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="surname", comparison_description="surname",
                               comparison_levels=[
        cll.NullLevel("surname"),
        cll.ExactMatchLevel("surname").configure(
            tf_adjustment_column="surname", label_for_charts="the same surname"),
        cll.DamerauLevenshteinLevel("surname", 1).configure(
            label_for_charts="surnames one typing error apart"),
        cll.ArrayIntersectLevel("surname_parts", min_intersection=1).configure(
            label_for_charts="one surname is part of the other (double-barrelled)"),
        cll.JaroWinklerLevel("surname", 0.88).configure(label_for_charts="similar surnames"),
        cll.ElseLevel().configure(
            label_for_charts="different surnames (perhaps a name taken on marriage)"),
    ])


def _date_of_birth() -> cl.CustomComparison:
    dob = ColumnExpression("dob")
    return cl.CustomComparison(output_column_name="dob", comparison_description="date of birth",
                               comparison_levels=[
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob").configure(label_for_charts="the same date of birth"),
        cll.LevenshteinLevel("dob", 1).configure(
            label_for_charts="dates of birth one digit apart"),
        cll.And(cll.ExactMatchLevel(dob.substr(1, 4)),
                cll.CustomLevel("substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                                "and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)")).configure(
            label_for_charts="day and month of birth swapped"),
        cll.AbsoluteDateDifferenceLevel("dob", input_is_string=True, threshold=1,
                                        metric="year").configure(
            label_for_charts="dates of birth within a year"),
        cll.ElseLevel().configure(label_for_charts="different dates of birth"),
    ])


def _address() -> cl.CustomComparison:
    """Address and postcode as one comparison: they say the same thing (where the person
    lives), so counting them separately would count one fact twice."""
    postcode = ColumnExpression("postcode")
    return cl.CustomComparison(output_column_name="address", comparison_description="address",
                               comparison_levels=[
        cll.CustomLevel("(postcode_l is null or postcode_r is null) "
                        "and (address_l is null or address_r is null)").configure(
            is_null_level=True, label_for_charts="no address recorded on both"),
        cll.And(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("house")).configure(
            label_for_charts="the same home (postcode and house number)"),
        cll.ExactMatchLevel("address").configure(label_for_charts="the same address"),
        cll.ExactMatchLevel("postcode").configure(label_for_charts="the same postcode"),
        cll.ExactMatchLevel(postcode.regex_extract(_SECTOR)).configure(
            label_for_charts="the same postcode sector"),
        cll.ExactMatchLevel(postcode.regex_extract(_DISTRICT)).configure(
            label_for_charts="the same postcode district"),
        cll.ElseLevel().configure(label_for_charts="different addresses"),
    ])


def _phone() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="phone", comparison_description="phone",
                               comparison_levels=[
        cll.NullLevel("phone"),
        cll.ExactMatchLevel("phone").configure(label_for_charts="the same phone number"),
        cll.ElseLevel().configure(label_for_charts="different phone numbers"),
    ])


def _email() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="email", comparison_description="email",
                               comparison_levels=[
        cll.NullLevel("email"),
        cll.ExactMatchLevel("email").configure(label_for_charts="the same email address"),
        cll.ExactMatchLevel(ColumnExpression("email").regex_extract("^[^@]+")).configure(
            # Rare in training data, so stated rather than learnt.
            label_for_charts="the same email name at another provider", m_probability=0.01,
            u_probability=0.00001, fix_m_probability=True, fix_u_probability=True),
        cll.ElseLevel().configure(label_for_charts="different email addresses"),
    ])


def blocking_rules() -> list:
    """Splink's blocking rules, made from the same list as the database's blocking keys."""
    return [block_on(*columns) for _, columns in BLOCKING_KEYS]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[_first_name(), _surname(), _date_of_birth(), _address(), _phone(),
                     _email()],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=["case_id"],
        max_iterations=20,
    )


def records_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (`Normalised.as_row()` plus unique_id and case_id) as an Arrow table for Splink."""
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)


def db_api(backend: str = "duckdb", *, spark: Any = None, threads: int | None = None):
    """A Splink database API: DuckDB in memory (default), or Spark with SPARK's session."""
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        if threads:
            connection.execute(f"SET threads TO {int(threads)}")
        connection.execute("SET preserve_insertion_order = false")
        return DuckDBAPI(connection)
    if backend == "spark":
        from splink import SparkAPI

        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
        if spark.sparkContext.getCheckpointDir() is None:
            # Splink writes its intermediate tables under the checkpoint directory; a cluster
            # sets its own (spark.checkpoint.dir), a local session gets a temporary one.
            import tempfile

            spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="vj-linkage-spark-"))
        # Splink's string similarity functions (jaro_winkler, damerau_levenshtein) are Scala
        # functions in a jar it ships; the session must have the jar before Splink registers
        # them.
        from splink.backends.spark import similarity_jar_location

        spark.sql(f"ADD JAR '{similarity_jar_location()}'")
        return SparkAPI(spark_session=spark)
    raise ValueError(f"unknown linkage backend {backend!r} (duckdb or spark)")


_SPARK_TYPES = {pa.int64(): "bigint", pa.string(): "string", pa.float64(): "double",
                pa.list_(pa.string()): "array<string>"}


def _register(api: Any, table: pa.Table) -> Any:
    if type(api).__name__ == "SparkAPI":
        return api.register(_spark_frame(api.spark, table))
    return api.register(table)


def _spark_frame(spark: Any, table: pa.Table) -> Any:
    """TABLE as a Spark DataFrame. PySpark 4 takes an Arrow table as it is; before that, rows
    with the schema stated (from pandas, Spark cannot tell the type of a list column)."""
    try:
        return spark.createDataFrame(table)
    except (TypeError, ValueError):
        schema = ", ".join(f"`{f.name}` {_SPARK_TYPES[f.type]}" for f in table.schema)
        return spark.createDataFrame(table.to_pylist(), schema=schema)


def train(table: pa.Table, *, api: Any = None, seed: int = 1,
          max_pairs: float | None = None, em_max_pairs: float = 2e6) -> dict[str, Any]:
    """Learn the model's weights from unlabelled records; returns the model as JSON-ready data.

    The chance that two random records match is estimated from pairs agreeing on name, date
    of birth and email; u from random pairs (MAX_PAIRS, by default 40 a record up to 5
    million); m by two rounds of expectation maximisation, one blocked on date of birth
    (learns the rest) and one on the names (learns date of birth), each on at most
    EM_MAX_PAIRS blocked pairs (Splink 5 samples records, by a hash of their id, only when
    given `max_pairs`; `record_sample_proportion` is then the share of records it probes to
    count the pairs first).
    """
    api = api or db_api()
    linker = Linker(_register(api, table), settings(), log_level=None)
    n = table.num_rows
    # Enough random pairs for the u of the rarer levels; more only costs time.
    max_pairs = max_pairs or min(5e6, max(2e5, 40.0 * n))
    probe = min(1.0, 100_000 / max(n, 1))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("email")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in (block_on("dob"), block_on("first_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=em_max_pairs, record_sample_proportion=probe)
    return linker.misc.save_model_to_json()


def predict(model: dict[str, Any], table: pa.Table, *, threshold_weight: float,
            frequencies: dict[str, Any] | None = None, api: Any = None) -> pa.Table:
    """Scored pairs of records (on different cases) at or above THRESHOLD_WEIGHT (match weight,
    log2 of the odds): ids, weight, probability, and each comparison's level and weight
    (`output_columns`). Names are weighed by FREQUENCIES (default: their frequency in TABLE),
    exactly as the first-contact look-up weighs them."""
    api = api or db_api()
    frequencies = frequencies or term_frequencies(table)
    model = for_dialect(model, api.sql_dialect.sql_dialect_str)
    linker = Linker(_register(api, table), _with_output(model), log_level=None)
    for column in TF_COLUMNS:
        values = pa.compute.unique(table.column(column).drop_null())
        lookup = pa.table({column: values, f"tf_{column}": [
            frequency(frequencies, column, v) for v in values.to_pylist()]})
        linker.table_management.register_term_frequency_lookup(_register(api, lookup), column)
    pairs = linker.inference.predict(threshold_match_weight=threshold_weight)
    sql = (f"select {', '.join(output_columns(model))} "  # noqa: S608
           f"from {pairs.physical_name} where case_id_l is distinct from case_id_r")
    return pa.Table.from_pandas(linker.misc.query_sql(sql, output_type="pandas"),
                                preserve_index=False)


def output_columns(model: dict[str, Any]) -> list[str]:
    """The columns kept of a scored pair: ids, weight, probability, and per comparison its
    level (gamma_) and weight (mw_, plus mw_tf_adj_ for a name's frequency)."""
    names = comparison_names(model)
    return ["unique_id_l", "unique_id_r", "match_weight", "match_probability",
            *(f"gamma_{name}" for name in names), *(f"mw_{name}" for name in names),
            *(f"mw_tf_adj_{name}" for name in TF_COLUMNS)]


TF_COLUMNS = ("first_name", "surname")


def _with_output(model: dict[str, Any]) -> dict[str, Any]:
    out = dict(model)
    out["retain_intermediate_calculation_columns"] = True
    out["retain_matching_columns"] = True
    out["additional_columns_to_retain"] = ["case_id"]
    return out


def comparison_names(model: dict[str, Any]) -> list[str]:
    return [c["output_column_name"] for c in model["comparisons"]]


def probability(weight: float) -> float:
    return 1 / (1 + 2 ** -weight)


def weight(probability_value: float) -> float:
    return math.log2(probability_value / (1 - probability_value))


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """For each comparison, its levels by gamma value (the null level is -1)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: "not recorded on both"}
        for i, level in enumerate(non_null):
            labels[len(non_null) - 1 - i] = level.get("label_for_charts") or level[
                "sql_condition"]
        out[comparison["output_column_name"]] = labels
    return out


def explain(model: dict[str, Any], gammas: dict[str, int], weights: dict[str, float]
            ) -> list[dict[str, Any]]:
    """What agreed and what did not, field by field: the level reached and its weight (log2
    Bayes factor, with the name's frequency; positive is evidence for the same person)."""
    labels = level_labels(model)
    out = []
    for name in comparison_names(model):
        gamma = int(gammas.get(name, -1))
        top = max(labels[name])
        out.append({"field": name, "gamma": gamma, "level": labels[name].get(gamma, "?"),
                    "weight": round(float(weights.get(name, 0.0)), 2),
                    "agreement": ("missing" if gamma == -1 else "agrees" if gamma == top
                                  else "differs" if gamma == 0 else "partly agrees")})
    return out


def pair_evidence(row: dict[str, Any], names: Sequence[str]
                  ) -> tuple[dict[str, int], dict[str, float]]:
    """A scored pair's level and weight per comparison (a name's weight includes the
    adjustment for how common the name is)."""
    gammas = {name: int(row[f"gamma_{name}"]) for name in names}
    weights = {}
    for name in names:
        value = float(row.get(f"mw_{name}") or 0.0)
        adjustment = row.get(f"mw_tf_adj_{name}")
        if adjustment is not None and adjustment == adjustment:  # not NaN
            value += float(adjustment)
        weights[name] = round(value, 3)
    return gammas, weights


def frequency(frequencies: dict[str, Any], column: str, value: str) -> float:
    """How common VALUE is in COLUMN; a value seen once or never counts as one record."""
    return frequencies.get(column, {}).get(value) or frequencies["_floor"]


def term_frequencies(table: pa.Table) -> dict[str, Any]:
    """How common each first name and surname is among the records, as Splink computes it
    (count / records with the field), for scoring at first contact. A value seen once is not
    stored: `_floor` (one record) stands for it."""
    out: dict[str, Any] = {"_floor": 1 / max(table.num_rows, 1)}
    for column in TF_COLUMNS:
        values = table.column(column).drop_null()
        total = max(len(values), 1)
        counts = pa.compute.value_counts(values)
        out[column] = {item["values"].as_py(): item["counts"].as_py() / total
                       for item in counts if item["counts"].as_py() > 1}
    return out


def for_scoring(model: dict[str, Any]) -> dict[str, Any]:
    """MODEL as the first-contact look-up runs it (DuckDB, every column kept)."""
    return _with_output(for_dialect(model, "duckdb"))


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """MODEL with its SQL written for DIALECT ("duckdb", "spark"). A saved model holds the SQL
    of the engine that trained it (DuckDB quotes names with "", Spark with ``, their array
    and date functions differ); the comparisons and blocking rules are made again from
    `settings()` for DIALECT and keep the model's learnt m and u, level by level."""
    if model.get("sql_dialect", dialect) == dialect:
        return model
    fresh = settings().create_settings_dict(dialect)
    if comparison_names(fresh) != comparison_names(model):
        raise ValueError("the model's comparisons are not those of settings(): retrain it")
    comparisons = []
    for learnt, made in zip(model["comparisons"], fresh["comparisons"], strict=True):
        levels = learnt["comparison_levels"]
        if len(levels) != len(made["comparison_levels"]):
            raise ValueError(f"the model's {learnt['output_column_name']} levels are not "
                             "those of settings(): retrain it")
        comparisons.append({**learnt, "comparison_levels": [
            {**level, "sql_condition": again["sql_condition"]}
            for level, again in zip(levels, made["comparison_levels"], strict=True)]})
    return {**model, "sql_dialect": dialect, "comparisons": comparisons,
            "blocking_rules_to_generate_predictions": fresh[
                "blocking_rules_to_generate_predictions"]}
